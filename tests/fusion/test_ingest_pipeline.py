"""End-to-end ingest on a tiny hand-made city: quarantine reasons, reconciliation, idempotence,
pseudonymisation, events — on the embedded store and on PostGIS."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from citymaker import EXPECTED, pid, write_city

from fusion.ingest import ingest_folder
from fusion.pseudonymise import token
from fusion.quality import quality_report
from geo.store import open_store

SECRET = "test-secret-0123456789"


def _check_load(folder: Path, target: str) -> None:
    rep = ingest_folder(folder, target, secret=SECRET, city="430900")
    for r in rep.reconciliations.values():
        assert r.ok
    a = open_store(target, zone="analytic")
    q = a.read("quarantine")
    got = {
        (f, int(n), r) for f, n, r in q[["feed", "row_number", "reason"]].itertuples(index=False)
    }
    assert got == EXPECTED
    counts = {t: a.count(t) for t in a.tables() if t != "ingest_log"}
    assert counts["feed_calls_110"] == 2 and counts["feed_hukou"] == 2 and counts["events"] == 2
    # second load of the same folder changes nothing
    rep2 = ingest_folder(folder, target, secret=SECRET, city="430900")
    assert rep2.new_rows == 0 and rep2.events_new == 0
    assert {t: a.count(t) for t in a.tables() if t != "ingest_log"} == counts
    # identifiers are tokens in the analytic zone; raw values only in the raw zone
    hukou = a.read("feed_hukou")
    assert "ethnicity" not in hukou.columns
    assert token(pid(123), SECRET, "id") in set(hukou["id_number"])
    assert not hukou.astype(str).apply(lambda c: c.str.contains(pid(123)[:10])).to_numpy().any()
    raw = open_store(target, zone="raw").read("feed_hukou")
    assert pid(123) in set(raw["id_number"]) and "汉族" in set(raw["ethnicity"])
    # the 15-digit legacy ID and the 18-digit one of the same person get the same token
    hotel = a.read("feed_hotel_lodging")
    assert token(pid(123), SECRET, "id") in set(hotel["id_number"])
    assert set(hotel["id_number_kind"]) == {"masked", "valid"}
    ev = a.read("events")
    assert set(ev["category"]) == {"theft", "dispute"} and set(ev["grid_id"]) == {"G1"}
    assert str(ev["occurred_at"].dt.tz) == "UTC"
    qual = quality_report(a).set_index("feed")
    assert qual.loc["calls_110", "quarantined"] == 4 and qual.loc["calls_110", "rows"] == 2


def test_ingest_embedded_store(tmp_path):
    folder = write_city(tmp_path / "city")
    _check_load(folder, str(tmp_path / "store"))


@pytest.mark.postgis
def test_ingest_postgis(tmp_path, postgis_schema_url):
    folder = write_city(tmp_path / "city")
    _check_load(folder, postgis_schema_url)


def test_late_rows_land_in_their_own_period(tmp_path):
    folder = write_city(tmp_path / "city")
    target = str(tmp_path / "store")
    ingest_folder(folder, target, secret=SECRET, city="430900", feeds=["std_address", "calls_110"])
    calls = open_store(target).read("feed_calls_110")
    # the file is calls_110_202608.csv; the records are from July
    assert set(calls["period"]) == {"2026-07"}


def test_overlapping_extract_adds_nothing(tmp_path):
    folder = write_city(tmp_path / "city")
    target = str(tmp_path / "store")
    ingest_folder(folder, target, secret=SECRET, city="430900", feeds=["hazmat_vehicle_gps"])
    df = pd.read_parquet(folder / "hazmat_vehicle_gps_20260702.parquet")
    more = pd.concat([df, df.iloc[[0]].assign(定位时间=1783000090000)], ignore_index=True)
    more.to_parquet(folder / "hazmat_vehicle_gps_20260703.parquet")
    rep = ingest_folder(folder, target, secret=SECRET, city="430900", feeds=["hazmat_vehicle_gps"])
    assert rep.new_rows == 1
    assert open_store(target).count("feed_hazmat_vehicle_gps") == 3


def test_parallel_workers_give_the_same_tables(tmp_path):
    folder = write_city(tmp_path / "city")
    df = pd.read_parquet(folder / "hazmat_vehicle_gps_20260702.parquet")
    df.assign(定位时间=df["定位时间"] + 86_400_000).to_parquet(
        folder / "hazmat_vehicle_gps_20260703.parquet"
    )
    one, two = str(tmp_path / "one"), str(tmp_path / "two")
    import pyarrow as pa

    threads = pa.cpu_count()
    r1 = ingest_folder(folder, one, secret=SECRET, city="430900", workers=1)
    r2 = ingest_folder(folder, two, secret=SECRET, city="430900", workers=2)
    assert pa.cpu_count() == threads  # Arrow's pool is one thread only while workers run
    assert r1.summary().equals(r2.summary())
    a, b = open_store(one), open_store(two)
    assert a.tables() == b.tables()
    cols = ["row_hash", "plate", "ts", "lon", "lat", "source_file", "source_row"]
    x = a.read("feed_hazmat_vehicle_gps", columns=cols).sort_values("row_hash", ignore_index=True)
    y = b.read("feed_hazmat_vehicle_gps", columns=cols).sort_values("row_hash", ignore_index=True)
    pd.testing.assert_frame_equal(x, y)


def test_bad_file_in_a_worker_is_reported(tmp_path):
    from fusion.readers import BadFileError

    folder = write_city(tmp_path / "city")
    (folder / "hazmat_vehicle_gps_20260703.parquet").write_bytes(b"PAR1 truncated")
    with pytest.raises(BadFileError, match="hazmat_vehicle_gps_20260703"):
        ingest_folder(folder, str(tmp_path / "s"), secret=SECRET, city="430900", workers=2)
    assert open_store(str(tmp_path / "s")).tables() == []


def test_schema_check_refuses_what_the_contract_forbids():
    from data_contracts.registry import get
    from fusion.ingest import SchemaViolation, _validate

    c = get("ebike_flow")
    ok = pd.DataFrame(
        {
            "camera_id": ["43090200001310000005"] * 3,
            "interval_start": pd.to_datetime(["2026-07-01 00:00"] * 3, utc=True).astype(
                "datetime64[ns, UTC]"
            ),
            "n_ebike": pd.array([1, None, 3], dtype="Int64"),
            "n_tricycle": pd.array([0, 0, 0], dtype="Int64"),
            "n_motorcycle": pd.array([0, 0, 0], dtype="Int64"),
        }
    )
    _validate(ok, c)
    for bad in (
        ok.assign(camera_id=["a", 5, "b"]),  # not str
        ok.assign(camera_id=["a", None, "b"]),  # required
        ok.assign(n_ebike=[1.0, 2.0, 3.0]),  # dtype
        ok.drop(columns="n_tricycle"),  # column missing
    ):
        with pytest.raises(SchemaViolation):
            _validate(bad, c)
    d = get("ebike_detections")
    det = pd.DataFrame({f.name: ["x"] * 2 for f in d.fields})
    det["ts"] = pd.to_datetime(["2026-07-01"] * 2, utc=True).astype("datetime64[ns, UTC]")
    det["confidence"] = [0.5, 0.9]
    _validate(det, d)
    with pytest.raises(SchemaViolation):
        _validate(det.assign(confidence=[0.5, 1.5]), d)  # le 1.0
