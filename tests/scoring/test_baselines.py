"""Baselines: prospective hotspot weights by hand, naive counts, KDE bandwidth choice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import h3cells
from scoring import baselines
from scoring.features import bin_events, day_number
from tests.scoring._forecast_data import LAT, LON, small_city


def test_prospective_hotspot_weights() -> None:
    grid, _, _ = small_city(days=10)
    c = h3cells.points_to_cells([LON], [LAT], 9)[0]  # the centre: all 6 neighbours in the grid
    _, ring1 = h3cells.grid_disk([c], 1)
    nb = ring1[ring1 != c][0]
    i, j = grid.index_of(np.array([c, nb]))
    ev = pd.DataFrame({"lon": [grid.lon[i]] * 2, "lat": [grid.lat[i]] * 2,
                       "occurred_at": pd.to_datetime(["2024-03-07 12:00", "2024-02-27 12:00"]),
                       "category": "theft"})
    bins = bin_events(ev, grid)["theft"]
    o = int(day_number(pd.DatetimeIndex(["2024-03-10"]))[0])
    s = baselines.hotspot_scores(bins, grid, o, radius_m=400.0, weeks=8)
    # res 9 spacing ≈ 350 m -> 1 ring; ages 2 d (0 weeks ago) and 11 d (1 week ago)
    assert s[i] == pytest.approx(1.0 + 0.5)
    assert s[j] == pytest.approx(0.5 * (1.0 + 0.5))
    assert s.sum() == pytest.approx(1.5 + 6 * 0.75)


def test_naive_and_kde_find_the_hot_cells() -> None:
    grid, ev, hot = small_city()
    bins = bin_events(ev[ev.category == "theft"], grid)["theft"]
    o = int(day_number(pd.DatetimeIndex(["2024-08-01"]))[0])
    naive = baselines.naive_recent(bins, grid, o, 4)
    assert set(np.argsort(-naive)[:3]) == set(hot)
    weeks = baselines.choose_naive_weeks(bins, grid, o, 7, budget_cells=3)
    assert weeks in baselines.NAIVE_WEEKS
    kde, bw = baselines.kde_scores(bins, grid, o)
    assert bw in baselines.KDE_BANDWIDTHS_M
    # the hot cells are isolated: likelihood CV picks a narrow kernel
    assert bw <= 200
    assert set(np.argsort(-kde)[:3]) == set(hot)
    # events on or after the origin are ignored
    later = bins.day >= o
    assert np.array_equal(naive, baselines.naive_recent(
        type(bins)(bins.cell_idx[~later], bins.day[~later], bins.cell, bins.all_day), grid, o, 4))
