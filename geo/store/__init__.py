"""The platform's table store: one interface, one module per backend.

>>> from geo.store import open_store
>>> store = open_store("var/store")                          # embedded GeoParquet warehouse
>>> store = open_store("postgresql://u:p@host/db", "raw")    # PostGIS, raw zone

See ``docs/store.md``.
"""

from __future__ import annotations

import os

from .base import (
    ZONES,
    Store,
    StoreError,
    StoreSchemaError,
    TableInfo,
    TableNotFoundError,
    WriteMode,
)

__all__ = [
    "ZONES",
    "Store",
    "StoreError",
    "StoreSchemaError",
    "TableInfo",
    "TableNotFoundError",
    "WriteMode",
    "is_postgres_url",
    "open_store",
]


def is_postgres_url(target: str | os.PathLike[str]) -> bool:
    """Whether ``target`` names a PostgreSQL database rather than a warehouse folder."""
    return isinstance(target, str) and target.startswith(
        ("postgresql://", "postgresql+psycopg://", "postgres://")
    )


def open_store(
    target: str | os.PathLike[str], zone: str = "analytic", *, batch_rows: int | None = None
) -> Store:
    """Open one zone (``"analytic"`` or ``"raw"``) of the store at ``target``.

    ``target`` is a folder (embedded GeoParquet warehouse, created if missing) or a
    ``postgresql://`` URL (PostGIS; migrations are run to head on first open). For PostGIS the
    zone lives in schema ``<base>_<zone>``, where ``<base>`` is the first schema of the URL's
    ``options=-csearch_path=...`` or ``pingan``. ``batch_rows`` sets rows per Parquet file /
    per COPY chunk.
    """
    kw = {} if batch_rows is None else {"batch_rows": batch_rows}
    if is_postgres_url(target):
        from .postgis import PostGISStore

        return PostGISStore(str(target), zone, **kw)
    from .geoparquet import GeoParquetStore

    return GeoParquetStore(target, zone, **kw)
