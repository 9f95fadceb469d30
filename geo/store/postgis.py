"""PostGIS store: SQLAlchemy 2 + geoalchemy2 for the schema, psycopg 3 ``COPY`` for the data.

Schemas (``<base>`` = first schema of the URL's ``options=-csearch_path=...``, else ``pingan``):

- ``<base>.store_tables`` — the catalogue, ``<base>.alembic_version`` — Alembic's version;
- ``<base>_analytic`` and ``<base>_raw`` — one schema per zone holding the tables.

Tables are created from the first frame written (geoalchemy2 ``geometry(Geometry, 4326)`` with a
GiST index; ``h3_*`` columns as BIGINT with a btree index; a unique index on the upsert key; a
btree index on the partition columns). Bulk loads go through ``COPY ... FROM STDIN (FORMAT
csv)`` fed by pyarrow's CSV writer (geometry as EWKB hex), reads through ``COPY (SELECT ...) TO
STDOUT`` parsed by pyarrow's CSV reader: no per-row Python on either path. Each write is one
transaction (``replace_partition`` = ``DELETE`` + ``COPY``; ``upsert`` = ``COPY`` into a temp
table + ``INSERT ... ON CONFLICT DO UPDATE``).
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
import sqlalchemy as sa
from geoalchemy2 import Geometry
from psycopg import sql
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from . import _frames as fr
from .base import (
    ZONES,
    Filters,
    Store,
    StoreSchemaError,
    TableInfo,
    TableNotFoundError,
    WriteMode,
    check_columns,
    check_filters,
    check_table_name,
    check_zone,
)

HERE = Path(__file__).resolve().parent
ALEMBIC_INI = HERE / "alembic.ini"
MIGRATIONS = HERE / "migrations"
DEFAULT_BASE = "pingan"

_SA_TYPES: dict[str, Any] = {
    "bool": sa.Boolean,
    "boolean": sa.Boolean,
    "int64": sa.BigInteger,
    "uint64": sa.BigInteger,
    "Int64": sa.BigInteger,
    "UInt64": sa.BigInteger,
    "float64": sa.Float(precision=53),
    "timestamp": sa.TIMESTAMP(timezone=True),
    "date": sa.Date,
    "str": sa.Text,
    "string": sa.Text,
}
# What pyarrow's CSV reader should make of each kind as the SELECT of :func:`select_sql` emits it.
_CSV_TYPES: dict[str, pa.DataType] = {
    "geometry": pa.string(),
    "bool": pa.bool_(),
    "boolean": pa.bool_(),
    "int64": pa.int64(),
    "uint64": pa.int64(),
    "Int64": pa.int64(),
    "UInt64": pa.int64(),
    "float64": pa.float64(),
    "timestamp": pa.int64(),
    "date": pa.date32(),
    "str": pa.string(),
    "string": pa.string(),
}

_migrated: set[tuple[str, str]] = set()
_migrate_lock = threading.Lock()


# ---- URLs and schema names (pure) ------------------------------------------------------------
def sqlalchemy_url(url: str) -> str:
    """``url`` with the ``postgresql+psycopg://`` driver SQLAlchemy needs."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise ValueError(f"not a PostgreSQL URL: {url.split('@')[-1]!r}")


def base_schema(url: str) -> str:
    """Base schema of a store URL: first entry of ``options=-csearch_path=...``, else ``pingan``."""
    options = make_url(sqlalchemy_url(url)).query.get("options", "")
    options = " ".join(options) if isinstance(options, tuple) else options
    for token in options.replace("-c ", "-c").split():
        if token.startswith("-csearch_path="):
            for s in token.split("=", 1)[1].split(","):
                s = s.strip().strip('"')
                if s and s != "$user":
                    return s
    return DEFAULT_BASE


def zone_schema(base: str, zone: str) -> str:
    """Schema of ``zone``: ``<base>_<zone>``."""
    return f"{base}_{check_zone(zone)}"


