"""XGBoost forecaster: finds known hotspots, calibrated probabilities, explanations, no leakage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.features import FeatureSpec
from scoring.forecast import (
    Forecaster,
    ForecasterConfig,
    factor_label,
    top_factors,
    training_origins,
)
from tests.scoring._forecast_data import small_city

CFG = ForecasterConfig(horizon_days=7, n_origins=10, calibration_origins=3, n_estimators=30,
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
    names = ["cnt_theft_4w", "nbr_theft_4w", "cal_month"]
    s = top_factors(np.array([[0.42, 0.18, -0.3, 1.0], [-0.1, -0.2, -0.3, 1.0]]), names, k=3)
    assert s[0] == "近4周盗窃(cnt_theft_4w)+0.42; 邻近格近4周盗窃(nbr_theft_4w)+0.18"
    assert s[1] == ""
