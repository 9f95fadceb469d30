"""XGBoost risk forecaster per H3 cell: P(≥ 1 event) and expected count for the next horizon.

For each category one ``count:poisson`` booster is trained on rolling origins before the
forecast origin: how many events fall in ``[t, t + target_days)`` (``target_days`` defaults to
the horizon; a longer window gives less noisy labels of the same per-day rate). The latest
``calibration_origins`` origins are held out; on them a two-parameter complementary log-log
fit ``p = 1 - exp(-exp(a) · μ^b)`` (:class:`CountCalibrator`: a Poisson count with rescaled rate;
smooth and monotone, unlike isotonic steps on a few hundred rows) maps the expected count ``μ``
over the horizon to a calibrated ``p_event`` (the reliability table of that held-out set is
kept on the model). Training origins are spaced so that no training target
window overlaps the held-out origins, and no target window reaches the forecast origin.

Two optional offsets (XGBoost ``base_margin``, log-rate units) let the trees learn corrections
instead of the whole map:

- ``prior``: a space-time kernel of the category's own history — events weighted
  ``exp(-age/τ)`` and smoothed with a Gaussian of bandwidth ``σ`` — with ``(τ, σ)`` chosen on
  the training origins as the kernel whose top cells (the ``prior_shares`` of the study area)
  caught most training-target events. Sparse categories have most of their signal there, and
  the trees' histogram bins are too coarse to rank the top 0.1 % of cells on their own.
  Its scale is fitted first: ``log μ = a + b · log(prior + floor) + log(level)`` by Poisson
  maximum likelihood on the training rows (``b > 1`` sharpens a kernel that spreads a hot
  cell's mass over its neighbours), with ``level`` the city-wide events per cell.
- ``level_offset``: ``level`` is each training origin's own city-wide target count, so the
  trees learn where (shares), not how many (otherwise, and always when predicting, the rate of
  the last ``level_days`` days). Without the prior it is the whole offset.

Explanations come from XGBoost's own ``pred_contribs=True`` (log-rate units), named with
:func:`factor_label` in plain words (中文 first, the column name second); the prior is one
factor of its own (log of the cell's prior over a city-average cell's).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import xgboost as xgb
from scipy.optimize import minimize

from data_contracts.vocab import EVENT_CATEGORIES
from scoring.calendar import calendar_features
from scoring.features import (
    CellGrid,
    EventBins,
    FeatureSpec,
    bin_events,
    day_number,
    decayed_intensity,
    feature_matrices,
    target_counts,
    to_period_start,
)
from scoring.metrics import reliability_table


@dataclass
class ForecasterConfig:
    """Training set-up. ``horizon_days``: length of the forecast window; origins every
    ``origin_step_days`` going back ``n_origins`` times; ``neg_rate``: share of zero-target rows
    kept for training (weighted back by 1/neg_rate); ``target_days``: training target window
    (at least the horizon; None = the horizon). ``prior*`` and ``level_offset``: the offsets
    of the module docstring; ``prior_bandwidths`` are multiples of the grid's centre spacing,
    ``prior_floor`` is added to the relative prior (1 = city mean) before the log;
    ``level_days``: the recent window whose rate predicts the city-wide level;
    ``min_history_days``: training origins with less history than this (counted from the first
    event of any category) are dropped, the latest one is always kept; ``bags``: boosters per
    category, each on its own sample of zero-target rows and its own seed, averaged (the top
    0.1 % of cells of one booster moves with the sample)."""

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
    bags: int = 1
    nthread: int = 1  # 1: OpenMP spin-waits badly when the 2 cores are shared (7x slower measured)
    target_days: int | None = None
    level_offset: bool = False
    prior: bool = False
    prior_decay_days: Sequence[float] = (365.0, 1460.0, 3650.0)
    prior_bandwidths: Sequence[float] = (0.3, 0.5, 0.65, 0.8, 1.0, 1.2, 1.6)
    prior_shares: Sequence[float] = (0.01,)
    prior_floor: float = 0.05
    prior_fit_scale: bool = True
    prior_history_days: int = 1827
    level_days: int = 182
    min_history_days: int = 0

    @property
    def target_window(self) -> int:
        """Days of the training target window."""
        return max(self.horizon_days, self.target_days or self.horizon_days)


@dataclass
class CountCalibrator:
    """``P(≥ 1 event) = 1 - exp(-exp(a) · μ^b)`` fitted by maximum likelihood to 0/1 outcomes
    (``a = 0, b = 1``: the expected count ``μ`` is a calibrated Poisson mean already)."""

    a: float = 0.0
    b: float = 1.0

    def fit(self, mu: np.ndarray, y: np.ndarray) -> CountCalibrator:
        lm = np.log(np.maximum(np.asarray(mu, dtype=float), 1e-9))
        yb = np.asarray(y) > 0

        def nll(p: np.ndarray) -> float:
            lam = np.exp(np.clip(p[0] + p[1] * lm, -30, 5))
            return float(-np.sum(np.where(yb, np.log(-np.expm1(-lam) + 1e-300), -lam)))

        r = minimize(nll, np.array([0.0, 1.0]), method="Nelder-Mead",
                     options={"xatol": 1e-4, "fatol": 1e-6, "maxiter": 400})
        self.a, self.b = float(r.x[0]), float(max(r.x[1], 0.0))
        return self

    def predict(self, mu: np.ndarray) -> np.ndarray:
        lm = np.log(np.maximum(np.asarray(mu, dtype=float), 1e-9))
        return -np.expm1(-np.exp(np.clip(self.a + self.b * lm, -30, 5)))


@dataclass
class Prior:
    """The chosen space-time kernel: decay ``tau_days``, bandwidth ``bandwidth_m``; ``scores``
    holds every candidate's share of training-target events caught (summed over the shares);
    ``a, b``: the fitted scale of its log (module docstring)."""

    tau_days: float
    bandwidth_m: float
    scores: pd.DataFrame
    a: float = 0.0
    b: float = 1.0

    def name(self, category: str) -> str:
        return f"prior_{category}_{self.tau_days:g}d_{self.bandwidth_m:.0f}m"


@dataclass
class CategoryModel:
    """The fitted model of one category (``regs``: the count boosters, averaged; ``prior``: the
    chosen offset kernel or None)."""

    category: str
    features: list[str]
    regs: list[xgb.Booster]
    calibrator: CountCalibrator | None
    reliability: pd.DataFrame
    origins: list[pd.Timestamp]
    prior: Prior | None = None


# --------------------------------------------------------------------------- factor names

_FAMILY = {
    "cnt": ("近{w}周{cat}", "{cat}, last {w} wk"),
    "nbr": ("邻近格近{w}周{cat}", "neighbouring cells' {cat}, last {w} wk"),
    "kde": ("周边核密度{w}周{cat}", "smoothed {cat} density, {w} wk"),
    "pcnt": ("上级格(R{r})近{w}周{cat}", "parent cell (res {r}) {cat}, last {w} wk"),
    "nr": ("近重复{cat}(200米/14天)", "near-repeat {cat} (200 m / 14 d)"),
    "ph": ("前瞻热点{cat}", "prospective hotspot {cat}"),
    "dk": ("{cat}强度(衰减{t}天, 平滑{b}米, 相对全市)", "{cat} intensity (decay {t} d, {b} m, × city mean)"),
    "prior": ("长期{cat}风险先验(衰减{t}天, 平滑{b}米)", "long-run {cat} prior (decay {t} d, {b} m)"),
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
    m = re.fullmatch(r"(dk|prior)_(.+)_(\d+(?:\.\d+)?)d_(\d+(?:\.\d+)?)m", name)
    if m:
        return _FAMILY[m[1]][k].format(cat=cat_label(m[2]), t=m[3], b=m[4])
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

    Calibration origins are the latest whose horizon ends by the forecast origin; training
    origins end their target windows (``cfg.target_window`` days) by the first calibration origin.
    """
    h, s = cfg.horizon_days, cfg.origin_step_days
    cal = origin_day - h - s * np.arange(cfg.calibration_origins)
    first_train = (cal.min() if len(cal) else origin_day) - cfg.target_window
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


