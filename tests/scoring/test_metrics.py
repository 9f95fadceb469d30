"""Hotspot metrics against hand-computed cases (PAI/PEI* denominators are the classic bug)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.metrics import (
    best_possible,
    brier,
    hotspot_metrics,
    log_loss,
    ranking_table,
    reliability_table,
    select_by_area,
)

ACTUAL = np.array([3.0, 0.0, 1.0, 0.0])
SCORES = np.array([0.9, 0.8, 0.1, 0.0])


def test_select_by_area_takes_a_prefix_within_budget() -> None:
    assert select_by_area(SCORES, 1.0, 2.0).tolist() == [True, True, False, False]
    # the next cell would exceed the budget: stop, do not skip to a smaller one further down
    assert select_by_area([3, 2, 1], [1.0, 2.0, 0.5], 2.0).tolist() == [True, False, False]
    assert select_by_area([np.nan, 1.0], 1.0, 5.0).tolist() == [False, True]


def test_equal_areas_one_cell() -> None:
    m = hotspot_metrics(SCORES, ACTUAL, 1.0, budget=1.0)
    assert m["n"] == 3 and m["N"] == 4 and m["area"] == 1.0
    assert m["hit_rate"] == pytest.approx(0.75)
    assert m["pai"] == pytest.approx(0.75 / (1 / 4))  # 3.0: share of events over share of AREA
    assert m["n_star"] == 3 and m["pei_star"] == pytest.approx(1.0)


def test_equal_areas_two_cells() -> None:
    m = hotspot_metrics(SCORES, ACTUAL, 1.0, budget=2.0)
    assert m["pai"] == pytest.approx(0.75 / 0.5)
    assert m["n_star"] == 4  # best two cells: 3 + 1
    assert m["pei_star"] == pytest.approx(0.75)


def test_pai_uses_the_city_area_not_the_grid() -> None:
    m = hotspot_metrics(SCORES, ACTUAL, 1.0, budget=1.0, total_area=8.0)
    assert m["pai"] == pytest.approx(0.75 / (1 / 8))
    assert m["area_share"] == pytest.approx(1 / 8)


def test_unequal_areas_pei_greedy_by_density() -> None:
    areas = np.array([2.0, 1.0, 1.0])
    actual = np.array([3.0, 1.0, 0.0])
    m = hotspot_metrics(np.array([0.0, 2.0, 1.0]), actual, areas, budget=2.0)
    # cells 1 and 2 flagged: n = 1 of N = 4 on area 2 of A = 4
    assert m["n"] == 1 and m["area"] == 2.0
    assert m["pai"] == pytest.approx((1 / 4) / (2 / 4))
    # best area-2 selection is cell 0 (density 1.5): n* = 3
    assert best_possible(actual, areas, 2.0) == 3
    assert m["pei_star"] == pytest.approx(1 / 3)


def test_rri() -> None:
    m = hotspot_metrics(SCORES, ACTUAL, 1.0, budget=1.0, previous=np.array([1.0, 1.0, 1.0, 1.0]))
    assert m["rri"] == pytest.approx((3 / 1) / (4 / 4))


def test_no_events_gives_nan_not_a_crash() -> None:
    m = hotspot_metrics(SCORES, np.zeros(4), 1.0, budget=1.0)
    assert math.isnan(m["pai"]) and math.isnan(m["pei_star"])


def test_brier_and_log_loss() -> None:
    p, y = np.array([0.8, 0.2]), np.array([1, 0])
    assert brier(p, y) == pytest.approx(0.04)
    assert log_loss(p, y) == pytest.approx(-math.log(0.8))
    assert log_loss(np.array([0.0]), np.array([1])) < 30  # clipped, finite


def test_reliability_table_explicit_bins() -> None:
    p = np.array([0.1, 0.1, 0.6, 0.9])
    y = np.array([0, 1, 1, 1])
    t = reliability_table(p, y, bins=[0.0, 0.5, 1.0])
    assert t["n"].tolist() == [2, 2]
    assert t["mean_predicted"].tolist() == pytest.approx([0.1, 0.75])
    assert t["observed"].tolist() == pytest.approx([0.5, 1.0])


def test_ranking_table_shares_and_budgets() -> None:
    t = ranking_table({"a": SCORES, "b": -SCORES}, ACTUAL, 1.0, shares=(0.25,), budgets=(2.0,))
    assert len(t) == 4
    a = t[(t.method == "a") & (t.budget == "25%")].iloc[0]
    assert a.pai == pytest.approx(3.0)
    b = t[(t.method == "b") & (t.budget == "2")].iloc[0]
    assert b.n == 1 and b.pei_star == pytest.approx(0.25)
