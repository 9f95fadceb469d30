"""Validate a rule model against the column catalogue and the guardrails; score it vectorised.

``score(model, frame)`` returns one row per subject and period::

    <key> (h3 | place_id | unit_id | person_id | vehicle_id), period_start, score, colour,
    points, factor_<id> (contribution, score units) ..., value_<id> (the expression's value) ...,
    key_factor_hits (comma-separated ids of key factors that fired), model_id, model_version

score = Σ_f clip(multiplier_f · value_f, -cap_f, cap_f); points = the same sum over points
factors only. Colour: red if score ≥ red, else orange if ≥ orange, yellow if ≥ yellow, blue
if ≥ blue, else "none" (无). Scores advise people; the per-factor columns say why.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from data_contracts.vocab import PROTECTED_ATTRIBUTES
from scoring.rules.catalogue import CATALOGUE, known_columns
from scoring.rules.expr import parse_expr
from scoring.rules.model import ModelFileError, RuleModel, Thresholds, read_model

COLOURS: tuple[str, ...] = ("red", "orange", "yellow", "blue", "none")
COLOUR_ZH: dict[str, str] = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝", "none": "无"}

#: Words that, in a model's id, names, description or factor labels, mean it targets petitioners
#: or lawful assembly — refused whatever the factors are (BRIEF guardrails).
FORBIDDEN_TARGETS: tuple[str, ...] = (
    "上访", "信访", "访民", "集会", "游行", "示威",
    "petition", "xinfang", "shangfang", "assembly", "protest",
)
#: Chinese names of protected attributes (matched in labels), after vocab.PROTECTED_ATTRIBUTES.
PROTECTED_ZH: tuple[str, ...] = ("民族", "宗教", "信仰", "政治面貌", "党派", "性取向", "基因")


class ModelValidationError(ModelFileError):
    """A model that breaks the catalogue or the guardrails; lists every problem found."""


def _protected_token(name: str) -> str | None:
    low = name.lower()
    tokens = set(re.split(r"[^a-z0-9]+", low))
    for attr in PROTECTED_ATTRIBUTES:
        if attr in tokens or (len(attr) >= 7 and attr in low):
            return attr
    return None


def check_model(model: RuleModel, columns: Iterable[str] | None = None, where: str = "") -> list[str]:
    """Return every problem of ``model`` against the catalogue and guardrails (empty = valid).

    ``columns`` are extra column names known to exist (e.g. a frame's columns).
    """
    where = where or f"model {model.id!r}"
    problems: list[str] = []
    known = set(known_columns(model.feature_source)) | set(columns if columns is not None else ())
    text_fields = [model.id, model.name_zh, model.name_en, model.description]
    for f in model.factors:
        text_fields += [f.id, f.label_zh, f.label_en]
    blob = " ".join(text_fields).lower()
    for word in FORBIDDEN_TARGETS:
        if word in blob:
            problems.append(
                f"{where}: refused: the model mentions {word!r}; no model may target petitioners "
                "(上访/信访) or lawful assembly (BRIEF guardrails)"
            )
            break
    for f in model.factors:
        expr = parse_expr(f.expr)
        for name in sorted(expr.names):
            attr = _protected_token(name)
            if attr is not None:
                problems.append(
                    f"{where}: factor {f.id!r}: column `{name}` is a protected attribute ({attr}); "
                    "no model may use ethnicity, religion or similar attributes"
                )
                continue
            if name not in known:
                close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                problems.append(
                    f"{where}: factor {f.id!r}: unknown column `{name}` in table "
                    f"{model.feature_source!r}{hint}"
                )
        for label in (f.label_zh, f.id):
            hit = next((w for w in PROTECTED_ZH if w in label), None) or _protected_token(label)
            if hit:
                problems.append(f"{where}: factor {f.id!r}: label names a protected attribute ({hit})")
                break
    return problems


def validate(model: RuleModel, columns: Iterable[str] | None = None, where: str = "") -> RuleModel:
    """Raise :class:`ModelValidationError` listing every problem; return the model when valid."""
    problems = check_model(model, columns, where)
    if problems:
        raise ModelValidationError("\n".join(problems))
    return model


def load_model(path: str | Path, columns: Iterable[str] | None = None) -> RuleModel:
    """Read a model YAML and validate it fully (shape, catalogue, guardrails)."""
    model = read_model(path)
    return validate(model, columns, where=str(path))


def assign_colours(score: np.ndarray | pd.Series, thresholds: Thresholds) -> np.ndarray:
    """Four colours by thresholds (at or above a threshold takes its colour); below blue → "none"."""
    s = np.asarray(score, dtype=float)
    return np.select(
        [s >= thresholds.red, s >= thresholds.orange, s >= thresholds.yellow, s >= thresholds.blue],
        ["red", "orange", "yellow", "blue"],
        default="none",
    ).astype(object)


def score(model: RuleModel, frame: pd.DataFrame, period_start: pd.Timestamp | None = None) -> pd.DataFrame:
    """Score every row of ``frame`` (one subject and period per row); see the module docstring.

    ``frame`` holds the model's key column (e.g. ``h3``), optionally ``period_start`` (else
    ``period_start`` is used for every row) and the columns the factors read. The model is
    validated against the frame first.
    """
    validate(model, frame.columns)
    key = model.key_column
    if key not in frame.columns:
        raise ModelValidationError(f"model {model.id!r}: the data has no key column `{key}` for subject {model.subject!r}")
    n = len(frame)
    out = pd.DataFrame({key: frame[key].to_numpy()})
    if "period_start" in frame.columns:
        out["period_start"] = frame["period_start"].array
    else:
        out["period_start"] = pd.Timestamp(period_start) if period_start is not None else pd.NaT
    total = np.zeros(n)
    points = np.zeros(n)
    hits = np.zeros((n, 0), dtype=bool)
    key_ids: list[str] = []
    contribs: dict[str, np.ndarray] = {}
    values: dict[str, np.ndarray] = {}
    for f in model.factors:
        v = parse_expr(f.expr).evaluate(frame, n)
        c = v * f.multiplier
        if f.cap is not None:
            c = np.clip(c, -f.cap, f.cap)
        values[f.id] = v
        contribs[f.id] = c
        total += c
        if f.is_points:
            points += c
        if f.key_factor:
            hits = np.column_stack([hits, v != 0])
            key_ids.append(f.id)
    out["score"] = np.round(total, 9)
    out["colour"] = assign_colours(out["score"], model.thresholds)
    out["points"] = np.round(points, 9)
    for fid, c in contribs.items():
        out[f"factor_{fid}"] = c
    for fid, v in values.items():
        out[f"value_{fid}"] = v
    out["key_factor_hits"] = _join_hits(hits, key_ids)
    out["model_id"] = model.id
    out["model_version"] = model.version
    return out


def _join_hits(hits: np.ndarray, ids: list[str]) -> np.ndarray:
    """Comma-join the ids of the key factors that fired per row (vectorised over rows)."""
    n = hits.shape[0]
    out = np.full(n, "", dtype=object)
    for j, fid in enumerate(ids):
        col = hits[:, j]
        sep = np.where(out[col] == "", "", ",")
        out[col] = out[col] + sep + fid
    return out


def explain(model: RuleModel, scored: pd.DataFrame, key: object, period_start: object | None = None) -> pd.DataFrame:
    """Factor-by-factor explanation of one score row: label, expression, value, contribution, share.

    Rows are sorted by absolute contribution, largest first; ``share`` is the contribution's
    part of the sum of absolute contributions.
    """
    rows = scored[scored[model.key_column] == key]
    if period_start is not None:
        rows = rows[rows["period_start"] == period_start]
    elif len(rows) > 1:
        rows = rows[rows["period_start"] == rows["period_start"].max()]
    if rows.empty:
        raise KeyError(f"no score row for {model.key_column}={key!r}")
    r = rows.iloc[0]
    recs = [
        {
            "factor_id": f.id,
            "label_zh": f.label_zh,
            "label_en": f.label_en,
            "expr": f.expr,
            "value": float(r[f"value_{f.id}"]),
            "contribution": float(r[f"factor_{f.id}"]),
            "key_factor": f.key_factor,
        }
        for f in model.factors
    ]
    df = pd.DataFrame(recs)
    tot = df["contribution"].abs().sum()
    df["share"] = df["contribution"].abs() / tot if tot else 0.0
    return df.sort_values("contribution", key=np.abs, ascending=False, kind="stable").reset_index(drop=True)


def catalogue_names(source: str) -> list[str]:
    """Sorted names of the catalogue table ``source`` (for help texts)."""
    return sorted(CATALOGUE[source])
