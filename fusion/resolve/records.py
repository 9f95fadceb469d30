"""Person records for resolution, read from the store (analytic + raw zone of each feed).

从存储区读取人员记录：分析区给出地址编码、户号、来源文件与行号；原始区给出原始身份证号、姓名、电话
（只在原始区内使用）。A record id is ``feed:source_file:source_row`` (``feed#role:...`` for a
person named in a non-person feed: vehicle owners, landlords, legal representatives).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from fusion.resolve.features import PERSON_COLUMNS

SOURCE_TZ = "Asia/Shanghai"

# feed → {record column: feed column}; role feeds name the person fields of a non-person record.
PERSON_FEEDS: dict[str, dict[str, str]] = {
    "hukou": {
        "name": "name",
        "id_number": "id_number",
        "sex": "sex",
        "birth_date": "birth_date",
        "phone": "phone",
        "address_id": "address_id",
        "household_no": "hukou_no",
    },
    "floating_pop": {
        "name": "name",
        "id_number": "id_number",
        "sex": "sex",
        "phone": "phone",
        "address_id": "address_id",
    },
    "hotel_lodging": {"name": "name", "id_number": "id_number"},
    "delivery_riders": {"name": "name", "id_number": "id_number", "phone": "phone"},
    "elderly_alone": {
        "name": "name",
        "id_number": "id_number",
        "phone": "phone",
        "address_id": "address_id",
    },
    "low_income": {"name": "name", "id_number": "id_number", "address_id": "address_id"},
    "smi_registry": {
        "name": "name",
        "id_number": "id_number",
        "sex": "sex",
        "address_id": "address_id",
    },
    "smi_followups": {"id_number": "id_number"},
    "community_corrections": {"name": "name", "id_number": "id_number", "address_id": "address_id"},
    "released_prisoners": {"name": "name", "id_number": "id_number", "address_id": "address_id"},
    "hazmat_drivers": {"name": "name", "id_number": "id_number", "phone": "phone"},
}
ROLE_FEEDS: dict[str, tuple[str, dict[str, str]]] = {
    "vehicle_registry": (
        "owner",
        {"name": "owner_name", "id_number": "owner_id_number", "phone": "owner_phone"},
    ),
    "rental_housing": (
        "landlord",
        {"name": "landlord_name", "id_number": "landlord_id_number", "phone": "landlord_phone"},
    ),
    "std_units": ("legal_rep", {"name": "legal_rep_name", "id_number": "legal_rep_id_number"}),
}


def feed_table(feed: str) -> str:
    return f"feed_{feed}"


def _local_date(s: pd.Series) -> pd.Series:
    t = pd.to_datetime(s, errors="coerce")
    if getattr(t.dt, "tz", None) is not None:
        t = t.dt.tz_convert(SOURCE_TZ).dt.tz_localize(None)
    return t.dt.normalize()


def records_of_feed(
    feed: str,
    analytic_df: pd.DataFrame,
    raw_df: pd.DataFrame | None,
    mapping: dict[str, str],
    role: str | None = None,
) -> pd.DataFrame:
    """Person records of one feed: analytic rows joined to their raw-zone identifiers."""
    a = analytic_df.reset_index(drop=True)
    if raw_df is not None and len(raw_df):
        raw_cols = [
            c
            for c in raw_df.columns
            if c not in ("period", "row_hash") and not c.endswith("_token")
        ]
        a = a.drop(columns=[c for c in raw_cols if c in a.columns]).merge(
            raw_df[["period", "row_hash", *raw_cols]], on=["period", "row_hash"], how="left"
        )
    fid = f"{feed}#{role}" if role else feed
    out = pd.DataFrame(
        {
            "record_id": fid
            + ":"
            + a["source_file"].astype(str)
            + ":"
            + a["source_row"].astype(str),
            "feed": fid,
        }
    )
    for col in PERSON_COLUMNS[2:]:
        src = mapping.get(col)
        out[col] = a[src].to_numpy() if src and src in a.columns else None
    for col in PERSON_COLUMNS[2:]:
        if col != "birth_date":
            out[col] = out[col].astype(object)
    out["birth_date"] = _local_date(out["birth_date"])
    out["loaded_at"] = a["period"].to_numpy() if "period" in a.columns else None
    out["source_file"] = a["source_file"].to_numpy()
    out["source_row"] = a["source_row"].to_numpy()
    keep = out["name"].notna() | out["id_number"].notna()
    return out[keep.to_numpy()].reset_index(drop=True)


def person_records(analytic: Any, raw: Any, roles: bool = True) -> pd.DataFrame:
    """All person records from the stores (``geo.store`` analytic and raw zone)."""
    parts = []
    items: list[tuple[str, dict[str, str], str | None]] = [
        (f, m, None) for f, m in PERSON_FEEDS.items()
    ]
    if roles:
        items += [(f, m, r) for f, (r, m) in ROLE_FEEDS.items()]
    for feed, mapping, role in items:
        t = feed_table(feed)
        if not analytic.exists(t):
            continue
        a = analytic.read(t)
        r = raw.read(t) if raw.exists(t) else None
        part = records_of_feed(feed, a, r, mapping, role)
        if len(part):
            parts.append(part)
    if not parts:
        return pd.DataFrame(columns=[*PERSON_COLUMNS, "loaded_at", "source_file", "source_row"])
    return pd.concat(parts, ignore_index=True)
