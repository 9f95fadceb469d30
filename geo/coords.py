"""Convert between the coordinate systems used by Chinese data: WGS-84, GCJ-02, BD-09.

坐标转换：WGS-84（GPS）、GCJ-02（国测局“火星”坐标，高德/腾讯）、BD-09（百度）。

All functions take scalars or array-likes of longitude/latitude in degrees and return
``float64`` numpy arrays (0-d arrays for scalar input), vectorised with numpy.

Why hand-written: GCJ-02 is a published-by-reverse-engineering obfuscation, not a datum, so
pyproj/PROJ does not implement it. The forward formulas below are the ones every open
implementation uses (eviltransform, coordTransform_py, geojson-utils); the inverse is solved
iteratively here, to a tolerance in metres, instead of the usual one-step approximation
(which is off by up to ~2 m).

Points outside mainland China's bounding box (``out_of_china``) pass through every
conversion unchanged, as GCJ-02 and BD-09 providers do for foreign points. NaN coordinates
give NaN results and never raise.

CGCS2000 (EPSG:4490) differs from WGS-84 (EPSG:4326) by a few centimetres, well below the
precision of any source we ingest, so ``to_wgs84`` treats the two as equal.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from geo._errors import UnknownCRSError

__all__ = [
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "haversine_m",
    "out_of_china",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

FloatArray = NDArray[np.float64]

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323
# BD-09 constant.
_X_PI = np.pi * 3000.0 / 180.0
# Mean Earth radius (IUGG), metres, for haversine distances.
_EARTH_RADIUS_M = 6371008.8
# Metres per degree of latitude (for convergence tests only).
_M_PER_DEG = 111_320.0

# The bounding box every open implementation uses for "in China" (coordTransform_py).
_CHINA_LON_MIN, _CHINA_LON_MAX = 72.004, 137.8347
_CHINA_LAT_MIN, _CHINA_LAT_MAX = 0.8293, 55.8271


def _as_float(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    x, y = np.broadcast_arrays(x, y)
    return x.copy(), y.copy()


def out_of_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Return True where a point (degrees) is outside mainland China's bounding box.

    NaN coordinates count as outside (they then pass through conversions as NaN).
    """
    x, y = _as_float(lon, lat)
    inside = (
        (x >= _CHINA_LON_MIN)
        & (x <= _CHINA_LON_MAX)
        & (y >= _CHINA_LAT_MIN)
        & (y <= _CHINA_LAT_MAX)
    )
    return ~inside