def _ident(name: str, suffix: str) -> str:
    """Index name ``<name>_<suffix>`` kept within PostgreSQL's 63 bytes."""
    full = f"{name}_{suffix}"
    if len(full.encode()) <= 63:
        return full
    return f"{name[:40]}_{hashlib.sha1(full.encode()).hexdigest()[:8]}_{suffix[:10]}"


# ---- SQL builders (pure) ---------------------------------------------------------------------
def table_ddl(info: TableInfo, schema: str) -> sa.Table:
    """SQLAlchemy table of a catalogue record, with its GiST / H3 / key / partition indexes."""
    cols = []
    for c, k in info.columns:
        if k == "geometry":
            cols.append(sa.Column(c, Geometry("GEOMETRY", srid=fr.EPSG, spatial_index=False)))
        else:
            cols.append(sa.Column(c, _SA_TYPES[k]))
    t = sa.Table(info.name, sa.MetaData(), *cols, schema=schema)
    for c, k in info.columns:
        if k == "geometry":
            sa.Index(_ident(info.name, f"{c}_gist"), t.c[c], postgresql_using="gist")
        elif c.startswith("h3_"):
            sa.Index(_ident(info.name, c), t.c[c])
    if info.key_columns:
        sa.Index(_ident(info.name, "key"), *(t.c[c] for c in info.key_columns), unique=True)
    if info.partition_columns:
        sa.Index(_ident(info.name, "part"), *(t.c[c] for c in info.partition_columns))
    return t


def _values(v: Any) -> list[Any]:
    return list(v) if isinstance(v, (list, tuple, set, np.ndarray, pd.Series, pd.Index)) else [v]


def _literal(kind: str, v: Any) -> sql.Composable:
    if kind in ("uint64", "UInt64"):  # stored as the same 64 bits in a signed BIGINT
        v = int(np.array(v, dtype=np.uint64).view(np.int64))
    return sql.Literal(v)


def where_sql(info: TableInfo, flt: Mapping[str, Any]) -> sql.Composable:
    """``WHERE`` clause for read filters / partitions (scalar =, list IN, None IS NULL)."""
    if not flt:
        return sql.SQL("")
    conds = []
    for c, v in flt.items():
        k = info.kinds[c]
        vals = [fr.scalar(k, x, c) for x in _values(v)]
        present = [x for x in vals if x is not None]
        alts = []
        if present:
            alts.append(
                sql.SQL("{} IN ({})").format(
                    sql.Identifier(c), sql.SQL(", ").join(_literal(k, x) for x in present)
                )
            )
        if len(present) < len(vals):
            alts.append(sql.SQL("{} IS NULL").format(sql.Identifier(c)))
        conds.append(
            sql.SQL("({})").format(sql.SQL(" OR ").join(alts)) if alts else sql.SQL("FALSE")
        )
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conds)


def select_sql(
    info: TableInfo, schema: str, columns: Sequence[str], flt: Mapping[str, Any]
) -> sql.Composable:
    """``COPY (SELECT ...) TO STDOUT`` of ``columns`` in the CSV shape :data:`_CSV_TYPES` reads."""
    exprs = []
    for c in columns:
        k, ident = info.kinds[c], sql.Identifier(c)
        if k == "geometry":
            exprs.append(sql.SQL("encode(ST_AsBinary({}), 'hex')").format(ident))
        elif k == "timestamp":
            exprs.append(sql.SQL("(extract(epoch from {}) * 1000000)::bigint").format(ident))
        else:
            exprs.append(ident)
    return sql.SQL("COPY (SELECT {} FROM {}{}) TO STDOUT WITH (FORMAT csv)").format(
        sql.SQL(", ").join(exprs), sql.Identifier(schema, info.name), where_sql(info, flt)
    )


