"""Rendering the tiny World: every feed, formats, encodings, truth agrees with the files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synth_readers import read_records

from data_contracts.vocab import VIOLATION_TYPES
from geo.coords import bd09_to_gcj02, gcj02_to_wgs84
from synth.config import MESS_KINDS
from synth.render import STREAM_FEEDS
from synth.specs import FEEDS


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_every_feed_of_the_catalogue_is_rendered(rendered: Path) -> None:
    ids = [line.split("|")[1].strip() for line in
           Path("/work/shared/FEEDS.md").read_text(encoding="utf-8").splitlines()
           if line.startswith("| ") and not line.startswith("| id")] \
        if Path("/work/shared/FEEDS.md").exists() else list(FEEDS)
    assert set(ids) <= set(FEEDS)
    m = _manifest(rendered)
    feeds_with_files = {f["feed"] for f in m["files"]}
    assert feeds_with_files == set(FEEDS)
    for f in m["files"]:
        p = rendered / f["file"]
        assert p.exists() and p.stat().st_size > 0, f["file"]
        spec = FEEDS[f["feed"]]
        assert p.suffix == "." + spec.ext
        assert p.parent.name == spec.feed_id


def test_event_feeds_come_in_several_period_files(rendered: Path) -> None:
    m = _manifest(rendered)
    for feed in ("calls_110", "criminal_cases", "disputes", "hotline_12345", "fire_incidents"):
        periods = {f["period"] for f in m["files"] if f["feed"] == feed}
        assert len(periods) >= 2, feed


def test_gbk_files_decode_as_gbk_not_utf8(rendered: Path) -> None:
    gbk = [s for s in FEEDS.values() if s.encoding == "gbk" and not s.big_stream]
    assert {s.feed_id for s in gbk} >= {"calls_110", "floating_pop", "fire_incidents"}
    for spec in gbk:
        for p in sorted((rendered / spec.feed_id).glob("*.csv")):
            raw = p.read_bytes()
            raw.decode("gbk")
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            assert b"\r\n" in raw  # Windows export


def test_bom_exactly_where_declared(rendered: Path) -> None:
    for spec in FEEDS.values():
        if spec.fmt != "csv":
            continue
        for p in sorted((rendered / spec.feed_id).glob("*.csv")):
            has_bom = p.read_bytes().startswith(b"\xef\xbb\xbf")
            assert has_bom == (spec.encoding == "utf-8-sig"), p.name


def test_headers_are_the_departments_own(rendered: Path) -> None:
    m = _manifest(rendered)
    for f in m["files"]:
        spec = FEEDS[f["feed"]]
        if spec.fmt == "parquet":
            cols = pd.read_parquet(rendered / f["file"]).columns.tolist()
            assert cols == [c.header for c in spec.columns]
            continue
        header, _ = read_records(rendered / f["file"], spec.fmt, spec.encoding)
        assert header == [c.header for c in spec.columns], f["file"]
    # the same thing is named differently by different departments
    assert FEEDS["hukou"].headers["id_number"] == "公民身份号码"
    assert FEEDS["floating_pop"].headers["id_number"] == "证件号码"
    assert FEEDS["calls_110"].headers["reported_at"] == "报警时间"
    assert FEEDS["criminal_cases"].headers["occurred_at"] == "案发时间"


def test_row_counts_agree_with_manifest_and_truth(rendered: Path) -> None:
    m = _manifest(rendered)
    rec = pd.read_parquet(rendered / "_truth" / "records.parquet")
    per_file = rec.groupby("file").size()
    for f in m["files"]:
        spec = FEEDS[f["feed"]]
        if spec.big_stream:
            continue
        _, rows = read_records(rendered / f["file"], spec.fmt, spec.encoding)
        assert len(rows) == f["rows"] == per_file[f["file"]], f["file"]
        nums = rec.loc[rec["file"] == f["file"], "row_number"].sort_values().to_numpy()
        assert (nums == np.arange(1, len(rows) + 1)).all()


def test_truth_points_at_the_right_record_in_a_clean_run(rendered_clean: Path, tiny_world
                                                         ) -> None:
    rec = pd.read_parquet(rendered_clean / "_truth" / "records.parquet")
    persons = tiny_world.persons.set_index("person_id")
    # hukou (XLSX): 公民身份号码 of row r is the id number of the person truth names
    for feed, col in (("hukou", "公民身份号码"), ("floating_pop", "证件号码"),
                      ("smi_registry", "身份证号")):
        spec = FEEDS[feed]
        for p in sorted((rendered_clean / feed).iterdir()):
            header, rows = read_records(p, spec.fmt, spec.encoding)
            j = header.index(col)
            t = rec[rec["file"] == f"{feed}/{p.name}"].set_index("row_number")
            for rn, row in enumerate(rows, start=1):
                assert str(row[j]) == persons.loc[t.loc[rn, "entity_id"], "id_number"]
    # calls_110 (GBK CSV, GCJ-02): coordinates back to WGS-84 equal the true positions
    pos = pd.read_parquet(rendered_clean / "_truth" / "positions.parquet")
    for p in sorted((rendered_clean / "calls_110").iterdir()):
        header, rows = read_records(p, "csv", "gbk")
        lon = np.array([float(r[header.index("经度")]) for r in rows])
        lat = np.array([float(r[header.index("纬度")]) for r in rows])
        wlon, wlat = gcj02_to_wgs84(lon, lat)
        t = pos[pos["file"] == f"calls_110/{p.name}"].sort_values("row_number")
        assert len(t) == len(rows)
        assert np.abs(wlon - t["lon"].to_numpy()).max() < 2e-5
        assert np.abs(wlat - t["lat"].to_numpy()).max() < 2e-5
        ev = tiny_world.events.set_index("event_id")
        ids = rec[rec["file"] == f"calls_110/{p.name}"].sort_values("row_number")["entity_id"]
        assert np.allclose(ev.loc[ids, "lon"].to_numpy(), t["lon"].to_numpy())
    # camera_registry (XLSX, BD-09)
    header, rows = read_records(next((rendered_clean / "camera_registry").iterdir()), "xlsx",
                                None)
    blon = np.array([r[header.index("经度")] for r in rows], float)
    blat = np.array([r[header.index("纬度")] for r in rows], float)
    glon, glat = bd09_to_gcj02(blon, blat)
    wlon, _ = gcj02_to_wgs84(glon, glat)
    cams = tiny_world.cameras.set_index("camera_id")
    ids = [r[header.index("设备编码")] for r in rows]
    assert np.abs(wlon - cams.loc[ids, "lon"].to_numpy()).max() < 2e-5


def test_clean_run_logs_no_errors(rendered_clean: Path) -> None:
    err = pd.read_parquet(rendered_clean / "_truth" / "injected_errors.parquet")
    assert len(err) == 0


def test_every_mess_kind_is_injected_and_logged_where_it_is(rendered: Path) -> None:
    err = pd.read_parquet(rendered / "_truth" / "injected_errors.parquet")
    assert set(err["kind"]) == set(MESS_KINDS)
    assert set(err["expect"]) == {"accept", "quarantine"}
    assert (err["expect"] == err["kind"].map(MESS_KINDS)).all()
    checked = 0
    for file, grp in err.groupby("file"):
        feed = file.split("/")[0]
        spec = FEEDS[feed]
        header, rows = read_records(rendered / file, spec.fmt, spec.encoding)
        hdr = spec.headers
        for e in grp.itertuples():
            row = rows[e.row_number - 1]
            if e.kind == "bad_json":
                assert row is None
                continue
            if e.kind == "broken_quoting":
                assert len(row) == len(header) + 1  # the stray delimiter adds a field
                continue
            if e.kind in ("late", "duplicate_exact") or not e.field or "," in e.field:
                continue
            cell = row[header.index(hdr[e.field])]
            cell = "" if cell is None else cell
            if isinstance(cell, float) and not isinstance(e.messy_value, float):
                cell = repr(cell) if str(cell) != e.messy_value else str(cell)
            assert str(cell) == e.messy_value or str(cell).strip() == e.messy_value.strip(), \
                (file, e.row_number, e.field, e.kind, cell, e.messy_value)
            checked += 1
    assert checked > 100


def test_streams_are_day_files_with_detection_truth(rendered: Path) -> None:
    m = _manifest(rendered)
    for feed in STREAM_FEEDS:
        files = [f for f in m["files"] if f["feed"] == feed]
        assert len(files) == 2  # streams_days=2
        assert all(f["period"].isdigit() and len(f["period"]) == 8 for f in files)
    truth = sorted((rendered / "_truth" / "ebike_detections").glob("*.parquet"))
    feed = sorted((rendered / "ebike_detections").glob("*.parquet"))
    assert [p.name for p in truth] == [p.name for p in feed]
    t = pd.read_parquet(truth[0])
    d = pd.read_parquet(feed[0])
    # The feed holds the detections; the truth also the missed violations (row_number NA).
    shown = t[t["row_number"].notna()]
    assert (shown["row_number"].to_numpy() == np.arange(1, len(d) + 1)).all()
    assert (shown["detection_id"].to_numpy() == d["抓拍编号"].to_numpy()).all()
    missed = t[t["row_number"].isna()]
    assert len(missed) > 0 and (missed["detected_violation"] == "none").all()
    assert (missed["true_violation"] != "none").all()
    assert (shown["detected_violation"] != "none").all()
    assert VIOLATION_TYPES["none"][0] not in set(d["违法类型"])
    assert "true_violation" not in d.columns and "违法类型" in d.columns
    audit = read_records(next((rendered / "detection_audit").iterdir()), "csv", "utf-8")[1]
    ids = set(pd.concat([pd.read_parquet(p)["抓拍编号"] for p in feed]))
    assert audit and all(r[0] in ids for r in audit if r[0])


def test_truth_tables(rendered: Path) -> None:
    t = rendered / "_truth"
    for name in ("records", "positions", "injected_errors", "intensity", "persons",
                 "addresses", "events", "true_violation_rates"):
        assert (t / f"{name}.parquet").exists(), name
    persons = pd.read_parquet(t / "persons.parquet")
    assert "name" not in persons and "id_number" not in persons and "ethnicity" not in persons
    err = pd.read_parquet(t / "injected_errors.parquet")
    assert list(err.columns) == ["feed", "file", "row_number", "field", "kind", "clean_value",
                                 "messy_value", "expect"]


def test_ethnicity_only_in_hukou_and_marked_protected() -> None:
    with_eth = [s.feed_id for s in FEEDS.values() for c in s.columns if c.field == "ethnicity"]
    assert with_eth == ["hukou"]
    assert FEEDS["hukou"].col("ethnicity").protected
    for s in FEEDS.values():
        for c in s.columns:
            assert "宗教" not in c.header and "religion" not in c.field
