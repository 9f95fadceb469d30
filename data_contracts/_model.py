"""The contract language: a pydantic manifest per feed, and the pandera schema derived from it.

契约语言：每个数据源一份 pydantic 清单（部门、类别、更新频率、主键、坐标系、编码、格式，
以及每个字段的含义、单位、敏感级别和来源列名），并由它生成 pandera 表模式。

A contract only declares. The ingest stage (``fusion/``) reads the ``kind`` of each field to
choose its normaliser, and the ``source`` names to map the department's (Chinese) column
headers onto canonical names.
"""

from __future__ import annotations

from typing import Literal

import pandera.pandas as pa
from pydantic import BaseModel, ConfigDict, Field, model_validator

from data_contracts.vocab import (
    EVENT_CATEGORIES,
    PROTECTED_ATTRIBUTES,
    SENSITIVITY,
    UPDATE_FREQUENCIES,
)


class ContractError(ValueError):
    """A contract is invalid (e.g. marks a protected attribute usable for scoring)."""


FieldKind = Literal[
    "text",  # free text, kept as str
    "code",  # an identifier kept verbatim (camera id, case no., hotel id, ...)
    "int",
    "float",
    "bool",
    "datetime",  # any form the feeds use → tz-aware UTC timestamp (source Asia/Shanghai)
    "date",  # a calendar date → datetime64 at midnight Asia/Shanghai, stored UTC
    "month",  # YYYYMM / YYYY年M月 → first day of the month, midnight Asia/Shanghai, stored UTC
    "category",  # one of ``categories`` (source labels → codes)
    "id_number",  # resident ID (GB 11643), 18/15 digits or masked → pseudonymised
    "phone",  # mobile/landline → E.164 → pseudonymised
    "plate",  # vehicle plate (possibly partial) → pseudonymised
    "person_name",  # → trimmed, half-width → pseudonymised
    "uscc",  # unified social credit code (GB 32100), public for units
    "address",  # free address text → parsed, matched to the gazetteer
    "lon",
    "lat",
    "geometry",  # GeoJSON geometry (std_address, roads, grids)
]

Sensitivity = Literal["public", "internal", "personal", "sensitive"]
Frequency = Literal["realtime", "30s", "15min", "hour", "day", "week", "month", "quarter", "year"]
Crs = Literal["WGS84", "GCJ02", "BD09", "CGCS2000", "address", "none"]
FileFormat = Literal["csv", "xlsx", "jsonl", "geojson", "parquet"]
Encoding = Literal["utf-8", "utf-8-sig", "gb18030", "binary"]

#: Kinds whose values are pseudonymised (keyed hash) in the analytic zone.
PSEUDONYMISED_KINDS: frozenset[str] = frozenset({"id_number", "phone", "plate", "person_name"})


