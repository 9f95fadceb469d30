"""XGBoost risk forecaster per H3 cell: P(≥ 1 event) and expected count for the next horizon.

For each category two boosters are trained on rolling origins before the forecast origin:
``binary:logistic`` (≥ 1 event in ``[origin, origin + horizon)``) and ``count:poisson``
(how many). The latest ``calibration_origins`` origins are held out; isotonic regression fitted
on them maps the binary model's raw probability to a calibrated ``p_event`` (the reliability
table of that held-out set is kept on the model). Training origins are spaced so that no
training target window overlaps the held-out origins, and no target window reaches the
forecast origin.

Explanations come from XGBoost's own ``pred_contribs=True`` on the count model (log-rate
units), named with :func:`factor_label` in plain words (中文 first, the column name second).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.isotonic import IsotonicRegression

from data_contracts.vocab import EVENT_CATEGORIES
from scoring.calendar import calendar_features
from scoring.features import (
    CellGrid,
    EventBins,
    FeatureSpec,
    bin_events,
    day_number,
    feature_matrices,
    target_counts,
    to_period_start,
)
from scoring.metrics import reliability_table


@dataclass
class ForecasterConfig:
    """Training set-up. ``horizon_days``: length of the forecast window; origins every
    ``origin_step_days`` going back ``n_origins`` times; ``neg_rate``: share of zero-target rows
    kept for training (weighted back by 1/neg_rate)."""

    horizon_days: int = 7
    n_origins: int = 26
    origin_step_days: int = 7
    calibration_origins: int = 2
    spec: FeatureSpec = field(default_factory=FeatureSpec)
    neg_rate: float = 1.0
    n_estimators: int = 200
    learning_rate: float = 0.05
    max_depth: int = 4
    min_child_weight: float = 1.0
    subsample: float = 0.8
    colsample_bytree: float = 0.8
    monotone: bool = True
    seed: int = 0
    nthread: int = 1  # 1: OpenMP spin-waits badly when the 2 cores are shared (7x slower measured)


@dataclass
class CategoryModel:
    """The fitted models of one category."""

    category: str
    features: list[str]
    clf: xgb.Booster
    reg: xgb.Booster
    calibrator: IsotonicRegression | None
    reliability: pd.DataFrame
    origins: list[pd.Timestamp]


# --------------------------------------------------------------------------- factor names

_FAMILY = {
    "cnt": ("近{w}周{cat}", "{cat}, last {w} wk"),
    "nbr": ("邻近格近{w}周{cat}", "neighbouring cells' {cat}, last {w} wk"),
    "kde": ("周边核密度{w}周{cat}", "smoothed {cat} density, {w} wk"),
    "pcnt": ("上级格(R{r})近{w}周{cat}", "parent cell (res {r}) {cat}, last {w} wk"),
    "nr": ("近重复{cat}(200米/14天)", "near-repeat {cat} (200 m / 14 d)"),
    "ph": ("前瞻热点{cat}", "prospective hotspot {cat}"),
}
_CAL = {
    "cal_holiday_days": ("节假日天数", "holiday days"),
    "cal_workdays": ("工作日天数", "working days"),
    "cal_weekday": ("星期", "weekday"),
    "cal_month": ("月份", "month"),
}


def factor_label(name: str, lang: str = "zh") -> str:
    """Plain-language label of a feature column (``lang`` ``zh`` or ``en``)."""
    k = 0 if lang == "zh" else 1

    def cat_label(cat: str) -> str:
        if cat == "all":
            return ("事件", "events")[k]
        return EVENT_CATEGORIES.get(cat, (cat, cat))[k]

    if name in _CAL:
        return _CAL[name][k]
    if name.startswith("ctx_"):
        return ("静态:" if k == 0 else "context: ") + name[4:]
    m = re.fullmatch(r"p(\d+)_cnt_(.+)_(\d+)w", name)
    if m:
        return _FAMILY["pcnt"][k].format(r=m[1], cat=cat_label(m[2]), w=m[3])
    m = re.fullmatch(r"(cnt|nbr|kde)_(.+)_(\d+)w", name)
    if m:
        return _FAMILY[m[1]][k].format(cat=cat_label(m[2]), w=m[3])
    m = re.fullmatch(r"(nr|ph)_(.+)", name)
    if m:
        return _FAMILY[m[1]][k].format(cat=cat_label(m[2]))
    return name


def top_factors(contribs: np.ndarray, names: Sequence[str], k: int = 3) -> np.ndarray:
    """``"近4周盗窃(cnt_theft_4w)+0.42; ..."`` strings of the ``k`` largest positive contributions.

    ``contribs``: (rows × features [+ bias]) from ``pred_contribs=True``; the bias column, if
    present, is ignored. Cells with no positive contribution get ``""``.
    """
    c = np.asarray(contribs)[:, : len(names)]
    labels = np.array([f"{factor_label(n)}({n})" for n in names], dtype=object)
    order = np.argsort(-c, axis=1, kind="stable")[:, :k]
    out = pd.Series([""] * len(c), dtype=object)
    for j in range(min(k, c.shape[1])):
        col = order[:, j]
        val = c[np.arange(len(c)), col]
        part = pd.Series(labels[col]) + pd.Series(val).map("{:+.2f}".format)
        part = part.where(val > 0, "")
        sep = np.where((out != "") & (part != ""), "; ", "")
        out = out + sep + part
    return out.to_numpy()


# --------------------------------------------------------------------------- training

def _monotone(names: Sequence[str]) -> str:
    flags = [0 if (n.startswith(("cal_", "ctx_"))) else 1 for n in names]
    return "(" + ",".join(map(str, flags)) + ")"


def design_matrix(bins: dict[str, EventBins], grid: CellGrid, origin_days: np.ndarray, categories: Sequence[str],
                  cfg: ForecasterConfig, context: pd.DataFrame | None = None) -> tuple[np.ndarray, list[str]]:
    """Feature matrix (origins × cells rows, origin-major) and column names."""
    mats = feature_matrices(bins, grid, origin_days, categories, cfg.spec)
    names = list(mats)
    cols = [m.T.ravel() for m in mats.values()]
    if cfg.spec.calendar:
        cal = calendar_features(to_period_start(origin_days), cfg.horizon_days)
        for c in cal.columns:
            names.append(c)
            cols.append(np.repeat(cal[c].to_numpy(np.float32), grid.n))
    if context is not None:
        ctx_cols = [c for c in context.columns if c.startswith("ctx_")]
        ctx = context.drop_duplicates("h3").set_index("h3")[ctx_cols].reindex(grid.cells).fillna(0.0)
        for c in ctx_cols:
            names.append(c)
            cols.append(np.tile(ctx[c].to_numpy(np.float32), len(origin_days)))
    return np.column_stack(cols).astype(np.float32), names


def training_origins(origin_day: int, cfg: ForecasterConfig) -> tuple[np.ndarray, np.ndarray]:
    """(training origins, calibration origins) as day numbers, oldest first.

    Calibration origins are the latest whose target window ends by the forecast origin;
    training origins end their target windows by the first calibration origin.
    """
    h, s = cfg.horizon_days, cfg.origin_step_days
    cal = origin_day - h - s * np.arange(cfg.calibration_origins)
    first_train = (cal.min() if len(cal) else origin_day) - h
    train = first_train - s * np.arange(cfg.n_origins)
    return np.sort(train), np.sort(cal)


def _params(cfg: ForecasterConfig, objective: str, names: Sequence[str]) -> dict:
    p = {"objective": objective, "eta": cfg.learning_rate, "max_depth": cfg.max_depth,
         "min_child_weight": cfg.min_child_weight, "subsample": cfg.subsample,
         "colsample_bytree": cfg.colsample_bytree, "tree_method": "hist", "seed": cfg.seed,
         "nthread": cfg.nthread, "verbosity": 0}
    if cfg.monotone:
        p["monotone_constraints"] = _monotone(names)
    if objective == "count:poisson":
        p["max_delta_step"] = 0.7
    return p


class Forecaster:
    """Per-category XGBoost forecaster on one H3 grid (see module docstring)."""

    def __init__(self, config: ForecasterConfig | None = None) -> None:
        self.config = config or ForecasterConfig()
        self.models: dict[str, CategoryModel] = {}
        self.categories: list[str] = []
        self.feature_categories: list[str] = []

    def fit(self, events: pd.DataFrame | dict[str, EventBins], grid: CellGrid, origin: pd.Timestamp | str,
            categories: Sequence[str], feature_categories: Sequence[str] | None = None,
            context: pd.DataFrame | None = None) -> Forecaster:
        """Train on rolling origins before ``origin`` (only events before ``origin`` are used).

        ``categories``: what to forecast; ``feature_categories``: whose history feeds the features
        (default: every category in the events).
        """
        cfg = self.config
        bins = events if isinstance(events, dict) else bin_events(events, grid)
        o = int(day_number(pd.DatetimeIndex([pd.Timestamp(origin)]))[0])
        # drop anything at or after the origin: the model cannot learn from the future
        bins = {c: _before(b, o) for c, b in bins.items()}
        self.categories = list(categories)
        self.feature_categories = list(feature_categories or sorted(bins))
        train_o, cal_o = training_origins(o, cfg)
        x_tr, names = design_matrix(bins, grid, train_o, self.feature_categories, cfg, context)
        x_cal, _ = design_matrix(bins, grid, cal_o, self.feature_categories, cfg, context)
        rng = np.random.default_rng(cfg.seed)
        for cat in self.categories:
            y_tr = target_counts(bins, grid, train_o, cfg.horizon_days, cat).T.ravel()
            y_cal = target_counts(bins, grid, cal_o, cfg.horizon_days, cat).T.ravel()
            keep = (y_tr > 0) | (rng.random(len(y_tr)) < cfg.neg_rate)
            w = np.where(y_tr > 0, 1.0, 1.0 / cfg.neg_rate)[keep]
            d_cls = xgb.DMatrix(x_tr[keep], label=(y_tr[keep] > 0).astype(np.float32), weight=w, feature_names=names)
            d_reg = xgb.DMatrix(x_tr[keep], label=y_tr[keep], weight=w, feature_names=names)
            clf = xgb.train(_params(cfg, "binary:logistic", names), d_cls, cfg.n_estimators)
            reg = xgb.train(_params(cfg, "count:poisson", names), d_reg, cfg.n_estimators)
            raw = clf.predict(xgb.DMatrix(x_cal, feature_names=names))
            yb = (y_cal > 0).astype(float)
            cal = None
            if 0 < yb.sum() < len(yb):
                cal = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, yb)
                p_cal = cal.predict(raw)
            else:
                p_cal = raw
            self.models[cat] = CategoryModel(cat, names, clf, reg, cal, reliability_table(p_cal, yb, 10),
                                             list(to_period_start(np.concatenate([train_o, cal_o]))))
        return self

    def predict(self, events: pd.DataFrame | dict[str, EventBins], grid: CellGrid, origin: pd.Timestamp | str,
                context: pd.DataFrame | None = None, explain: bool = True, n_factors: int = 3) -> pd.DataFrame:
        """One row per (cell, category) for ``[origin, origin + horizon)``: ``h3`` (int64),
        ``category``, ``period_start``, ``p_event`` (calibrated), ``expected_count``,
        ``score`` (= expected_count, higher = riskier) and ``top_factors``."""
        bins = events if isinstance(events, dict) else bin_events(events, grid)
        o = int(day_number(pd.DatetimeIndex([pd.Timestamp(origin)]))[0])
        bins = {c: _before(b, o) for c, b in bins.items()}
        x, names = design_matrix(bins, grid, np.array([o]), self.feature_categories, self.config, context)
        frames = []
        for cat in self.categories:
            m = self.models[cat]
            d = xgb.DMatrix(x, feature_names=names)
            raw = m.clf.predict(d)
            p = m.calibrator.predict(raw) if m.calibrator is not None else raw
            mu = m.reg.predict(d)
            df = pd.DataFrame({"h3": grid.cells, "category": cat, "period_start": to_period_start(np.full(grid.n, o)),
                               "p_event": p.astype(float), "expected_count": mu.astype(float),
                               "score": mu.astype(float)})
            if explain:
                df["top_factors"] = top_factors(m.reg.predict(d, pred_contribs=True), names, n_factors)
            frames.append(df)
        return pd.concat(frames, ignore_index=True)


def _before(b: EventBins, day: int) -> EventBins:
    m = b.day < day
    return EventBins(b.cell_idx[m], b.day[m], b.cell[b.all_day < day], b.all_day[b.all_day < day])


def forecast(events: pd.DataFrame, grid: CellGrid, origin: pd.Timestamp | str, categories: Sequence[str],
             config: ForecasterConfig | None = None, context: pd.DataFrame | None = None) -> pd.DataFrame:
    """Fit on the history before ``origin`` and predict the horizon after it (see :class:`Forecaster`)."""
    bins = bin_events(events, grid)
    f = Forecaster(config).fit(bins, grid, origin, categories, context=context)
    return f.predict(bins, grid, origin, context=context)