# --------------------------------------------------------------------------- offsets

def top_share_hits(scores: np.ndarray, y: np.ndarray, shares: Sequence[float]) -> float:
    """Share of all events in ``y`` caught by the top ``share`` of cells by ``scores``, summed
    over ``shares``; ``scores`` and ``y`` are (cells × origins), pooled over the origins."""
    n = scores.shape[0]
    total = float(y.sum())
    if total <= 0:
        return 0.0
    out = 0.0
    for share in shares:
        k = int(min(n, max(1, round(share * n))))
        idx = np.argpartition(-scores, k - 1, axis=0)[:k]
        out += float(np.take_along_axis(y, idx, axis=0).sum()) / total
    return out


def choose_prior(bins: EventBins, grid: CellGrid, origin_days: np.ndarray, y: np.ndarray,
                 cfg: ForecasterConfig) -> Prior:
    """The (τ, σ) kernel of ``cfg.prior_decay_days`` × ``cfg.prior_bandwidths`` (× the grid's
    centre spacing) whose top cells caught most of ``y`` (cells × origins: the training
    targets) at the ``origin_days``; ties go to the first candidate (longest-decay last)."""
    rows = []
    best: tuple[float, float, float] | None = None
    bws = [b * grid.spacing_m for b in cfg.prior_bandwidths]
    for tau in cfg.prior_decay_days:
        mats = decayed_intensity(bins, grid, origin_days, tau, bws, cfg.prior_history_days)
        for bw, m in zip(bws, mats):
            hit = top_share_hits(m, y, cfg.prior_shares)
            rows.append({"tau_days": float(tau), "bandwidth_m": float(bw), "hit_share": hit})
            if best is None or hit > best[2]:
                best = (float(tau), float(bw), hit)
    assert best is not None, "prior_decay_days and prior_bandwidths must not be empty"
    return Prior(best[0], best[1], pd.DataFrame(rows))


