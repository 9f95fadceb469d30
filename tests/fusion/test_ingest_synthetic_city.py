"""Done-when checks on a tiny synthetic city, scored against ``_truth/injected_errors.parquet``:
every injected malformed row is quarantined with the right reason, no clean row is quarantined,
counts reconcile exactly on both store backends, and a second ingest changes nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fusion.ingest import ingest_folder
from geo.store import open_store

SECRET = "synthetic-city-secret-0123"

#: synth mess kind → the quarantine reason ingest must give
REASON_OF_KIND = {
    "broken_quoting": "malformed_record",
    "bad_json": "malformed_record",
    "impossible_date": "bad_datetime",
    "coords_outside": "outside_city",
    "bad_id_checksum": "bad_id_number",
    "missing_required": "missing_required",
    "bad_number": "bad_number",
}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import synth

    out = tmp_path_factory.mktemp("synthetic_city")
    synth.generate(scale=0.01, days=14, out=out, streams_days=1)
    return out


@pytest.fixture(scope="module")
def truth(city: Path) -> pd.DataFrame:
    return pd.read_parquet(city / "_truth" / "injected_errors.parquet")


def _counts(target: str) -> dict[str, int]:
    s = open_store(target)
    return {t: s.count(t) for t in s.tables() if t not in ("ingest_log", "quality")}


def _score(target: str, truth: pd.DataFrame) -> None:
    q = open_store(target).read(
        "quarantine", columns=["feed", "file", "row_number", "field", "reason"]
    )
    bad = truth[truth["expect"] == "quarantine"]
    assert set(bad["kind"]) <= set(REASON_OF_KIND)
    m = bad.merge(q, on=["feed", "file", "row_number"], how="left", suffixes=("_truth", ""))
    missed = m[m["reason"].isna()]
    assert missed.empty, (
        f"injected malformed rows not quarantined:\n{missed[['feed', 'file', 'row_number', 'kind']]}"
    )
    wrong = m[m["reason"] != m["kind"].map(REASON_OF_KIND)]
    assert wrong.empty, f"wrong reasons:\n{wrong[['feed', 'row_number', 'kind', 'reason']]}"
    extra = q.merge(bad, on=["feed", "file", "row_number"], how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"]
    assert extra.empty, (
        f"clean rows quarantined:\n{extra[['feed', 'file', 'row_number', 'field_x', 'reason']]}"
    )


def _load_twice(city: Path, target: str, truth: pd.DataFrame) -> dict[str, int]:
    rep = ingest_folder(city, target, secret=SECRET, city="430900")
    assert all(r.ok for r in rep.reconciliations.values())
    summary = rep.summary().set_index("feed")
    assert (summary["rows_in"] == summary["accepted"] + summary["quarantined"]).all()
    assert summary["quarantined"].sum() == (truth["expect"] == "quarantine").sum()
    _score(target, truth)
    before = _counts(target)
    rep2 = ingest_folder(city, target, secret=SECRET, city="430900")
    assert rep2.new_rows == 0 and rep2.events_new == 0
    assert _counts(target) == before
    return before


@pytest.fixture(scope="module")
def embedded_counts(
    city: Path, truth: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, int]:
    return _load_twice(city, str(tmp_path_factory.mktemp("store")), truth)


@pytest.mark.slow
def test_synthetic_city_embedded_store(embedded_counts):
    assert embedded_counts["events"] > 0
    assert embedded_counts["quarantine"] > 0


@pytest.mark.slow
@pytest.mark.postgis
def test_synthetic_city_postgis_matches_embedded(city, truth, embedded_counts, postgis_schema_url):
    assert _load_twice(city, postgis_schema_url, truth) == embedded_counts
