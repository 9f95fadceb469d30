"""Person resolution (实有人口): records from every population feed → person entities.

人员实体解析：Splink（DuckDB 内嵌）按 :mod:`fusion.resolve.splink_settings` 打分 → 阈值 → 聚类 →
过度合并保护（同簇两个不同的有效完整身份证号即拆分）→ 稳定规范 ID（``P000001``）。

Records with identical comparison columns (the same person seen in many hotel stays) are
collapsed into one *profile* before scoring — they would score identically — and expanded after.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from fusion.resolve.chinese import register_duckdb_functions
from fusion.resolve.clusters import guarded_clusters, stable_ids
from fusion.resolve.features import person_features
from fusion.resolve.splink_settings import MIN_RECORDS_FOR_U, PERSON_THRESHOLD, person_settings


def _quiet_splink() -> None:
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("splink"):
            logging.getLogger(name).setLevel(logging.ERROR)
    logging.getLogger("splink").setLevel(logging.ERROR)


PROFILE_COLUMNS = [
    "name",
    "id18",
    "id_full",
    "id_masked",
    "id_pre6",
    "id_suf4",
    "birth",
    "sex",
    "phone",
    "address_id",
    "household_no",
    "name_py",
    "name_fz",
    "name_ini",
]


@dataclass
class Resolution:
    """Result of a resolution run.

    ``assignments``: record_id, feed, entity_id (canonical, stable), cluster (this run's label).
    ``pairs``: scored profile pairs above the threshold (record_id_l/r are profile ids) with
    ``match_weight``, ``match_probability`` and per-comparison ``mw_*`` / ``gamma_*``.
    ``features``: the record features (comparison columns) with ``profile_id``.
    """

    assignments: pd.DataFrame
    pairs: pd.DataFrame
    features: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)


def _profiles(feat: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    key = feat[PROFILE_COLUMNS].astype(str)
    codes = pd.util.hash_pandas_object(key, index=False)
    pid = pd.Series(pd.factorize(codes)[0], index=feat.index).astype(str)
    prof = feat.assign(profile_id=pid).drop_duplicates("profile_id")
    prof = prof[["profile_id", *PROFILE_COLUMNS, "feed"]].rename(
        columns={"profile_id": "record_id"}
    )
    return prof.reset_index(drop=True), pid


def score_pairs(
    profiles: pd.DataFrame, threshold: float = 0.5, con: duckdb.DuckDBPyConnection | None = None
) -> tuple[pd.DataFrame, Any]:
    """Score candidate pairs of person profiles with Splink (DuckDB). Returns (pairs, linker)."""
    from splink import DuckDBAPI, Linker

    _quiet_splink()
    con = con or duckdb.connect()
    register_duckdb_functions(con)
    db_api = DuckDBAPI(connection=con)
    n = max(len(profiles), 2)
    settings = person_settings("duckdb", probability_two_random_records_match=min(0.5, 2.0 / n))
    linker = Linker(db_api.register(profiles), settings)
    if n >= MIN_RECORDS_FOR_U:
        linker.training.estimate_u_using_random_sampling(max_pairs=5e5, seed=1)
    pred = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    return pred, linker


def resolve_persons(
    records: pd.DataFrame, previous: pd.Series | None = None, threshold: float = PERSON_THRESHOLD
) -> Resolution:
    """Resolve person records (columns: see :mod:`fusion.resolve.features`) into entities.

    ``previous``: canonical entity id per record_id from an earlier run; those ids are kept
    (:func:`fusion.resolve.clusters.stable_ids`), new entities get the next numbers.
    """
    feat = person_features(records)
    prof, pid = _profiles(feat)
    feat["profile_id"] = pid.to_numpy()
    if len(prof) >= 2:
        pairs, _ = score_pairs(prof, threshold)
    else:
        pairs = pd.DataFrame(
            columns=["record_id_l", "record_id_r", "match_weight", "match_probability"]
        )
    edges = pd.DataFrame(
        {
            "l": pairs["record_id_l"].astype(str),
            "r": pairs["record_id_r"].astype(str),
            "weight": pairs["match_weight"].astype(float),
        }
    )
    cl = guarded_clusters(prof, edges, conflict_col="id_full", mode="distinct")
    rec_cluster = pd.Series(
        cl.reindex(feat["profile_id"]).to_numpy(), index=feat["record_id"].to_numpy()
    )
    ent = stable_ids(rec_cluster, previous, prefix="P")
    assignments = pd.DataFrame(
        {
            "record_id": feat["record_id"].to_numpy(),
            "feed": feat["feed"].to_numpy(),
            "entity_id": ent.to_numpy(),
            "cluster": rec_cluster.to_numpy(),
        }
    )
    return Resolution(assignments, pairs, feat, person_settings("duckdb"))


def vanilla_splink_persons(
    records: pd.DataFrame, threshold: float = PERSON_THRESHOLD
) -> pd.DataFrame:
    """Peer set-up: Splink with its own string comparisons on the raw strings (DuckDB's byte-wise
    Jaro-Winkler / Levenshtein on names, IDs as they came), trained the documented way
    (u by sampling, m by EM). Returns record_id, entity_id."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    df = records.copy()
    for c in ("name", "id_number", "birth_date", "sex", "phone", "address_id", "household_no"):
        if c not in df.columns:
            df[c] = None
        df[c] = (
            df[c]
            .astype(object)
            .where(df[c].notna(), None)
            .map(lambda x: None if x is None else str(x))
        )
    df = df[
        [
            "record_id",
            "name",
            "id_number",
            "birth_date",
            "sex",
            "phone",
            "address_id",
            "household_no",
        ]
    ]
    _quiet_splink()
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        unique_id_column_name="record_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("id_number"),
            block_on("name", "birth_date"),
            block_on("phone"),
            block_on("name", "address_id"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.9, 0.7]),
            cl.LevenshteinAtThresholds("id_number", [1, 2]),
            cl.ExactMatch("birth_date"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("address_id"),
            cl.ExactMatch("household_no"),
        ],
        probability_two_random_records_match=1e-4,
    )
    linker = Linker(db_api.register(df), settings)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("birth_date"), block_on("name"), block_on("id_number")):
        try:  # EM fails on a level no pair reaches (m = 0); the other sessions still train it
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError:
            continue
    pred = linker.inference.predict(threshold_match_probability=0.2)
    c = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold_match_probability=threshold
    )
    out = c.as_pandas_dataframe()[["record_id", "cluster_id"]].rename(
        columns={"cluster_id": "entity_id"}
    )
    return out.assign(entity_id=out["entity_id"].astype(str))


