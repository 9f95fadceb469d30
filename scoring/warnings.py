"""Warnings (预警) from rule-model scores: event warnings and points warnings, with reasons.

- **Event warning** (事件预警): a key factor (关键因子) of a model is non-zero for a subject
  in a period — raised at once, one warning per subject and period, listing the key factors.
- **Points warning** (积分预警, two colours 红/黄): the points of a subject summed over the
  model's ``points_warning.window_days`` up to ``as_of``; red at or above ``red``, yellow at
  or above ``yellow``. Reasons list each points factor's summed value and points.

Columns of every warnings frame (:data:`WARNING_COLUMNS`): kind (event|points), kind_zh,
model_id, model_version, subject, subject_key (str), h3 (int64, 0 if none), period_start
(event: the period; points: the last period in the window), window_days (0 for event),
colour, value (event: the score; points: points in the window), reasons (中文), reasons_en.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from scoring.rules.model import RuleModel

WARNING_COLUMNS: tuple[str, ...] = (
    "kind", "kind_zh", "model_id", "model_version", "subject", "subject_key", "h3",
    "period_start", "window_days", "colour", "value", "reasons", "reasons_en",
)


def _fmt(v: np.ndarray) -> np.ndarray:
    """Numbers as short text (3 significant decimals, no trailing zeros), vectorised."""
    return np.char.mod("%g", np.round(np.asarray(v, dtype=float), 3)).astype(object)


def _append(acc: np.ndarray, mask: np.ndarray, piece: np.ndarray, sep: str) -> np.ndarray:
    """acc[mask] += (sep if acc non-empty) + piece[mask] — string building over rows, vectorised."""
    out = acc.copy()
    joiner = np.where(out[mask] == "", "", sep).astype(object)
    out[mask] = out[mask] + joiner + piece[mask]
    return out


def _h3(frame: pd.DataFrame) -> np.ndarray:
    if "h3" in frame.columns:
        return pd.to_numeric(frame["h3"], errors="coerce").fillna(0).astype("int64").to_numpy()
    return np.zeros(len(frame), dtype="int64")


_DTYPES: dict[str, str] = {"h3": "int64", "window_days": "int64", "value": "float64",
                           "period_start": "datetime64[ns, Asia/Shanghai]"}


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES.get(c, object)) for c in WARNING_COLUMNS})


def event_warnings(model: RuleModel, scored: pd.DataFrame) -> pd.DataFrame:
    """One event warning per score row where at least one key factor fired."""
    keys = [f for f in model.factors if f.key_factor]
    if not keys or scored.empty:
        return _empty()
    values = scored[[f"value_{f.id}" for f in keys]].to_numpy(dtype=float)
    any_hit = (values != 0).any(axis=1)
    s = scored[any_hit]
    values = values[any_hit]  # build reason texts only for the rows that warn
    zh = np.full(len(s), "", dtype=object)
    en = np.full(len(s), "", dtype=object)
    for j, f in enumerate(keys):
        v = values[:, j]
        hit = v != 0
        vals = _fmt(v)
        zh = _append(zh, hit, "关键因子 " + f.label_zh + "=" + vals, "；")
        en = _append(en, hit, "key factor " + (f.label_en or f.id) + "=" + vals, "; ")
    return pd.DataFrame(
        {
            "kind": "event",
            "kind_zh": "事件预警",
            "model_id": model.id,
            "model_version": model.version,
            "subject": model.subject,
            "subject_key": s[model.key_column].astype(str).to_numpy(),
            "h3": _h3(s),
            "period_start": s["period_start"].array,
            "window_days": 0,
            "colour": s["colour"].astype(str).to_numpy(),
            "value": s["score"].astype(float).to_numpy(),
            "reasons": zh,
            "reasons_en": en,
        },
        columns=list(WARNING_COLUMNS),
    ).reset_index(drop=True)


def _periods(s: pd.Series) -> pd.Series:
    """``s`` as datetimes (no conversion, which scans every row, when it already is one)."""
    return s if pd.api.types.is_datetime64_any_dtype(s) else pd.to_datetime(s)


def _align(ts: pd.Timestamp, periods: pd.Series) -> pd.Timestamp:
    """``ts`` in the same zone-awareness as ``periods`` (naive periods are local time)."""
    if ts.tzinfo is None and periods.dt.tz is not None:
        return ts.tz_localize(periods.dt.tz)
    if ts.tzinfo is not None and periods.dt.tz is None:
        return ts.tz_convert("Asia/Shanghai").tz_localize(None)
    return ts


def points_warnings(model: RuleModel, scored: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Two-colour points warnings: points summed per subject over the window ending at ``as_of``.

    The window holds the periods whose ``period_start`` is in ``(as_of − window_days, as_of]``;
    ``as_of`` defaults to the latest ``period_start`` in ``scored``.
    """
    pw = model.points_warning
    if pw is None or scored.empty:
        return _empty()
    ps = _periods(scored["period_start"])
    end = ps.max() if as_of is None else _align(pd.Timestamp(as_of), ps)
    in_window = ((ps > end - pd.Timedelta(days=pw.window_days)) & (ps <= end)).to_numpy()
    pf = [f for f in model.factors if f.is_points]
    cols = ["points"] + [f"value_{f.id}" for f in pf] + [f"factor_{f.id}" for f in pf]
    w = scored.loc[in_window, [model.key_column, *cols]]
    if "h3" in scored.columns and model.key_column != "h3":
        w = w.assign(h3=scored.loc[in_window, "h3"].to_numpy())
    agg = {c: "sum" for c in cols}
    if "h3" in w.columns and model.key_column != "h3":
        agg["h3"] = "last"
    g = w.groupby(model.key_column, sort=True).agg(agg).reset_index()
    total = g["points"].to_numpy(dtype=float)
    colour = np.select([total >= pw.red, total >= pw.yellow], ["red", "yellow"], default="")
    keep = colour != ""
    g = g[keep]
    total = total[keep]
    colour = colour[keep]
    n = len(g)
    zh = np.full(n, "", dtype=object)
    en = np.full(n, "", dtype=object)
    for f in pf:
        c = g[f"factor_{f.id}"].to_numpy(dtype=float)
        v = _fmt(g[f"value_{f.id}"].to_numpy(dtype=float))
        pts = _fmt(c)
        nz = c != 0
        zh = _append(zh, nz, f.label_zh + " " + v + " → " + pts + "分", "；")
        en = _append(en, nz, (f.label_en or f.id) + " " + v + " → " + pts + " pts", "; ")
    head_zh = f"近{pw.window_days}天积分 " + _fmt(total) + "：" + zh
    head_en = f"points in {pw.window_days} days " + _fmt(total) + ": " + en
    return pd.DataFrame(
        {
            "kind": "points",
            "kind_zh": "积分预警",
            "model_id": model.id,
            "model_version": model.version,
            "subject": model.subject,
            "subject_key": g[model.key_column].astype(str).to_numpy(),
            "h3": _h3(g),
            "period_start": end,
            "window_days": pw.window_days,
            "colour": colour.astype(object),
            "value": total,
            "reasons": head_zh,
            "reasons_en": head_en,
        },
        columns=list(WARNING_COLUMNS),
    ).reset_index(drop=True)


def warnings_table(
    scored_models: Iterable[tuple[RuleModel, pd.DataFrame]],
    as_of: pd.Timestamp | None = None,
    events: Literal["latest", "all"] = "latest",
) -> pd.DataFrame:
    """Event and points warnings of several models in one frame (:data:`WARNING_COLUMNS`).

    Points warnings are taken over each model's window up to ``as_of`` (default: the model's
    latest period). Event warnings: those of the period ``as_of`` (or the latest period) when
    ``events="latest"``, of every period given when ``"all"``.
    """
    parts = []
    for model, scored in scored_models:
        ev = scored
        if events == "latest" and not scored.empty and "period_start" in scored.columns:
            ps = _periods(scored["period_start"])
            end = ps.max() if as_of is None else _align(pd.Timestamp(as_of), ps)
            ev = scored[(ps == end).to_numpy()]
        parts.append(event_warnings(model, ev))
        parts.append(points_warnings(model, scored, as_of))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return _empty()
    out = pd.concat(parts, ignore_index=True)
    out["h3"] = out["h3"].astype("int64")
    out["window_days"] = out["window_days"].astype("int64")
    out["value"] = out["value"].astype(float)
    return out