def upsert_sql(info: TableInfo, schema: str, stage: str) -> sql.Composable:
    """``INSERT ... ON CONFLICT (key) DO UPDATE ... WHERE <a column differs>`` from a stage table.

    The ``WHERE`` makes an unchanged row a no-op, so the row count is rows inserted + changed.
    """
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in info.column_names)
    key = sql.SQL(", ").join(sql.Identifier(c) for c in info.key_columns)
    rest = [c for c in info.column_names if c not in info.key_columns]
    head = sql.SQL("INSERT INTO {} AS t ({}) SELECT {} FROM {} ON CONFLICT ({}) ").format(
        sql.Identifier(schema, info.name), cols, cols, sql.Identifier(stage), key
    )
    if not rest:
        return head + sql.SQL("DO NOTHING")
    sets = sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in rest)
    diffs = []
    for c in rest:
        if info.kinds[c] == "geometry":
            diffs.append(
                sql.SQL("ST_AsEWKB(t.{0}) IS DISTINCT FROM ST_AsEWKB(EXCLUDED.{0})").format(
                    sql.Identifier(c)
                )
            )
        else:
            diffs.append(sql.SQL("t.{0} IS DISTINCT FROM EXCLUDED.{0}").format(sql.Identifier(c)))
    return head + sql.SQL("DO UPDATE SET {} WHERE {}").format(sets, sql.SQL(" OR ").join(diffs))


# ---- migrations ------------------------------------------------------------------------------
def _alembic_config(conn: sa.Connection | None = None, base: str = DEFAULT_BASE) -> Any:
    from alembic.config import Config

    cfg = Config(str(ALEMBIC_INI))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    cfg.attributes["base_schema"] = base
    return cfg


def head_revision() -> str:
    """Newest revision of the store's migrations."""
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(_alembic_config()).get_current_head())


def migrate(url: str, schema: str | None = None) -> None:
    """Run ``alembic upgrade head`` for the store at ``url`` (base schema ``schema`` or from the URL).

    Creates the ``postgis`` extension, the base and zone schemas and the ``store_tables``
    catalogue. Safe to run concurrently (advisory lock) and repeatedly.
    """
    from alembic import command

    base = schema or base_schema(url)
    engine = _engine(url, pooled=False)
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn, base), "head")
    finally:
        engine.dispose()


def current_revision(url: str, schema: str | None = None) -> str | None:
    """Revision the store's database is at (None before the first migration)."""
    base = schema or base_schema(url)
    engine = _engine(url, pooled=False)
    try:
        with engine.connect() as conn:
            if (
                conn.execute(
                    sa.text("select to_regclass(:t)"), {"t": f'"{base}".alembic_version'}
                ).scalar()
                is None
            ):
                return None
            return conn.exec_driver_sql(
                f'select version_num from "{base}".alembic_version'
            ).scalar()
    finally:
        engine.dispose()


def drop_store(url: str, schema: str | None = None) -> None:
    """Drop everything the store created under a base schema: zone schemas, catalogue, version.

    The base schema itself stays (it may belong to someone else, e.g. a test fixture).
    """
    base = schema or base_schema(url)
    engine = _engine(url, pooled=False)
    try:
        with engine.begin() as conn:
            for zone in ZONES:
                conn.exec_driver_sql(f'drop schema if exists "{zone_schema(base, zone)}" cascade')
            conn.exec_driver_sql(
                f'drop table if exists "{base}".store_tables, "{base}".alembic_version'
            )
    finally:
        engine.dispose()
    with _migrate_lock:
        _migrated.discard((sqlalchemy_url(url), base))


def _engine(url: str, *, pooled: bool = True) -> sa.Engine:
    kw: dict[str, Any] = {"connect_args": {"client_encoding": "utf8"}}
    if not pooled:
        kw["poolclass"] = NullPool
    else:
        kw["pool_pre_ping"] = True
    return sa.create_engine(sqlalchemy_url(url), **kw)


