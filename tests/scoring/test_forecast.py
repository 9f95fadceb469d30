"""XGBoost forecaster: finds known hotspots, calibrated probabilities, explanations, no leakage."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import xgboost as xgb

from scoring.features import FeatureSpec, bin_events, day_number
from scoring.forecast import (
    CountCalibrator,
    Forecaster,
    ForecasterConfig,
    choose_prior,
    design_matrix,
    factor_label,
    poisson_glm,
    top_factors,
    top_share_hits,
    training_origins,
)
from tests.scoring._forecast_data import small_city

# p_event now comes from the count model alone (no second, logistic booster): 20 weekly origins
# so that 61 cells give it enough rows; 10 origins left one hot cell's rate at a third of the truth
CFG = ForecasterConfig(horizon_days=7, n_origins=20, calibration_origins=3, n_estimators=60,
                       spec=FeatureSpec(hotspot=True))
ORIGIN = "2024-08-01"


@pytest.fixture(scope="module")
def fitted() -> tuple:
    grid, ev, hot = small_city()
    f = Forecaster(CFG).fit(ev, grid, ORIGIN, ["theft"])
    return f, grid, ev, hot


def test_hot_cells_rank_first(fitted: tuple) -> None:
    f, grid, ev, hot = fitted
    pred = f.predict(ev, grid, ORIGIN)
    assert len(pred) == grid.n and set(pred.columns) >= {"h3", "p_event", "expected_count", "score", "top_factors"}
    top3 = pred.nlargest(3, "score")["h3"].to_numpy()
    assert set(top3) == set(grid.cells[hot])
    assert pred["p_event"].between(0, 1).all()
    # hot cells: ~0.28 theft/day -> P(>=1 in 7 d) is high; cold cells low
    assert pred.set_index("h3").loc[grid.cells[hot], "p_event"].min() > 0.6
    assert pred["p_event"].median() < 0.3
    assert str(pred["period_start"].iloc[0]) == "2024-08-01 00:00:00+08:00"


def test_explanations_name_plain_factors(fitted: tuple) -> None:
    f, grid, ev, hot = fitted
    pred = f.predict(ev, grid, ORIGIN).set_index("h3")
    text = pred.loc[grid.cells[hot[0]], "top_factors"]
    assert "盗窃" in text and any(f"({fam}_theft" in text for fam in ("cnt", "nbr", "nr", "ph", "p8_cnt", "p7_cnt"))
    first = text.split(";")[0]
    assert float(first[first.rindex(")") + 1:]) > 0


def test_reliability_table_kept(fitted: tuple) -> None:
    f, *_ = fitted
    rel = f.models["theft"].reliability
    assert {"mean_predicted", "observed", "n"} <= set(rel.columns)
    assert rel["n"].sum() == 3 * 61


def test_future_events_do_not_change_the_forecast(fitted: tuple) -> None:
    f, grid, ev, _ = fitted
    later = ev["occurred_at"] >= pd.Timestamp(ORIGIN, tz="Asia/Shanghai")
    g = Forecaster(CFG).fit(ev[~later], grid, ORIGIN, ["theft"])
    a = f.predict(ev, grid, ORIGIN)
    b = g.predict(ev[~later], grid, ORIGIN)
    pd.testing.assert_frame_equal(a, b)  # also: same seed -> same scores


def test_training_origins_never_reach_the_origin() -> None:
    cfg = ForecasterConfig(horizon_days=30, n_origins=4, origin_step_days=7, calibration_origins=2)
    train, cal = training_origins(1000, cfg)
    assert (cal + 30 <= 1000).all() and (train + 30 <= cal.min()).all()
    assert len(train) == 4 and len(cal) == 2


def test_factor_labels_and_top_factors() -> None:
    assert factor_label("cnt_theft_4w") == "近4周盗窃"
    assert factor_label("nbr_theft_4w") == "邻近格近4周盗窃"
    assert factor_label("p8_cnt_burglary_4w") == "上级格(R8)近4周入室盗窃"
    assert factor_label("nr_fire", "en").startswith("near-repeat fire")
    assert factor_label("dk_burglary_365d_150m") == "入室盗窃强度(衰减365天, 平滑150米, 相对全市)"
    assert factor_label("prior_theft_1460d_82m", "en") == "long-run theft prior (decay 1460 d, 82 m)"
    names = ["cnt_theft_4w", "nbr_theft_4w", "cal_month"]
    s = top_factors(np.array([[0.42, 0.18, -0.3, 1.0], [-0.1, -0.2, -0.3, 1.0]]), names, k=3)
    assert s[0] == "近4周盗窃(cnt_theft_4w)+0.42; 邻近格近4周盗窃(nbr_theft_4w)+0.18"
    assert s[1] == ""


def test_training_origins_leave_room_for_a_longer_target() -> None:
    cfg = ForecasterConfig(horizon_days=7, target_days=92, n_origins=3, origin_step_days=28, calibration_origins=2)
    train, cal = training_origins(1000, cfg)
    assert cfg.target_window == 92
    assert (cal + 7 <= 1000).all() and (train + 92 <= cal.min()).all()


def test_top_share_hits_by_hand() -> None:
    scores = np.array([[5.0, 0.0], [4.0, 1.0], [1.0, 3.0], [0.0, 2.0]])
    y = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0], [0.0, 4.0]])
    # top 1 of 4 per origin: cell 0 (1 event), cell 2 (0 events) -> 1 of 10; top 2: 1+0 and 0+4
    assert top_share_hits(scores, y, (0.25,)) == pytest.approx(0.1)
    assert top_share_hits(scores, y, (0.25, 0.5)) == pytest.approx(0.1 + 0.5)


def test_poisson_glm_and_count_calibrator_recover_known_parameters() -> None:
    rng = np.random.default_rng(1)
    z = rng.normal(0, 1, 20000)
    off = np.log(rng.uniform(0.5, 2.0, len(z)))
    y = rng.poisson(np.exp(-1.0 + 1.6 * z + off))
    a, b = poisson_glm(z, off, y)
    assert a == pytest.approx(-1.0, abs=0.05) and b == pytest.approx(1.6, abs=0.05)
    mu = np.exp(rng.normal(-1, 1, 20000))
    yb = rng.random(len(mu)) < -np.expm1(-0.5 * mu**1.3)
    cal = CountCalibrator().fit(mu, yb)
    assert cal.a == pytest.approx(np.log(0.5), abs=0.1) and cal.b == pytest.approx(1.3, abs=0.1)
    assert np.all(np.diff(cal.predict(np.sort(mu))) >= 0)


def test_prior_is_chosen_on_training_origins_and_explained() -> None:
    grid, ev, hot = small_city()
    cfg = ForecasterConfig(horizon_days=7, n_origins=10, calibration_origins=2, n_estimators=20, prior=True,
                           level_offset=True, target_days=14, prior_shares=(3 / 61,),
                           spec=FeatureSpec(calendar=False))
    f = Forecaster(cfg).fit(ev, grid, ORIGIN, ["theft"])
    m = f.models["theft"]
    prior = m.prior
    assert prior is not None and len(prior.scores) == 3 * 7
    # the hot cells are stable and isolated: the chosen kernel catches every one of them
    best = prior.scores["hit_share"].max()
    assert prior.scores.query("tau_days == @prior.tau_days and bandwidth_m == @prior.bandwidth_m")[
        "hit_share"].iloc[0] == best
    # sharpening: the fitted slope of the log prior is positive
    assert prior.b > 0.5
    pred = f.predict(ev, grid, ORIGIN)
    assert set(pred.nlargest(3, "score")["h3"]) == set(grid.cells[hot])
    text = pred.set_index("h3").loc[grid.cells[hot[0]], "top_factors"]
    assert text.startswith("长期盗窃风险先验") and f"({prior.name('theft')})" in text
    # choose_prior by hand on the same origins gives the same kernel
    bins = bin_events(ev[ev.occurred_at < pd.Timestamp(ORIGIN, tz="Asia/Shanghai")], grid)
    o = int(day_number(pd.DatetimeIndex([ORIGIN]))[0])
    train, _ = training_origins(o, cfg)
    from scoring.features import target_counts
    again = choose_prior(bins["theft"], grid, train, target_counts(bins, grid, train, 14, "theft"), cfg)
    assert (again.tau_days, again.bandwidth_m) == (prior.tau_days, prior.bandwidth_m)
    # the prior needs no future either
    later = ev["occurred_at"] >= pd.Timestamp(ORIGIN, tz="Asia/Shanghai")
    g = Forecaster(cfg).fit(ev[~later], grid, ORIGIN, ["theft"])
    pd.testing.assert_frame_equal(pred, g.predict(ev[~later], grid, ORIGIN))


def test_bagged_boosters_are_averaged() -> None:
    """``bags``: each booster has its own sample of zero-target rows and seed; the forecast is
    their mean, and the first booster is the one an unbagged model would train."""
    grid, ev, hot = small_city()
    cfg = replace(CFG, neg_rate=0.3)
    one = Forecaster(cfg).fit(ev, grid, ORIGIN, ["theft"])
    bag = Forecaster(replace(cfg, bags=3)).fit(ev, grid, ORIGIN, ["theft"])
    regs = bag.models["theft"].regs
    assert len(regs) == 3 and len(one.models["theft"].regs) == 1
    bins = bin_events(ev, grid)
    o = int(day_number(pd.DatetimeIndex([ORIGIN]))[0])
    x, names = design_matrix(bins, grid, np.array([o]), bag.feature_categories, bag.config)
    each = [r.predict(xgb.DMatrix(x, feature_names=names)) for r in regs]
    assert not np.allclose(each[0], each[1])  # different samples, different boosters
    np.testing.assert_array_equal(each[0], one.models["theft"].regs[0].predict(xgb.DMatrix(x, feature_names=names)))
    pred = bag.predict(ev, grid, ORIGIN)
    np.testing.assert_allclose(pred["expected_count"], np.mean(each, axis=0), rtol=1e-6)
    assert set(pred.nlargest(3, "score")["h3"]) == set(grid.cells[hot])
