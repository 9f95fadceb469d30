"""Schema of a rule-model file (风险模型文件): a YAML a department owns and edits.

A model scores a subject (cell, place, unit, vehicle, or — for care/outreach only — person)
from named factors. Each factor is an expression over the columns of one feature table
(:mod:`scoring.rules.catalogue`) with a ``weight`` (score units per unit of the factor) or
``points`` (积分 per occurrence); the score is the sum of the factor contributions, coloured
by four owner-set thresholds (红/橙/黄/蓝). Points factors also accumulate over a window for
the two-colour points warning (积分预警); key factors raise an event warning (事件预警) at once.

Example::

    id: burglary_theft
    name_zh: 入室盗窃/盗窃风险
    name_en: Burglary and theft risk
    owner: 市公安局刑侦支队
    version: 1.0.0
    subject: cell
    feature_source: features
    factors:
      - {id: recent, label_zh: 近4周盗窃, label_en: thefts 4 weeks, expr: "cnt_theft_4w", weight: 2}
    thresholds: {red: 20, orange: 12, yellow: 6, blue: 1}

This module only declares and checks the file's shape; checks against the column catalogue
and the guardrails live in :mod:`scoring.rules.engine`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scoring.rules.catalogue import SUBJECT_KEYS, SUBJECT_SOURCES
from scoring.rules.expr import ExprError, parse_expr


class ModelFileError(ValueError):
    """A model file that cannot be read or does not validate; the message names file and factor."""


_VERSION = re.compile(r"^\d+(\.\d+){0,2}$")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

Subject = Literal["cell", "place", "unit", "person", "vehicle"]
Purpose = Literal["care", "outreach", "supervision_support", "prevention", "safety"]


#: libyaml's safe loader when present (about 10x faster than the pure-Python one).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def version_key(v: str) -> tuple[int, int, int]:
    """Sort key of a version string: "2" < "2.0.1" < "2.1" < "10"."""
    parts = [int(p) for p in str(v).split(".")]
    return tuple((parts + [0, 0, 0])[:3])  # type: ignore[return-value]


class Factor(BaseModel):
    """One model factor: an expression and what it adds to the score."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Short id, lower-case snake case; unique in the model.")
    label_zh: str = Field(min_length=1, description="中文名称 shown in explanations and warnings.")
    label_en: str = Field("", description="English label.")
    expr: str = Field(description="Expression over the feature table's columns (scoring.rules.expr).")
    weight: float | None = Field(None, description="Score per unit of the expression's value.")
    points: float | None = Field(None, description="积分 per unit (per occurrence) of the expression's value.")
    key_factor: bool = Field(False, description="关键因子: a non-zero value raises an event warning at once.")
    cap: float | None = Field(None, gt=0, description="Largest contribution (score units) this factor may add.")
    note: str = Field("", description="Owner's note: source, rationale.")

    @field_validator("id")
    @classmethod
    def _check_id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"factor id {v!r} must be lower-case letters, digits and '_' (start with a letter)")
        return v

    @field_validator("expr")
    @classmethod
    def _check_expr(cls, v: str) -> str:
        try:
            parse_expr(v)
        except ExprError as e:
            raise ValueError(str(e)) from None
        return v

    @model_validator(mode="after")
    def _weight_or_points(self) -> Factor:
        if (self.weight is None) == (self.points is None):
            raise ValueError(f"factor {self.id!r}: give exactly one of `weight` or `points`")
        return self

    @property
    def multiplier(self) -> float:
        """Weight or points: what one unit of the expression adds."""
        return float(self.weight if self.weight is not None else self.points)  # type: ignore[arg-type]

    @property
    def is_points(self) -> bool:
        return self.points is not None


class Thresholds(BaseModel):
    """Four-colour thresholds on the score: a score at or above a threshold takes its colour."""

    model_config = ConfigDict(extra="forbid")

    red: float
    orange: float
    yellow: float
    blue: float

    @model_validator(mode="after")
    def _monotone(self) -> Thresholds:
        if not (self.red > self.orange > self.yellow > self.blue):
            raise ValueError(
                "thresholds must fall strictly red > orange > yellow > blue (红 > 橙 > 黄 > 蓝); "
                f"got red={self.red}, orange={self.orange}, yellow={self.yellow}, blue={self.blue}"
            )
        return self