class FieldSpec(BaseModel):
    """One field of a feed: canonical name, source header(s), meaning, unit, sensitivity."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Canonical column name.")
    source: tuple[str, ...] = Field(
        min_length=1, description="Department's header(s); first is primary."
    )
    kind: FieldKind = "text"
    meaning: str = Field(min_length=1, description="含义 / meaning (中文 first).")
    unit: str | None = None
    sensitivity: Sensitivity = "internal"
    required: bool = False
    protected: bool = False
    usable_for_scoring: bool = True
    categories: dict[str, str] | None = Field(
        None, description="For kind=category: source label → canonical code."
    )
    min_value: float | None = None
    max_value: float | None = None

    @model_validator(mode="after")
    def _check(self) -> FieldSpec:
        if self.kind == "category" and not self.categories:
            raise ContractError(f"field {self.name!r}: kind=category needs categories")
        looks_protected = self.name in PROTECTED_ATTRIBUTES or any(
            s in ("民族", "宗教信仰", "宗教", "政治面貌", "信访", "上访") for s in self.source
        )
        if looks_protected and not self.protected:
            raise ContractError(
                f"字段 {self.name!r} 是受保护属性，必须标记 protected=True / "
                f"field {self.name!r} is a protected attribute and must be marked protected"
            )
        if self.protected and self.usable_for_scoring:
            raise ContractError(
                f"受保护属性 {self.name!r} 不得用于评分 / protected attribute {self.name!r} "
                "must not be usable_for_scoring (BRIEF guardrails)"
            )
        return self


class FeedContract(BaseModel):
    """The manifest of one department feed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    feed_id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str
    department: str
    category: Literal[
        "gazetteer",
        "population",
        "places",
        "units",
        "events",
        "vehicles",
        "sensors",
        "context",
        "care",
    ]
    frequency: Frequency
    format: FileFormat
    encoding: Encoding
    crs: Crs
    primary_key: tuple[str, ...] = Field(min_length=1)
    fields: tuple[FieldSpec, ...] = Field(min_length=1)
    record_time: str | None = Field(
        None, description="Field holding the record's own date/time; partitions the table by month."
    )
    event_category: str | None = Field(
        None,
        description="For event feeds: a fixed EVENT_CATEGORIES code, or the name of a category field.",
    )
    notes: str = ""

    @model_validator(mode="after")
    def _check(self) -> FeedContract:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ContractError(f"{self.feed_id}: duplicate field names")
        for k in self.primary_key:
            if k not in names:
                raise ContractError(f"{self.feed_id}: primary key {k!r} is not a field")
        if self.record_time and self.record_time not in names:
            raise ContractError(f"{self.feed_id}: record_time {self.record_time!r} is not a field")
        if (
            self.crs not in ("address", "none")
            and not {"lon", "lat"} <= set(names)
            and "geometry" not in names
        ):
            raise ContractError(f"{self.feed_id}: crs {self.crs} declared but no lon/lat fields")
        if self.event_category is not None:
            ec = self.event_category
            if ec not in EVENT_CATEGORIES and ec not in names:
                raise ContractError(
                    f"{self.feed_id}: event_category {ec!r} is neither a code nor a field"
                )
        if self.frequency not in UPDATE_FREQUENCIES:  # pragma: no cover - Literal guards it
            raise ContractError(f"{self.feed_id}: unknown frequency")
        return self

    def field(self, name: str) -> FieldSpec:
        """Return the field called ``name`` (KeyError if none)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def source_to_canonical(self) -> dict[str, str]:
        """Every accepted source header → canonical field name (canonical names map to themselves)."""
        out: dict[str, str] = {}
        for f in self.fields:
            out[f.name] = f.name
            for s in f.source:
                out[s] = f.name
        return out

    @property
    def personal_fields(self) -> tuple[str, ...]:
        """Fields pseudonymised in the analytic zone."""
        return tuple(f.name for f in self.fields if f.kind in PSEUDONYMISED_KINDS)

    @property
    def protected_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.protected)

    def schema(self) -> pa.DataFrameSchema:
        """The pandera schema of the feed's normalised analytic table (before pseudonymisation
        personal fields are strings; after it they hold ``tok_`` tokens — also strings)."""
        cols: dict[str, pa.Column] = {}
        for f in self.fields:
            cols[f.name] = _column(f)
        return pa.DataFrameSchema(cols, name=self.feed_id, strict=False, coerce=False)


def _column(f: FieldSpec) -> pa.Column:
    nullable = not f.required
    checks: list[pa.Check] = []
    if f.min_value is not None:
        checks.append(pa.Check.ge(f.min_value))
    if f.max_value is not None:
        checks.append(pa.Check.le(f.max_value))
    if f.kind == "category":
        checks.append(pa.Check.isin(sorted(set(f.categories.values()))))  # type: ignore[union-attr]
    if f.kind in ("int",):
        return pa.Column("Int64", checks=checks, nullable=nullable)
    if f.kind in ("float", "lon", "lat"):
        return pa.Column(float, checks=checks, nullable=nullable)
    if f.kind == "bool":
        return pa.Column("boolean", nullable=nullable)
    if f.kind in ("datetime", "date", "month"):
        return pa.Column("datetime64[ns, UTC]", checks=checks, nullable=nullable)
    if f.kind == "geometry":
        return pa.Column(nullable=nullable)
    return pa.Column(str, checks=checks, nullable=nullable)


def sensitivity_label(level: str) -> str:
    """'个人信息 personal' style label of a sensitivity code."""
    zh, en = SENSITIVITY[level]
    return f"{zh} {en}"


# -- small constructors that keep the 47 contract files short ---------------------------------


def f(
    name: str,
    source: str | tuple[str, ...],
    kind: FieldKind = "text",
    meaning: str = "",
    **kw: object,
) -> FieldSpec:
    """Build a :class:`FieldSpec`; sensitivity defaults from the kind (IDs, phones, names,
    plates → personal)."""
    src = (source,) if isinstance(source, str) else tuple(source)
    if "sensitivity" not in kw:
        kw["sensitivity"] = "personal" if kind in PSEUDONYMISED_KINDS else "internal"
    return FieldSpec(name=name, source=src, kind=kind, meaning=meaning or src[0], **kw)  # type: ignore[arg-type]
