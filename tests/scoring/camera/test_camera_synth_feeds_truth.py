"""End to end on the synthetic city's feed files: the camera feeds rendered as a department
sends them (camera registry, detections, 15-min e-bike flow, audit sample, clip reviews; with
the default mess), loaded by the real ingest, analysed by ``pingan hotspots``; the calibrated
violation rates it stores recover the true rates of ``_truth/true_violation_rates.parquet``.

Before the fixes of issue 7 this path gave no_helmet 0.191 [0.182, 0.201] against a true
0.203, and the per-camera intervals held the truth for 87 % of camera × type pairs (72 % for
lane_mixing): the World relabelled a tenth of the e-bike detections tricycle/motorcycle (the
analysis counts e-bikes over the e-bike flow), and the delta-method interval was too narrow
on the side of PPV near 1 with a few dozen audits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

CAMERA_FEEDS = ["camera_registry", "ebike_detections", "ebike_flow", "detection_audit",
                "detection_audit_clips"]


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(camera_calibration as stored by ``pingan hotspots``, true rates)."""
    from fusion.ingest import ingest_folder
    from geo.store import open_store
    from pingan.cli import app
    from synth import generate

    root = tmp_path_factory.mktemp("cam_e2e")
    city = root / "city"
    # 14 days of a 0.02 city: ~740 cameras, ~1.1 M e-bike passes, ~240 audited detections
    # (the default cap), ~500 clip-review rows.
    generate(days=14, seed=7, scale=0.02, out=city, streams_days=14, feeds=CAMERA_FEEDS)
    ingest_folder(city, root / "store", secret="e2e-test-secret-0123", city="430900",
                  workers=1)
    env = {"PINGAN_WORKDIR": str(root), "PINGAN_CONFIG": str(root / "none.toml"),
           "PINGAN_DATABASE_URL": ""}
    res = CliRunner().invoke(app, ["hotspots"], env=env)
    assert res.exit_code == 0, res.output
    cal = open_store(root / "store").read("camera_calibration")
    truth = pd.read_parquet(city / "_truth" / "true_violation_rates.parquet")
    return cal, truth


@pytest.mark.slow
def test_city_rates_recover_the_truth_within_their_intervals(calibrated) -> None:
    cal, truth = calibrated
    city = cal[cal["scope"] == "type"].set_index("violation")
    t = truth[truth["camera_id"] == "*"].set_index("violation")["rate"]
    assert set(city.index) == set(t.index)
    # Five simultaneous comparisons: each 95 % interval stretched on the log scale to 99 %
    # (Bonferroni, ≈ 95 % jointly).
    k = stats.norm.ppf(0.995) / stats.norm.ppf(0.975)
    covered95 = 0
    for v, true in t.items():
        r = city.loc[v]
        est = r["calibrated_rate"]
        lo99 = est * (r["cal_lo"] / est) ** k
        hi99 = est * (r["cal_hi"] / est) ** k
        assert lo99 <= true <= hi99, (v, true, r[["raw_rate", "precision", "recall",
                                                   "calibrated_rate", "cal_lo", "cal_hi"]])
        covered95 += int(r["cal_lo"] <= true <= r["cal_hi"])
        assert abs(est / true - 1) < 0.2, (v, est, true)
    assert covered95 >= 4
    # no_helmet: the commonest type, recall 0.85 < precision 0.92: the raw rate is low, the
    # calibrated one within 5 % of the truth.
    nh = city.loc["no_helmet"]
    assert nh["raw_rate"] < t["no_helmet"] * 0.97
    assert abs(nh["calibrated_rate"] / t["no_helmet"] - 1) < 0.05


@pytest.mark.slow
def test_per_camera_intervals_cover_the_truth_at_about_nominal(calibrated) -> None:
    cal, truth = calibrated
    cam = cal[cal["scope"] == "camera"].merge(truth, on=["camera_id", "violation"])
    assert cam["camera_id"].nunique() > 500
    cam = cam[cam["calibrated_rate"].notna()]
    inside = (cam["cal_lo"] <= cam["rate"]) & (cam["rate"] <= cam["cal_hi"])
    by_type = inside.groupby(cam["violation"]).mean()
    # 95 % intervals; the pooled precision/recall error is shared by every camera, so one
    # city's coverage scatters around 95 % (seeds 1, 2, 7: 94-97 %).
    assert 0.92 <= inside.mean() <= 0.99, by_type.to_dict()
    assert (by_type >= 0.85).all(), by_type.to_dict()
    # Unbiased camera by camera: the median ratio to the truth is ~1 for no_helmet.
    nh = cam[cam["violation"] == "no_helmet"]
    ratio = float(np.median(nh["calibrated_rate"] / nh["rate"]))
    assert abs(ratio - 1) < 0.05, ratio
