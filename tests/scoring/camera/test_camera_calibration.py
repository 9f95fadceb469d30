"""Calibration: Wilson intervals, Rogan–Gladen on a hand-computed case, precision/recall
from stratified audits, and recovery of known true rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.camera import calibration as cal
from scoring.camera import indicators as ind


def test_wilson_interval_matches_textbook() -> None:
    # 8 successes of 10: Wilson 95 % = [0.4902, 0.9433] (Newcombe 1998, table I style).
    lo, hi = cal.wilson_interval([8], [10])
    assert lo[0] == pytest.approx(0.4902, abs=1e-4) and hi[0] == pytest.approx(0.9433, abs=1e-4)
    lo, hi = cal.wilson_interval([0], [0])
    assert np.isnan(lo[0]) and np.isnan(hi[0])


def test_rogan_gladen_hand_computed() -> None:
    # AP = 0.10, Se = 0.80, Sp = 0.95: p = (0.10 + 0.95 - 1) / (0.80 + 0.95 - 1) = 0.05/0.75
    assert cal.rogan_gladen(0.10, 0.80, 0.95)[()] == pytest.approx(1 / 15)
    # Clipped at 0 when AP is below the false-positive floor, NaN when Se + Sp <= 1.
    assert cal.rogan_gladen(0.01, 0.8, 0.95)[()] == 0.0
    assert np.isnan(cal.rogan_gladen(0.2, 0.5, 0.4)[()])


def test_precision_recall_form_equals_rogan_gladen() -> None:
    # 100 detections in 1000 passes, 45/50 audited detections confirmed, 60/80 true
    # violations detected: p = 0.1 * 0.9 / 0.75 = 0.12.
    r = cal.calibrated_rate(100, 1000, 45, 50, 60, 80).iloc[0]
    assert r["raw_rate"] == pytest.approx(0.10)
    assert r["calibrated_rate"] == pytest.approx(0.12)
    # The implied specificity: 1 - AP(1-PPV)/(1-p) = 1 - 0.01/0.88
    assert r["implied_specificity"] == pytest.approx(1 - 0.01 / 0.88)
    rg = cal.rogan_gladen(0.10, 0.75, r["implied_specificity"])[()]
    assert rg == pytest.approx(0.12)
    assert r["cal_lo"] < 0.12 < r["cal_hi"]
    # The MOVER interval agrees with the parametric bootstrap to ~0.01.
    est, blo, bhi = cal.calibrated_rate_bootstrap(100, 1000, 45, 50, 60, 80, seed=1)
    assert est == pytest.approx(0.12)
    assert r["cal_lo"] == pytest.approx(blo, abs=0.01) and r["cal_hi"] == pytest.approx(bhi, abs=0.01)


def test_precision_recall_from_hand_made_audits() -> None:
    aud = pd.DataFrame({
        "detection_id": [f"a{i}" for i in range(10)],
        "camera_id": "c1",
        "detected_violation": ["no_helmet"] * 4 + ["none"] * 6,
        "true_violation": ["no_helmet", "no_helmet", "no_helmet", "none",
                           "no_helmet", "none", "none", "none", "none", "none"],
    })
    pr = cal.precision_recall(aud).set_index("violation")
    assert pr.loc["no_helmet", "precision"] == pytest.approx(3 / 4)
    # Simple random sample (no stratum sizes): recall = 3 detected of 4 true.
    assert pr.loc["no_helmet", "recall"] == pytest.approx(3 / 4)
    assert pr.loc["no_helmet", "recall_source"] == "audits"
    # Stratified: the 6 'none' audits stand for 600 detections, the 4 'no_helmet' for 40:
    # true no_helmet ≈ 40·3/4 + 600·1/6 = 130, detected among them 30 -> recall 30/130.
    sizes = pd.Series({"no_helmet": 40, "none": 600})
    pr = cal.precision_recall(aud, detection_totals=sizes).set_index("violation")
    assert pr.loc["no_helmet", "recall"] == pytest.approx(30 / 130)
    # Without audited 'none' detections misses are invisible: recall is missing, not 1.
    pr = cal.precision_recall(aud.iloc[:4]).set_index("violation")
    assert np.isnan(pr.loc["no_helmet", "recall"])


def test_recall_from_audit_clips_takes_precedence() -> None:
    aud = pd.DataFrame({"detection_id": ["a", "b"], "camera_id": "c1",
                        "detected_violation": ["red_light", "none"],
                        "true_violation": ["red_light", "none"]})
    clips = pd.DataFrame({"camera_id": ["c1"], "violation": ["red_light"],
                          "reviewed_passes": [500], "missed_count": [5], "found_count": [15]})
    pr = cal.precision_recall(aud, clips).set_index("violation")
    assert pr.loc["red_light", "recall"] == pytest.approx(0.75)
    assert pr.loc["red_light", "recall_source"] == "clips"


def test_calibrated_rates_recover_true_rates(toy_city) -> None:
    db = ind.connect(toy_city.cameras, toy_city.detections, toy_city.flow)
    counts = ind.camera_type_counts(db)
    out = cal.calibrate(counts, toy_city.audits)
    city = out[out["scope"] == "type"].set_index("violation")
    for v, truth in toy_city.true_rates.items():
        row = city.loc[v]
        assert row["cal_lo"] <= truth <= row["cal_hi"], (v, truth, row.to_dict())
    # The raw no-helmet rate is biased low by the misses; calibration moves it up.
    assert city.loc["no_helmet", "raw_rate"] < toy_city.true_rates["no_helmet"] * 0.85
    assert abs(city.loc["no_helmet", "calibrated_rate"] - toy_city.true_rates["no_helmet"]) < 0.02
    cam = out[out["scope"] == "camera"]
    assert set(cam["calibration_source"]) <= {"camera", "pooled"}
    assert len(cam) == len(toy_city.cameras) * 5


def test_no_camera_with_enough_audits_uses_pooled_values(toy_city) -> None:
    db = ind.connect(toy_city.cameras, toy_city.detections, toy_city.flow)
    out = cal.calibrate(ind.camera_type_counts(db), toy_city.audits, min_camera_audits=10_000)
    cam = out[out["scope"] == "camera"]
    assert (cam["calibration_source"] == "pooled").all()
    city = out[out["scope"] == "type"].set_index("violation")
    nh = cam[cam["violation"] == "no_helmet"]
    assert (nh["precision"] == city.loc["no_helmet", "precision"]).all()


def test_without_audited_misses_only_the_lower_bound_is_given(toy_city) -> None:
    db = ind.connect(toy_city.cameras, toy_city.detections, toy_city.flow)
    detected_only = toy_city.audits[toy_city.audits["detected_violation"] != "none"]
    out = cal.calibrate(ind.camera_type_counts(db), detected_only)
    city = out[out["scope"] == "type"].set_index("violation")
    assert city["calibrated_rate"].isna().all() and city["recall"].isna().all()
    nh = city.loc["no_helmet"]
    assert nh["rate_lower_bound"] == pytest.approx(nh["raw_rate"] * nh["precision"])
    assert nh["rate_lower_bound"] <= toy_city.true_rates["no_helmet"]


@pytest.mark.parametrize(("p", "se", "ppv", "n_passes", "n_ppv", "n_se"), [
    (0.03, 0.75, 0.88, 1_000_000, 15, 300),   # a rare type with a handful of audits
    (0.20, 0.85, 0.92, 1_000_000, 100, 2000),  # PPV near 1: its uncertainty is all below
    (0.05, 0.80, 0.98, 100_000, 40, 60),
    (0.03, 0.75, 0.88, 1_500, 240, 300),       # one camera: the pass count dominates
    (0.01, 0.90, 0.95, 300, 50, 50),           # a few detections, some cameras none at all
])
def test_calibrated_interval_covers_at_nominal_level(p, se, ppv, n_passes, n_ppv, n_se) -> None:
    """Monte Carlo (4,000 replicates): the 95 % interval of AP·PPV/Se covers the true rate
    93-97.5 % of the time. The symmetric delta method on log p covered 88 % with 15
    precision audits and 93.6 % with 100 (truth below the interval 11.6 % / 5.6 %)."""
    rng = np.random.default_rng(11)
    n = 4000
    nd = rng.binomial(n_passes, p * se / ppv, n)
    tp = rng.binomial(n_ppv, ppv, n)
    fd = rng.binomial(n_se, se, n)
    r = cal.calibrated_rate(nd, n_passes, tp, n_ppv, fd, n_se)
    assert r["cal_lo"].notna().all() and r["cal_hi"].notna().all()
    cover = ((r["cal_lo"] <= p) & (p <= r["cal_hi"])).mean()
    assert 0.93 <= cover <= 0.975, cover
    # neither tail takes much more than its share
    assert (p < r["cal_lo"]).mean() < 0.045 and (p > r["cal_hi"]).mean() < 0.045


def test_calibrated_interval_when_nothing_is_detected() -> None:
    r = cal.calibrated_rate([0, 5], [400, 400], [20, 0], [20, 10], [40, 40], [50, 50])
    assert (r["calibrated_rate"] == 0).all() and (r["cal_lo"] == 0).all()
    # upper bound from the limits: AP_hi · PPV_hi / Se_lo, finite and positive
    assert (r["cal_hi"] > 0).all() and (r["cal_hi"] < 0.05).all()


def test_duplicate_reviews_count_once() -> None:
    """A review re-sent (the same detection twice, the last one corrected) and a clip review
    re-sent count once: duplicates would weigh twice and narrow the intervals."""
    from scoring.camera.inputs import canonical_audit_clips, canonical_audits

    a = pd.DataFrame({"detection_id": ["d1", "d2", "d2", "d3"], "camera_id": "c1",
                      "detected_violation": ["未戴头盔"] * 4,
                      "reviewed_violation": ["未戴头盔", "无违法", "未戴头盔", "未戴头盔"],
                      "source_row": [1, 2, 3, 4]})
    ca = canonical_audits(a)
    assert list(ca["detection_id"]) == ["d1", "d2", "d3"]
    assert ca.set_index("detection_id").loc["d2", "true_violation"] == "no_helmet"
    c = pd.DataFrame({"camera_id": ["c1", "c1", "c1"], "violation": ["逆行"] * 3,
                      "clip_date": pd.to_datetime(["2026-07-01", "2026-07-01", "2026-07-02"]),
                      "reviewed_passes": [50, 50, 40], "found_count": [3, 3, 2],
                      "missed_count": [1, 1, 0]})
    cc = canonical_audit_clips(c)
    assert len(cc) == 2 and cc["found_count"].sum() == 5
