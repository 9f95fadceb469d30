"""Features: exact window counts, neighbours, parents, near repeat, calendar, and no leakage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import h3cells
from scoring.features import CellGrid, FeatureSpec, build_features, feature_names, period_starts

LON, LAT = 112.355, 28.554  # 益阳 Yiyang


@pytest.fixture(scope="module")
def grid() -> CellGrid:
    centre = h3cells.points_to_cells([LON], [LAT], 9)
    _, disk = h3cells.grid_disk(centre, 3)
    return CellGrid.from_cells(disk)


def _centre(grid: CellGrid, cell: int) -> tuple[float, float]:
    i = grid.index_of(np.array([cell]))[0]
    return float(grid.lon[i]), float(grid.lat[i])


def _events(grid: CellGrid, rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    """rows: (cell, local time text, category)."""
    lon, lat = zip(*[_centre(grid, c) for c, _, _ in rows])
    t = pd.to_datetime([r[1] for r in rows]).tz_localize("Asia/Shanghai")
    return pd.DataFrame({"lon": lon, "lat": lat, "occurred_at": t, "category": [r[2] for r in rows]})


def test_counts_neighbours_parents_exact(grid: CellGrid) -> None:
    c0 = int(h3cells.points_to_cells([LON], [LAT], 9)[0])
    _, ring1 = h3cells.grid_disk([c0], 1)
    n1 = int(ring1[ring1 != c0][0])
    ev = _events(grid, [
        (c0, "2024-03-03 23:59", "theft"),   # 1 day before the period: in every window
        (c0, "2024-02-20 10:00", "theft"),   # 13 days before: 2w, 4w, 13w
        (c0, "2024-03-04 00:00", "theft"),   # AT period start: never counted
        (n1, "2024-03-01 08:00", "theft"),   # neighbour, 3 days before
        (c0, "2024-01-01 08:00", "fire"),    # 63 days before: only 13w
    ])
    df = build_features(ev, grid, pd.DatetimeIndex(["2024-03-04"]), categories=["theft", "fire"])
    row = df.set_index("h3").loc[c0]
    assert [row[f"cnt_theft_{w}w"] for w in (1, 2, 4, 13)] == [1, 2, 2, 2]
    assert [row[f"cnt_fire_{w}w"] for w in (1, 2, 4, 13)] == [0, 0, 0, 1]
    assert row["nbr_theft_1w"] == 1 and row["nbr_theft_13w"] == 1
    assert df.set_index("h3").loc[n1, "nbr_theft_1w"] == 1  # its neighbour c0 had one
    assert row["p8_cnt_theft_4w"] >= 2 and row["p7_cnt_theft_4w"] >= row["p8_cnt_theft_4w"]
    # near repeat: own cell age 0 -> 1; 02-20 is age 12 -> 2/14; neighbour age 2 -> 0.5 * 12/14
    assert row["nr_theft"] == pytest.approx(1 + 2 / 14 + 0.5 * 12 / 14)
    assert df["period_start"].dt.tz is not None and str(df["period_start"].dt.tz) == "Asia/Shanghai"
    assert df["h3"].dtype == np.int64
    assert list(df.columns[2:]) == feature_names(["theft", "fire"], 9)


def test_utc_input_is_binned_on_local_days(grid: CellGrid) -> None:
    c0 = int(grid.cells[0])
    lon, lat = _centre(grid, c0)
    # 2024-03-03 17:00 UTC = 2024-03-04 01:00 Beijing: on/after the period start, not before
    ev = pd.DataFrame({"lon": [lon], "lat": [lat], "occurred_at": pd.to_datetime(["2024-03-03T17:00Z"]),
                       "category": ["theft"]})
    df = build_features(ev, grid, pd.DatetimeIndex(["2024-03-04", "2024-03-05"]), categories=["theft"])
    got = df[df.h3 == c0].set_index("period_start")["cnt_theft_1w"].tolist()
    assert got == [0, 1]


def test_calendar_national_day_week(grid: CellGrid) -> None:
    df = build_features(_events(grid, [(int(grid.cells[0]), "2024-09-01", "theft")]), grid,
                        pd.DatetimeIndex(["2024-09-30", "2024-10-07"]), period="week")
    cal = df.drop_duplicates("period_start").set_index("period_start")
    assert cal["cal_holiday_days"].tolist() == [6, 1]  # 10-01..10-06, then 10-07
    assert cal["cal_workdays"].tolist() == [1, 5]      # 09-30 works; 10-12 (Sat) is a 调休 workday
    assert cal["cal_month"].tolist() == [9, 10]


def test_context_passthrough(grid: CellGrid) -> None:
    ctx = pd.DataFrame({"h3": grid.cells[:2], "ctx_rentals": [5.0, 7.0], "other": [1, 1]})
    df = build_features(_events(grid, [(int(grid.cells[0]), "2024-09-01", "theft")]), grid,
                        pd.DatetimeIndex(["2024-09-30"]), context=ctx)
    assert "other" not in df.columns
    got = df.set_index("h3")["ctx_rentals"]
    assert got.loc[grid.cells[1]] == 7.0 and got.loc[grid.cells[5]] == 0.0


def test_no_feature_sees_the_future(grid: CellGrid) -> None:
    """Shuffling and altering every event at or after a period start leaves its features unchanged."""
    rng = np.random.default_rng(3)
    n = 400
    idx = rng.integers(0, grid.n, n)
    t = pd.Timestamp("2024-01-01", tz="Asia/Shanghai") + pd.to_timedelta(rng.uniform(0, 120, n), unit="D")
    ev = pd.DataFrame({"lon": grid.lon[idx], "lat": grid.lat[idx], "occurred_at": t,
                       "category": rng.choice(["theft", "fire"], n)})
    spec = FeatureSpec(hotspot=True, kde_windows=(4,), decay_days=(7, 365), decay_bandwidths_m=(0.0, 400.0))
    starts = period_starts("2024-02-05", "2024-04-15", "week")
    for s in starts[::3]:
        fut = ev["occurred_at"] >= s
        alt = ev.copy()
        k = int(fut.sum())
        perm = rng.permutation(k)
        alt.loc[fut, ["lon", "lat"]] = ev.loc[fut, ["lon", "lat"]].to_numpy()[perm]
        alt.loc[fut, "category"] = rng.choice(["theft", "fire"], k)
        extra = ev[fut].assign(occurred_at=s)  # plus a burst exactly at the period start
        alt = pd.concat([alt, extra, extra], ignore_index=True)
        a = build_features(ev, grid, [s], categories=["theft", "fire"], spec=spec)
        b = build_features(alt, grid, [s], categories=["theft", "fire"], spec=spec)
        pd.testing.assert_frame_equal(a, b)
        # and the past does matter (the test can fail)
        past = build_features(ev[~fut].iloc[5:], grid, [s], categories=["theft", "fire"], spec=spec)
        assert not past.drop(columns=["h3", "period_start"]).equals(a.drop(columns=["h3", "period_start"]))


def test_decayed_intensity_exact(grid: CellGrid) -> None:
    """dk_: exp(-age/τ) weights, Gaussian smoothing over centre distance, divided by the grid mean."""
    c0 = int(h3cells.points_to_cells([LON], [LAT], 9)[0])
    _, ring1 = h3cells.grid_disk([c0], 1)
    n1 = int(ring1[ring1 != c0][0])
    ev = _events(grid, [
        (c0, "2024-03-03 23:59", "theft"),   # the day before: age 0, weight 1
        (n1, "2024-02-24 10:00", "theft"),   # 9 days before: age 8, weight exp(-0.8)
        (c0, "2024-03-04 00:00", "theft"),   # at the period start: never counted
        (c0, "2019-01-01 08:00", "theft"),   # older than history_days: never counted
    ])
    spec = FeatureSpec(decay_days=(10,), decay_bandwidths_m=(0.0, 300.0), history_days=365, calendar=False)
    df = build_features(ev, grid, pd.DatetimeIndex(["2024-03-04"]), categories=["theft"], spec=spec).set_index("h3")
    w0, w1 = 1.0, np.exp(-0.8)
    own = df["dk_theft_10d_0m"]
    assert own.loc[c0] == pytest.approx(grid.n * w0 / (w0 + w1), rel=1e-5)
    assert own.loc[n1] == pytest.approx(grid.n * w1 / (w0 + w1), rel=1e-5)
    assert (own.drop([c0, n1]) == 0).all()
    i, j = grid.index_of(np.array([c0, n1]))
    k = np.exp(-((grid.x[i] - grid.x[j]) ** 2 + (grid.y[i] - grid.y[j]) ** 2) / (2 * 300.0**2))
    sm = df["dk_theft_10d_300m"]
    assert sm.loc[c0] / sm.loc[n1] == pytest.approx((w0 + k * w1) / (k * w0 + w1), rel=1e-5)
    assert sm.mean() == pytest.approx(1.0, rel=1e-5)
    assert list(df.columns[1:]) == feature_names(["theft"], 9, spec)


def test_rows_per_cell_and_period(grid: CellGrid) -> None:
    starts = period_starts("2024-03-01", "2024-03-05", "day")
    df = build_features(_events(grid, [(int(grid.cells[0]), "2024-02-28", "theft")]), grid, starts, period="day")
    assert len(df) == grid.n * 5
    assert not df.duplicated(["h3", "period_start"]).any()
    assert df["cal_weekday"].iloc[0] == 4  # 2024-03-01 is a Friday


def test_distance_kernels_from_one_disk_match_the_ring_construction(grid: CellGrid) -> None:
    """gaussian/ones kernels use one k-disk (no ring numbers); same matrix as from ring_pairs."""
    import scipy.sparse as sp

    fresh = CellGrid.from_cells(grid.cells)  # no cached disks
    for k, weight in [(1, "ones"), (2, "gaussian")]:
        for include_self in (True, False):
            got = fresh.kernel(k, weight, bandwidth_m=300.0, include_self=include_self)
            i, j, r = grid.ring_pairs(k)
            keep = (r > 0) | include_self
            i, j = i[keep], j[keep]
            d2 = (grid.x[i] - grid.x[j]) ** 2 + (grid.y[i] - grid.y[j]) ** 2
            w = np.ones(len(i)) if weight == "ones" else np.exp(-d2 / (2 * 300.0**2))
            want = sp.csr_matrix((w, (i, j)), shape=(grid.n, grid.n))
            assert abs(got - want).max() < 1e-12 and got.nnz == want.nnz
