"""detection_audit_clips (抓拍漏检复核): rendered from the detections written, counts agree
with the detection truth, deterministic, and give the camera calibration its recall."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from data_contracts.vocab import VIOLATION_TYPES
from scoring.camera.calibration import calibrate
from scoring.camera.inputs import canonical_audit_clips
from synth import render_world
from synth.config import MessConfig

_ZH = {zh: code for code, (zh, _en) in VIOLATION_TYPES.items()}
_HEAD = {"设备编码": "camera_id", "复核日期": "clip_date", "违法类型": "violation",
         "复核通行量": "reviewed_passes", "系统抓拍数": "found_count", "漏检数": "missed_count"}


def _clips(out: Path) -> pd.DataFrame:
    files = sorted((out / "detection_audit_clips").glob("*.csv"))
    assert len(files) == 1
    c = pd.read_csv(files[0], dtype={"设备编码": str}, encoding="utf-8")
    assert list(c.columns) == list(_HEAD)
    return c.rename(columns=_HEAD)


def _truth(out: Path) -> pd.DataFrame:
    """The e-bike rows of the detection truth (the clip reviewers count e-bikes)."""
    parts = []
    for p in sorted((out / "_truth" / "ebike_detections").glob("*.parquet")):
        t = pd.read_parquet(p)
        t = t[t["vehicle_class"] == "ebike"]
        t["clip_date"] = pd.Timestamp(p.stem.rsplit("_", 1)[1]).strftime("%Y-%m-%d")
        parts.append(t)
    return pd.concat(parts, ignore_index=True)


def test_clip_counts_agree_with_detection_truth(rendered_clean: Path) -> None:
    c = _clips(rendered_clean)
    t = _truth(rendered_clean)
    assert len(c) > 0
    assert set(c["violation"]) == {zh for k, (zh, _) in VIOLATION_TYPES.items() if k != "none"}
    assert set(c["clip_date"]) <= set(t["clip_date"])
    for (cam, day), g in c.groupby(["camera_id", "clip_date"]):
        rows = t[(t["camera_id"] == cam) & (t["clip_date"] == day)]
        assert (g["reviewed_passes"] == len(rows)).all()
        for _, r in g.iterrows():
            v = _ZH[r["violation"]]
            tv = rows["true_violation"] == v
            assert r["found_count"] == int((tv & (rows["detected_violation"] == v)).sum())
            assert r["missed_count"] == int((tv & (rows["detected_violation"] != v)).sum())
    # at least 5 cameras a day (or all of them when the day has fewer)
    per_day = c.groupby("clip_date")["camera_id"].nunique()
    cams_day = t.groupby("clip_date")["camera_id"].nunique()
    assert (per_day >= np.minimum(5, cams_day.reindex(per_day.index))).all()


def test_clips_are_byte_identical_for_a_seed(tmp_path: Path, tiny_world,
                                             rendered_clean: Path) -> None:
    out = tmp_path / "again"
    render_world(tiny_world, out, seed=3, mess=MessConfig.clean(), streams_days=1)
    a = min((rendered_clean / "detection_audit_clips").glob("*.csv")).read_bytes()
    b = min((out / "detection_audit_clips").glob("*.csv")).read_bytes()
    assert a == b


def test_clips_give_calibrated_rates(rendered_clean: Path) -> None:
    t = _truth(rendered_clean)
    clips = canonical_audit_clips(_clips(rendered_clean))
    assert clips is not None
    audits = t.loc[t["detected_violation"] != "none",
                   ["detection_id", "camera_id", "detected_violation", "true_violation"]]
    counts = t.groupby("camera_id").agg(
        n_passes=("detection_id", "size"),
        n_det=("detected_violation", lambda s: int((s != "none").sum()))).reset_index()
    for v in VIOLATION_TYPES:
        if v != "none":
            n = t[t["detected_violation"] == v].groupby("camera_id").size()
            counts[f"n_{v}"] = counts["camera_id"].map(n).fillna(0).astype(int)
    cal = calibrate(counts, audits, clips)
    city = cal[cal["scope"] == "type"]
    seen = city[city["recall_n"] > 0]
    assert len(seen) > 0
    assert (seen["recall_source"] == "clips").all()
    assert seen["recall"].between(0, 1).all()
    assert seen["calibrated_rate"].notna().all()


def test_clips_without_the_detection_stream(tmp_path: Path, tiny_world) -> None:
    """No detection stream rendered: the same draw on the World's first days."""
    render_world(tiny_world, tmp_path, seed=3, mess=MessConfig.clean(), streams_days=0)
    c = _clips(tmp_path)
    assert len(c) > 0 and (c["found_count"] + c["missed_count"]).sum() > 0
    assert (c["reviewed_passes"] >= c["found_count"] + c["missed_count"]).all()
