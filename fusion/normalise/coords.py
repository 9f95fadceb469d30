"""Coordinates → WGS-84 (thin wrapper over :mod:`geo.coords`) with validity and outside-city flags.

坐标标准化：按契约声明的坐标系（GCJ-02 / BD-09 / CGCS2000 / WGS-84）转换为 WGS-84，并标记
缺失、无效与本市范围外的点。
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from fusion.normalise._text import as_text
from geo.coords import to_wgs84

STATUSES = ("ok", "missing", "invalid", "outside_city")


def _numbers(values: pd.Series) -> np.ndarray:
    s = pd.Series(values, copy=False)
    if s.dtype.kind in "iuf":
        return s.to_numpy(dtype=np.float64, na_value=np.nan)
    t = as_text(s)
    return pd.to_numeric(t.where(t != "", None), errors="coerce").to_numpy(dtype=np.float64)


def normalise_coords(
    lon: pd.Series, lat: pd.Series, crs: str, city: shapely.Geometry | None = None
) -> pd.DataFrame:
    """Convert raw lon/lat (degrees, in ``crs``) to WGS-84.

    Returns columns ``lon``, ``lat`` (float64 WGS-84 degrees; NaN unless status is ok or
    outside_city) and ``status``: ``missing`` (both blank), ``invalid`` (one blank or
    unparseable), ``outside_city`` (not a lon/lat on Earth, or outside ``city``, a WGS-84 polygon
    buffered by the caller if wanted), ``ok``.
    """
    raw_x = pd.Series(lon, copy=False)
    x = _numbers(raw_x)
    y = _numbers(lat)
    nx, ny = np.isnan(x), np.isnan(y)
    status = np.full(len(x), "ok", dtype=object)
    valid = ~nx & ~ny & (np.abs(x) <= 180) & (np.abs(y) <= 90)
    status[~valid] = "outside_city"  # numbers, but not a place on Earth (e.g. lon/lat swapped)
    status[nx | ny] = "invalid"
    status[nx & ny] = "missing"
    wx = np.full(len(x), np.nan)
    wy = np.full(len(x), np.nan)
    if valid.any():
        wx[valid], wy[valid] = to_wgs84(x[valid], y[valid], crs)
        if city is not None:
            inside = shapely.contains_xy(city, wx[valid], wy[valid])
            idx = np.flatnonzero(valid)
            status[idx[~inside]] = "outside_city"
    out = pd.DataFrame({"lon": wx, "lat": wy, "status": status})
    out.index = raw_x.index
    return out
