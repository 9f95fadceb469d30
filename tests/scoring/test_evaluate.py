"""Back-test table: every method from the same run, metrics in range; truth PEI by hand."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.evaluate import METHODS, backtest, truth_pei
from scoring.features import FeatureSpec
from scoring.forecast import ForecasterConfig
from tests.scoring._forecast_data import small_city


def test_backtest_table() -> None:
    grid, ev, _ = small_city()
    cfg = ForecasterConfig(n_origins=6, calibration_origins=2, n_estimators=20, spec=FeatureSpec(calendar=False))
    area = grid.area_m2
    t = backtest(ev, grid, "2024-08-01", ["theft"], {"1w": 7, "2w": 14}, cfg,
                 budgets=(3.2 * area.mean(),), shares=(0.05,))
    assert set(t["method"]) == set(METHODS)
    assert len(t) == 2 * 4 * 2
    assert t["hit_rate"].between(0, 1).all() and t["pei_star"].between(0, 1).all()
    assert (t["cells"] == 3).all()  # 5 % of 61 cells and 3.2 cells' area both flag 3 cells
    ours = t[(t.method == "xgboost") & (t.horizon == "1w")]
    assert ours["pei_star"].min() > 0.6  # the three hot cells carry most events
    assert ours["brier"].notna().all() and t[t.method == "kde"]["brier"].isna().all()


def test_truth_pei() -> None:
    lam = np.array([5.0, 1.0, 3.0, 0.0])
    assert truth_pei(np.array([0.0, 9.0, 1.0, 2.0]), lam, np.ones(4), 2.0) == pytest.approx(1.0 / 8.0)
    assert truth_pei(lam, lam, np.ones(4), 2.0) == pytest.approx(1.0)
