"""Back-test: our forecaster and the three baselines from the same run, at one origin.

For each category and horizon the forecaster is trained on history before the origin, the
baselines are computed from the same history, and every method's map is scored against what
happened in ``[origin, origin + horizon)`` with :mod:`scoring.metrics`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from scoring import baselines
from scoring.features import CellGrid, EventBins, bin_events, day_number, target_counts
from scoring.forecast import Forecaster, ForecasterConfig
from scoring.metrics import brier, log_loss, ranking_table, select_by_area

METHODS = ("xgboost", "naive", "kde", "hotspot")


def history_before(b: EventBins, o: int) -> EventBins:
    """The events of ``b`` before day ``o`` (grid events and all events alike)."""
    return EventBins(b.cell_idx[b.day < o], b.day[b.day < o], b.cell[b.all_day < o], b.all_day[b.all_day < o])


def baseline_scores(hist: EventBins, grid: CellGrid, o: int, horizons: Mapping[str, int],
                    budget_cells: int) -> dict[str, tuple[dict[str, np.ndarray], dict]]:
    """The three baselines' scores per cell from ``hist`` (events before day ``o``), per horizon
    label: ``label → ({"naive", "kde", "hotspot"} → scores, notes)``. KDE and prospective
    hotspotting do not depend on the horizon and are computed once; the naive window is chosen
    per horizon for a selection of ``budget_cells`` cells."""
    kde, bw = baselines.kde_scores(hist, grid, o)
    hotspot = baselines.hotspot_scores(hist, grid, o)
    out = {}
    for label, h in horizons.items():
        weeks = baselines.choose_naive_weeks(hist, grid, o, h, budget_cells)
        out[label] = ({"naive": baselines.naive_recent(hist, grid, o, weeks), "kde": kde, "hotspot": hotspot},
                      {"naive_weeks": weeks, "kde_bandwidth_m": bw})
    return out


def forecast_scores(bins: dict[str, EventBins], grid: CellGrid, origin: pd.Timestamp | str, category: str,
                    horizon_days: int, config: ForecasterConfig,
                    feature_categories: Sequence[str] | None = None,
                    context: pd.DataFrame | None = None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Our forecaster's score and ``p_event`` per cell at ``origin`` for ``category``, and notes."""
    cfg = replace(config, horizon_days=horizon_days)
    f = Forecaster(cfg).fit(bins, grid, origin, [category], feature_categories, context)
    pred = f.predict(bins, grid, origin, context, explain=False)
    prior = f.models[category].prior
    notes = {"reliability": f.models[category].reliability,
             "prior_tau_days": prior.tau_days if prior is not None else np.nan,
             "prior_bandwidth_m": prior.bandwidth_m if prior is not None else np.nan}
    return pred["score"].to_numpy(), pred["p_event"].to_numpy(), notes


def backtest(events: pd.DataFrame, grid: CellGrid, origin: pd.Timestamp | str, categories: Sequence[str],
             horizons: Mapping[str, int], config: ForecasterConfig | None = None,
             budgets: Sequence[float] = (), shares: Sequence[float] = (0.01, 0.05),
             cell_area: np.ndarray | None = None, total_area: float | None = None,
             context: pd.DataFrame | None = None, truth: Mapping[tuple[str, str], np.ndarray] | None = None,
             ) -> pd.DataFrame:
    """Metrics table: one row per (category, horizon, method, budget).

    ``horizons``: label → days. ``budgets`` absolute flagged areas in the unit of ``cell_area``
    (default m², the grid's own areas) and ``total_area`` A. ``truth``: optional expected counts
    per cell for (category, horizon label) (a synthetic city's true intensity), adding
    ``pei_truth`` = expected events in the selection / the best selection of the same area.
    """
    config = config or ForecasterConfig()
    bins = bin_events(events, grid)
    areas = grid.area_m2 if cell_area is None else np.asarray(cell_area, dtype=float)
    A = float(areas.sum()) if total_area is None else float(total_area)
    o = int(day_number(pd.DatetimeIndex([pd.Timestamp(origin)]))[0])
    budget_cells = int(max([s * A for s in shares] + list(budgets)) / float(np.mean(areas)))
    rows = []
    for cat in categories:
        base = baseline_scores(history_before(bins[cat], o), grid, o, horizons, budget_cells)
        for label, h in horizons.items():
            ours, p_event, notes = forecast_scores(bins, grid, origin, cat, h, config, context=context)
            scores = {"xgboost": ours, **base[label][0]}
            notes.update(base[label][1])
            y = target_counts(bins, grid, np.array([o]), h, cat)[:, 0]
            prev = target_counts(bins, grid, np.array([o - h]), h, cat)[:, 0]
            t = ranking_table(scores, y, areas, shares, budgets, A, prev)
            t.insert(0, "horizon", label)
            t.insert(0, "category", cat)
            t["brier"] = np.where(t["method"] == "xgboost", brier(p_event, y), np.nan)
            t["log_loss"] = np.where(t["method"] == "xgboost", log_loss(p_event, y), np.nan)
            t["naive_weeks"] = notes["naive_weeks"]
            t["kde_bandwidth_m"] = notes["kde_bandwidth_m"]
            t["prior_tau_days"] = notes["prior_tau_days"]
            t["prior_bandwidth_m"] = notes["prior_bandwidth_m"]
            if truth is not None and (cat, label) in truth:
                lam = np.asarray(truth[(cat, label)], dtype=float)
                t["pei_truth"] = [truth_pei(scores[m], lam, areas, r.area if r.area > 0 else 0.0)
                                  for m, r in zip(t["method"], t.itertuples())]
            rows.append(t)
    return pd.concat(rows, ignore_index=True)


def truth_pei(scores: np.ndarray, intensity: np.ndarray, areas: np.ndarray, area: float) -> float:
    """Expected events (true intensity) caught by the method's selection of area ``area``,
    over the most any selection of that area could expect (greedy by intensity density)."""
    sel = select_by_area(scores, areas, area)
    best = select_by_area(intensity / areas, areas, area)
    denom = float(intensity[best].sum())
    return float(intensity[sel].sum()) / denom if denom > 0 else float("nan")
