"""Turn a canonical frame into the department's clean cell values (before any mess).

Dates in the feed's style, coordinates converted to the feed's convention (geo.coords),
sexes as 男/女, numbers kept numeric (XLSX/JSON/Parquet write them as numbers; CSV as text).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.coords import wgs84_to_bd09, wgs84_to_gcj02
from synth.specs import FeedSpec

EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _wall(ts: pd.Series) -> pd.Series:
    """Naive Asia/Shanghai wall time of a tz-aware (or naive) datetime series."""
    ts = pd.to_datetime(ts)
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    return ts


def format_datetimes(ts: pd.Series, style: str, *, date_only: bool = False) -> pd.Series:
    """Format timestamps (tz-aware Asia/Shanghai or naive wall time) in a DATE_STYLES style.

    Missing values become ''. ``excel`` returns floats (Excel 1900 serials, days), ``epoch_ms``
    returns int64 milliseconds since 1970-01-01 UTC; every other style returns str.
    """
    w = _wall(ts)
    ok = w.notna()
    out = pd.Series("", index=ts.index, dtype=object)
    if not ok.any():
        return out
    v = w[ok].dt.normalize() if date_only else w[ok]
    arr = v.to_numpy("datetime64[s]")
    if style in ("iso", "iso_t", "compact"):
        iso = np.datetime_as_string(arr, unit="D" if date_only else "s")
        if style == "compact":
            iso = np.char.replace(np.char.replace(np.char.replace(iso, "-", ""), ":", ""),
                                  "T", "")
        elif style == "iso":
            iso = np.char.replace(iso, "T", " ")
        elif not date_only:
            iso = np.char.add(iso, "+08:00")
        s = pd.Series(iso.astype(object), index=v.index)
    elif style in ("cn", "slash"):
        y, m, d = v.dt.year.astype(str), v.dt.month.astype(str), v.dt.day.astype(str)
        hm = pd.Series(np.datetime_as_string(arr, unit="m"), index=v.index).str[11:16]
        if style == "cn":
            s = y + "年" + m + "月" + d + "日" + ("" if date_only else " " + hm)
        else:
            s = y + "/" + m + "/" + d + ("" if date_only else " " + hm)
    elif style == "epoch_ms":
        utc = v.dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC").dt.tz_localize(None)
        s = pd.Series((utc.astype("datetime64[ms]").astype("int64")).to_numpy(), index=v.index)
        s = s.astype(object)
    elif style == "excel":
        days = (v - EXCEL_EPOCH) / pd.Timedelta(days=1)
        s = (days.round(0) if date_only else days.round(6)).astype(object)
        if date_only:
            s = s.map(int)
    else:
        raise ValueError(f"unknown date style {style!r}")
    out[ok] = s.to_numpy(object)
    return out


def format_month(v: pd.Series, style: str) -> pd.Series:
    """Format YYYYMM strings (canonical month field) in a style: compact YYYYMM, cn, iso."""
    s = v.astype(str)
    if style == "cn":
        return s.str[:4] + "年" + s.str[4:].astype(int).astype(str) + "月"
    if style in ("iso", "iso_t"):
        return s.str[:4] + "-" + s.str[4:]
    return s.astype(object)


def convert_coords(lon: np.ndarray, lat: np.ndarray, coords: str) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 → the feed's convention (W as-is, G GCJ-02, B BD-09), rounded to 6 decimals."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    if coords == "G":
        lon, lat = wgs84_to_gcj02(lon, lat)
    elif coords == "B":
        lon, lat = wgs84_to_bd09(lon, lat)
    return np.round(np.asarray(lon, float), 6), np.round(np.asarray(lat, float), 6)


def to_department_values(canon: pd.DataFrame, spec: FeedSpec) -> pd.DataFrame:
    """Clean department cell values of every spec column (object dtype, '' for missing).

    Numbers stay Python int/float (NaN → ''), dates follow ``spec.date_style`` (``excel``
    only in XLSX; other formats fall back to ``iso``).
    """
    style = spec.date_style
    if style == "excel" and spec.fmt != "xlsx":
        style = "iso"
    out = pd.DataFrame(index=canon.index)
    lonlat: dict[str, np.ndarray] = {}
    if "lon" in canon and "lat" in canon and spec.coords in ("W", "G", "B"):
        lonlat["lon"], lonlat["lat"] = convert_coords(canon["lon"].to_numpy(float),
                                                      canon["lat"].to_numpy(float), spec.coords)
    for c in spec.columns:
        v = canon[c.field] if c.field in canon else pd.Series(None, index=canon.index)
        if c.kind in ("datetime", "date"):
            col = format_datetimes(v, style, date_only=c.kind == "date")
        elif c.kind == "month":
            col = format_month(v, spec.date_style)
        elif c.kind in ("lon", "lat"):
            arr = lonlat.get(c.kind, v.to_numpy(float))
            col = pd.Series([("" if np.isnan(x) else float(x)) for x in arr], index=canon.index,
                            dtype=object)
        elif c.kind == "int":
            col = pd.Series([("" if pd.isna(x) else int(x)) for x in v], index=canon.index,
                            dtype=object)
        elif c.kind == "float":
            col = pd.Series([("" if pd.isna(x) else round(float(x), 2)) for x in v],
                            index=canon.index, dtype=object)
        elif c.kind == "sex":
            col = v.map({"M": "男", "F": "女"}).fillna(v).fillna("").astype(object)
        else:
            col = v.astype(object).where(v.notna(), "")
            col = col.map(lambda x: x if isinstance(x, str) else str(x))
        out[c.field] = col.to_numpy(object)
    return out
