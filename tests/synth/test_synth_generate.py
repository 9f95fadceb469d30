"""End to end on the real World at a tiny scale: `pingan synth` and generate() write
byte-identical files for the same seed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from pingan.cli import app
from synth import generate
from synth.config import DEFAULT_VOLUMES, VolumeConfig
from synth.specs import FEEDS

ARGS = {"city": "430900", "days": 35, "seed": 7, "scale": 0.005}


def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_cli_and_api_same_seed_byte_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    r = CliRunner().invoke(app, ["synth", "--city", "430900", "--days", "35", "--seed", "7",
                                 "--scale", "0.005", "--out", str(a), "--streams-days", "1"])
    assert r.exit_code == 0, r.output
    res = generate(**ARGS, out=b, streams_days=1)
    ha, hb = _hashes(a), _hashes(b)
    assert ha.keys() == hb.keys()
    differing = [k for k in ha if ha[k] != hb[k]]
    assert differing == []
    # every feed present, events split in monthly files, XLSX are real zip files
    m = json.loads((b / "manifest.json").read_text(encoding="utf-8"))
    assert {f["feed"] for f in m["files"]} == set(FEEDS)
    assert m["seed"] == 7 and m["rows_by_feed"] == res.rows_by_feed
    assert len({f["period"] for f in m["files"] if f["feed"] == "calls_110"}) >= 2
    assert (b / "hukou").glob("*.xlsx")
    rec = pd.read_parquet(b / "_truth" / "records.parquet")
    assert rec["entity_id"].notna().all() and len(rec) > 1000
    # capped feeds hold their configured volume (+ re-sent duplicates, whole households)
    vol = VolumeConfig()
    for feed in DEFAULT_VOLUMES:
        days = None if FEEDS[feed].split == "snapshot" else ARGS["days"]
        cap = vol.cap(feed, ARGS["scale"], days)
        n = res.rows_by_feed[feed]
        assert n <= cap * 1.05 + 10, (feed, n, cap)
        if feed in ("hukou", "hotel_lodging", "vehicle_registry"):  # the World holds more
            assert n >= cap, (feed, n, cap)


def test_other_seed_other_files(tmp_path: Path) -> None:
    generate(**{**ARGS, "seed": 8}, out=tmp_path / "c", streams_days=1,
             feeds=["hukou", "calls_110"])
    generate(**ARGS, out=tmp_path / "d", streams_days=1, feeds=["hukou", "calls_110"])
    hc, hd = _hashes(tmp_path / "c"), _hashes(tmp_path / "d")
    assert any(hc[k] != hd.get(k) for k in hc if k.startswith("hukou/"))
