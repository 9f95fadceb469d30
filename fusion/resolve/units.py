"""Unit resolution (实有单位: companies, venues, schools, hospitals ...) across unit feeds.

单位实体解析：统一社会信用代码（USCC）一致即同一单位；否则按中文名称（按字符的 Jaro-Winkler /
编辑距离）与标准地址编码比对（Splink，DuckDB 内嵌）。过度合并保护：同簇两个不同的 USCC 即拆分。
Canonical ids ``U000001``.

Input columns: ``record_id``, ``feed``, ``name``, ``uscc`` (or None), ``address_id`` (or None),
``h3_9`` (int64 H3 cell of the record's WGS-84 location, or None).
"""

from __future__ import annotations

import re
from typing import Any

import duckdb
import pandas as pd

from fusion.normalise.uscc import normalise_uscc
from fusion.resolve.chinese import register_duckdb_functions
from fusion.resolve.clusters import guarded_clusters, stable_ids
from fusion.resolve.persons import Resolution, _quiet_splink
from fusion.resolve.splink_settings import CHAR_DISTANCE

UNIT_THRESHOLD = 0.9

# feed → (name column, uscc column or None)
UNIT_FEEDS: dict[str, tuple[str, str | None]] = {
    "std_units": ("name", "uscc"),
    "business_registry": ("name", "uscc"),
    "three_small_venues": ("name", "uscc"),
    "entertainment": ("name", None),
    "fire_inspections": ("unit_name", "uscc"),
    "schools": ("name", None),
    "hospitals": ("name", "uscc"),
    "hazmat_firms": ("name", "uscc"),
    "wage_arrears": ("unit_name", "uscc"),
}
_SUFFIX = re.compile(r"(有限责任公司|股份有限公司|有限公司|分公司|公司|店|馆|中心)$")


def unit_records(analytic: Any) -> pd.DataFrame:
    """Unit records from the analytic zone (unit names and USCCs are not personal data)."""
    parts = []
    for feed, (name_col, uscc_col) in UNIT_FEEDS.items():
        t = f"feed_{feed}"
        if not analytic.exists(t):
            continue
        a = analytic.read(t)
        parts.append(
            pd.DataFrame(
                {
                    "record_id": feed
                    + ":"
                    + a["source_file"].astype(str)
                    + ":"
                    + a["source_row"].astype(str),
                    "feed": feed,
                    "name": a[name_col].to_numpy(),
                    "uscc": a[uscc_col].to_numpy() if uscc_col else None,
                    "address_id": a["address_id"].to_numpy() if "address_id" in a.columns else None,
                    "h3_9": a["h3_9"].to_numpy() if "h3_9" in a.columns else None,
                    "source_file": a["source_file"].to_numpy(),
                    "source_row": a["source_row"].to_numpy(),
                    "loaded_at": a["period"].to_numpy(),
                }
            )
        )
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["record_id", "feed", "name", "uscc", "address_id"])
    )


def unit_features(records: pd.DataFrame) -> pd.DataFrame:
    """Add ``uscc18`` (valid USCC or None), ``name_core`` (name without the legal-form suffix) and
    ``cell`` (H3 resolution-9 cell, hex, from ``h3_9`` when the feed is located)."""
    df = records.copy().reset_index(drop=True)
    for c in ("name", "uscc", "address_id", "h3_9"):
        if c not in df.columns:
            df[c] = None
    h3 = pd.to_numeric(df["h3_9"], errors="coerce")
    df["cell"] = (
        h3.where(h3 > 0).map(lambda v: None if pd.isna(v) else f"{int(v):x}").astype(object)
    )
    u = normalise_uscc(df["uscc"].astype(object).where(df["uscc"].notna(), None)).reset_index(
        drop=True
    )
    df["uscc18"] = u["uscc"].astype(object).where(u["status"].eq("valid"), None).to_numpy()
    name = df["name"].astype(object).where(df["name"].notna(), None)
    df["name"] = name.map(lambda s: None if s is None else re.sub(r"\s+", "", str(s)))
    df["name_core"] = df["name"].map(lambda s: None if s is None else _SUFFIX.sub("", s))
    df["address_id"] = df["address_id"].astype(object).where(df["address_id"].notna(), None)
    return df


