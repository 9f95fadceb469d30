"""Problem lists and the whole pipeline on the toy city."""

from __future__ import annotations

import h3
import pandas as pd

from scoring.camera import indicators as ind
from scoring.camera import problems
from scoring.camera.pipeline import CameraAnalyticsConfig, run_camera_analytics


def test_problem_list_ranks_by_violations_and_cites_evidence(toy_city) -> None:
    db = ind.connect(toy_city.cameras, toy_city.detections, toy_city.flow)
    seg = problems.segment_band_counts(ind.band_week_counts(db), toy_city.cameras)
    # Totals are preserved by the roll-up.
    assert seg.groupby("violation")["n_violations"].sum()["no_helmet"] == (
        toy_city.detections["violation"] == "no_helmet").sum()
    pl = problems.problem_list(seg, top_n=3, min_passes=50)
    assert set(pl["township_code"]) == set(toy_city.cameras["township_code"])
    for _, g in pl.groupby("township_code"):
        assert list(g["rank"]) == [1, 2, 3]
        assert g["n_violations"].is_monotonic_decreasing
    pl = problems.attach_evidence(db, pl, n_evidence=2)
    det = toy_city.detections.set_index("detection_id")
    cams = toy_city.cameras.set_index("camera_id")
    for _, row in pl.iterrows():
        ids = row["evidence_detection_ids"].split(",")
        assert len(ids) == 2
        for d in ids:  # every cited detection is of that violation on that segment
            assert det.loc[d, "violation"] == row["violation"]
            assert cams.loc[det.loc[d, "camera_id"], "road_id"] == row["road_id"]
        assert row["evidence_snapshots"].startswith("snap/")
    assert pl["description_zh"].str.contains("起，发生率").all()


def test_pipeline_produces_every_table(toy_city) -> None:
    out = run_camera_analytics(toy_city.cameras, toy_city.detections, toy_city.flow,
                               toy_city.audits, config=CameraAnalyticsConfig(site_budget=5))
    expected = {"camera_indicators", "camera_profiles", "camera_calibration", "hotspots_h3",
                "hotspots_road", "emerging_hotspots", "camera_health", "camera_health_area",
                "camera_maintenance", "site_selection", "problem_lists"}
    assert expected <= set(out)
    for name in expected - {"camera_maintenance"}:
        assert len(out[name]) > 0, name
    ci = out["camera_indicators"]
    city = ci[(ci["level"] == "city") & (ci["period"] == "all")].iloc[0]
    assert city["n_det"] == len(toy_city.detections)
    assert out["hotspots_h3"]["h3"].map(lambda c: h3.is_valid_cell(h3.int_to_str(c))).all()
    sel = out["site_selection"]
    obj = sel.groupby("method")["objective"].first()
    assert obj["exact"] >= obj["greedy"] - 1e-9
    assert obj["greedy"] >= (1 - 1 / 2.718281828) * obj["exact"]
    assert (out["camera_health"]["online_rate"] == 1.0).all()  # the toy city has no outages
    assert isinstance(out["problem_lists"], pd.DataFrame)