def _prior_values(bins: EventBins, grid: CellGrid, origin_days: np.ndarray, prior: Prior,
                  cfg: ForecasterConfig) -> np.ndarray:
    """Relative prior (1 = city-average cell) per cell at each origin (cells × origins)."""
    return decayed_intensity(bins, grid, origin_days, prior.tau_days, (prior.bandwidth_m,),
                             cfg.prior_history_days)[0]


def _recent_level(bins: EventBins, grid: CellGrid, origin_days: np.ndarray, cfg: ForecasterConfig) -> np.ndarray:
    """Predicted city-wide events per cell over the target window at each origin (from the
    rate of the ``level_days`` before it; at least half an event over the city)."""
    days = cfg.level_days
    recent = np.array([np.count_nonzero((bins.day < q) & (bins.day >= q - days)) for q in origin_days], float)
    return np.maximum(recent * cfg.target_window / days, 0.5) / grid.n


def poisson_glm(z: np.ndarray, offset: np.ndarray, y: np.ndarray, w: np.ndarray | None = None,
                iters: int = 25) -> tuple[float, float]:
    """``(a, b)`` maximising the weighted Poisson likelihood of ``y`` under
    ``log μ = a + b · z + offset`` (Newton steps, step-halved when the likelihood drops)."""
    z = np.asarray(z, dtype=float)
    off = np.asarray(offset, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.ones_like(y) if w is None else np.asarray(w, dtype=float)
    X = np.column_stack([np.ones_like(z), z])

    def nll(beta: np.ndarray) -> float:
        eta = np.clip(X @ beta + off, -50, 50)
        return float(np.sum(w * (np.exp(eta) - y * eta)))

    beta = np.array([np.log(max((w * y).sum(), 1e-9) / max((w * np.exp(z + off)).sum(), 1e-300)), 1.0])
    cur = nll(beta)
    for _ in range(iters):
        mu = np.exp(np.clip(X @ beta + off, -50, 50))
        grad = X.T @ (w * (mu - y))
        hess = X.T @ (X * (w * mu)[:, None]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-4:
            new = beta - t * step
            val = nll(new)
            if val <= cur:
                break
            t /= 2
        if t <= 1e-4 or cur - val < 1e-10 * max(1.0, abs(cur)):
            beta, cur = (new, val) if t > 1e-4 else (beta, cur)
            break
        beta, cur = new, val
    return float(beta[0]), float(beta[1])


class Forecaster:
    """Per-category XGBoost forecaster on one H3 grid (see module docstring)."""

    def __init__(self, config: ForecasterConfig | None = None) -> None:
        self.config = config or ForecasterConfig()
        self.models: dict[str, CategoryModel] = {}
        self.categories: list[str] = []
        self.feature_categories: list[str] = []

    def _margin(self, bins: dict[str, EventBins], grid: CellGrid, origin_days: np.ndarray, cat: str,
                prior: Prior | None, level: np.ndarray | None = None,
                ) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
        """(base margin, log relative prior, log level) per row (origin-major) at ``origin_days``.

        ``level``: city-wide target events per cell at each origin (training with
        ``level_offset``: the realised ones); None = predicted from the recent rate. The margin
        uses the prior's fitted scale; the second item is ``log(prior + floor)`` unscaled.
        """
        cfg = self.config
        if prior is None and not cfg.level_offset:
            return None, None, None
        b = bins.get(cat, _EMPTY)
        lv = _recent_level(b, grid, origin_days, cfg) if level is None else level
        log_level = np.repeat(np.log(lv), grid.n)
        if prior is None:
            return log_level, None, log_level
        z = np.log(_prior_values(b, grid, origin_days, prior, cfg).T.ravel() + cfg.prior_floor)
        return prior.a + prior.b * z + log_level, z, log_level

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
        if cfg.min_history_days > 0:
            first = min((int(b.day.min()) for b in bins.values() if len(b.day)), default=o)
            train_o = train_o[(train_o >= first + cfg.min_history_days) | (train_o == train_o.max())]
        x_tr, names = design_matrix(bins, grid, train_o, self.feature_categories, cfg, context)
        x_cal, _ = design_matrix(bins, grid, cal_o, self.feature_categories, cfg, context)
        t_days, h = cfg.target_window, cfg.horizon_days
        rng = np.random.default_rng(cfg.seed)
        for cat in self.categories:
            y_mat = target_counts(bins, grid, train_o, t_days, cat)
            y_tr = y_mat.T.ravel()
            y_cal = target_counts(bins, grid, cal_o, h, cat).T.ravel()
            prior = choose_prior(bins.get(cat, _EMPTY), grid, train_o, y_mat, cfg) if cfg.prior else None
            realised = np.maximum(y_mat.sum(axis=0), 0.5) / grid.n if cfg.level_offset else None
            margin, z, log_level = self._margin(bins, grid, train_o, cat, prior, realised)
            samples = [(y_tr > 0) | (rng.random(len(y_tr)) < cfg.neg_rate) for _ in range(max(1, cfg.bags))]
            if prior is not None and cfg.prior_fit_scale:
                keep = samples[0]
                w = np.where(y_tr > 0, 1.0, 1.0 / cfg.neg_rate)[keep]
                prior.a, prior.b = poisson_glm(z[keep], log_level[keep], y_tr[keep], w)
                margin = prior.a + prior.b * z + log_level
            regs = []
            for i, keep in enumerate(samples):
                w = np.where(y_tr > 0, 1.0, 1.0 / cfg.neg_rate)[keep]
                d_reg = xgb.DMatrix(x_tr[keep], label=y_tr[keep], weight=w, feature_names=names)
                if margin is not None:
                    d_reg.set_base_margin(margin[keep])
                regs.append(xgb.train(_params(replace(cfg, seed=cfg.seed + i), "count:poisson", names), d_reg,
                                      cfg.n_estimators))
            mu_cal = self._expected(regs, x_cal, names, self._margin(bins, grid, cal_o, cat, prior)[0])
            yb = (y_cal > 0).astype(float)
            cal = None
            if 0 < yb.sum() < len(yb):
                cal = CountCalibrator().fit(mu_cal, yb)
                p_cal = cal.predict(mu_cal)
            else:
                p_cal = -np.expm1(-mu_cal)
            self.models[cat] = CategoryModel(cat, names, regs, cal, reliability_table(p_cal, yb, 10),
                                             list(to_period_start(np.concatenate([train_o, cal_o]))), prior)
        return self

    def _expected(self, regs: Sequence[xgb.Booster], x: np.ndarray, names: Sequence[str],
                  margin: np.ndarray | None, contribs: bool = False) -> np.ndarray:
        """Expected events over the horizon (the boosters' mean target-window rate, scaled), or
        the mean log-rate feature contributions when ``contribs`` (bias column without the margin)."""
        if contribs:
            # feature contributions do not depend on the margin (only the bias column does, and
            # callers drop it): explain each distinct feature row once (most cells of a city
            # share the all-quiet row)
            uniq, inv = np.unique(x, axis=0, return_inverse=True)
            d = xgb.DMatrix(uniq, feature_names=list(names))
            c = np.mean([r.predict(d, pred_contribs=True) for r in regs], axis=0)
            return c[inv.ravel()]
        d = xgb.DMatrix(x, feature_names=list(names))
        if margin is not None:
            d.set_base_margin(margin)
        mu = np.mean([r.predict(d).astype(float) for r in regs], axis=0)
        return mu * self.config.horizon_days / self.config.target_window

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
            margin, z, _ = self._margin(bins, grid, np.array([o]), cat, m.prior)
            mu = self._expected(m.regs, x, names, margin)
            p = m.calibrator.predict(mu) if m.calibrator is not None else -np.expm1(-mu)
            df = pd.DataFrame({"h3": grid.cells, "category": cat, "period_start": to_period_start(np.full(grid.n, o)),
                               "p_event": p.astype(float), "expected_count": mu, "score": mu})
            if explain:
                c = self._expected(m.regs, x, names, margin, contribs=True)[:, : len(names)]
                fnames = list(names)
                if m.prior is not None and z is not None:
                    # the prior's own factor: the cell's scaled log prior over a city-average cell's
                    c = np.column_stack([c, m.prior.b * (z - np.log(1.0 + self.config.prior_floor))])
                    fnames.append(m.prior.name(cat))
                df["top_factors"] = top_factors(c, fnames, n_factors)
            frames.append(df)
        return pd.concat(frames, ignore_index=True)


_EMPTY = EventBins(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))


def _before(b: EventBins, day: int) -> EventBins:
    m = b.day < day
    return EventBins(b.cell_idx[m], b.day[m], b.cell[b.all_day < day], b.all_day[b.all_day < day])


def forecast(events: pd.DataFrame, grid: CellGrid, origin: pd.Timestamp | str, categories: Sequence[str],
             config: ForecasterConfig | None = None, context: pd.DataFrame | None = None) -> pd.DataFrame:
    """Fit on the history before ``origin`` and predict the horizon after it (see :class:`Forecaster`)."""
    bins = bin_events(events, grid)
    f = Forecaster(config).fit(bins, grid, origin, categories, context=context)
    return f.predict(bins, grid, origin, context=context)
