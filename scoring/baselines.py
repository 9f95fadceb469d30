"""Baseline hotspot forecasts a user would otherwise pick, on the same H3 grid as ours.

- :func:`naive_recent`: events per cell in the last ``N`` weeks (``N`` chosen on training data).
- :func:`kde_scores`: Gaussian kernel density of past events at the cell centres, bandwidth
  chosen by held-out log-likelihood on the training data (scikit-learn ``KernelDensity``).
- :func:`prospective_hotspot`: Bowers & Johnson (2004), weights ``1/(1 + cells away) ×
  1/(1 + weeks ago)`` over ~400 m and 8 weeks (see :mod:`scoring.features`).

All take binned events (:func:`scoring.features.bin_events`) and an origin day number
(local days since 1970-01-01) and only use events strictly before the origin.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.neighbors import KernelDensity

from scoring.features import CellGrid, EventBins, prospective_hotspot, target_counts, window_counts
from scoring.metrics import select_by_area

NAIVE_WEEKS: tuple[int, ...] = (4, 13, 26, 52, 104)
KDE_BANDWIDTHS_M: tuple[float, ...] = (75.0, 125.0, 200.0, 300.0, 450.0, 700.0)


def naive_recent(bins: EventBins, grid: CellGrid, origin_day: int, weeks: int = 13) -> np.ndarray:
    """Events per cell in the ``weeks`` weeks before the origin (ties broken by all earlier history,
    scaled by 1e-6 so it never outweighs one recent event)."""
    q = np.array([origin_day])
    recent = window_counts(bins, grid.n, q, weeks)[:, 0]
    span = max(1, int(origin_day - bins.day.min())) if len(bins.day) else 1
    history = window_counts(bins, grid.n, q, span / 7.0)[:, 0]
    return recent.astype(float) + 1e-6 * history


def choose_naive_weeks(bins: EventBins, grid: CellGrid, origin_day: int, horizon_days: int, budget_cells: int,
                       candidates: Sequence[int] = NAIVE_WEEKS) -> int:
    """The window that caught most events on the last training horizon before the origin."""
    val = origin_day - horizon_days
    y = target_counts({"c": bins}, grid, np.array([val]), horizon_days, "c")[:, 0]
    best, best_n = candidates[0], -1.0
    for w in candidates:
        sel = select_by_area(naive_recent(bins, grid, val, w), 1.0, budget_cells)
        n = float(y[sel].sum())
        if n > best_n:
            best, best_n = w, n
    return best


def _event_points(bins: EventBins, grid: CellGrid, lo_day: int, hi_day: int) -> tuple[np.ndarray, np.ndarray]:
    """(unique event-cell centres as x/y metres, counts) for events with lo ≤ day < hi."""
    m = (bins.day >= lo_day) & (bins.day < hi_day)
    idx, cnt = np.unique(bins.cell_idx[m], return_counts=True)
    return np.column_stack([grid.x[idx], grid.y[idx]]), cnt.astype(float)


def kde_density(bins: EventBins, grid: CellGrid, lo_day: int, hi_day: int, bandwidth_m: float,
                at: np.ndarray | None = None) -> np.ndarray:
    """Gaussian KDE (per m²) of events with lo ≤ day < hi at the cell centres (or ``at`` xy)."""
    pts, w = _event_points(bins, grid, lo_day, hi_day)
    query = np.column_stack([grid.x, grid.y]) if at is None else at
    if len(pts) == 0:
        return np.zeros(len(query))
    kde = KernelDensity(kernel="gaussian", bandwidth=bandwidth_m, rtol=1e-4).fit(pts, sample_weight=w)
    return np.exp(kde.score_samples(query))


def choose_kde_bandwidth(bins: EventBins, grid: CellGrid, origin_day: int, history_days: int = 365,
                         holdout_days: int = 56, candidates: Sequence[float] = KDE_BANDWIDTHS_M) -> float:
    """Bandwidth (m) maximising the held-out log-likelihood of the last ``holdout_days`` of
    training events under a KDE of the ``history_days`` before them."""
    val = origin_day - holdout_days
    pts, w = _event_points(bins, grid, val, origin_day)
    if len(pts) == 0:
        return float(candidates[len(candidates) // 2])
    best, best_ll = float(candidates[0]), -np.inf
    for b in candidates:
        dens = kde_density(bins, grid, val - history_days, val, b, at=pts)
        # floor at a uniform density over the study area so one unseen place is not -inf
        floor = 1e-3 / grid.area_m2.sum()
        ll = float(np.sum(w * np.log(np.maximum(dens, floor))))
        if ll > best_ll:
            best, best_ll = float(b), ll
    return best


def kde_scores(bins: EventBins, grid: CellGrid, origin_day: int, history_days: int = 365,
               bandwidth_m: float | None = None) -> tuple[np.ndarray, float]:
    """KDE score per cell from the ``history_days`` before the origin; returns (scores, bandwidth)."""
    b = bandwidth_m or choose_kde_bandwidth(bins, grid, origin_day, history_days)
    return kde_density(bins, grid, origin_day - history_days, origin_day, b), b


def hotspot_scores(bins: EventBins, grid: CellGrid, origin_day: int, radius_m: float = 400.0,
                   weeks: int = 8) -> np.ndarray:
    """Prospective hotspot score per cell at the origin (Bowers & Johnson 2004)."""
    return prospective_hotspot(bins, grid, np.array([origin_day]), radius_m, weeks)[:, 0].astype(float)
