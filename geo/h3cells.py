"""H3 helpers over numpy arrays: points → cells, parents, k-rings, polygons, areas.

H3 六边形网格工具（向量化）：点落格、父格、k 圈邻格、格多边形、面积。

Conventions
-----------
* Cell ids are ``int64`` numpy arrays (H3 ids use 63 bits, so the signed view is lossless and
  is what PostGIS BIGINT / Parquet int64 store).
* ``NULL_CELL = 0`` (H3_NULL in the C library) marks "no cell": produced for NaN or
  out-of-range coordinates, and accepted everywhere (gives 0 / None / "" / NaN back).
* The column holding cells at resolution r is named ``h3_<r>`` (``h3_col(9) == "h3_9"``),
  dtype int64, in every table.
* Coordinates are WGS-84 degrees (EPSG:4326), argument order (lon, lat) like the rest of geo.

Backend, chosen by measurement (2-core machine, 2026-11): ``h3ronpy`` (Rust h3o, vectorised over
Arrow arrays) for points → cells (2.7 M/s vs 2.1 M/s for the fastest h3-py loop, 1.3 M/s for
``h3.latlng_to_cell`` with str ids), k-rings (4 M/s vs 0.17 M/s) and polygons (0.43 M/s vs
0.12 M/s), because h3-py 4.x has no vectorised entry points (``h3.api.numpy_int`` only returns
numpy arrays; its functions take one cell at a time). ``cell_to_parent`` is exact bit arithmetic
on the H3 index layout (resolution field and 3-bit digits, 180 M/s); ``cell_area_km2`` and
``polygon_to_cells`` use h3-py (faster, or not vectorisable anyway). Without h3ronpy installed
the same functions fall back to h3-py loops (identical results, see :func:`backend`); the tests
run every function on both backends against h3-py's scalar API.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain, repeat

import geopandas as gpd
import h3
import h3.api.basic_int as _h3_int
import numpy as np
import pyarrow as pa
import shapely
from numpy.typing import ArrayLike, NDArray

try:  # the fast path; h3-py alone gives identical results, slower (see BACKEND)
    import h3ronpy as _rs
    import h3ronpy.vector as _rs_vector
except ImportError:  # pragma: no cover - exercised by forcing _rs = None in the tests
    _rs = None
    _rs_vector = None

__all__ = [
    "NULL_CELL",
    "backend",
    "cell_area_km2",
    "cell_resolution",
    "cell_to_parent",
    "cells_to_polygons",
    "cells_to_str",
    "grid_disk",
    "h3_col",
    "points_to_cells",
    "points_to_cells_multi",
    "polygon_to_cells",
    "str_to_cells",
]

#: Sentinel for "no cell" (NaN coordinates, unparsable strings). Same as the C library's H3_NULL.
NULL_CELL = 0

CellArray = NDArray[np.int64]

# H3 index layout (https://h3geo.org/docs/core-library/h3Indexing): bit 63 reserved, 59-62 mode,
# 52-55 resolution, 45-51 base cell, then 15 digits of 3 bits (digit r at bits (15-r)*3);
# digits finer than the cell's resolution are 7.
_RES_SHIFT = 52
_RES_MASK = np.int64(0xF) << _RES_SHIFT


def backend() -> str:
    """Name of the array backend in use: "h3ronpy" (fast) or "h3-py" (fallback)."""
    return "h3ronpy" if _rs is not None else "h3-py"


# --- kernels: valid (non-NULL) inputs only; one per backend, same results ---------------------


def _k_points(lat: NDArray[np.float64], lon: NDArray[np.float64], r: int) -> CellArray:
    if _rs is not None:
        return np.asarray(_rs_vector.coordinates_to_cells(lat, lon, r)).view(np.int64)
    cells = map(_h3_int.latlng_to_cell, lat.tolist(), lon.tolist(), repeat(r))
    return np.fromiter(cells, dtype=np.uint64, count=len(lat)).view(np.int64)


def _k_disk(cells: CellArray, k: int) -> tuple[NDArray[np.int64], CellArray]:
    """(disk size per cell, flat neighbours)."""
    if _rs is not None:
        lists = pa.array(_rs.grid_disk(_to_arrow_u64(cells), k))
        lengths = lists.value_lengths().to_numpy(zero_copy_only=False).astype(np.int64)
        return lengths, lists.flatten().to_numpy(zero_copy_only=False).view(np.int64)
    disks = [_h3_int.grid_disk(c, k) for c in cells.view(np.uint64).tolist()]
    lengths = np.fromiter(map(len, disks), dtype=np.int64, count=len(disks))
    flat = np.fromiter(chain.from_iterable(disks), dtype=np.uint64, count=int(lengths.sum()))
    return lengths, flat.view(np.int64)


def _k_polygons(cells: CellArray) -> NDArray[np.object_]:
    if _rs is not None:
        wkb = pa.array(_rs_vector.cells_to_wkb_polygons(_to_arrow_u64(cells)))
        return shapely.from_wkb(wkb.to_numpy(zero_copy_only=False))
    rings = [_h3_int.cell_to_boundary(c) for c in cells.view(np.uint64).tolist()]
    counts = np.fromiter(map(len, rings), dtype=np.int64, count=len(rings))
    latlng = np.array(list(chain.from_iterable(rings)), dtype=np.float64).reshape(-1, 2)
    ring_idx = np.repeat(np.arange(len(rings)), counts)
    linear = shapely.linearrings(latlng[:, ::-1], indices=ring_idx)
    return shapely.polygons(linear)


def _k_to_str(cells: CellArray) -> NDArray[np.object_]:
    if _rs is not None:
        strs = pa.array(_rs.cells_to_string(_to_arrow_u64(cells)))
        return strs.to_numpy(zero_copy_only=False)
    return np.array([f"{c:x}" for c in cells.view(np.uint64).tolist()], dtype=object)


def _k_parse(strs: list[str | None]) -> CellArray:
    """Parse hex ids; None or invalid text → NULL_CELL."""
    if _rs is not None:
        arr = pa.array(strs, type=pa.string())
        parsed = pa.array(_rs.cells_parse(arr, set_failing_to_invalid=True))
        return parsed.fill_null(0).to_numpy(zero_copy_only=False).astype(np.uint64).view(np.int64)
    out = np.zeros(len(strs), dtype=np.int64)
    for i, text in enumerate(strs):  # fallback path only
        if text is None:
            continue
        try:
            value = int(text, 16)
        except ValueError:
            continue
        if value < 2**63 and _h3_int.is_valid_cell(value):
            out[i] = value
    return out


def h3_col(res: int) -> str:
    """Column name for H3 cells at resolution ``res``: ``"h3_<res>"``."""
    return f"h3_{int(res)}"


def _check_res(res: int) -> int:
    r = int(res)
    if not 0 <= r <= 15:
        raise ValueError(f"H3 resolution must be 0..15, got {res!r}")
    return r


def _as_cells(cells: ArrayLike) -> CellArray:
    arr = np.asarray(cells)
    if arr.dtype == np.uint64:
        return arr.view(np.int64)
    return arr.astype(np.int64, copy=False)


def _to_arrow_u64(cells: CellArray) -> pa.Array:
    return pa.array(np.ascontiguousarray(cells).view(np.uint64), type=pa.uint64())


def points_to_cells(lon: ArrayLike, lat: ArrayLike, res: int) -> CellArray:
    """Return the H3 cell (int64) of each WGS-84 point (degrees) at resolution ``res``.

    NaN/infinite or out-of-range coordinates give :data:`NULL_CELL` (0).
    """
    r = _check_res(res)
    x = np.ravel(np.asarray(lon, dtype=np.float64))
    y = np.ravel(np.asarray(lat, dtype=np.float64))
    if x.shape != y.shape:
        raise ValueError(f"lon and lat differ in length: {x.shape} vs {y.shape}")
    ok = np.isfinite(x) & np.isfinite(y) & (np.abs(y) <= 90.0) & (np.abs(x) <= 360.0)
    if ok.all():
        return _k_points(y, x, r)
    out = np.zeros(len(x), dtype=np.int64)
    if ok.any():
        out[ok] = _k_points(y[ok], x[ok], r)
    return out


def points_to_cells_multi(
    lon: ArrayLike, lat: ArrayLike, resolutions: Iterable[int], hierarchical: bool = False
) -> dict[int, CellArray]:
    """Return ``{res: cells}`` (int64) for several resolutions.

    H3 children do not tile their parent exactly, so the cell containing a point at a coarse
    resolution is not always the parent of its fine cell (about 1-3 % of points differ).
    By default every resolution is computed from the points (geometrically exact: the point
    lies in its cell's hexagon). With ``hierarchical=True`` only the finest is computed and the
    coarser ones are its parents (:func:`cell_to_parent`): consistent roll-ups, and faster.
    """
    res_list = sorted({_check_res(r) for r in resolutions})
    if not res_list:
        return {}
    if not hierarchical:
        return {r: points_to_cells(lon, lat, r) for r in res_list}
    finest = points_to_cells(lon, lat, res_list[-1])
    return {r: (finest if r == res_list[-1] else cell_to_parent(finest, r)) for r in res_list}


def cell_resolution(cells: ArrayLike) -> NDArray[np.int8]:
    """Return the resolution of each cell (-1 for :data:`NULL_CELL`)."""
    c = _as_cells(cells)
    res = ((c & _RES_MASK) >> _RES_SHIFT).astype(np.int8)
    return np.where(c == NULL_CELL, np.int8(-1), res)


def cell_to_parent(cells: ArrayLike, res: int) -> CellArray:
    """Return the parent (int64) of each cell at the coarser resolution ``res``.

    Exact bit arithmetic on the H3 layout: set the resolution field and fill the digits
    finer than ``res`` with 7. Cells already at ``res`` are returned unchanged;
    :data:`NULL_CELL` stays 0; a cell coarser than ``res`` raises ValueError.
    """
    r = _check_res(res)
    c = _as_cells(cells)
    valid = c != NULL_CELL
    cell_res = (c & _RES_MASK) >> _RES_SHIFT
    if np.any(cell_res[valid] < r):
        raise ValueError(f"cannot take parent at resolution {r} of cells coarser than {r}")
    # Digits r+1..15 occupy the low (15-r)*3 bits; set them all to 1 (digit 7).
    fill = np.int64((1 << ((15 - r) * 3)) - 1)
    parent = (c & ~_RES_MASK) | (np.int64(r) << _RES_SHIFT) | fill
    return np.where(valid, parent, np.int64(NULL_CELL))


def grid_disk(cells: ArrayLike, k: int) -> tuple[NDArray[np.int64], CellArray]:
    """Return the k-ring (all cells within grid distance ``k``, including the cell itself)
    of every cell, as flat arrays ``(origin_idx, neighbour_cells)``: ``origin_idx[i]`` is the
    position in ``cells`` of the cell whose disk contains ``neighbour_cells[i]``.
    :data:`NULL_CELL` inputs contribute nothing.
    """
    if int(k) < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    c = _as_cells(cells).ravel()
    idx = np.flatnonzero(c != NULL_CELL)
    if len(idx) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    lengths, neighbours = _k_disk(c[idx], int(k))
    return np.repeat(idx.astype(np.int64), lengths), neighbours


def cells_to_polygons(cells: ArrayLike) -> gpd.GeoSeries:
    """Return the hexagon (or pentagon) of each cell as a GeoSeries in EPSG:4326
    (None for :data:`NULL_CELL`)."""
    c = _as_cells(cells).ravel()
    geoms = np.full(len(c), None, dtype=object)
    ok = c != NULL_CELL
    if ok.any():
        geoms[ok] = _k_polygons(c[ok])
    return gpd.GeoSeries(geoms, crs="EPSG:4326")


def cells_to_str(cells: ArrayLike) -> NDArray[np.str_]:
    """Return the hexadecimal string id of each cell ("" for :data:`NULL_CELL`)."""
    c = _as_cells(cells).ravel()
    ok = c != NULL_CELL
    out = np.full(len(c), "", dtype=object)
    if ok.any():
        out[ok] = _k_to_str(c[ok])
    return out.astype(str)


def str_to_cells(strs: ArrayLike) -> CellArray:
    """Parse hexadecimal cell ids to int64 (:data:`NULL_CELL` for "", None or invalid text)."""
    s = np.asarray(strs, dtype=object).ravel()
    return _k_parse([v if isinstance(v, str) and v else None for v in s])


def cell_area_km2(cells: ArrayLike) -> NDArray[np.float64]:
    """Return the exact area of each cell in km² (NaN for :data:`NULL_CELL`)."""
    c = _as_cells(cells).ravel()
    ok = c != NULL_CELL
    out = np.full(len(c), np.nan)
    if ok.any():
        # h3-py's C cellAreaKm2 in a loop measured faster here (~840 k/s) than h3ronpy (~500 k/s).
        values = c[ok].view(np.uint64).tolist()
        out[ok] = np.fromiter(map(_h3_int.cell_area, values), dtype=np.float64, count=len(values))
    return out


def polygon_to_cells(geometry: shapely.Geometry | gpd.GeoSeries, res: int) -> CellArray:
    """Return the cells (int64, sorted, unique) whose centres lie inside a WGS-84 polygon or
    multipolygon (or the union of a GeoSeries), at resolution ``res``: covers a study area."""
    r = _check_res(res)
    if isinstance(geometry, gpd.GeoSeries | gpd.GeoDataFrame):
        geoms = geometry.geometry if isinstance(geometry, gpd.GeoDataFrame) else geometry
        if geoms.crs is not None and geoms.crs.to_epsg() != 4326:
            geoms = geoms.to_crs(4326)
        geom = shapely.union_all(geoms.to_numpy())
    else:
        geom = geometry
    polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    out: list[int] = []
    for poly in polys:  # one call per polygon part (a handful), the work is in C
        shape = h3.LatLngPoly(
            [(y, x) for x, y in poly.exterior.coords[:-1]],
            *[[(y, x) for x, y in ring.coords[:-1]] for ring in poly.interiors],
        )
        out.extend(_h3_int.h3shape_to_cells(shape, r))
    return np.unique(np.asarray(out, dtype=np.uint64).view(np.int64))