class PointsWarning(BaseModel):
    """积分预警: points summed over ``window_days`` per subject; two colours."""

    model_config = ConfigDict(extra="forbid")

    window_days: int = Field(ge=1, le=3660)
    red: float
    yellow: float

    @model_validator(mode="after")
    def _monotone(self) -> PointsWarning:
        if not self.red > self.yellow:
            raise ValueError(f"points_warning: red must be above yellow (红 > 黄); got red={self.red}, yellow={self.yellow}")
        return self


class RuleModel(BaseModel):
    """A department's rule model (one YAML file)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name_zh: str = Field(min_length=1)
    name_en: str = ""
    owner: str = Field(min_length=1, description="牵头单位: the department that owns the model.")
    version: str
    description: str = ""
    subject: Subject
    restricted: bool = Field(False, description="Only roles that need it may see person-level output.")
    purpose: Purpose | None = None
    feature_source: str = "features"
    factors: list[Factor] = Field(min_length=1)
    thresholds: Thresholds
    points_warning: PointsWarning | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _check_version(cls, v: Any) -> str:
        s = str(v).strip()
        if isinstance(v, float) or not _VERSION.match(s):
            raise ValueError(f"version {v!r} must be an integer or semver like 1.2.0 (write it in quotes)")
        return s

    @field_validator("id")
    @classmethod
    def _check_id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"model id {v!r} must be lower-case letters, digits and '_' (start with a letter)")
        return v

    @model_validator(mode="after")
    def _check_whole(self) -> RuleModel:
        problems: list[str] = []
        seen: set[str] = set()
        for f in self.factors:
            if f.id in seen:
                problems.append(f"duplicate factor id {f.id!r}")
            seen.add(f.id)
        if self.feature_source not in SUBJECT_SOURCES[self.subject]:
            problems.append(
                f"subject {self.subject!r} reads {' or '.join(SUBJECT_SOURCES[self.subject])}, "
                f"not feature_source {self.feature_source!r}"
            )
        if self.subject == "person":
            if not self.restricted:
                problems.append("a person-level model must declare `restricted: true` (BRIEF guardrails)")
            if self.purpose not in ("care", "outreach", "supervision_support"):
                problems.append(
                    "a person-level model must declare `purpose: care | outreach | supervision_support` "
                    f"(got {self.purpose!r}); person scores exist only for care and outreach"
                )
        if self.points_warning is not None and not any(f.is_points for f in self.factors):
            problems.append("points_warning needs at least one factor with `points`")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def key_column(self) -> str:
        """Column holding the subject key in the feature table and in score rows."""
        return SUBJECT_KEYS[self.subject]

    def factor(self, factor_id: str) -> Factor:
        for f in self.factors:
            if f.id == factor_id:
                return f
        raise KeyError(factor_id)

    def to_yaml(self) -> str:
        """The model as YAML text (keys in schema order, Chinese kept readable)."""
        data = self.model_dump(mode="json", exclude_none=True)
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _format_errors(e: ValidationError, where: str, raw: dict[str, Any]) -> str:
    lines = []
    for err in e.errors():
        loc = list(err["loc"])
        label = ".".join(str(x) for x in loc) or "(model)"
        if len(loc) >= 2 and loc[0] == "factors" and isinstance(loc[1], int):
            try:
                fid = raw["factors"][loc[1]].get("id", f"#{loc[1] + 1}")
            except (AttributeError, IndexError, KeyError, TypeError):
                fid = f"#{loc[1] + 1}"
            label = f"factor {fid!r}" + (f" field {'.'.join(str(x) for x in loc[2:])}" if loc[2:] else "")
        msg = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{where}: {label}: {msg}")
    return "\n".join(lines)


def parse_model(data: dict[str, Any], where: str = "<model>") -> RuleModel:
    """Validate a model given as a mapping; raise :class:`ModelFileError` naming ``where``."""
    if not isinstance(data, dict):
        raise ModelFileError(f"{where}: a model file must be a YAML mapping (id, name_zh, factors, ...)")
    try:
        return RuleModel.model_validate(data)
    except ValidationError as e:
        raise ModelFileError(_format_errors(e, where, data)) from None


def read_model(path: str | Path) -> RuleModel:
    """Read and check the shape of one model YAML (not yet against the column catalogue)."""
    p = Path(path)
    try:
        data = yaml.load(p.read_text(encoding="utf-8"), Loader=_LOADER)  # a safe loader (C or Python)
    except FileNotFoundError:
        raise ModelFileError(f"{p}: no such model file") from None
    except yaml.YAMLError as e:
        raise ModelFileError(f"{p}: not valid YAML: {e}") from None
    return parse_model(data, str(p))
