"""The store interface: one abstract :class:`Store`, implemented once per backend.

A store holds the platform's tables (DataFrames and GeoDataFrames) in one *zone*:
``"analytic"`` (pseudonymised, what analysts and dashboards read) or ``"raw"`` (raw
identifiers, kept apart as the brief's guardrail asks). Backends:
:mod:`geo.store.geoparquet` (embedded folder, the default) and :mod:`geo.store.postgis`.

Everything stored is WGS-84 (EPSG:4326); timestamps are stored tz-aware in UTC to the
microsecond and come back as ``datetime64[ns, UTC]``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Self

import pandas as pd

ZONES: tuple[str, ...] = ("analytic", "raw")
WriteMode = Literal["append", "replace"]
Filters = Mapping[str, Any]

_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_RESERVED = {"store_tables", "alembic_version"}


class StoreError(Exception):
    """A store operation failed (bad table, bad frame, backend error)."""


class StoreSchemaError(StoreError, ValueError):
    """A frame does not fit the table (columns, dtypes, CRS, keys, partition values)."""


class TableNotFoundError(StoreError, LookupError):
    """The table does not exist in this zone."""


@dataclass(frozen=True)
class TableInfo:
    """Catalogue record of one table (both backends keep the same fields).

    ``columns`` is the ordered list of ``(name, kind)``; kinds are listed in
    :data:`geo.store._frames.KINDS`.
    """

    name: str
    zone: str
    columns: tuple[tuple[str, str], ...]
    geometry_column: str | None = None
    key_columns: tuple[str, ...] = ()
    partition_columns: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def kinds(self) -> dict[str, str]:
        """Column name → kind."""
        return dict(self.columns)

    @property
    def column_names(self) -> list[str]:
        """Column names in table order."""
        return [c for c, _ in self.columns]

    def to_json(self) -> dict[str, Any]:
        """JSON-able dict (the GeoParquet catalogue's record)."""
        return {
            "name": self.name,
            "zone": self.zone,
            "columns": [list(c) for c in self.columns],
            "geometry_column": self.geometry_column,
            "key_columns": list(self.key_columns),
            "partition_columns": list(self.partition_columns),
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> TableInfo:
        """Inverse of :meth:`to_json`."""
        ts = {
            k: datetime.fromisoformat(d[k]) if d.get(k) else None
            for k in ("created_at", "updated_at")
        }
        return cls(
            name=d["name"],
            zone=d["zone"],
            columns=tuple((str(c), str(k)) for c, k in d["columns"]),
            geometry_column=d.get("geometry_column"),
            key_columns=tuple(d.get("key_columns") or ()),
            partition_columns=tuple(d.get("partition_columns") or ()),
            **ts,
        )


def check_zone(zone: str) -> str:
    """Return ``zone`` if it is a known zone, else raise ``ValueError``."""
    if zone not in ZONES:
        raise ValueError(f"unknown zone {zone!r}: use one of {', '.join(ZONES)}")
    return zone


def check_table_name(table: str) -> str:
    """Return ``table`` if it is a valid table name (``[a-z_][a-z0-9_]*``, ≤ 63 chars)."""
    if not isinstance(table, str) or not _TABLE_NAME.match(table) or table in _RESERVED:
        raise StoreError(
            f"bad table name {table!r}: lower-case letters, digits and _ (≤ 63), not {sorted(_RESERVED)}"
        )
    return table


def check_filters(info: TableInfo, filters: Filters | None) -> dict[str, list[Any] | Any]:
    """Validate ``filters`` (column → scalar or list) against the table's columns."""
    if not filters:
        return {}
    kinds = info.kinds
    out: dict[str, Any] = {}
    for col, val in filters.items():
        if col not in kinds:
            raise StoreSchemaError(f"{info.name}: filter on unknown column {col!r}")
        if kinds[col] == "geometry":
            raise StoreSchemaError(f"{info.name}: cannot filter on geometry column {col!r}")
        out[col] = val
    return out


def check_columns(info: TableInfo, columns: Sequence[str] | None) -> list[str]:
    """Validate the requested columns (None = all, in table order)."""
    if columns is None:
        return info.column_names
    if isinstance(columns, str):
        columns = [columns]
    unknown = [c for c in columns if c not in info.kinds]
    if unknown:
        raise StoreSchemaError(f"{info.name}: unknown columns {unknown}")
    return list(columns)


class Store(ABC):
    """One zone of the platform's table store.

    Writes take a DataFrame or GeoDataFrame (index ignored). Reads return a GeoDataFrame
    (EPSG:4326) when the selected columns include a geometry column, else a DataFrame.
    Partition values and filters are plain Python scalars (str, int, float, bool, None,
    tz-aware datetime, date).
    """

    backend: str
    zone: str

    # ---- writes -------------------------------------------------------------------------
    @abstractmethod
    def write(
        self,
        table: str,
        df: pd.DataFrame,
        *,
        mode: WriteMode = "append",
        partition_by: Sequence[str] | None = None,
    ) -> int:
        """Append ``df`` to ``table`` (creating it) or replace the whole table; return rows written.

        ``partition_by`` sets the partition columns when the table is created (ignored
        afterwards: the catalogue's partition columns rule).
        """

    @abstractmethod
    def upsert(self, table: str, df: pd.DataFrame, key: Sequence[str]) -> int:
        """Insert rows whose ``key`` is new, replace rows whose key exists.

        Duplicate keys inside ``df`` keep the last row; NULL keys are rejected. Returns the
        number of rows inserted or changed: re-running the same upsert returns 0 and changes
        nothing.
        """

    @abstractmethod
    def replace_partition(self, table: str, df: pd.DataFrame, partition: Mapping[str, Any]) -> int:
        """Atomically replace every row matching ``partition`` (column → value) by ``df``.

        Every row of ``df`` must carry the partition values. A failure part-way leaves the
        previous version readable and intact. Returns rows written.
        """

    @abstractmethod
    def drop(self, table: str) -> None:
        """Drop ``table`` (no error if it does not exist)."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Store]:
        """Group writes so that all land or none (rolled back when the block raises)."""

    # ---- reads --------------------------------------------------------------------------
    @abstractmethod
    def read(
        self,
        table: str,
        columns: Sequence[str] | None = None,
        filters: Filters | None = None,
    ) -> pd.DataFrame:
        """Read ``table``; ``filters`` maps a column to a value (==) or a list (IN); None = IS NULL."""

    @abstractmethod
    def info(self, table: str) -> TableInfo:
        """Catalogue record of ``table`` (raises :class:`TableNotFoundError`)."""

    @abstractmethod
    def tables(self) -> list[str]:
        """Names of the tables in this zone, sorted."""

    @abstractmethod
    def count(self, table: str) -> int:
        """Number of rows of ``table``."""

    def exists(self, table: str) -> bool:
        """Whether ``table`` exists in this zone."""
        return table in self.tables()

    def close(self) -> None:
        """Release resources (connections). The store is unusable afterwards."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
