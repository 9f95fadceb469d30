"""On the synthetic city: calibrated rates recover the true rates of ``_truth`` (the World's
``true_violation_rates``) within their intervals (99 % each, five types jointly ≈ 95 %)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.camera import calibration as cal
from scoring.camera import health
from scoring.camera import indicators as ind
from scoring.camera.inputs import canonical_cameras


@pytest.fixture(scope="module")
def world():
    from synth.world import build_world

    return build_world(days=14, scale=0.01, seed=7)


@pytest.mark.slow
def test_calibrated_rates_recover_synthetic_truth(world) -> None:
    w = world
    rows = next(w.iter_ebike_detections(chunk_days=14))  # every pass with a true or detected violation
    flow = w.ebike_flow
    # The truth is per e-bike pass (averaged over all hours and the rider mix): e-bike rows.
    day_rows = rows[rows["vehicle_class"] == "ebike"]
    feed = day_rows[day_rows["detected_violation"] != "none"].rename(
        columns={"detected_violation": "violation"})          # the feed keeps detections only
    # Reviewed detections (precision): as World.audit_sample, drawn from the whole week.
    rng = np.random.default_rng(0)
    audits = feed.iloc[np.sort(rng.choice(len(feed), 3000, replace=False))].rename(
        columns={"violation": "detected_violation"})[
        ["detection_id", "camera_id", "detected_violation", "true_violation"]]
    # Reviewed clips (recall): 20 % of camera-days, reviewers count found and missed per type.
    cd = day_rows.assign(day=day_rows["ts"].dt.date)
    keys = cd[["camera_id", "day"]].drop_duplicates()
    keys = keys[rng.random(len(keys)) < 0.2]
    clip = cd.merge(keys, on=["camera_id", "day"])
    clip = clip[clip["true_violation"] != "none"]
    clips = (clip.assign(found=(clip["detected_violation"] == clip["true_violation"]).astype(int),
                         missed=(clip["detected_violation"] != clip["true_violation"]).astype(int))
             .groupby(["camera_id", "true_violation"], as_index=False)[["found", "missed"]].sum()
             .rename(columns={"true_violation": "violation", "found": "found_count",
                              "missed": "missed_count"}))
    clips["reviewed_passes"] = 0

    cams = canonical_cameras(w.cameras[w.cameras["has_ebike_algo"]])
    # Tricycle and motorcycle rows come from their own passes: the e-bike rate counts e-bikes
    # (the default), over the flow's e-bike passes. The feed is every class, as rendered.
    feed = rows[rows["detected_violation"] != "none"].rename(
        columns={"detected_violation": "violation"})
    db = ind.connect(cams, feed, flow)
    # Five simultaneous comparisons: Bonferroni, 99 % intervals (≈ 95 % jointly).
    out = cal.calibrate(ind.camera_type_counts(db), audits, clips, level=0.99)
    city = out[out["scope"] == "type"].set_index("violation")
    truth = w.true_violation_rates
    truth = truth[truth["camera_id"] == "*"].set_index("violation")["rate"]
    covered = 0
    for v, t in truth.items():
        r = city.loc[v]
        assert r["calibrated_rate"] == pytest.approx(t, rel=0.12), (v, t, r.to_dict())
        covered += int(r["cal_lo"] <= t <= r["cal_hi"])
    assert covered == len(truth), (city[["raw_rate", "calibrated_rate", "cal_lo", "cal_hi"]].to_string(), truth.to_string())
    # No-helmet riders are missed most (recall 0.85 < precision): the raw rate is biased low
    # and the calibrated one is closer to the truth.
    nh = city.loc["no_helmet"]
    assert abs(nh["calibrated_rate"] - truth["no_helmet"]) < abs(nh["raw_rate"] - truth["no_helmet"])


@pytest.mark.slow
def test_offline_detection_finds_the_true_outages(world) -> None:
    cams = canonical_cameras(world.cameras[world.cameras["has_ebike_algo"]])
    ids = pd.Index(cams["camera_id"])
    counts, grid = health.activity_matrix(world.ebike_flow, ids)
    local = grid.tz_convert("Asia/Shanghai")
    off = health.offline_matrix(counts, cams["lon"].to_numpy(), cams["lat"].to_numpy(),
                                slot=np.asarray((local.hour * 60 + local.minute) // 15))
    truth = np.zeros_like(off)
    out = world.camera_outages[world.camera_outages["camera_id"].isin(ids)]
    for r in out.itertuples():
        a, b = grid.searchsorted(pd.Timestamp(r.start)), grid.searchsorted(pd.Timestamp(r.end))
        truth[ids.get_loc(r.camera_id), a:b] = True
    precision = (off & truth).sum() / off.sum()
    recall = (off & truth).sum() / truth.sum()
    # (the naive rule without the expected-count check gives precision ≈ 0.3-0.6 here)
    assert precision > 0.75 and recall > 0.75, (precision, recall)