# ---- the store -------------------------------------------------------------------------------
class PostGISStore(Store):
    """One zone of the PostGIS store.

    Parameters
    ----------
    url : ``postgresql://user:pass@host:port/db`` (optionally ``?options=-csearch_path%3D<base>,public``).
    zone : ``"analytic"`` or ``"raw"``.
    schema : base schema (default: from the URL's search_path, else ``pingan``).
    batch_rows : rows per CSV chunk streamed into ``COPY``.
    migrate_schema : run the migrations to head on open (once per process and base schema).
    """

    backend = "postgis"

    def __init__(
        self,
        url: str,
        zone: str = "analytic",
        *,
        schema: str | None = None,
        batch_rows: int = 200_000,
        migrate_schema: bool = True,
    ) -> None:
        self.url = url
        self.zone = check_zone(zone)
        self.base = schema or base_schema(url)
        self.schema = zone_schema(self.base, zone)
        self.batch_rows = int(batch_rows)
        self.engine = _engine(url)
        self._local = threading.local()  # a transaction belongs to the thread that opened it
        if migrate_schema:
            self._ensure_migrated()

    @property
    def _tx_conn(self) -> sa.Connection | None:
        return getattr(self._local, "conn", None)

    @_tx_conn.setter
    def _tx_conn(self, conn: sa.Connection | None) -> None:
        self._local.conn = conn

    def __repr__(self) -> str:
        return f"PostGISStore({make_url(sqlalchemy_url(self.url)).render_as_string(hide_password=True)!r}, zone={self.zone!r})"

    def _ensure_migrated(self) -> None:
        key = (sqlalchemy_url(self.url), self.base)
        with _migrate_lock:
            if key in _migrated:
                return
            if current_revision(self.url, self.base) != head_revision():
                migrate(self.url, self.base)
            _migrated.add(key)

    def close(self) -> None:
        self.engine.dispose()

    # ---- connections ---------------------------------------------------------------------
    @contextmanager
    def _conn(self) -> Iterator[sa.Connection]:
        """The transaction's connection, or a new one-statement-group transaction."""
        if self._tx_conn is not None:
            yield self._tx_conn
            return
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[PostGISStore]:
        """One database transaction for every write in the block (rolled back if it raises)."""
        if self._tx_conn is not None:
            yield self
            return
        with self.engine.begin() as conn:
            self._tx_conn = conn
            try:
                yield self
            finally:
                self._tx_conn = None

    @staticmethod
    def _raw(conn: sa.Connection) -> Any:
        return conn.connection.driver_connection

    # ---- catalogue -----------------------------------------------------------------------
    def _catalogue(self) -> sql.Composable:
        return sql.Identifier(self.base, "store_tables")

    def _info(self, conn: sa.Connection, table: str, *, lock: bool = False) -> TableInfo | None:
        q = sql.SQL(
            "SELECT table_name, zone, columns, geometry_column, key_columns, partition_columns, "
            "created_at, updated_at FROM {} WHERE zone = %s AND table_name = %s{}"
        ).format(self._catalogue(), sql.SQL(" FOR UPDATE") if lock else sql.SQL(""))
        row = self._raw(conn).execute(q, (self.zone, check_table_name(table))).fetchone()
        if row is None:
            return None
        name, zone, cols, geom, key, part, created, updated = row
        return TableInfo(
            name,
            zone,
            tuple((c, k) for c, k in cols),
            geom,
            tuple(key or ()),
            tuple(part or ()),
            created,
            updated,
        )

    def _must(self, conn: sa.Connection, table: str) -> TableInfo:
        info = self._info(conn, table)
        if info is None:
            raise TableNotFoundError(
                f"no table {table!r} in zone {self.zone!r} (schema {self.schema})"
            )
        return info

    def _record(self, conn: sa.Connection, info: TableInfo) -> None:
        q = sql.SQL(
            "INSERT INTO {} (zone, table_name, columns, geometry_column, key_columns, partition_columns) "
            "VALUES (%s, %s, %s::jsonb, %s, %s, %s) ON CONFLICT (zone, table_name) DO UPDATE SET "
            "columns = EXCLUDED.columns, geometry_column = EXCLUDED.geometry_column, "
            "key_columns = EXCLUDED.key_columns, partition_columns = EXCLUDED.partition_columns, "
            "updated_at = now()"
        ).format(self._catalogue())
        self._raw(conn).execute(
            q,
            (
                self.zone,
                info.name,
                json.dumps([list(c) for c in info.columns], ensure_ascii=False),
                info.geometry_column,
                list(info.key_columns),
                list(info.partition_columns),
            ),
        )

    def _create_and_load(self, conn: sa.Connection, info: TableInfo, frame: pd.DataFrame) -> None:
        """Create the table, COPY ``frame`` in, then build its indexes (a bulk index build is
        several times faster than maintaining GiST/btree indexes row by row during COPY)."""
        t = table_ddl(info, self.schema)
        indexes = list(t.indexes)
        t.indexes.clear()
        t.create(conn)
        self._copy_in(conn, frame, info, sql.Identifier(self.schema, info.name))
        for ix in indexes:
            ix.create(conn)
        self._record(conn, info)

    def _drop_table(self, conn: sa.Connection, table: str) -> None:
        self._raw(conn).execute(
            sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(self.schema, table))
        )
        self._raw(conn).execute(
            sql.SQL("DELETE FROM {} WHERE zone = %s AND table_name = %s").format(self._catalogue()),
            (self.zone, table),
        )

    # ---- data paths ----------------------------------------------------------------------
    def _copy_in(
        self, conn: sa.Connection, frame: pd.DataFrame, info: TableInfo, target: sql.Composable
    ) -> None:
        """Stream ``frame`` into ``target`` with ``COPY ... FROM STDIN (FORMAT csv)``, chunk by chunk."""
        if len(frame) == 0:
            return
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in info.column_names)
        stmt = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(target, cols)
        opts = pacsv.WriteOptions(include_header=False)
        with self._raw(conn).cursor() as cur, cur.copy(stmt) as cp:
            for start in range(0, len(frame), self.batch_rows):
                tbl = fr.to_arrow(
                    frame.iloc[start : start + self.batch_rows], info.columns, "postgis"
                )
                buf = io.BytesIO()
                pacsv.write_csv(tbl, buf, opts)
                cp.write(buf.getbuffer())

    def _copy_out(
        self, conn: sa.Connection, info: TableInfo, columns: Sequence[str], flt: Mapping[str, Any]
    ) -> pa.Table:
        buf = io.BytesIO()
        with (
            self._raw(conn).cursor() as cur,
            cur.copy(select_sql(info, self.schema, columns, flt)) as cp,
        ):
            for chunk in cp:
                buf.write(chunk)
        types = {c: _CSV_TYPES[info.kinds[c]] for c in columns}
        if buf.tell() == 0:
            return pa.schema([(c, types[c]) for c in columns]).empty_table()
        buf.seek(0)
        return pacsv.read_csv(
            buf,
            read_options=pacsv.ReadOptions(column_names=list(columns), block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                true_values=["t"],
                false_values=["f"],
            ),
        )

    # ---- reads ---------------------------------------------------------------------------
    def read(
        self, table: str, columns: Sequence[str] | None = None, filters: Filters | None = None
    ) -> pd.DataFrame:
        with self._conn() as conn:
            info = self._must(conn, table)
            cols = check_columns(info, columns)
            flt = check_filters(info, filters)
            tbl = self._copy_out(conn, info, cols, flt)
        return fr.from_arrow(tbl, info, cols)

    def info(self, table: str) -> TableInfo:
        with self._conn() as conn:
            return self._must(conn, table)

    def tables(self) -> list[str]:
        with self._conn() as conn:
            q = sql.SQL("SELECT table_name FROM {} WHERE zone = %s ORDER BY 1").format(
                self._catalogue()
            )
            return [r[0] for r in self._raw(conn).execute(q, (self.zone,)).fetchall()]

    def exists(self, table: str) -> bool:
        with self._conn() as conn:
            return self._info(conn, table) is not None

    def count(self, table: str) -> int:
        with self._conn() as conn:
            self._must(conn, table)
            q = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(self.schema, table))
            return int(self._raw(conn).execute(q).fetchone()[0])

    # ---- writes --------------------------------------------------------------------------
    def write(
        self,
        table: str,
        df: pd.DataFrame,
        *,
        mode: WriteMode = "append",
        partition_by: Sequence[str] | None = None,
    ) -> int:
        check_table_name(table)
        if mode not in ("append", "replace"):
            raise ValueError(f"mode must be 'append' or 'replace', not {mode!r}")
        with self._conn() as conn:
            old = self._info(conn, table, lock=True)
            frame, _, kinds, geom = fr.prepare(df, old if mode == "append" else None)
            if old is not None and mode == "append":
                info = old
                self._record(conn, info)
                self._copy_in(conn, frame, info, sql.Identifier(self.schema, table))
            else:
                info = fr.new_info(table, self.zone, kinds, geom, partition_by=partition_by)
                if old is not None:
                    self._drop_table(conn, table)
                self._create_and_load(conn, info, frame)
        return len(frame)

    def replace_partition(self, table: str, df: pd.DataFrame, partition: Mapping[str, Any]) -> int:
        check_table_name(table)
        partition = dict(partition)
        if not partition:
            raise StoreSchemaError("replace_partition needs at least one partition column")
        with self._conn() as conn:
            old = self._info(conn, table, lock=True)
            frame, _, kinds, geom = fr.prepare(df, old)
            info = old or fr.new_info(table, self.zone, kinds, geom, partition_by=list(partition))
            fr.check_partition(frame, partition, info)
            if old is None:
                self._create_and_load(conn, info, frame)
            else:
                self._raw(conn).execute(
                    sql.SQL("DELETE FROM {}").format(sql.Identifier(self.schema, table))
                    + where_sql(info, partition)
                )
                self._copy_in(conn, frame, info, sql.Identifier(self.schema, table))
                self._record(conn, info)
        return len(frame)

    def upsert(self, table: str, df: pd.DataFrame, key: Sequence[str]) -> int:
        check_table_name(table)
        key = [key] if isinstance(key, str) else list(key)
        if not key:
            raise StoreSchemaError("upsert needs at least one key column")
        with self._conn() as conn:
            old = self._info(conn, table, lock=True)
            frame, _, kinds, geom = fr.prepare(df, old)
            frame = fr.dedupe_keys(frame, key, table)
            if old is None:
                info = fr.new_info(table, self.zone, kinds, geom, key=key)
                self._create_and_load(conn, info, frame)
                return len(frame)
            info = fr.with_key(old, key)
            raw = self._raw(conn)
            if info != old:  # first upsert on a table written before: add the unique key index
                try:
                    with raw.transaction():
                        raw.execute(
                            sql.SQL("CREATE UNIQUE INDEX {} ON {} ({})").format(
                                sql.Identifier(_ident(table, "key")),
                                sql.Identifier(self.schema, table),
                                sql.SQL(", ").join(sql.Identifier(c) for c in key),
                            )
                        )
                except psycopg.errors.Error as e:  # duplicates already stored
                    raise StoreSchemaError(f"{table}: cannot make {key} a key: {e}") from None
                self._record(conn, info)
            if len(frame) == 0:
                return 0
            stage = f"_stage_{uuid.uuid4().hex[:12]}"
            raw.execute(
                sql.SQL("CREATE TEMP TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP").format(
                    sql.Identifier(stage), sql.Identifier(self.schema, table)
                )
            )
            self._copy_in(conn, frame, info, sql.Identifier(stage))
            n = raw.execute(upsert_sql(info, self.schema, stage)).rowcount
            raw.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(stage)))
            if n:
                self._record(conn, info)
        return int(n)

    def drop(self, table: str) -> None:
        check_table_name(table)
        with self._conn() as conn:
            self._drop_table(conn, table)