@np.errstate(invalid="ignore")
def _gcj_offset(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 minus WGS-84 offset (degrees) at WGS-84 point (x=lon, y=lat)."""
    dx = x - 105.0
    dy = y - 35.0
    sqrt_abs_dx = np.sqrt(np.abs(dx))
    common = (20.0 * np.sin(6.0 * dx * np.pi) + 20.0 * np.sin(2.0 * dx * np.pi)) * 2.0 / 3.0
    d_lat = (
        -100.0
        + 2.0 * dx
        + 3.0 * dy
        + 0.2 * dy * dy
        + 0.1 * dx * dy
        + 0.2 * sqrt_abs_dx
        + common
        + (20.0 * np.sin(dy * np.pi) + 40.0 * np.sin(dy / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(dy / 12.0 * np.pi) + 320.0 * np.sin(dy * np.pi / 30.0)) * 2.0 / 3.0
    )
    d_lon = (
        300.0
        + dx
        + 2.0 * dy
        + 0.1 * dx * dx
        + 0.1 * dx * dy
        + 0.1 * sqrt_abs_dx
        + common
        + (20.0 * np.sin(dx * np.pi) + 40.0 * np.sin(dx / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(dx / 12.0 * np.pi) + 300.0 * np.sin(dx / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad_lat = y / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS-84 lon/lat (degrees) to GCJ-02 (degrees)."""
    x, y = _as_float(lon, lat)
    d_lon, d_lat = _gcj_offset(x, y)
    inside = ~out_of_china(x, y)
    return np.where(inside, x + d_lon, x), np.where(inside, y + d_lat, y)


@np.errstate(invalid="ignore")
def _metres_between(x1: FloatArray, y1: FloatArray, x2: FloatArray, y2: FloatArray) -> FloatArray:
    """Small-distance approximation (equirectangular), metres; for convergence checks."""
    dx = (x1 - x2) * np.cos(np.deg2rad(y1)) * _M_PER_DEG
    dy = (y1 - y2) * _M_PER_DEG
    return np.hypot(dx, dy)


@np.errstate(invalid="ignore")
def _invert(
    forward,  # type: ignore[no-untyped-def]
    x: FloatArray,
    y: FloatArray,
    tol_m: float,
    max_iter: int,
    start: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Solve forward(u, v) == (x, y) for (u, v) by fixed-point iteration from ``start``
    (default: the target itself).

    The forward maps here are the identity plus a small, slowly varying offset (Jacobian
    within 1e-3 of the identity), so u <- u - (forward(u) - target) converges by ~3 orders of
    magnitude per step: 2-3 steps reach millimetres.
    """
    u, v = (x.copy(), y.copy()) if start is None else start
    for _ in range(max_iter):
        fu, fv = forward(u, v)
        err_u, err_v = fu - x, fv - y
        u = u - err_u
        v = v - err_v
        err_m = _metres_between(fu, fv, x, y)
        if not np.any(err_m > tol_m):  # NaN compares False: NaN points never block exit
            break
    return u, v


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, tol_m: float = 0.01, max_iter: int = 20
) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 lon/lat (degrees) to WGS-84 (degrees), iterated until the forward
    transform of the result is within ``tol_m`` metres of the input (default 1 cm)."""
    x, y = _as_float(lon, lat)
    u, v = _invert(wgs84_to_gcj02, x, y, tol_m, max_iter)
    outside = out_of_china(x, y)
    return np.where(outside, x, u), np.where(outside, y, v)


@np.errstate(invalid="ignore")
def _gcj02_to_bd09_raw(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert GCJ-02 lon/lat (degrees) to BD-09 (degrees)."""
    x, y = _as_float(lon, lat)
    bx, by = _gcj02_to_bd09_raw(x, y)
    outside = out_of_china(x, y)
    return np.where(outside, x, bx), np.where(outside, y, by)


@np.errstate(invalid="ignore")
def bd09_to_gcj02(
    lon: ArrayLike, lat: ArrayLike, tol_m: float = 0.01, max_iter: int = 20
) -> tuple[FloatArray, FloatArray]:
    """Convert BD-09 lon/lat (degrees) to GCJ-02 (degrees).

    Starts from Baidu's published one-step inverse and refines it by fixed-point iteration
    to ``tol_m`` metres (the one-step inverse alone is off by up to ~1 m).
    """
    x, y = _as_float(lon, lat)
    px, py = x - 0.0065, y - 0.006
    z = np.sqrt(px * px + py * py) - 0.00002 * np.sin(py * _X_PI)
    theta = np.arctan2(py, px) - 0.000003 * np.cos(px * _X_PI)
    start = (z * np.cos(theta), z * np.sin(theta))
    u, v = _invert(_gcj02_to_bd09_raw, x, y, tol_m, max_iter, start=start)
    outside = out_of_china(x, y)
    return np.where(outside, x, u), np.where(outside, y, v)


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Convert WGS-84 lon/lat (degrees) to BD-09 (degrees)."""
    gx, gy = wgs84_to_gcj02(lon, lat)
    return gcj02_to_bd09(gx, gy)


def bd09_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, tol_m: float = 0.01, max_iter: int = 20
) -> tuple[FloatArray, FloatArray]:
    """Convert BD-09 lon/lat (degrees) to WGS-84 (degrees), each inverse step to ``tol_m``."""
    gx, gy = bd09_to_gcj02(lon, lat, tol_m=tol_m, max_iter=max_iter)
    return gcj02_to_wgs84(gx, gy, tol_m=tol_m, max_iter=max_iter)


_CRS_ALIASES: dict[str, str] = {
    "WGS84": "WGS84",
    "WGS-84": "WGS84",
    "EPSG:4326": "WGS84",
    "4326": "WGS84",
    "CGCS2000": "WGS84",  # differs from WGS-84 by centimetres: equal at our precision
    "EPSG:4490": "WGS84",
    "4490": "WGS84",
    "GCJ02": "GCJ02",
    "GCJ-02": "GCJ02",
    "GCJ": "GCJ02",
    "BD09": "BD09",
    "BD-09": "BD09",
    "BD09LL": "BD09",
}

#: CRS names accepted by :func:`to_wgs84` (case-insensitive).
KNOWN_CRS: tuple[str, ...] = tuple(_CRS_ALIASES)


def normalize_crs_name(crs: str) -> str:
    """Return the canonical name ("WGS84", "GCJ02" or "BD09") for a CRS name or alias.

    CGCS2000 / EPSG:4490 map to "WGS84" (the two agree to a few centimetres).
    """
    key = str(crs).strip().upper().replace(" ", "")
    if key not in _CRS_ALIASES:
        raise UnknownCRSError(
            f"未知坐标系 unknown coordinate system {crs!r}; "
            f"expected one of {', '.join(sorted(_CRS_ALIASES))}"
        )
    return _CRS_ALIASES[key]


def to_wgs84(lon: ArrayLike, lat: ArrayLike, crs: str) -> tuple[FloatArray, FloatArray]:
    """Convert lon/lat (degrees) in ``crs`` to WGS-84 (degrees).

    ``crs`` is one of "WGS84"/"EPSG:4326", "GCJ02", "BD09", "CGCS2000"/"EPSG:4490"
    (case-insensitive; CGCS2000 is treated as WGS-84, they differ by centimetres).
    """
    name = normalize_crs_name(crs)
    if name == "GCJ02":
        return gcj02_to_wgs84(lon, lat)
    if name == "BD09":
        return bd09_to_wgs84(lon, lat)
    return _as_float(lon, lat)


def haversine_m(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> FloatArray:
    """Great-circle distance in metres between points given in degrees (spherical Earth,
    mean radius 6 371 008.8 m; error < 0.5 % versus the ellipsoid)."""
    x1 = np.deg2rad(np.asarray(lon1, dtype=np.float64))
    y1 = np.deg2rad(np.asarray(lat1, dtype=np.float64))
    x2 = np.deg2rad(np.asarray(lon2, dtype=np.float64))
    y2 = np.deg2rad(np.asarray(lat2, dtype=np.float64))
    a = np.sin((y2 - y1) / 2.0) ** 2 + np.cos(y1) * np.cos(y2) * np.sin((x2 - x1) / 2.0) ** 2
    return 2.0 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
