"""Load department feeds into the store: read → map headers → normalise → quarantine →
pseudonymise → upsert by content hash (idempotent), one transaction per load.

数据接入编排。Tables written (``<feed>`` is the contract's feed id):

analytic zone
    ``feed_<feed>``: the contract's canonical fields, normalised (times UTC, coordinates WGS-84,
    identifiers replaced by tokens), plus ``<f>_kind`` for identifier fields (valid / upgraded /
    masked / mobile / ...), ``address_id`` + ``match_score`` (+ parsed ``county``/``township``
    text components are not kept) for feeds with an address, ``lon``/``lat``/``h3_9`` when the
    feed is located, ``geometry`` for GeoJSON feeds, and the bookkeeping columns ``row_hash``
    (int64 content hash of the source values), ``period`` (``YYYY-MM`` of the record's own time,
    or ``snapshot``), ``source_file``, ``source_row``. Partitioned by ``period``; a row is added only when its
    ``row_hash`` is new in its period (first sighting wins), so reloads add nothing.
    ``events``: see :mod:`fusion.events`. ``quarantine``: see :mod:`fusion.quarantine`.
    ``ingest_log``: one row per file (feed, file, file_sha256, encoding, rows_in, accepted,
    quarantined, new_rows, loaded_at).
raw zone
    ``feed_<feed>``: ``period``, ``row_hash`` and, per pseudonymised field, its cleaned raw value
    and ``<f>_token`` — the only place raw identifiers live.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data_contracts import FeedContract
from data_contracts.registry import FEED_IDS, get
from fusion.normalise._text import arrow_text_objects, as_text, is_arrow_text, text_and_blank
from fusion.normalise.addresses import (
    AdminTable,
    admin_table_from_gazetteer,
    gazetteer_keys,
    match_addresses,
)
from fusion.normalise.coords import normalise_coords
from fusion.normalise.dates import SOURCE_TZ, parse_dates, parse_datetimes, parse_months
from fusion.normalise.idcard import normalise_id_numbers
from fusion.normalise.names import normalise_names
from fusion.normalise.phones import normalise_phones
from fusion.normalise.plates import normalise_plates
from fusion.normalise.uscc import normalise_uscc
from fusion.pseudonymise import tokenise, tokenise_id_numbers
from fusion.quarantine import (
    QUARANTINE_TABLE,
    Reconciliation,
    empty_quarantine,
    quarantine_frame,
    reconcile,
)
from fusion.readers import EXTENSIONS, ROW, BadFileError, RawTable, read_file
from geo.store._frames import Encoded, encode

LOG_TABLE = "ingest_log"
_TRUE = {"是", "1", "true", "yes", "y", "有", "t"}
_FALSE = {"否", "0", "false", "no", "n", "无", "f"}


#: Identifier kinds normalised and tokenised the same way: kind → (normaliser, normalised
#: value column, quarantine reason). The token prefix is the kind itself.
_TOKENISED: dict[str, tuple[Callable[[pd.Series], pd.DataFrame], str, str]] = {
    "phone": (normalise_phones, "e164", "bad_phone"),
    "plate": (normalise_plates, "plate", "bad_plate"),
}


def feed_table(feed_id: str) -> str:
    """Store table name of a feed (both zones)."""
    return f"feed_{feed_id}"


@dataclass
class NormaliseContext:
    """What normalisation needs beyond the contract: secret, city polygon, gazetteer, admin names."""

    secret: str
    city: Any = None  # shapely (Multi)Polygon in WGS-84, buffered; None = no outside-city check
    gazetteer: pd.DataFrame | None = None
    admin: AdminTable | None = None
    h3_resolution: int = 9


@dataclass
class NormalisedFeed:
    """One file's rows after normalisation. ``analytic``/``raw`` are DataFrames, or, from a
    worker process, their :class:`~geo.store._frames.Encoded` Arrow form (cheap to send back,
    and the store writes it without re-encoding)."""

    analytic: pd.DataFrame | Encoded
    raw: pd.DataFrame | Encoded
    quarantine: pd.DataFrame
    rows_in: int


def map_columns(raw: RawTable, contract: FeedContract) -> pd.DataFrame:
    """Rename the department's headers to canonical names; refuse unknown or missing required
    columns (:class:`BadFileError`). Optional columns absent from the file are added empty."""
    mapping = contract.source_to_canonical
    df = raw.frame
    cols = [c for c in df.columns if c != ROW]
    unknown = [c for c in cols if c not in mapping]
    if unknown:
        raise BadFileError(
            raw.path, f"未知列 unknown columns {unknown} for feed {contract.feed_id}"
        )
    canonical = [mapping[c] for c in cols]
    dup = sorted({c for c in canonical if canonical.count(c) > 1}, key=canonical.index)
    if dup:
        raise BadFileError(raw.path, f"列重复 columns map twice onto {dup}")
    source = dict(zip(canonical, cols, strict=True))
    missing = [f.source[0] for f in contract.fields if f.required and f.name not in source]
    if missing:
        raise BadFileError(
            raw.path, f"缺少必需列 missing required columns {missing} for feed {contract.feed_id}"
        )
    # the file's columns under their canonical names, not copied (no rename/reindex copies)
    out = {ROW: df[ROW]}
    for f in contract.fields:
        out[f.name] = (
            df[source[f.name]]
            if f.name in source
            else pd.Series([None] * len(df), index=df.index, dtype=object)
        )
    return pd.DataFrame(out, copy=False)


def content_hash(df: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Per-row int64 hash of the source values of ``columns`` (file name and row number excluded,
    so the same record in two extracts hashes the same).

    The value is ``pandas.util.hash_pandas_object(frame, index=False)`` (SipHash with pandas'
    fixed key: stable across runs and machines) of ``frame`` = ``columns`` with text, object
    and bool columns as ``str`` and geometries as WKB hex. Computed column by column as pandas
    does, except that mostly-distinct text columns are hashed value by value instead of
    through a factorize first: same numbers (no missing values once cast to ``str``), and 3x
    less time on ids."""
    from pandas.core.util.hashing import combine_hash_arrays, hash_array

    arrays = []
    for c in columns:
        s = df[c]
        if c == "geometry":
            import shapely

            wkb = shapely.to_wkb(np.asarray(s, dtype=object), hex=True)  # = each g.wkb_hex
            wkb[pd.isna(wkb)] = ""
            s = pd.Series(wkb, index=s.index, dtype=object)
        elif s.dtype == object or s.dtype.kind in "OSUb":
            s = _objects(s).astype(str)
        vals = s._values
        categorize = True
        if isinstance(vals, np.ndarray) and vals.dtype == object and len(vals) >= 2048:
            sample = vals[:: max(1, len(vals) // 2048)]
            categorize = len(pd.unique(sample)) <= 0.95 * len(sample)  # not (nearly) all distinct
        arrays.append(hash_array(vals, categorize=categorize))
    h = combine_hash_arrays(iter(arrays), len(columns))
    return h.view(np.int64)


#: field kinds kept as text as they come (no normaliser beyond trim/NFKC): Arrow-backed text
#: input may stay Arrow-backed through them (see :func:`fusion.readers.read_parquet`)
_ARROW_TEXT_KINDS = frozenset({"text", "code"})


def _objects(s: pd.Series) -> pd.Series:
    """``s`` with Arrow-backed text as ``str`` objects (None for missing); else ``s``."""
    return arrow_text_objects(s) if is_arrow_text(s) else s


def by_unique(fn: Callable[[pd.Series], Any], col: pd.Series) -> Any:
    """Apply a normaliser once per distinct value of ``col`` and spread the result back
    (a Series or a DataFrame on ``col``'s index). Department columns repeat values a lot."""
    if len(col) < 256:
        return fn(col)
    codes, uniq = pd.factorize(col, use_na_sentinel=False)
    if len(uniq) > 0.7 * len(col):
        return fn(col)
    res = fn(pd.Series(uniq))
    if isinstance(res, pd.DataFrame):
        out = res.iloc[codes].reset_index(drop=True)
        out.index = col.index
        return out
    return pd.Series(
        res.to_numpy()[codes]
        if not isinstance(res.dtype, pd.DatetimeTZDtype)
        else res.array.take(codes),
        index=col.index,
        name=col.name,
    )


def _values(s: pd.Series) -> Any:
    """Column values keeping extension dtypes (tz-aware timestamps, Int64, boolean) intact."""
    return s.array if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) else s.to_numpy()


def _period(times: pd.Series) -> np.ndarray:
    local = times.dt.tz_convert(SOURCE_TZ)
    ym = (local.dt.year * 100 + local.dt.month).to_numpy(dtype=float, na_value=np.nan)
    codes, uniq = pd.factorize(ym, use_na_sentinel=True)
    labels = np.array(
        [f"{int(u) // 100:04d}-{int(u) % 100:02d}" for u in uniq] + ["undated"], dtype=object
    )
    return labels[codes]  # code -1 (NaT) picks the last label, "undated"


def _to_float(txt: pd.Series) -> pd.Series:
    """Cleaned text → float64 (NaN where blank or not a number)."""
    num = pd.to_numeric(txt.replace("", np.nan), errors="coerce")
    return pd.Series(num, index=txt.index).astype(float)


_SCHEMAS: dict[str, Any] = {}


def _schema(contract: FeedContract) -> Any:
    """The contract's pandera schema without the protected fields (they stay in the raw zone)."""
    if contract.feed_id not in _SCHEMAS:
        schema = contract.schema()
        _SCHEMAS[contract.feed_id] = schema.remove_columns(list(contract.protected_fields))
    return _SCHEMAS[contract.feed_id]


class SchemaViolation(AssertionError):
    """Accepted rows break the contract's schema: a bug in the normalisers, not in the data."""


def _validate(analytic: pd.DataFrame, contract: FeedContract) -> None:
    """Check the accepted rows against the contract's pandera schema (a failure is our bug).

    The schema's rules are applied vectorised to every row, not by ``schema.validate``: pandera
    checks ``str`` columns element by element in Python and costs ~15 ms a call, which made
    validation a tenth of the load time. Same rules: every schema column present, its dtype
    (pandera's own dtype check; ``str`` = only ``str`` or missing values), no missing value in a
    non-nullable column, and the checks (``ge``, ``le``, ``isin``) on the non-missing values."""
    from pandera.engines import pandas_engine

    schema = _schema(contract)
    for name, col in schema.columns.items():
        where = f"{contract.feed_id}.{name}"
        if name not in analytic.columns:
            raise SchemaViolation(f"{where}: column missing")
        s = analytic[name]
        if col.dtype is not None:
            if str(col.dtype) == "str":
                ok = pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")
            else:
                ok = bool(col.dtype.check(pandas_engine.Engine.dtype(s.dtype)))
            if not ok:
                raise SchemaViolation(f"{where}: dtype {s.dtype} is not {col.dtype}")
        missing = s.isna().to_numpy()
        if not col.nullable and missing.any():
            raise SchemaViolation(f"{where}: missing values in a required column")
        if not col.checks or missing.all():
            continue
        v = s[~missing]
        for ch in col.checks:
            st = ch.statistics
            if ch.name == "greater_than_or_equal_to":
                ok = bool((v >= st["min_value"]).all())
            elif ch.name == "less_than_or_equal_to":
                ok = bool((v <= st["max_value"]).all())
            elif ch.name == "isin":
                ok = bool(v.isin(list(st["allowed_values"])).all())
            else:  # a check this function does not know: let pandera run it
                schema.validate(analytic[[name]].iloc[~missing], lazy=False)
                ok = True
            if not ok:
                raise SchemaViolation(f"{where}: fails {ch.name} {st}")


def normalise_feed(
    df: pd.DataFrame, contract: FeedContract, file: str, ctx: NormaliseContext
) -> NormalisedFeed:
    """Normalise one file's rows (canonical columns + ``_row``) under ``contract``.

    Pure: returns the accepted analytic rows, their raw-zone rows and the quarantine records.
    Each rejected row is quarantined once, for the first failing field in contract order.
    """
    n = len(df)
    ix = df.index
    if not (isinstance(ix, pd.RangeIndex) and ix.start == 0 and ix.step == 1):
        df = df.reset_index(drop=True)
    # Arrow-backed text (mostly-distinct Parquet columns) stays so only where it is kept as
    # text; every other kind's normaliser gets str objects as from any other reader
    to_obj = [
        f.name
        for f in contract.fields
        if f.kind not in _ARROW_TEXT_KINDS and f.name in df and is_arrow_text(df[f.name])
    ]
    if to_obj:
        df = df.assign(**{c: arrow_text_objects(df[c]) for c in to_obj})
    rows = df[ROW].to_numpy()
    hashes = content_hash(df, [f.name for f in contract.fields])
    bad = np.zeros(n, dtype=bool)
    qparts: list[pd.DataFrame] = []
    out: dict[str, Any] = {}
    raw_out: dict[str, Any] = {}
    kinds: dict[str, Any] = {}

    # record period first (quarantine records carry it too)
    period = np.full(n, "snapshot", dtype=object)
    parsed_times: dict[str, pd.Series] = {}

    def fail(name: str, mask: np.ndarray, reason: str) -> None:
        new = mask & ~bad
        if new.any():
            qparts.append(
                quarantine_frame(
                    contract.feed_id,
                    file,
                    rows[new],
                    name,
                    reason,
                    _objects(df.loc[new, name]),
                    hashes[new],
                    period[new],
                )
            )
            bad[new] = True

    if contract.record_time:
        f0 = contract.field(contract.record_time)
        parser = {"date": parse_dates, "month": parse_months}.get(f0.kind, parse_datetimes)
        t = by_unique(parser, df[f0.name])
        parsed_times[f0.name] = t
        period = _period(t)

    for f in contract.fields:
        col = df[f.name]
        if f.kind == "geometry":
            blank = col.isna().to_numpy()
            if f.required:
                fail(f.name, blank, "missing_required")
            out[f.name] = col
            continue
        if col.dtype == object or col.dtype.kind in "OSU" or str(col.dtype) == "string":
            txt, blank = text_and_blank(col, arrow_ok=f.kind in _ARROW_TEXT_KINDS)
        else:
            txt = None
            blank = col.isna().to_numpy()
        if f.required:
            fail(f.name, blank, "missing_required")
        k = f.kind
        if k in ("datetime", "date", "month"):
            t = parsed_times.get(f.name)
            if t is None:
                t = by_unique(
                    {"date": parse_dates, "month": parse_months}.get(k, parse_datetimes), col
                )
            fail(f.name, ~blank & t.isna().to_numpy(), "bad_datetime")
            out[f.name] = t
        elif k in ("int", "float"):
            num = (
                by_unique(_to_float, txt)  # counts repeat: parse each distinct text once
                if txt is not None
                else pd.Series(pd.to_numeric(col, errors="coerce"), index=col.index).astype(float)
            )
            fail(f.name, ~blank & num.isna().to_numpy(), "bad_number")
            rng = np.zeros(n, dtype=bool)
            if f.min_value is not None:
                rng |= (num < f.min_value).to_numpy()
            if f.max_value is not None:
                rng |= (num > f.max_value).to_numpy()
            fail(f.name, rng, "out_of_range")
            if k == "int":
                whole = num.where(num == np.round(num))
                fail(f.name, ~blank & whole.isna().to_numpy(), "bad_number")
                out[f.name] = whole.astype("Int64")
            else:
                out[f.name] = num
        elif k == "bool":
            low = (txt if txt is not None else col.astype(str)).str.lower()
            val = pd.Series(pd.NA, index=col.index, dtype="boolean")
            val[low.isin(_TRUE).to_numpy()] = True
            val[low.isin(_FALSE).to_numpy()] = False
            fail(f.name, ~blank & val.isna().to_numpy(), "unknown_category")
            out[f.name] = val
        elif k == "category":
            t2 = txt if txt is not None else as_text(col)
            cats = dict(f.categories or {})
            cats.update({v: v for v in cats.values()})
            code = t2.map(cats)
            fail(f.name, ~blank & code.isna().to_numpy(), "unknown_category")
            out[f.name] = code.astype(object).where(code.notna(), None)
        elif k == "id_number":
            r = by_unique(normalise_id_numbers, col)
            fail(f.name, (r["status"] == "invalid").to_numpy(), "bad_id_number")
            tok = tokenise_id_numbers(r["id18"], r["status"], ctx.secret)
            out[f.name] = tok
            kinds[f"{f.name}_kind"] = r["status"].where(r["status"] != "missing", None)
            raw_out[f.name] = r["id18"]
            raw_out[f"{f.name}_token"] = tok
        elif k in _TOKENISED:
            normaliser, value, reason = _TOKENISED[k]
            r = by_unique(normaliser, col)
            fail(f.name, (r["status"] == "invalid").to_numpy(), reason)
            tok = tokenise(r[value], ctx.secret, k)
            out[f.name] = tok
            kinds[f"{f.name}_kind"] = r["status"].where(r["status"] != "missing", None)
            raw_out[f.name] = r[value]
            raw_out[f"{f.name}_token"] = tok
        elif k == "person_name":
            nm = by_unique(normalise_names, col)
            tok = tokenise(nm, ctx.secret, "name")
            out[f.name] = tok
            raw_out[f.name] = nm
            raw_out[f"{f.name}_token"] = tok
        elif k == "uscc":
            r = by_unique(normalise_uscc, col)
            fail(f.name, (r["status"] == "invalid").to_numpy(), "bad_uscc")
            out[f.name] = r["uscc"]
        elif k in ("lon", "lat"):
            continue  # handled together below
        else:  # text, code, address
            t2 = txt if txt is not None else as_text(col)
            out[f.name] = t2.where(~blank, None)
        if f.protected:  # protected attributes (民族, 宗教...) live only in the raw zone
            raw_out[f.name] = out.pop(f.name)

    names = {f.name for f in contract.fields}
    lon = lat = None
    if {"lon", "lat"} <= names:
        crs = "WGS84" if contract.crs in ("address", "none") else contract.crs
        c = normalise_coords(df["lon"], df["lat"], crs, ctx.city)
        st = c["status"].to_numpy()
        fail("lon", (st == "invalid"), "bad_coordinates")
        fail("lon", (st == "outside_city"), "outside_city")
        lon, lat = c["lon"].to_numpy(), c["lat"].to_numpy()
    addr_fields = [f.name for f in contract.fields if f.kind == "address"]
    if (
        addr_fields
        and contract.feed_id != "std_address"
        and ctx.gazetteer is not None
        and len(ctx.gazetteer)
    ):
        a = by_unique(lambda v: match_addresses(v, ctx.gazetteer, ctx.admin), df[addr_fields[0]])
        out["address_id"] = a["address_id"].to_numpy()
        out["match_score"] = a["match_score"].to_numpy()
        if lon is None:
            lon, lat = a["lon"].to_numpy(), a["lat"].to_numpy()
        else:  # coordinates from the source win; the match fills the gaps
            gap = np.isnan(lon)
            lon, lat = (
                np.where(gap, a["lon"].to_numpy(), lon),
                np.where(gap, a["lat"].to_numpy(), lat),
            )
    if lon is not None:
        from geo.h3cells import points_to_cells

        out["lon"], out["lat"] = lon, lat
        out[f"h3_{ctx.h3_resolution}"] = points_to_cells(lon, lat, ctx.h3_resolution)

    # rows kept: not quarantined, and the first of a (period, row_hash) repeated in the file;
    # each output column is cut once to these rows (no frame-wide filter/dedup/reset copies)
    sel = np.flatnonzero(~bad)
    # a (period, hash) can only repeat where the hash does: the pair check runs on those rows
    again = pd.Series(hashes[sel]).duplicated(keep=False).to_numpy()
    if again.any():
        cand = np.flatnonzero(again)
        pair = pd.DataFrame({"p": period[sel[cand]], "h": hashes[sel[cand]]}, copy=False)
        drop = cand[pair.duplicated().to_numpy()]
        if len(drop):
            sel = np.delete(sel, drop)
    whole = len(sel) == n

    def pick(v: Any) -> Any:
        v = _values(v) if isinstance(v, pd.Series) else v
        return v if np.ndim(v) == 0 or whole else v[sel]

    meta = {"row_hash": hashes, "period": period, "source_file": file, "source_row": rows}
    analytic = pd.DataFrame(
        {
            **{k: pick(v) for k, v in out.items()},
            **{k: pick(v) for k, v in kinds.items()},
            **{k: pick(v) for k, v in meta.items()},
        },
        index=pd.RangeIndex(len(sel)),
        copy=False,
    )
    _validate(analytic, contract)
    if "geometry" in analytic:
        import geopandas as gpd

        analytic = gpd.GeoDataFrame(
            analytic,
            geometry=gpd.GeoSeries(analytic["geometry"].to_numpy(), crs="EPSG:4326"),
            crs="EPSG:4326",
        )
    raw = pd.DataFrame(
        {
            "period": pick(period),
            "row_hash": pick(hashes),
            **{k: pick(v) for k, v in raw_out.items()},
        },
        index=pd.RangeIndex(len(sel)),
        copy=False,
    )
    q = pd.concat(qparts, ignore_index=True) if qparts else empty_quarantine()
    return NormalisedFeed(analytic, raw, q, n)


# -- folder discovery ------------------------------------------------------------------------


def feed_of_path(path: Path, root: Path) -> str | None:
    """The feed id a file belongs to: its stem starts with ``<feed>`` (longest match), else a
    parent folder is named after a feed."""
    stem = path.stem.lower()
    best = None
    for fid in FEED_IDS:
        if (stem == fid or stem.startswith(fid + "_")) and (best is None or len(fid) > len(best)):
            best = fid
    if best:
        return best
    for parent in path.relative_to(root).parents:
        if parent.name in FEED_IDS:
            return parent.name
    return None


def discover(folder: str | Path) -> dict[str, list[Path]]:
    """Files of a folder grouped by feed, in registry order (folders starting with ``_`` or
    ``.`` — e.g. ``_truth`` — are skipped; unknown files are ignored)."""
    root = Path(folder)
    found: dict[str, list[Path]] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if not p.is_file() or any(part.startswith(("_", ".")) for part in rel.parts):
            continue
        if p.suffix.lower() not in EXTENSIONS:
            continue
        fid = feed_of_path(p, root)
        if fid:
            found.setdefault(fid, []).append(p)
    return {fid: found[fid] for fid in FEED_IDS if fid in found}


# -- orchestration ---------------------------------------------------------------------------


@dataclass
class FileLoad:
    feed: str
    file: str
    encoding: str
    rows_in: int
    accepted: int
    quarantined: int
    new_rows: int


@dataclass
class IngestReport:
    """What one :func:`ingest_folder` call did."""

    files: list[FileLoad] = field(default_factory=list)
    reconciliations: dict[str, Reconciliation] = field(default_factory=dict)
    events_new: int = 0
    seconds: float = 0.0

    @property
    def rows_in(self) -> int:
        return sum(f.rows_in for f in self.files)

    @property
    def new_rows(self) -> int:
        return sum(f.new_rows for f in self.files)

    def summary(self) -> pd.DataFrame:
        """Per feed: files, rows in, accepted, quarantined, new rows."""
        df = pd.DataFrame([f.__dict__ for f in self.files])
        if df.empty:
            return pd.DataFrame(
                columns=["feed", "files", "rows_in", "accepted", "quarantined", "new_rows"]
            )
        return (
            df.groupby("feed", sort=False)
            .agg(
                files=("file", "count"),
                rows_in=("rows_in", "sum"),
                accepted=("accepted", "sum"),
                quarantined=("quarantined", "sum"),
                new_rows=("new_rows", "sum"),
            )
            .reset_index()
        )


def _city_polygon(city: str | None) -> Any:
    if not city:
        return None
    from geo.admin import load_city

    # 0.01° (~1 km) tolerance: GCJ-02/BD-09 sources at the boundary, simplified polygons
    return load_city(city).geometry.iloc[0].buffer(0.01)


def _admin(gaz: pd.DataFrame, city: str | None) -> AdminTable:
    counties: tuple[str, ...] = ()
    city_names: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    if city:
        from geo.admin import list_counties, load_city

        counties = tuple(list_counties(city)["name"])
        row = load_city(city).iloc[0]
        city_names, provinces = (str(row["name"]),), (str(row["province"]),)
    return admin_table_from_gazetteer(gaz, counties, city_names, provinces)


def _file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _upsert(
    store: Any, table: str, df: pd.DataFrame, key: list[str], partition_by: list[str] | None
) -> int:
    if df.empty:
        return 0
    if not store.exists(table):
        return int(store.write(table, df, partition_by=partition_by))
    return int(store.upsert(table, df, key))


class SeenKeys:
    """Keys already stored or appended during this load, per table and period.

    Stored keys are read once per (table, period) the load touches (a partition filter, so a
    reload of one day reads one month's hashes, not the whole table) and kept as pandas
    indexes (hash tables over int64/str arrays, far lighter than Python sets)."""

    def __init__(self) -> None:
        self._chunks: dict[tuple[str, str], list[pd.Index]] = {}

    def _load(self, store: Any, table: str, key: str, periods: list[str]) -> None:
        todo = [p for p in periods if (table, p) not in self._chunks]
        if not todo:
            return
        for p in todo:
            self._chunks[(table, p)] = []
        if not store.exists(table):
            return
        cols = store.info(table).column_names
        if "period" in cols and todo != ["*"]:
            old = store.read(table, columns=["period", key], filters={"period": todo})
            for p, grp in old.groupby("period", sort=False):
                self._chunks[(table, str(p))].append(pd.Index(pd.unique(grp[key].to_numpy())))
        else:
            old = store.read(table, columns=[key])
            self._chunks[(table, "*")].append(pd.Index(pd.unique(old[key].to_numpy())))

    def new_rows(
        self, store: Any, table: str, df: pd.DataFrame | Encoded, key: str, by_period: bool
    ) -> pd.DataFrame | Encoded:
        """The rows of ``df`` whose key is new (first occurrence within ``df`` kept); records them."""
        encoded = isinstance(df, Encoded)
        if by_period:  # periods as integer codes: one pass over the labels, not one per period
            codes, uniq = (
                df.factorize("period")
                if encoded
                else pd.factorize(df["period"].astype(str).to_numpy(), sort=True)
            )
            periods = [str(u) for u in uniq]
        else:
            codes, periods = np.zeros(len(df), dtype=np.intp), ["*"]
        self._load(store, table, key, periods)
        keys = df.column(key) if encoded else df[key].to_numpy()
        keep = ~pd.Series(keys).duplicated().to_numpy()
        for j, p in enumerate(periods):
            in_p = None if len(periods) == 1 else codes == j
            vals = keys if in_p is None else keys[in_p]
            hit = np.zeros(len(vals), dtype=bool)
            for chunk in self._chunks[(table, p)]:
                hit |= chunk.get_indexer(vals) >= 0  # chunks hold unique keys
            if hit.any():
                keep[np.flatnonzero(hit) if in_p is None else np.flatnonzero(in_p)[hit]] = False
        new = df if keep.all() else (df.take(keep) if encoded else df[keep])
        new_keys, new_codes = keys[keep], codes[keep]
        for j, p in enumerate(periods):
            vals = new_keys if len(periods) == 1 else new_keys[new_codes == j]
            if len(vals):
                self._chunks[(table, p)].append(pd.Index(vals))
        return new


def _append_new(
    store: Any,
    table: str,
    df: pd.DataFrame | Encoded,
    seen: SeenKeys,
    key: str,
    partition_by: list[str] | None,
) -> int:
    """Append the rows whose ``key`` is neither stored nor already appended in this load; the
    first sighting of a record wins (its file and row number are kept)."""
    if df.empty:
        return 0
    new = seen.new_rows(store, table, df, key, by_period=bool(partition_by))
    if new.empty:
        return 0
    return int(store.write(table, new, partition_by=partition_by))


def _gazetteer_from_store(store: Any) -> pd.DataFrame | None:
    t = feed_table("std_address")
    if not store.exists(t):
        return None
    cols = [
        "address_id",
        "county",
        "township",
        "road_name",
        "road_no",
        "building",
        "unit",
        "lon",
        "lat",
        "std_text",
    ]
    return store.read(t, columns=cols)


def ingest_folder(
    folder: str | Path,
    store_target: str | Path,
    *,
    secret: str,
    city: str | None = "430900",
    h3_resolution: int = 9,
    feeds: list[str] | None = None,
    echo: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Load every feed file of ``folder`` into the store at ``store_target`` (folder or PostGIS URL).

    One load = one transaction per zone: a bad file raises :class:`BadFileError` (naming it)
    and nothing of this load is stored. Re-loading the same files adds nothing (upsert by
    content hash). ``echo`` receives the per-feed reconciliation lines. ``workers`` processes
    read and normalise the files (all feeds but ``std_address`` and ``grids``) ahead, in
    parallel, while this process writes (default: 2 when the folder holds more than 50 MB and
    the machine has 2+ cores, else 1 = in this process); a feed's files are written in file
    order, feeds as their files come back (the report and the shared tables in folder order).
    """
    import time

    from fusion.events import EVENTS_TABLE, build_events
    from geo.store import open_store

    t0 = time.perf_counter()
    groups = discover(folder)
    if feeds:
        groups = {k: v for k, v in groups.items() if k in feeds}
    n_workers = workers if workers is not None else _default_workers(groups)
    loader: _Loader | None = None
    if not groups:
        raise BadFileError(folder, "没有找到与契约匹配的文件 no files matching any contract")
    analytic = open_store(store_target, zone="analytic")
    raw_store = open_store(store_target, zone="raw")
    ctx = NormaliseContext(secret=secret, city=_city_polygon(city), h3_resolution=h3_resolution)
    report = IngestReport()
    loaded_at = pd.Timestamp(datetime.now(UTC))
    seen = SeenKeys()
    seen_raw = SeenKeys()
    quarantined: list[pd.DataFrame] = []
    events: list[pd.DataFrame] = []
    logs: list[dict[str, Any]] = []
    event_feeds = _EVENT_FEEDS()
    counties = None
    if city:
        from geo.admin import load_counties

        counties = load_counties(city)
    arrow_was = _arrow_threads(1) if n_workers > 1 else None
    try:
        loader = _Loader(groups, folder, ctx, n_workers)
        with analytic.transaction(), raw_store.transaction():
            gaz = _gazetteer_from_store(analytic)
            grids = (
                analytic.read(feed_table("grids"), columns=["grid_id", "township_code", "geometry"])
                if analytic.exists(feed_table("grids"))
                else None
            )
            if "std_address" not in groups:  # the stored gazetteer is final for this load
                if gaz is not None:
                    ctx.gazetteer, ctx.admin = gazetteer_keys(gaz), _admin(gaz, city)
                loader.gazetteer_ready(ctx.gazetteer, ctx.admin)
            # feeds are written as their files come back (files of a feed in order: the
            # first sighting of a repeated record wins); what goes to the shared tables and
            # the report is gathered per feed and put in folder order after the loop
            done: dict[str, dict[str, list[Any]]] = {}
            for fid in loader.feed_order():
                paths = groups[fid]
                contract = get(fid)
                n_in = n_acc = n_q = 0
                mine: dict[str, list[Any]] = {"q": [], "ev": [], "log": [], "files": []}
                done[fid] = mine
                if fid != "std_address" and ctx.gazetteer is None and gaz is not None:
                    ctx.gazetteer, ctx.admin = gazetteer_keys(gaz), _admin(gaz, city)
                for p in paths:
                    encoding, res = loader.result(fid, p)
                    acc = res.rows_in - len(res.quarantine)
                    table = feed_table(fid)
                    new = _append_new(analytic, table, res.analytic, seen, "row_hash", ["period"])
                    if len(res.raw.columns) > 2:
                        _append_new(raw_store, table, res.raw, seen_raw, "row_hash", ["period"])
                    if len(res.quarantine):
                        mine["q"].append(
                            res.quarantine.assign(
                                _key=res.quarantine["feed"]
                                + ":"
                                + res.quarantine["row_hash"].astype(str)
                            )
                        )
                    if fid in event_feeds and len(res.analytic):
                        mine["ev"].append(
                            build_events(
                                res.analytic, contract, ctx.secret, grids, counties, h3_resolution
                            )
                        )
                    mine["log"].append(
                        {
                            "feed": fid,
                            "file": str(p.relative_to(folder)),
                            "file_sha256": _file_sha(p),
                            "encoding": encoding,
                            "rows_in": res.rows_in,
                            "accepted": acc,
                            "quarantined": len(res.quarantine),
                            "new_rows": new,
                            "loaded_at": loaded_at,
                        }
                    )
                    mine["files"].append(
                        FileLoad(
                            fid,
                            str(p.relative_to(folder)),
                            encoding,
                            res.rows_in,
                            acc,
                            len(res.quarantine),
                            new,
                        )
                    )
                    n_in, n_acc, n_q = n_in + res.rows_in, n_acc + acc, n_q + len(res.quarantine)
                    if fid == "std_address":
                        g = res.analytic
                        gaz = (
                            g
                            if gaz is None
                            else pd.concat([gaz, g], ignore_index=True).drop_duplicates(
                                "address_id", keep="last"
                            )
                        )
                        ctx.gazetteer, ctx.admin = gazetteer_keys(gaz), _admin(gaz, city)
                    if fid == "grids":
                        grids = res.analytic
                if fid == "std_address":  # all its files in: address feeds can go
                    loader.gazetteer_ready(ctx.gazetteer, ctx.admin)
                r = reconcile(fid, n_in, n_acc, n_q)
                mine["rec"] = [r]
                if echo:
                    echo(r.line())
            for fid in groups:  # folder (registry) order, as if loaded one feed after another
                quarantined += done[fid]["q"]
                events += done[fid]["ev"]
                logs += done[fid]["log"]
                report.files += done[fid]["files"]
                report.reconciliations[fid] = done[fid]["rec"][0]
            if quarantined:
                q = pd.concat(quarantined, ignore_index=True)
                _append_new(analytic, QUARANTINE_TABLE, q, seen, "_key", None)
            if events:
                import geopandas as gpd

                ev = gpd.GeoDataFrame(
                    pd.concat(events, ignore_index=True), geometry="geometry", crs="EPSG:4326"
                )
                report.events_new = _append_new(
                    analytic, EVENTS_TABLE, ev, seen, "event_id", ["period"]
                )
            if logs:
                _upsert(
                    analytic, LOG_TABLE, pd.DataFrame(logs), ["feed", "file", "file_sha256"], None
                )
    finally:
        if loader is not None:
            loader.close()
        if arrow_was is not None:
            _arrow_threads(arrow_was)
    report.seconds = time.perf_counter() - t0
    return report


# -- parallel file loading -------------------------------------------------------------------


def _load_file(
    task: tuple[str, str, str], ctx: NormaliseContext, encoded: bool = False
) -> tuple[str, NormalisedFeed]:
    """Read, map and normalise one file (runs in a worker or in-process): (encoding, result).

    ``encoded`` (in workers): hand back the analytic and raw rows as
    :class:`~geo.store._frames.Encoded` Arrow tables, the store's own encoding, done here in
    parallel instead of in the writing process. Event feeds keep a DataFrame for the analytic
    rows (:func:`fusion.events.build_events` reads them; they are small)."""
    path, fid, folder = task
    p = Path(path)
    contract = get(fid)
    with _no_gc():
        raw = read_file(p)
        df = map_columns(raw, contract)
        rel = str(p.relative_to(folder))
        res = _with_malformed(normalise_feed(df, contract, rel, ctx), raw, fid, rel)
        if encoded:
            res = NormalisedFeed(
                res.analytic if contract.event_category else encode(res.analytic),
                encode(res.raw),
                res.quarantine,
                res.rows_in,
            )
    return raw.encoding, res


@contextmanager
def _no_gc() -> Iterator[None]:
    """Python's cyclic garbage collector paused for one file: reading and normalising allocate
    millions of container objects (XML elements, JSON records, row tuples) that are not
    garbage, and each collection would walk them all (a quarter of the time of a big file).
    The file's code makes no reference cycles worth collecting before the next file."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


#: feeds read in this process: the gazetteer and the grids feed what comes after them
_IN_PROCESS = frozenset({"std_address", "grids"})


#: CPU-seconds per source MB of a file, roughly, by format (measured on the synthetic city:
#: XLSX cells are parsed one by one in Python, Parquet columns arrive as Arrow)
_COST_PER_MB = {".xlsx": 1.0, ".parquet": 0.6, ".xml": 0.5, ".jsonl": 0.3, ".json": 0.3}


def _cost(path: Path, size: int) -> float:
    """Rough CPU cost of reading and normalising a file (for the order files are handed out)."""
    return size / 2**20 * _COST_PER_MB.get(path.suffix.lower(), 0.2)


#: source bytes of the files handed to the workers and not yet written, at most (results wait
#: in this process, as Arrow, until their turn in folder order)
_AHEAD_BYTES = 64 << 20

_WORKER_CTX: NormaliseContext | None = None


def _init_worker(ctx: NormaliseContext) -> None:
    """Worker initialiser: the normalisation context, received once (a gazetteer pickles to
    MBs at full scale) instead of with every file; Arrow on one thread (see
    :func:`_arrow_threads`)."""
    global _WORKER_CTX
    _WORKER_CTX = ctx
    _arrow_threads(1)


def _arrow_threads(n: int) -> int:
    """Set Arrow's CPU thread pool to ``n`` threads; return the count it had. With the workers
    and the writing process already on every core, Arrow's own threads (Parquet reads/writes,
    CSV parsing, to_pandas) only contend for the same cores: at scale 1.0 on 2 cores one
    thread each took the whole load from 44 to 34 CPU-seconds."""
    import pyarrow as pa

    was = pa.cpu_count()
    pa.set_cpu_count(n)
    return was


_WORKER_GAZ: str | None = None


def _load_in_worker(task: tuple[str, str, str, str | None]) -> tuple[str, NormalisedFeed]:
    """One file in a worker; ``task`` = (path, feed, folder, gazetteer pickle file or None
    for a feed that matches no addresses)."""
    global _WORKER_GAZ
    assert _WORKER_CTX is not None, "worker started without its context"
    path, fid, folder, gaz = task
    if gaz is not None and gaz != _WORKER_GAZ:  # once per worker and load
        import pickle

        with open(gaz, "rb") as f:
            _WORKER_CTX.gazetteer, _WORKER_CTX.admin = pickle.load(f)
        _WORKER_GAZ = gaz
    return _load_file((path, fid, folder), _WORKER_CTX, True)


def _needs_gazetteer(fid: str) -> bool:
    """Whether normalising ``fid`` matches addresses against the gazetteer."""
    return fid != "std_address" and any(f.kind == "address" for f in get(fid).fields)


class _Loader:
    """Hands out each file's ``(encoding, NormalisedFeed)`` in folder order.

    With ``n_workers`` > 1 every file of the other feeds is read and normalised in worker
    processes, while this process writes the results in folder order (the order decides which
    sighting of a repeated record is kept). Files are handed out in that order as long as the
    files handed out and not yet written hold at most ``_AHEAD_BYTES`` (not a fixed number of
    files: a few files ahead, one big file kept one worker busy while the other ran out of
    work); a file asked for and not yet handed out goes at once. The fork server starts at once (it
    imports while ``std_address`` loads here); the workers start, each with ``ctx``, when the
    first file is handed out, once the gazetteer (``std_address``, first in registry order) is
    in ``ctx``."""

    def __init__(
        self, groups: dict[str, list[Path]], folder: str | Path, ctx: NormaliseContext, n: int
    ) -> None:
        self._ctx, self._folder, self._n = ctx, str(folder), n
        self._groups = groups
        files = [(fid, p) for fid, paths in groups.items() if fid not in _IN_PROCESS for p in paths]
        self._size = {(fid, str(p)): p.stat().st_size for fid, p in files}
        # the costliest feeds first (longest-processing-time-first: a big file handed out last
        # keeps one worker busy alone at the end while the other idles), a feed's files
        # together and in order: this process writes a feed once all its files are back, so
        # files of many feeds half back (costliest files first, whatever their feed) held the
        # results of a month of streams in memory up to the cap and left the workers idle
        # (0.05 city with 30 days of streams: 1.2 of 2 cores busy)
        feed_cost: dict[str, float] = {}
        for fid, p in files:
            feed_cost[fid] = feed_cost.get(fid, 0.0) + _cost(p, self._size[(fid, str(p))])
        self._queue = sorted(files, key=lambda f: -feed_cost[f[0]])  # stable: file order kept
        self._next = 0
        # feeds that match addresses wait for the gazetteer (sent through a pickle file once
        # std_address is loaded); the others start at once, while std_address loads here
        self._needs_gaz = {fid for fid in groups if _needs_gazetteer(fid)}
        self._gaz_file: str | None = None
        self._gaz_ready = False
        self._futures: dict[tuple[str, str], Any] = {}
        self._done: set[tuple[str, str]] = set()
        self._ahead = 0
        self._pool: Any = None
        self._parallel = n > 1 and bool(files)
        if self._parallel:  # the workers start at once, on what needs no gazetteer
            self._fill()

    def gazetteer_ready(self, gazetteer: pd.DataFrame | None, admin: AdminTable | None) -> None:
        """The gazetteer (and admin names) the address feeds need, final for this load:
        written once to a pickle file each worker reads once; address feeds go from now on."""
        if self._gaz_ready:
            return
        self._gaz_ready = True
        if self._parallel and gazetteer is not None:
            import pickle
            import tempfile

            fd, name = tempfile.mkstemp(prefix="pingan_gazetteer_", suffix=".pickle")
            with open(fd, "wb") as f:
                pickle.dump((gazetteer, admin), f, protocol=pickle.HIGHEST_PROTOCOL)
            self._gaz_file = name
        if self._parallel:
            self._fill()

    def _submit(self, fid: str, p: Path) -> None:
        if self._pool is None:
            self._pool = _start_pool(self._n, replace(self._ctx, gazetteer=None, admin=None))
        key = (fid, str(p))
        gaz = self._gaz_file if fid in self._needs_gaz else None
        assert fid not in self._needs_gaz or self._gaz_ready, f"{fid} handed out before gazetteer"
        self._futures[key] = self._pool.submit(_load_in_worker, (str(p), fid, self._folder, gaz))
        self._ahead += self._size[key]

    def _fill(self) -> None:
        i = self._next
        while i < len(self._queue):
            fid, p = self._queue[i]
            key = (fid, str(p))
            if key in self._futures or key in self._done:
                if i == self._next:
                    self._next += 1
                i += 1
                continue
            if fid in self._needs_gaz and not self._gaz_ready:
                i += 1  # comes back to it once the gazetteer is there
                continue
            if self._futures and self._ahead + self._size[key] > _AHEAD_BYTES:
                return
            self._submit(fid, p)
            if i == self._next:
                self._next += 1
            i += 1

    def result(self, fid: str, path: Path) -> tuple[str, NormalisedFeed]:
        if not self._parallel or fid in _IN_PROCESS:
            if self._parallel and fid != "std_address":
                self._fill()  # the gazetteer is in ctx once std_address is loaded: files go
            return _load_file((str(path), fid, self._folder), self._ctx)
        key = (fid, str(path))
        if key not in self._futures and key not in self._done:
            self._fill()  # costliest first, even when a cheap file is asked for first
        if key not in self._futures:
            self._submit(fid, path)
        self._fill()
        fut = self._futures.pop(key)
        out = fut.result()
        self._ahead -= self._size[key]
        self._done.add(key)
        self._fill()
        return out

    def feed_order(self) -> Iterator[str]:
        """The feeds in the order to write them: folder order, except that a feed whose files
        are all back from the workers goes before one still waiting (so this process writes
        while a big file is being read). Feeds read here (``std_address``, ``grids``: the
        others need them) keep their place."""
        from concurrent.futures import FIRST_COMPLETED, wait

        rest = list(self._groups)
        while rest:
            pick = rest[0]
            while self._parallel and pick not in _IN_PROCESS and not self._all_back(pick):
                ready = next((f for f in rest if f not in _IN_PROCESS and self._all_back(f)), None)
                if ready is None:  # a feed bigger than the files ahead allow is never all back:
                    # start one whose first file is (its next files go as this one is written)
                    ready = next(
                        (f for f in rest if f not in _IN_PROCESS and self._first_back(f)), None
                    )
                if ready is not None:
                    pick = ready
                    break
                pending = [
                    fut
                    for f in rest
                    for p in self._groups[f]
                    if (fut := self._futures.get((f, str(p)))) is not None and not fut.done()
                ]
                if not pending:
                    break  # nothing handed out yet: the first feed in order (result() sends it)
                wait(pending, return_when=FIRST_COMPLETED)
            rest.remove(pick)
            yield pick

    def _first_back(self, fid: str) -> bool:
        f = self._futures.get((fid, str(self._groups[fid][0])))
        return f is not None and f.done()

    def _all_back(self, fid: str) -> bool:
        for p in self._groups[fid]:
            f = self._futures.get((fid, str(p)))
            if f is None or not f.done():
                return False
        return True

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        if self._gaz_file is not None:
            Path(self._gaz_file).unlink(missing_ok=True)


#: modules the worker processes need, imported once by the fork server (not once per worker)
_WORKER_MODULES = [
    "fusion.ingest",
    "fusion.events",
    "geo.h3cells",
    "geo.store._frames",
    "python_calamine",
    "pyarrow.csv",
    "pyarrow.parquet",
]


def _start_fork_server() -> None:
    """Start the workers' fork server now (see :func:`_start_pool`), without waiting for it."""
    import multiprocessing as mp
    from multiprocessing import forkserver

    mp.get_context("forkserver").set_forkserver_preload(_WORKER_MODULES)  # read at its start
    forkserver.ensure_running()


def _start_pool(n: int, ctx: NormaliseContext) -> Any:
    """``n`` worker processes, each given ``ctx`` once, forked by a fork server: a fresh
    interpreter (not a fork of this process, which holds pyarrow/GEOS threads and open store
    connections) that imports the workers' modules once and forks each worker ready to run, so
    a worker starts in milliseconds instead of re-importing pandas/pyarrow/pandera (~1.5
    CPU-seconds each). The server lives as long as this process: later loads start at once."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    _start_fork_server()
    return ProcessPoolExecutor(
        n, mp_context=mp.get_context("forkserver"), initializer=_init_worker, initargs=(ctx,)
    )


def _default_workers(groups: dict[str, list[Path]]) -> int:
    import os

    size = sum(p.stat().st_size for paths in groups.values() for p in paths)
    return min(2, os.cpu_count() or 1) if size > 50 * 2**20 else 1


def _with_malformed(res: NormalisedFeed, raw: RawTable, feed: str, file: str) -> NormalisedFeed:
    """Add the reader's malformed records (wrong field count, broken JSON line) to the quarantine."""
    m = raw.malformed
    if m.empty:
        return res
    h = pd.util.hash_pandas_object(m["raw"].astype(str), index=False).to_numpy().view(np.int64)
    q = quarantine_frame(
        feed,
        file,
        m[ROW].to_numpy(),
        "",
        "malformed_record",
        m["raw"],
        h,
        np.full(len(m), "undated", dtype=object),
    )
    return NormalisedFeed(
        res.analytic,
        res.raw,
        pd.concat([res.quarantine, q], ignore_index=True),
        res.rows_in + len(m),
    )


def _EVENT_FEEDS() -> frozenset[str]:
    from data_contracts.registry import all_contracts

    return frozenset(c.feed_id for c in all_contracts() if c.event_category)
