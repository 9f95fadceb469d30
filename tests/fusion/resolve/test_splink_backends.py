"""The person settings run unchanged (but for the distance function's name) on Splink's Postgres
backend, against the real PostGIS, and agree with the embedded DuckDB run."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from test_persons import _with_ids

from fusion.resolve.backends import score_persons_postgres
from fusion.resolve.features import person_features
from fusion.resolve.persons import PROFILE_COLUMNS, score_pairs


def test_postgres_backend_matches_duckdb(postgis_schema_url: str) -> None:
    recs = _with_ids()
    schema = postgis_schema_url.rsplit("search_path%3D", 1)[1].split(",")[
        0
    ]  # the test's own schema
    pg = score_persons_postgres(
        recs,
        postgis_schema_url,
        schema=schema,
        threshold=0.5,
        probability_two_random_records_match=0.1,
    )
    f = person_features(recs)[["record_id", *PROFILE_COLUMNS, "feed"]]
    dk, _ = score_pairs(f, threshold=0.5)
    key = lambda df: {
        tuple(sorted(p)) for p in zip(df["record_id_l"], df["record_id_r"], strict=True)
    }
    assert key(pg) == key(dk)
    assert {("h1", "t1"), ("h2", "t3")} <= key(pg)