def link_new_persons(
    new_records: pd.DataFrame, existing: pd.DataFrame, threshold: float = PERSON_THRESHOLD
) -> pd.DataFrame:
    """Incremental linking: attach a new batch of person records to existing entities.

    ``existing``: the features of already-resolved records (``Resolution.features`` or any frame
    with the person input columns) plus ``entity_id``. Only pairs that involve at least one new
    record are scored (existing entities are never re-split or merged with each other); new
    records that match nothing get fresh ids after the largest existing one.
    Returns record_id, feed, entity_id, is_new_entity for the new records.
    """
    from splink import DuckDBAPI, Linker

    old = person_features(existing.drop(columns=["profile_id"], errors="ignore")).assign(
        entity_id=existing["entity_id"].to_numpy(), is_old=True
    )
    old_prof = old.drop_duplicates([*PROFILE_COLUMNS, "entity_id"]).copy()
    old_prof["record_id"] = "old:" + pd.Series(range(len(old_prof)), index=old_prof.index).astype(
        str
    )
    new = person_features(new_records).assign(entity_id=None, is_old=False)
    both = pd.concat([old_prof.astype(object), new.astype(object)], ignore_index=True)
    both["is_old"] = both["is_old"].astype(bool)
    both["id_masked"] = both["id_masked"].astype(bool)
    cols = ["record_id", *PROFILE_COLUMNS, "feed", "is_old", "entity_id"]
    _quiet_splink()
    con = duckdb.connect()
    register_duckdb_functions(con)
    settings = person_settings(
        "duckdb", probability_two_random_records_match=min(0.5, 2.0 / max(len(old_prof), 2))
    )
    settings["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": f"({b['blocking_rule']}) AND NOT (l.is_old AND r.is_old)"}
        for b in settings["blocking_rules_to_generate_predictions"]
    ]
    linker = Linker(DuckDBAPI(connection=con).register(both[cols]), settings)
    pairs = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    edges = pd.DataFrame(
        {"l": pairs["record_id_l"], "r": pairs["record_id_r"], "weight": pairs["match_weight"]}
    )
    # a new record joins at most one existing entity: keep its edges to the best-scoring one only
    ent_of = pd.Series(old_prof["entity_id"].to_numpy(), index=old_prof["record_id"].to_numpy())
    el = edges.assign(
        ent_l=ent_of.reindex(edges["l"]).to_numpy(), ent_r=ent_of.reindex(edges["r"]).to_numpy()
    )
    to_old = el["ent_l"].notna() | el["ent_r"].notna()
    cross = el[to_old].assign(
        new=el["r"].where(el["ent_l"].notna(), el["l"]),
        ent=el["ent_l"].where(el["ent_l"].notna(), el["ent_r"]),
    )
    best = cross.sort_values("weight", ascending=False).drop_duplicates("new")[["new", "ent"]]
    cross = cross.merge(best, on=["new", "ent"])
    edges = pd.concat([el[~to_old], cross], ignore_index=True)[["l", "r", "weight"]]
    cl = guarded_clusters(both, edges, conflict_col="id_full", mode="distinct")
    previous = pd.Series(old_prof["entity_id"].to_numpy(), index=old_prof["record_id"].to_numpy())
    ids = stable_ids(cl.reindex(both["record_id"]), previous, prefix="P")
    ent = ids.reindex(new["record_id"]).to_numpy()
    return pd.DataFrame(
        {
            "record_id": new["record_id"].to_numpy(),
            "feed": new["feed"].to_numpy(),
            "entity_id": ent,
            "is_new_entity": ~pd.Series(ent).isin(set(old["entity_id"])).to_numpy(),
        }
    )
