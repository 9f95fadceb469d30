"""Spatiotemporal features per H3 cell and period, for any city's events.

Inputs are plain frames: events with ``lon, lat`` (WGS-84, EPSG:4326), ``occurred_at``
(tz-aware, or naive local wall-clock time) and ``category``; a set of H3 cells (the study
area at resolution R). Output: one row per (``h3``, ``period_start``) with

- ``cnt_{cat}_{w}w``  events of the category in the cell in the ``w`` weeks before period_start
- ``nbr_{cat}_{w}w``  the same summed over the ring-1 neighbours (cell itself excluded)
- ``nr_{cat}``        near-repeat: events within ~200 m and 14 days before period_start,
                      weighted ``1/(1 + ring distance) * (1 - age_days/14)``
- ``p{R-1}_cnt_{cat}_{w}w``, ``p{R-2}_cnt_{cat}_{w}w``  counts in the parent cells
                      (``p8_``/``p7_`` at the default resolution 9)
- optional ``ph_{cat}`` (prospective hotspot, Bowers & Johnson 2004) and ``kde_{cat}_{w}w``
  (Gaussian grid smoothing of the w-week counts)
- optional ``dk_{cat}_{τ}d_{σ}m`` decayed intensity: events of the last ``history_days``
  weighted ``exp(-age/τ)`` and smoothed with a Gaussian of bandwidth ``σ`` metres (0 = the
  cell alone), divided by its mean over the study area (1 = a city-average cell)
- ``ctx_*``           static context passed through per cell
- ``cal_holiday_days, cal_workdays, cal_weekday, cal_month`` of the target period

Time: everything is binned to local calendar days (Asia/Shanghai wall clock; naive times are
taken as already local). A period starting at day ``q`` only sees events on days ``< q``:
the temporal kernels below have support strictly before ``q`` (tested by the leakage test).

Counting is sparse linear algebra: ``M`` (cells × days, event counts) times a band matrix
``W`` (days × period starts, temporal weights) gives every window count at once, and a
sparse spatial kernel ``S`` (cells × cells) gives neighbour, near-repeat and hotspot sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import h3
import numpy as np
import pandas as pd
import scipy.sparse as sp

from data_contracts.vocab import TIMEZONE
from geo import h3cells
from scoring.calendar import calendar_features

DEFAULT_WINDOWS: tuple[int, ...] = (1, 2, 4, 13)
EARTH_R_M = 6_371_008.8


# --------------------------------------------------------------------------- H3 helpers
# Cell ids, parents, disks and strings come from geo.h3cells (vectorised); re-exported here so
# scoring callers have one import.
points_to_cells = h3cells.points_to_cells      # (lon, lat, res) -> int64, 0 = no cell
polygon_to_cells = h3cells.polygon_to_cells    # (WGS-84 geometry, res) -> sorted int64
cells_to_str = h3cells.cells_to_str
str_to_cells = h3cells.str_to_cells
cells_to_parent = h3cells.cell_to_parent


@dataclass
class CellGrid:
    """The study area's H3 cells (sorted int64) with centres in a local metric frame.

    ``x, y`` are metres in an equirectangular projection about the grid's mean latitude (error
    < 0.5 % over a city); ``area_m2`` is each cell's true area; ``spacing_m`` the mean
    centre-to-centre distance of neighbouring cells.
    """

    cells: np.ndarray
    res: int
    lon: np.ndarray = field(repr=False)
    lat: np.ndarray = field(repr=False)
    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    area_m2: np.ndarray = field(repr=False)
    spacing_m: float = 0.0
    _rings: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    _disks: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    _smooth: dict[float, sp.csr_matrix] = field(default_factory=dict, repr=False)

    @classmethod
    def from_cells(cls, cells: np.ndarray) -> CellGrid:
        cells = np.unique(np.asarray(cells, dtype=np.int64))
        if len(cells) == 0:
            raise ValueError("研究区没有H3格 / the study area has no H3 cells")
        res = int(h3cells.cell_resolution(cells[:1])[0])
        u = cells.astype(np.uint64)
        ll = np.array([h3.api.numpy_int.cell_to_latlng(int(c)) for c in u])  # no vectorised API
        lat, lon = ll[:, 0], ll[:, 1]
        lat0 = np.deg2rad(lat.mean())
        x = np.deg2rad(lon) * EARTH_R_M * np.cos(lat0)
        y = np.deg2rad(lat) * EARTH_R_M
        area = h3cells.cell_area_km2(cells) * 1e6
        spacing = float(np.sqrt(2 * area.mean() / np.sqrt(3)))  # hexagon centre spacing
        return cls(cells=cells, res=res, lon=lon, lat=lat, x=x, y=y, area_m2=area, spacing_m=spacing)

    @property
    def n(self) -> int:
        return len(self.cells)

    def index_of(self, cells: np.ndarray) -> np.ndarray:
        """Position of each cell in the grid, -1 if outside the study area."""
        pos = np.searchsorted(self.cells, cells)
        pos = np.clip(pos, 0, self.n - 1)
        return np.where(self.cells[pos] == cells, pos, -1)

    def ring_pairs(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All (i, j, ring) with cell j at grid distance ``ring`` ≤ k of cell i, both in the grid."""
        if k not in self._rings:
            keys, rings = [], []
            for r in range(k + 1):
                origin, nb = h3cells.grid_disk(self.cells, r)
                j = self.index_of(nb)
                keep = j >= 0
                keys.append(origin[keep] * self.n + j[keep])
                rings.append(np.full(int(keep.sum()), r))
            key, ring = np.concatenate(keys), np.concatenate(rings)
            # a pair's ring is the smallest disk radius that contains it
            order = np.lexsort((ring, key))
            key, ring = key[order], ring[order]
            first = np.r_[True, key[1:] != key[:-1]]
            key, ring = key[first], ring[first]
            self._rings[k] = (key // self.n, key % self.n, ring)
        return self._rings[k]

    def disk_pairs(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """All (i, j) with cell j within grid distance k of cell i, both in the grid (one disk
        call, no ring numbers: what distance-weighted kernels need)."""
        if k in self._rings:
            i, j, _ = self._rings[k]
            return i, j
        if k not in self._disks:
            origin, nb = h3cells.grid_disk(self.cells, k)
            j = self.index_of(nb)
            keep = j >= 0
            self._disks[k] = (origin[keep], j[keep])
        return self._disks[k]

    def rings_for(self, metres: float) -> int:
        """Number of rings whose centres lie within ``metres`` (at least 1)."""
        return max(1, round(metres / self.spacing_m))

    def kernel(self, k: int, weight: str = "inverse_ring", bandwidth_m: float | None = None,
               include_self: bool = True) -> sp.csr_matrix:
        """Sparse spatial kernel ``S[i, j]`` over rings ≤ k.

        ``inverse_ring``: ``1/(1 + ring)``; ``ones``: 1; ``gaussian``: ``exp(-d²/2b²)`` of the
        centre distance ``d`` in metres with bandwidth ``b``.
        """
        if weight == "inverse_ring":
            i, j, r = self.ring_pairs(k)
        else:
            i, j = self.disk_pairs(k)
            r = (i != j).astype(np.int64)  # only "self or not" is needed below
        if not include_self:
            keep = r > 0
            i, j, r = i[keep], j[keep], r[keep]
        if weight == "inverse_ring":
            w = 1.0 / (1.0 + r)
        elif weight == "ones":
            w = np.ones(len(i))
        elif weight == "gaussian":
            b = bandwidth_m or self.spacing_m
            d2 = (self.x[i] - self.x[j]) ** 2 + (self.y[i] - self.y[j]) ** 2
            w = np.exp(-d2 / (2 * b * b))
        else:
            raise ValueError(f"unknown kernel weight {weight!r}")
        return sp.csr_matrix((w.astype(np.float64), (i, j)), shape=(self.n, self.n))


# --------------------------------------------------------------------------- time helpers

def to_local_naive(times: pd.Series | pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Wall-clock Asia/Shanghai time without zone (naive input is taken as local already)."""
    t = pd.DatetimeIndex(pd.to_datetime(times))
    if t.tz is not None:
        t = t.tz_convert(TIMEZONE).tz_localize(None)
    return t


def day_number(times: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Local calendar day as integer days since 1970-01-01."""
    t = to_local_naive(times)
    return (t.normalize().values.astype("datetime64[D]").astype(np.int64))


def to_period_start(days: np.ndarray) -> pd.DatetimeIndex:
    """tz-aware Asia/Shanghai midnights from integer day numbers."""
    return pd.DatetimeIndex(np.asarray(days).astype("datetime64[D]")).tz_localize(TIMEZONE)


def period_starts(start: str | pd.Timestamp, end: str | pd.Timestamp, period: str = "week") -> pd.DatetimeIndex:
    """Period starts (tz-aware local midnights) from ``start`` up to ``end`` inclusive.

    ``period``: ``day`` or ``week`` (weeks start on ``start``'s weekday; pass a Monday for ISO weeks).
    """
    freq = {"day": "D", "week": "7D"}[period]
    s = to_local_naive(pd.DatetimeIndex([pd.Timestamp(start)]))[0].normalize()
    e = to_local_naive(pd.DatetimeIndex([pd.Timestamp(end)]))[0].normalize()
    return pd.date_range(s, e, freq=freq).tz_localize(TIMEZONE)


@dataclass
class EventBins:
    """Events of one category binned to (grid position, local day)."""

    cell_idx: np.ndarray  # position in the grid, events outside the grid dropped
    day: np.ndarray
    cell: np.ndarray      # the event's own cell (int64), kept for parent counts
    all_day: np.ndarray   # days of all events incl. outside the grid (parent counts)


def bin_events(events: pd.DataFrame, grid: CellGrid) -> dict[str, EventBins]:
    """Bin events per category; needs ``lon, lat, occurred_at, category`` (or ``h3`` already)."""
    if "h3" in events.columns:
        cells = events["h3"].to_numpy(dtype=np.int64)
    else:
        cells = points_to_cells(events["lon"].to_numpy(), events["lat"].to_numpy(), grid.res)
    days = day_number(events["occurred_at"])
    cats = events["category"].astype(str).to_numpy()
    out: dict[str, EventBins] = {}
    for cat in pd.unique(cats):
        m = (cats == cat) & (cells != 0)
        c, d = cells[m], days[m]
        idx = grid.index_of(c)
        inside = idx >= 0
        out[str(cat)] = EventBins(cell_idx=idx[inside], day=d[inside], cell=c, all_day=d)
    return out


def _band(query_days: np.ndarray, day0: int, n_days: int, lags: np.ndarray, weights: np.ndarray) -> sp.csr_matrix:
    """Days × queries matrix with ``weights[l]`` at day ``q - 1 - lags[l]`` (strictly before q)."""
    q = np.asarray(query_days, dtype=np.int64)
    rows = (q[None, :] - 1 - lags[:, None]) - day0
    cols = np.broadcast_to(np.arange(len(q))[None, :], rows.shape)
    vals = np.broadcast_to(weights[:, None], rows.shape)
    ok = (rows >= 0) & (rows < n_days)
    return sp.csr_matrix((vals[ok], (rows[ok], cols[ok])), shape=(n_days, len(q)))


def window_matrix(cell_idx: np.ndarray, day: np.ndarray, n_cells: int, query_days: np.ndarray,
                  lags: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Dense (cells × queries) of ``sum_events weights[q - 1 - day]`` over events before ``q``.

    ``lags`` are ages in days (0 = the day before ``q``); only ages listed count.
    """
    if len(day) == 0:
        return np.zeros((n_cells, len(query_days)), dtype=np.float32)
    day0 = int(min(day.min(), np.min(query_days) - 1 - lags.max()))
    n_days = int(max(day.max(), np.max(query_days)) - day0 + 1)
    m = sp.csr_matrix((np.ones(len(day)), (cell_idx, day - day0)), shape=(n_cells, n_days))
    return np.asarray((m @ _band(query_days, day0, n_days, lags, weights)).todense(), dtype=np.float32)


def window_counts(bins: EventBins, n_cells: int, query_days: np.ndarray, weeks: float) -> np.ndarray:
    """Event counts per cell in the ``weeks`` weeks before each query day (cells × queries)."""
    lags = np.arange(round(weeks * 7))
    return window_matrix(bins.cell_idx, bins.day, n_cells, query_days, lags, np.ones(len(lags)))


def near_repeat(bins: EventBins, grid: CellGrid, query_days: np.ndarray, radius_m: float = 200.0,
                days: int = 14) -> np.ndarray:
    """Near-repeat score: ``sum 1/(1+ring) * (1 - age/days)`` over events within ``radius_m``
    (at least ring 1) and ``days`` days before each query day."""
    lags = np.arange(days)
    w = window_matrix(bins.cell_idx, bins.day, grid.n, query_days, lags, 1.0 - lags / days)
    return np.asarray(grid.kernel(grid.rings_for(radius_m)) @ w, dtype=np.float32)


def prospective_hotspot(bins: EventBins, grid: CellGrid, query_days: np.ndarray, radius_m: float = 400.0,
                        weeks: int = 8) -> np.ndarray:
    """Bowers & Johnson (2004) prospective hotspot: ``sum 1/(1+cells away) * 1/(1+weeks ago)``
    over events within ``radius_m`` and ``weeks`` weeks before each query day."""
    lags = np.arange(weeks * 7)
    w = window_matrix(bins.cell_idx, bins.day, grid.n, query_days, lags, 1.0 / (1.0 + lags // 7))
    return np.asarray(grid.kernel(grid.rings_for(radius_m)) @ w, dtype=np.float32)


def smoothing_kernel(grid: CellGrid, bandwidth_m: float) -> sp.csr_matrix:
    """Gaussian kernel ``exp(-d²/2σ²)`` over the cells within 3σ (identity for σ = 0); kept on
    the grid, built once per bandwidth."""
    if bandwidth_m <= 0:
        return sp.identity(grid.n, format="csr")
    key = float(bandwidth_m)
    if key not in grid._smooth:
        k = max(1, int(np.ceil(3 * bandwidth_m / grid.spacing_m)))
        grid._smooth[key] = grid.kernel(k, "gaussian", bandwidth_m=bandwidth_m)
    return grid._smooth[key]


def decayed_intensity(bins: EventBins, grid: CellGrid, query_days: np.ndarray, tau_days: float,
                      bandwidths_m: Sequence[float] = (0.0,), history_days: int = 1827) -> list[np.ndarray]:
    """Relative decayed intensity per cell, one (cells × queries) array per bandwidth.

    ``sum exp(-age/τ) · exp(-d²/2σ²)`` over the events of the ``history_days`` days before each
    query day (age in days, 0 = the day before; ``d`` the centre distance in metres), divided
    by its mean over the grid's cells at that query (all zeros when there is no event yet).
    """
    lags = np.arange(int(history_days))
    m = window_matrix(bins.cell_idx, bins.day, grid.n, query_days, lags, np.exp(-lags / float(tau_days)))
    m = m.astype(np.float64)
    out = []
    for bw in bandwidths_m:
        v = np.asarray(smoothing_kernel(grid, bw) @ m) if bw > 0 else m
        mean = v.mean(axis=0, keepdims=True)
        out.append(np.divide(v, mean, out=np.zeros_like(v), where=mean > 0).astype(np.float32))
    return out


def parent_counts(bins: EventBins, grid: CellGrid, parent_res: int, query_days: np.ndarray,
                  weeks: float) -> np.ndarray:
    """Counts in each grid cell's parent at ``parent_res`` (all events of the parent, including
    those outside the study area) in the ``weeks`` weeks before each query day."""
    cell_par = cells_to_parent(grid.cells, parent_res)
    pars, inv = np.unique(cell_par, return_inverse=True)
    ev_par = cells_to_parent(bins.cell, parent_res) if len(bins.cell) else np.zeros(0, np.int64)
    pos = np.searchsorted(pars, ev_par)
    pos = np.clip(pos, 0, len(pars) - 1)
    keep = pars[pos] == ev_par if len(ev_par) else np.zeros(0, bool)
    lags = np.arange(round(weeks * 7))
    pc = window_matrix(pos[keep], bins.all_day[keep], len(pars), query_days, lags, np.ones(len(lags)))
    return pc[inv]


# --------------------------------------------------------------------------- the frame

@dataclass
class FeatureSpec:
    """Which features to build. Defaults are the documented names."""

    windows: Sequence[int] = DEFAULT_WINDOWS
    nbr_windows: Sequence[int] | None = None      # None = same as windows
    parent_windows: Sequence[int] = (4,)
    parent_levels: int = 2
    near_repeat_m: float = 200.0
    near_repeat_days: int = 14
    hotspot: bool = False                           # ph_{cat}
    kde_windows: Sequence[int] = ()                 # kde_{cat}_{w}w
    kde_bandwidth_m: float = 250.0
    decay_days: Sequence[float] = ()               # dk_{cat}_{τ}d_{σ}m, τ in days
    decay_bandwidths_m: Sequence[float] = (0.0,)   # σ in metres (0 = the cell alone)
    history_days: int = 1827                       # how far back dk_ features look
    calendar: bool = True


def feature_names(categories: Sequence[str], res: int = 9, spec: FeatureSpec | None = None) -> list[str]:
    """Names of the feature columns :func:`build_features` produces (without ``ctx_*``)."""
    spec = spec or FeatureSpec()
    nbw = spec.windows if spec.nbr_windows is None else spec.nbr_windows
    names: list[str] = []
    for cat in categories:
        names += [f"cnt_{cat}_{w}w" for w in spec.windows]
        names += [f"nbr_{cat}_{w}w" for w in nbw]
        names.append(f"nr_{cat}")
        for lvl in range(1, spec.parent_levels + 1):
            names += [f"p{res - lvl}_cnt_{cat}_{w}w" for w in spec.parent_windows]
        if spec.hotspot:
            names.append(f"ph_{cat}")
        names += [f"kde_{cat}_{w}w" for w in spec.kde_windows]
        names += [decay_name(cat, t, b) for t in spec.decay_days for b in spec.decay_bandwidths_m]
    if spec.calendar:
        names += ["cal_holiday_days", "cal_workdays", "cal_weekday", "cal_month"]
    return names


def feature_matrices(events: pd.DataFrame | dict[str, EventBins], grid: CellGrid, query_days: np.ndarray,
                     categories: Sequence[str], spec: FeatureSpec | None = None) -> dict[str, np.ndarray]:
    """Every event-derived feature as a (cells × queries) float32 array, keyed by name."""
    spec = spec or FeatureSpec()
    bins = events if isinstance(events, dict) else bin_events(events, grid)
    empty = EventBins(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    nbw = spec.windows if spec.nbr_windows is None else spec.nbr_windows
    ring1 = grid.kernel(1, "ones", include_self=False)
    smooth = grid.kernel(max(1, int(np.ceil(2.5 * spec.kde_bandwidth_m / grid.spacing_m))), "gaussian",
                         bandwidth_m=spec.kde_bandwidth_m) if spec.kde_windows else None
    out: dict[str, np.ndarray] = {}
    for cat in categories:
        b = bins.get(cat, empty)
        counts = {w: window_counts(b, grid.n, query_days, w) for w in sorted(set(spec.windows) | set(nbw) | set(spec.kde_windows))}
        for w in spec.windows:
            out[f"cnt_{cat}_{w}w"] = counts[w]
        for w in nbw:
            out[f"nbr_{cat}_{w}w"] = np.asarray(ring1 @ counts[w], dtype=np.float32)
        out[f"nr_{cat}"] = near_repeat(b, grid, query_days, spec.near_repeat_m, spec.near_repeat_days)
        for lvl in range(1, spec.parent_levels + 1):
            for w in spec.parent_windows:
                out[f"p{grid.res - lvl}_cnt_{cat}_{w}w"] = parent_counts(b, grid, grid.res - lvl, query_days, w)
        if spec.hotspot:
            out[f"ph_{cat}"] = prospective_hotspot(b, grid, query_days)
        for w in spec.kde_windows:
            out[f"kde_{cat}_{w}w"] = np.asarray(smooth @ counts[w], dtype=np.float32)
        for t in spec.decay_days:
            mats = decayed_intensity(b, grid, query_days, t, spec.decay_bandwidths_m, spec.history_days)
            for bw, m in zip(spec.decay_bandwidths_m, mats):
                out[decay_name(cat, t, bw)] = m
    return out


def decay_name(category: str, tau_days: float, bandwidth_m: float) -> str:
    """Column name of a decayed-intensity feature: ``dk_{cat}_{τ}d_{σ}m``."""
    return f"dk_{category}_{tau_days:g}d_{bandwidth_m:g}m"


def build_features(events: pd.DataFrame, cells: np.ndarray | CellGrid, starts: Sequence | pd.DatetimeIndex,
                   categories: Sequence[str] | None = None, period: str = "week",
                   context: pd.DataFrame | None = None, spec: FeatureSpec | None = None,
                   period_days: int | None = None) -> pd.DataFrame:
    """Feature frame keyed by ``h3`` (int64) and ``period_start`` (tz-aware local midnight).

    ``events``: ``lon, lat`` (EPSG:4326), ``occurred_at``, ``category``. ``cells``: the study
    area's H3 cells (or a :class:`CellGrid`). ``starts``: period starts. ``period``: ``day`` or
    ``week`` — the target period the calendar features describe (``period_days`` overrides,
    e.g. a 28-day horizon). ``context``: optional per-cell frame with ``h3`` and ``ctx_*``
    columns, passed through (cells missing from it get 0). Rows are ordered by period_start,
    then h3. No feature uses an event on or after its row's period_start.
    """
    spec = spec or FeatureSpec()
    grid = cells if isinstance(cells, CellGrid) else CellGrid.from_cells(cells)
    if categories is None:
        categories = sorted(events["category"].astype(str).unique())
    starts_idx = pd.DatetimeIndex(starts)
    if starts_idx.tz is None:
        starts_idx = starts_idx.tz_localize(TIMEZONE)
    starts_idx = starts_idx.tz_convert(TIMEZONE).normalize()
    q = day_number(starts_idx)
    mats = feature_matrices(events, grid, q, categories, spec)
    nq = len(q)
    frame = {
        "h3": np.tile(grid.cells, nq),
        "period_start": np.repeat(starts_idx, grid.n),
    }
    for name, m in mats.items():
        frame[name] = m.T.ravel()
    df = pd.DataFrame(frame)
    if spec.calendar:
        cal = calendar_features(starts_idx, period_days or {"day": 1, "week": 7}[period])
        for c in cal.columns:
            df[c] = np.repeat(cal[c].to_numpy(), grid.n)
    if context is not None:
        ctx_cols = [c for c in context.columns if c.startswith("ctx_")]
        ctx = context.drop_duplicates("h3").set_index("h3")[ctx_cols].reindex(grid.cells).fillna(0.0)
        for c in ctx_cols:
            df[c] = np.tile(ctx[c].to_numpy(dtype=np.float32), nq)
    return df


def target_counts(events: pd.DataFrame | dict[str, EventBins], grid: CellGrid, starts_days: np.ndarray,
                  horizon_days: int, category: str) -> np.ndarray:
    """Events of ``category`` per cell in ``[start, start + horizon_days)`` (cells × starts)."""
    bins = events if isinstance(events, dict) else bin_events(events, grid)
    b = bins.get(category)
    if b is None:
        return np.zeros((grid.n, len(starts_days)), dtype=np.float32)
    lags = np.arange(horizon_days)
    # counting "before start + horizon" over ages 0..horizon-1 = the window [start, start+horizon)
    return window_matrix(b.cell_idx, b.day, grid.n, np.asarray(starts_days) + horizon_days, lags,
                         np.ones(horizon_days))
