"""Forecast metrics for hotspot maps: hit rate, PAI, PEI*, RRI, Brier, log loss, reliability.

Definitions (N = all events of the evaluation period in the study area, A = study-area area):

- selection: cells taken in decreasing score order while their cumulative area stays within
  the budget (ties broken by cell order, i.e. deterministically); ``a`` = area actually taken.
- hit rate ``= n / N`` with ``n`` the events inside the selected cells.
- PAI ``= (n / N) / (a / A)`` — the denominator is the *area share* ``a/A`` of what was
  flagged (not the cell count, not the budget, not the area of cells with events).
- PEI* ``= n / n*`` where ``n*`` is the most events any selection of the same area could
  catch. With equal-area cells that is the top-``k`` cells by actual count (exact). With
  unequal areas the exact problem is a knapsack; we use the greedy by event density
  (count / area) within the same area ``a``, which is exact for equal areas and a close
  approximation (it can over- or under-state ``n*`` by less than one cell's events) otherwise.
- RRI (recapture rate index, Levine 2008) ``= (n2 / n1) / (N2 / N1)``: how the flagged
  cells' events change between a previous period (1) and the evaluation period (2) relative
  to the whole area; 1 = same share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def select_by_area(scores: np.ndarray, areas: np.ndarray | float, budget: float) -> np.ndarray:
    """Boolean mask of the highest-scoring cells whose cumulative area ≤ ``budget``.

    ``areas`` in any unit (scalar = equal areas), ``budget`` in the same unit. Cells are taken
    in decreasing score order (stable: ties keep their input order) until the next would exceed
    the budget; cells with NaN scores are never taken.
    """
    s = np.asarray(scores, dtype=float)
    a = np.broadcast_to(np.asarray(areas, dtype=float), s.shape)
    order = np.argsort(-np.nan_to_num(s, nan=-np.inf), kind="stable")
    order = order[np.isfinite(s[order])]
    cum = np.cumsum(a[order])
    take = order[cum <= budget * (1 + 1e-12)]
    mask = np.zeros(len(s), dtype=bool)
    mask[take] = True
    return mask


def best_possible(actual: np.ndarray, areas: np.ndarray | float, area_taken: float) -> float:
    """``n*``: the most events a selection of area ``area_taken`` catches (greedy by density)."""
    y = np.asarray(actual, dtype=float)
    a = np.broadcast_to(np.asarray(areas, dtype=float), y.shape)
    dens = y / a
    return float(y[select_by_area(dens, a, area_taken)].sum())


def hotspot_metrics(scores: np.ndarray, actual: np.ndarray, areas: np.ndarray | float, budget: float,
                    total_area: float | None = None, previous: np.ndarray | None = None) -> dict[str, float]:
    """Hit rate, PAI, PEI* (and RRI if ``previous`` counts are given) for one area budget.

    ``actual``: events per cell in the evaluation period; ``areas`` per cell; ``total_area`` =
    A (default: sum of the cell areas); ``budget`` = flagged area in the same unit.
    """
    y = np.asarray(actual, dtype=float)
    a = np.broadcast_to(np.asarray(areas, dtype=float), y.shape)
    A = float(a.sum()) if total_area is None else float(total_area)
    sel = select_by_area(scores, a, budget)
    n, N, area = float(y[sel].sum()), float(y.sum()), float(a[sel].sum())
    hit = n / N if N > 0 else np.nan
    pai = hit / (area / A) if area > 0 and N > 0 else np.nan
    n_star = best_possible(y, a, area)
    pei = n / n_star if n_star > 0 else np.nan
    out = {"n": n, "N": N, "area": area, "area_share": area / A, "cells": float(sel.sum()),
           "hit_rate": hit, "pai": pai, "n_star": n_star, "pei_star": pei}
    if previous is not None:
        p = np.asarray(previous, dtype=float)
        n1, N1 = float(p[sel].sum()), float(p.sum())
        out["rri"] = (n / n1) / (N / N1) if n1 > 0 and N1 > 0 and N > 0 else np.nan
    return out


def brier(p: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of probabilities ``p`` against 0/1 outcomes ``y``."""
    p = np.asarray(p, dtype=float)
    return float(np.mean((p - (np.asarray(y) > 0)) ** 2))


def log_loss(p: np.ndarray, y: np.ndarray, eps: float = 1e-12) -> float:
    """Mean negative log-likelihood (natural log) of 0/1 outcomes under ``p`` (clipped to eps)."""
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    yb = np.asarray(y) > 0
    return float(-np.mean(np.where(yb, np.log(p), np.log1p(-p))))


def reliability_table(p: np.ndarray, y: np.ndarray, bins: Sequence[float] | int = 10) -> pd.DataFrame:
    """Calibration table: per probability bin the count, mean predicted and observed frequency.

    ``bins``: number of equal-count (quantile) bins, or explicit edges in [0, 1].
    """
    p = np.asarray(p, dtype=float)
    yb = (np.asarray(y) > 0).astype(float)
    if isinstance(bins, int):
        edges = np.unique(np.quantile(p, np.linspace(0, 1, bins + 1)))
    else:
        edges = np.asarray(bins, dtype=float)
    if len(edges) < 2:
        edges = np.array([p.min(), p.max() + 1e-12])
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    df = pd.DataFrame({"bin": idx, "p": p, "y": yb})
    g = df.groupby("bin").agg(n=("p", "size"), mean_predicted=("p", "mean"), observed=("y", "mean"))
    g["lo"] = edges[g.index.to_numpy()]
    g["hi"] = edges[g.index.to_numpy() + 1]
    return g.reset_index(drop=True)[["lo", "hi", "n", "mean_predicted", "observed"]]


def ranking_table(scores: dict[str, np.ndarray], actual: np.ndarray, areas: np.ndarray | float,
                  shares: Sequence[float] = (0.01, 0.05), budgets: Sequence[float] = (),
                  total_area: float | None = None, previous: np.ndarray | None = None) -> pd.DataFrame:
    """Hotspot metrics of several score maps at area shares of A and at absolute budgets."""
    a = np.broadcast_to(np.asarray(areas, dtype=float), np.shape(actual))
    A = float(a.sum()) if total_area is None else float(total_area)
    rows = []
    for name, s in scores.items():
        for share in shares:
            rows.append({"method": name, "budget": f"{share:.0%}",
                         **hotspot_metrics(s, actual, a, share * A, A, previous)})
        for b in budgets:
            rows.append({"method": name, "budget": f"{b:g}",
                         **hotspot_metrics(s, actual, a, b, A, previous)})
    return pd.DataFrame(rows)
