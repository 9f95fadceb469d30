"""Embedded store: a folder of GeoParquet files, no server (the default backend).

Layout of a warehouse folder ``<root>``::

    <root>/analytic/_catalogue.json          the zone's catalogue (tables, schemas, live files)
    <root>/analytic/<table>/part-<id>.parquet
    <root>/analytic/<table>/feed=calls_110/period=2026-10/part-<id>.parquet   (partitioned)
    <root>/raw/...                           the raw zone, same layout

Files are immutable GeoParquet 1.0 (WKB geometry, EPSG:4326 PROJJSON in the ``geo`` metadata),
so any GeoParquet reader opens them. A table is the list of files its catalogue record names:
a write stages new files next to the old ones, then commits by writing the catalogue to a
temporary file in the same folder and ``os.replace``-ing it (atomic on POSIX). A failure before
that leaves the previous catalogue, hence the previous version, in place; the staged files are
deleted. A :meth:`GeoParquetStore.transaction` defers the single catalogue swap to its end, so
writes to several tables land together. Writers take an exclusive ``flock`` on
``<zone>/_lock``; readers take no lock (they read one catalogue and immutable files).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from . import _frames as fr
from .base import (
    Filters,
    Store,
    StoreError,
    StoreSchemaError,
    TableInfo,
    TableNotFoundError,
    WriteMode,
    check_columns,
    check_filters,
    check_table_name,
    check_zone,
)

CATALOGUE = "_catalogue.json"
FORMAT = "pingan-geoparquet-warehouse"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Tx:
    """Staged state of a write: the catalogue to commit and the files it adds/removes."""

    cat: dict[str, Any]
    added: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


class GeoParquetStore(Store):
    """One zone of a GeoParquet warehouse folder.

    Parameters
    ----------
    root : warehouse folder (created if missing); the zone lives in ``root/zone``.
    zone : ``"analytic"`` or ``"raw"``.
    batch_rows : rows per Parquet file (a partition's rows are split into files this size).
    """

    backend = "geoparquet"

    def __init__(
        self, root: str | os.PathLike[str], zone: str = "analytic", *, batch_rows: int = 1_000_000
    ) -> None:
        self.root = Path(root)
        self.zone = check_zone(zone)
        self.dir = self.root / zone
        self.dir.mkdir(parents=True, exist_ok=True)
        self.batch_rows = int(batch_rows)
        self._local = threading.local()  # a transaction belongs to the thread that opened it

    @property
    def _tx(self) -> _Tx | None:
        return getattr(self._local, "tx", None)

    @_tx.setter
    def _tx(self, tx: _Tx | None) -> None:
        self._local.tx = tx

    def __repr__(self) -> str:
        return f"GeoParquetStore({str(self.root)!r}, zone={self.zone!r})"

    # ---- catalogue ---------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        p = self.dir / CATALOGUE
        if not p.exists():
            return {"format": FORMAT, "version": 1, "tables": {}}
        with p.open(encoding="utf-8") as f:
            return json.load(f)

    def _current(self) -> dict[str, Any]:
        return self._tx.cat if self._tx is not None else self._load()

    def _save(self, cat: dict[str, Any]) -> None:
        tmp = self.dir / f".{CATALOGUE}.{uuid.uuid4().hex}.tmp"
        with tmp.open("w", encoding="utf-8") as f:
            json.dump(cat, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.dir / CATALOGUE)
        dfd = os.open(self.dir, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)

    @contextmanager
    def _lock(self) -> Iterator[None]:
        with open(self.dir / "_lock", "a+") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def _commit(self, tx: _Tx) -> None:
        _fsync_all(tx.added, self.dir)
        self._save(tx.cat)
        for p in tx.removed:
            self._unlink(p)

    def _abort(self, tx: _Tx) -> None:
        for p in tx.added:
            self._unlink(p)

    def _unlink(self, p: Path) -> None:
        p.unlink(missing_ok=True)
        parent = p.parent
        while parent != self.dir and parent.is_relative_to(self.dir):
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent

    @contextmanager
    def _writing(self) -> Iterator[_Tx]:
        if self._tx is not None:
            yield self._tx
            return
        with self._lock():
            tx = _Tx(self._load())
            try:
                yield tx
            except BaseException:
                self._abort(tx)
                raise
            self._commit(tx)

    @contextmanager
    def transaction(self) -> Iterator[GeoParquetStore]:
        """Writes inside the block commit together at its end (one catalogue swap), or not at all.

        Reads inside the block see the block's own writes. Nested blocks join the outer one.
        """
        if self._tx is not None:
            yield self
            return
        with self._lock():
            self._tx = tx = _Tx(self._load())
            try:
                yield self
            except BaseException:
                self._abort(tx)
                raise
            else:
                self._commit(tx)
            finally:
                self._tx = None

    @staticmethod
    def _entry(cat: dict[str, Any], table: str) -> dict[str, Any] | None:
        return cat["tables"].get(table)

    def _info_of(self, cat: dict[str, Any], table: str) -> TableInfo:
        e = self._entry(cat, check_table_name(table))
        if e is None:
            raise TableNotFoundError(f"no table {table!r} in zone {self.zone!r} of {self.root}")
        return TableInfo.from_json(e)

    def _put(
        self,
        tx: _Tx,
        info: TableInfo,
        files: list[dict[str, Any]],
        removed: Sequence[dict[str, Any]] = (),
    ) -> None:
        rec = replace(info, updated_at=_now()).to_json()
        rec["files"] = files
        tx.cat["tables"][info.name] = rec
        tx.removed.extend(self.dir / f["path"] for f in removed)

    # ---- file I/O ----------------------------------------------------------------------------
    def _write_frame(self, frame: pd.DataFrame, info: TableInfo, tx: _Tx) -> list[dict[str, Any]]:
        """Write ``frame`` (conformed) as new immutable files; return their catalogue entries."""
        if len(frame) == 0:
            return []
        enc = fr.Encoded(
            fr.to_arrow(frame, info.columns), info.kinds, None, fr.geo_stats(frame, info.columns)
        )
        return self._write_encoded(enc, info, tx)

    def _write_encoded(self, enc: fr.Encoded, info: TableInfo, tx: _Tx) -> list[dict[str, Any]]:
        """Write ``enc`` (its table in ``info``'s Arrow schema) as new immutable files, one or
        more per partition; return their catalogue entries.

        Files are registered in ``tx.added`` as soon as they exist, so a failure part-way (say,
        the third file cannot be encoded) deletes the ones already written.
        """
        n = len(enc)
        if n == 0:
            return []
        kinds = info.kinds
        pcols = list(info.partition_columns)
        groups = _partition_rows(enc, info) if pcols else {(): np.arange(n)}
        whole = enc.table
        entries: list[dict[str, Any]] = []
        for key, idx in groups.items():
            part = {c: fr.json_value(kinds[c], v) for c, v in zip(pcols, key, strict=True)}
            sub = fr.partition_path(part)
            folder = self.dir / info.name / sub if sub else self.dir / info.name
            folder.mkdir(parents=True, exist_ok=True)
            for start in range(0, len(idx), self.batch_rows):
                rows = idx[start : start + self.batch_rows]
                if len(rows) == n:  # the whole table, in order (one partition)
                    tbl = fr.with_geo_stats(whole, enc.geo, info)
                elif rows[-1] - rows[0] + 1 == len(rows):  # consecutive rows: a view, no copy
                    tbl = fr.with_geo_stats(
                        whole.slice(int(rows[0]), len(rows)), enc.geo, info, rows
                    )
                else:
                    tbl = fr.with_geo_stats(whole.take(rows), enc.geo, info, rows)
                path = folder / f"part-{uuid.uuid4().hex}.parquet"
                tx.added.append(path)
                _write_file(tbl, path)
                entries.append(
                    {"path": str(path.relative_to(self.dir)), "partition": part, "rows": len(rows)}
                )
        return entries

    def _read_files(
        self,
        files: Sequence[dict[str, Any]],
        info: TableInfo,
        columns: Sequence[str],
        expr: pc.Expression | None = None,
    ) -> pa.Table:
        schema = fr.arrow_schema(info.columns)
        if not files:
            sub = pa.schema([schema.field(c) for c in columns])
            return sub.empty_table()
        dataset = ds.dataset(
            [str(self.dir / f["path"]) for f in files], schema=schema, format="parquet"
        )
        return dataset.to_table(columns=list(columns), filter=expr)

    def _frame_of(
        self, files: Sequence[dict[str, Any]], info: TableInfo, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        cols = list(columns or info.column_names)
        return fr.from_arrow(self._read_files(files, info, cols), info, cols)

    # ---- reads -------------------------------------------------------------------------------
    def tables(self) -> list[str]:
        return sorted(self._current()["tables"])

    def exists(self, table: str) -> bool:
        return table in self._current()["tables"]

    def info(self, table: str) -> TableInfo:
        return self._info_of(self._current(), table)

    def count(self, table: str) -> int:
        cat = self._current()
        self._info_of(cat, table)
        return int(sum(f["rows"] for f in cat["tables"][table]["files"]))

    def read(
        self, table: str, columns: Sequence[str] | None = None, filters: Filters | None = None
    ) -> pd.DataFrame:
        for attempt in (0, 1):
            cat = self._current()
            info = self._info_of(cat, table)
            cols = check_columns(info, columns)
            flt = check_filters(info, filters)
            files = _prune(cat["tables"][table]["files"], info, flt)
            need = cols + [c for c in flt if c not in cols]
            try:
                tbl = self._read_files(files, info, need, _expression(info, flt))
            except FileNotFoundError:
                # A writer committed and removed old files between our catalogue read and the
                # file reads: read the new catalogue once more.
                if attempt or self._tx is not None:
                    raise
                continue
            return fr.from_arrow(tbl, info, cols)
        raise StoreError("unreachable")  # pragma: no cover

    # ---- writes ------------------------------------------------------------------------------
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
        with self._writing() as tx:
            entry = self._entry(tx.cat, table)
            old = TableInfo.from_json(entry) if entry else None
            enc, kinds, geom = fr.prepare_arrow(df, old if mode == "append" else None)
            if old is not None and mode == "append":
                info, files, removed = old, list(entry["files"]), []
            else:
                info = fr.new_info(
                    table,
                    self.zone,
                    kinds,
                    geom,
                    partition_by=partition_by,
                    created=old.created_at if old else None,
                )
                files, removed = [], list(entry["files"]) if entry else []
            files += self._write_encoded(enc, info, tx)
            self._put(tx, info, files, removed)
        return len(enc)

    def replace_partition(self, table: str, df: pd.DataFrame, partition: Mapping[str, Any]) -> int:
        check_table_name(table)
        partition = dict(partition)
        if not partition:
            raise StoreSchemaError("replace_partition needs at least one partition column")
        with self._writing() as tx:
            entry = self._entry(tx.cat, table)
            old = TableInfo.from_json(entry) if entry else None
            frame, _, kinds, geom = fr.prepare(df, old)
            info = old or fr.new_info(table, self.zone, kinds, geom, partition_by=list(partition))
            fr.check_partition(frame, partition, info)
            keep, removed, rest = [], [], []
            pj = {c: fr.json_value(info.kinds[c], v) for c, v in partition.items()}
            decided = set(partition) <= set(info.partition_columns)
            for f in entry["files"] if entry else []:
                if any(c in f["partition"] and f["partition"][c] != v for c, v in pj.items()):
                    keep.append(f)
                elif decided:
                    removed.append(f)
                else:  # partition values not in the path: filter the file's rows
                    old_rows = self._frame_of([f], info)
                    hit = fr.match_mask(old_rows, partition, info.kinds)
                    if not hit.any():
                        keep.append(f)
                        continue
                    removed.append(f)
                    rest += self._write_frame(old_rows[~hit].reset_index(drop=True), info, tx)
            new = self._write_frame(frame, info, tx)
            self._put(tx, info, keep + rest + new, removed)
        return len(frame)

    def upsert(self, table: str, df: pd.DataFrame, key: Sequence[str]) -> int:
        check_table_name(table)
        key = [key] if isinstance(key, str) else list(key)
        if not key:
            raise StoreSchemaError("upsert needs at least one key column")
        with self._writing() as tx:
            entry = self._entry(tx.cat, table)
            old = TableInfo.from_json(entry) if entry else None
            frame, _, kinds, geom = fr.prepare(df, old)
            frame = fr.dedupe_keys(frame, key, table)
            if old is None:
                info = fr.new_info(table, self.zone, kinds, geom, key=key)
                self._put(tx, info, self._write_frame(frame, info, tx))
                return len(frame)
            info = fr.with_key(old, key)
            new_idx = fr.key_index(frame, key)
            files = list(entry["files"])
            candidates = (
                _prune(
                    files,
                    info,
                    {c: frame[c].unique().tolist() for c in info.partition_columns if c in key},
                )
                if set(info.partition_columns) <= set(key) and info.partition_columns
                else files
            )
            hits = []  # files holding at least one incoming key (a loop over files, not rows)
            for f in candidates:
                fk = fr.key_index(self._frame_of([f], info, key), key)
                if fk.isin(new_idx).any():
                    hits.append(f)
            # Old rows stay Arrow (geometry as WKB, compared byte-wise): no decode/re-encode of
            # the geometries of the files we rewrite.
            schema = fr.arrow_schema(info.columns)
            # pq.read_table keeps each file's GeoParquet metadata for the rewritten remainder
            # (its bbox still covers the rows kept).
            parts = [pq.read_table(self.dir / f["path"], columns=info.column_names) for f in hits]
            old_tbl = pa.concat_tables(parts) if parts else schema.empty_table()
            old_rows = fr.from_arrow(old_tbl, info, info.column_names, decode_geometry=False)
            old_file = np.repeat(np.arange(len(parts)), [p.num_rows for p in parts])
            old_idx = fr.key_index(old_rows, key)
            if not old_idx.is_unique:
                raise StoreSchemaError(f"{table}: the stored rows repeat key {key}; cannot upsert")
            exists = new_idx.isin(old_idx)
            matched = frame[exists].reset_index(drop=True)
            before = old_rows.iloc[old_idx.get_indexer(fr.key_index(matched, key))]
            changed = fr.rows_differ(matched, before.reset_index(drop=True), info.kinds)
            n = int((~exists).sum() + changed.sum())
            if n == 0:
                if info != old:  # first upsert on a table written before: record its key
                    self._put(tx, info, files)
                return 0
            gone = old_idx.isin(fr.key_index(matched[changed], key))
            removed, rest = [], []
            for i, f in enumerate(hits):
                in_file = old_file == i
                if not (gone & in_file).any():
                    continue
                removed.append(f)
                keep = parts[i].filter(pa.array(~gone[in_file]))
                if keep.num_rows:
                    path = (self.dir / f["path"]).with_name(f"part-{uuid.uuid4().hex}.parquet")
                    tx.added.append(path)
                    _write_file(keep, path)
                    rel = str(path.relative_to(self.dir))
                    rest.append({"path": rel, "partition": f["partition"], "rows": keep.num_rows})
            incoming = pd.concat([frame[~exists], matched[changed]], ignore_index=True)
            new = self._write_frame(incoming, info, tx)
            ids = {id(f) for f in removed}
            self._put(tx, info, [f for f in files if id(f) not in ids] + rest + new, removed)
            return n

    def drop(self, table: str) -> None:
        check_table_name(table)
        with self._writing() as tx:
            entry = tx.cat["tables"].pop(table, None)
            if entry is not None:
                tx.removed.extend(self.dir / f["path"] for f in entry["files"])

    def compact(self, table: str) -> int:
        """Merge each partition's files into files of up to ``batch_rows`` rows (many small
        appends make many small files); atomic like any write. Returns how many fewer files."""
        with self._writing() as tx:
            info = self._info_of(tx.cat, table)
            files = list(tx.cat["tables"][table]["files"])
            by_part: dict[str, list[dict[str, Any]]] = {}
            for f in files:
                by_part.setdefault(json.dumps(f["partition"], sort_keys=True), []).append(f)
            keep, removed, new = [], [], []
            for group in by_part.values():
                if len(group) == 1:
                    keep += group
                    continue
                removed += group
                new += self._write_frame(self._frame_of(group, info), info, tx)
            if removed:
                self._put(tx, info, keep + new, removed)
            return len(removed) - len(new)

    def vacuum(self) -> int:
        """Delete Parquet files of the zone that no catalogue record names (left by a crash)."""
        with self._lock():
            live = {f["path"] for t in self._load()["tables"].values() for f in t["files"]}
            n = 0
            for p in self.dir.rglob("*.parquet"):
                if str(p.relative_to(self.dir)) not in live:
                    self._unlink(p)
                    n += 1
            for d in self.dir.iterdir():
                if d.is_dir() and d.name not in self._load()["tables"] and not any(d.rglob("*")):
                    shutil.rmtree(d, ignore_errors=True)
            return n


def _write_file(tbl: pa.Table, path: Path) -> None:
    """Write one immutable Parquet file (zstd level 1: the same size as pyarrow's default level
    on our tables, a quarter less CPU; dictionary pages for the text columns that repeat values,
    see :func:`_dictionary_columns`). Not fsynced here: :func:`_fsync_all` syncs every file of a
    write, at once, before the catalogue naming them is committed."""
    pq.write_table(
        tbl,
        path,
        compression="zstd",
        compression_level=1,
        use_dictionary=_dictionary_columns(tbl),
    )


def _dictionary_columns(tbl: pa.Table) -> list[str]:
    """Text columns worth a dictionary: all but the (nearly) all-distinct ones (ids, paths),
    judged on ~2,000 evenly spaced values. A dictionary on those costs time and, after zstd,
    bytes; numbers get none (hashes, row numbers)."""
    out = []
    n = tbl.num_rows
    step = max(1, n // 2048)
    for name in tbl.column_names:
        col = tbl.column(name)
        if not pa.types.is_string(col.type):
            continue
        if n >= 4096:
            sample = col.take(pa.array(np.arange(0, n, step)))
            if len(pc.unique(sample)) > 0.95 * len(sample):
                continue
        out.append(name)
    return out


def _fsync_all(files: Sequence[Path], root: Path) -> None:
    """fsync ``files`` and the folders holding them (up to ``root``), several at a time, so
    that the catalogue committed after them never names a file, or a folder entry, that a
    power cut left half-written. Files already gone (deleted within the write) are skipped."""
    dirs: set[Path] = set()
    for f in files:
        d = f.parent
        while d != root and d.is_relative_to(root) and d not in dirs:
            dirs.add(d)
            d = d.parent

    def sync(p: Path) -> None:
        try:
            fd = os.open(p, os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    todo = list(files) + sorted(dirs, key=lambda d: -len(d.parts))
    if len(todo) <= 2:
        for p in todo:
            sync(p)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(8, len(todo))) as ex:
        list(ex.map(sync, list(files)))  # files first, then the folders naming them
        list(ex.map(sync, sorted(dirs, key=lambda d: -len(d.parts))))


# ---- pure helpers -----------------------------------------------------------------------------
def _partition_rows(enc: fr.Encoded, info: TableInfo) -> dict[tuple[Any, ...], np.ndarray]:
    """Row positions of each partition of ``enc`` (key tuple → ascending positions), keys in
    sorted order with NULL last: what ``groupby(partition_columns, dropna=False, sort=True)
    .indices`` gives, by one factorize for the usual single partition column."""
    pcols = list(info.partition_columns)
    c = pcols[0]
    if len(pcols) == 1 and info.kinds[c] in ("str", "string") and not enc.table[c].null_count:
        codes, uniq = enc.factorize(c)  # text without NULLs (periods): in Arrow
        labels = [str(u) for u in uniq]
    else:
        keys = fr.from_arrow(enc.table.select(pcols), info, pcols)
        if len(pcols) > 1:
            groups = keys.groupby(pcols, dropna=False, sort=True).indices
            return {k if isinstance(k, tuple) else (k,): v for k, v in groups.items()}
        codes, uniq = pd.factorize(keys[c], sort=True)  # NULL → -1
        labels = list(uniq)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(labels), codes)
        labels.append(None)
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(labels)))
    out: dict[tuple[Any, ...], np.ndarray] = {}
    start = 0
    for label, stop in zip(labels, bounds, strict=True):
        if stop > start:
            out[(label,)] = order[start:stop]
        start = stop
    return out


def _prune(
    files: Sequence[dict[str, Any]], info: TableInfo, flt: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Files that may hold rows matching ``flt``, judged from their partition values alone."""
    keep = list(files)
    for c, v in flt.items():
        if c not in info.partition_columns:
            continue
        vals = list(v) if isinstance(v, (list, tuple, set)) or hasattr(v, "__array__") else [v]
        allowed = {json.dumps(fr.json_value(info.kinds[c], x)) for x in vals}
        keep = [f for f in keep if json.dumps(f["partition"].get(c)) in allowed]
    return keep


def _expression(info: TableInfo, flt: Mapping[str, Any]) -> pc.Expression | None:
    """pyarrow filter expression for ``flt`` (scalar ==, list IN, None IS NULL)."""
    expr = None
    types = fr.arrow_schema(info.columns)
    for c, v in flt.items():
        vals = list(v) if isinstance(v, (list, tuple, set)) or hasattr(v, "__array__") else [v]
        sc = [fr.scalar(info.kinds[c], x, c) for x in vals]
        present = [x for x in sc if x is not None]
        e = pc.field(c).isin(pa.array(present, type=types.field(c).type))
        if len(present) < len(sc):
            e = e | pc.field(c).is_null()
        expr = e if expr is None else expr & e
    return expr