def unit_settings(dialect: str = "duckdb") -> dict[str, Any]:
    """Splink settings for units (names compared on characters, see :mod:`fusion.resolve.chinese`)."""
    lev = CHAR_DISTANCE[dialect]

    def lvl(sql: str, label: str, m: float, u: float) -> dict[str, Any]:
        return {
            "sql_condition": sql,
            "label_for_charts": label,
            "m_probability": m,
            "u_probability": u,
        }

    null = lambda c: {
        "sql_condition": f"{c}_l IS NULL OR {c}_r IS NULL",
        "label_for_charts": "null",
        "is_null_level": True,
    }
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "record_id",
        "probability_two_random_records_match": 1e-3,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": "l.uscc18 = r.uscc18"},
            {"blocking_rule": "l.address_id = r.address_id"},
            {"blocking_rule": "l.name_core = r.name_core"},
            {"blocking_rule": "l.cell = r.cell"},
        ],
        "comparisons": [
            {
                "output_column_name": "uscc",
                "comparison_levels": [
                    null("uscc18"),
                    lvl("uscc18_l = uscc18_r", "exact", 0.97, 1e-6),
                    lvl("ELSE", "different", 0.03, 1 - 1e-6),
                ],
            },
            {
                "output_column_name": "name",
                "comparison_levels": [
                    null("name"),
                    lvl("name_l = name_r", "exact", 0.85, 1e-3),
                    lvl("name_core_l = name_core_r", "same core name", 0.08, 2e-3),
                    lvl(f"{lev}(name_core_l, name_core_r) <= 1", "one character apart", 0.05, 1e-2),
                    lvl("ELSE", "else", 0.02, 0.987),
                ],
            },
            {
                "output_column_name": "address_id",
                "comparison_levels": [
                    null("address_id"),
                    lvl("address_id_l = address_id_r", "exact", 0.85, 2e-3),
                    lvl("ELSE", "else", 0.15, 0.998),
                ],
            },
            {
                "output_column_name": "cell",
                "comparison_levels": [
                    null("cell"),
                    lvl("cell_l = cell_r", "same H3 cell", 0.9, 2e-3),
                    lvl("ELSE", "else", 0.1, 0.998),
                ],
            },
        ],
        "retain_intermediate_calculation_columns": True,
    }


def resolve_units(
    records: pd.DataFrame, previous: pd.Series | None = None, threshold: float = UNIT_THRESHOLD
) -> Resolution:
    """Resolve unit records into unit entities (``U000001``...), stable against ``previous``."""
    from splink import DuckDBAPI, Linker

    feat = unit_features(records)
    cols = ["record_id", "name", "name_core", "uscc18", "address_id", "cell"]
    if len(feat) >= 2:
        _quiet_splink()
        con = duckdb.connect()
        register_duckdb_functions(con)
        linker = Linker(DuckDBAPI(connection=con).register(feat[cols]), unit_settings("duckdb"))
        pairs = linker.inference.predict(
            threshold_match_probability=threshold
        ).as_pandas_dataframe()
    else:
        pairs = pd.DataFrame(columns=["record_id_l", "record_id_r", "match_weight"])
    edges = pd.DataFrame(
        {"l": pairs["record_id_l"], "r": pairs["record_id_r"], "weight": pairs["match_weight"]}
    )
    cl = guarded_clusters(feat, edges, conflict_col="uscc18", mode="distinct")
    ent = stable_ids(cl.reindex(feat["record_id"]), previous, prefix="U")
    out = pd.DataFrame(
        {
            "record_id": feat["record_id"].to_numpy(),
            "feed": feat["feed"].to_numpy(),
            "entity_id": ent.to_numpy(),
            "cluster": cl.reindex(feat["record_id"]).to_numpy(),
        }
    )
    return Resolution(out, pairs, feat, unit_settings("duckdb"))
