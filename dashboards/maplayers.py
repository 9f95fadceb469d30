"""Pure builders of the map layers: geometry sent once, colours as per-cell classes.

The browser keeps the cell geometry (:func:`cells_binary`, fetched once); a filter change only
sends one colour class per cell (in geometry order, :func:`cell_classes`), which
``assets/pingan_map.js`` draws. Coordinates are WGS-84 lon/lat (EPSG:4326).
"""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
from shapely.geometry import mapping

from data_contracts.vocab import RISK_COLOURS

#: Stepped scale on the 0–100 index: lower bounds of blue, yellow, orange, red.
DEFAULT_STEPS: tuple[float, float, float, float] = (0.0, 25.0, 50.0, 75.0)
#: Where the app serves the cell geometry (:func:`cells_binary`, fetched once by the browser).
CELLS_URL = "/pingan/cells.bin"
#: Magic bytes at the start of :func:`cells_binary` (format version 1).
CELLS_MAGIC = b"PGC1"
#: Vertex coordinates of :func:`cells_binary` are integers in units of 1e-6 degree (≈ 0.1 m).
CELLS_COORD_SCALE = 1_000_000


def cells_url(cells: np.ndarray) -> str:
    """URL of the cell geometry, versioned by the cell set (a new study area is refetched)."""
    import hashlib

    c = np.ascontiguousarray(cells, dtype=np.int64)
    return f"{CELLS_URL}?v={len(c)}-{hashlib.blake2b(c.tobytes(), digest_size=6).hexdigest()}"


STEP_COLOURS: tuple[str, ...] = tuple(c[3] for c in reversed(RISK_COLOURS))  # blue→red


def cells_geojson(cells: np.ndarray, digits: int = 5) -> dict[str, Any]:
    """FeatureCollection of H3 cell polygons with properties ``i`` (index) and ``h3`` (string id).

    Vertices are rounded to ``digits`` decimals (5 ≈ 1 m), which keeps 20,000+ cells small.
    """
    from geo.h3cells import cells_to_str

    cells = np.asarray(cells, dtype=np.int64)
    ids = cells_to_str(cells)
    feats = []
    # one small loop building geometry once per app start (not on a filter hot path)
    for i, s in enumerate(ids):
        ring = [
            [round(lng, digits), round(lat, digits)] for lat, lng in h3.cell_to_boundary(str(s))
        ]
        ring.append(ring[0])
        feats.append(
            {
                "type": "Feature",
                "properties": {"i": i, "h3": str(s)},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def cells_binary(cells: np.ndarray) -> bytes:
    """The cell polygons as one little-endian binary blob for the browser (≈ 50 bytes a cell,
    a sixth of the equivalent GeoJSON and no JSON parse or per-feature objects in the browser).

    Layout: ``b"PGC1"``, uint32 cell count ``n``, uint32 vertex count ``v``, uint32 0; then
    uint32 ``offsets[n + 1]`` (first vertex of cell ``i`` in ``offsets[i]``); then int32
    ``coords[2 v]``: lon, lat of each vertex in 1e-6 degree (WGS-84), open rings (the first
    vertex is not repeated). Cell ``i`` is ``cells[i]``, the order colour classes use.
    """
    import shapely

    from geo.h3cells import cells_to_polygons

    cells = np.asarray(cells, dtype=np.int64)
    if len(cells):
        rings = shapely.get_exterior_ring(cells_to_polygons(cells).to_numpy())
        xy, owner = shapely.get_coordinates(rings, return_index=True)
        counts = np.bincount(owner, minlength=len(cells))
        closing = np.cumsum(counts) - 1  # each ring repeats its first vertex last
        keep = np.ones(len(xy), dtype=bool)
        keep[closing] = False
        xy, counts = xy[keep], counts - 1
    else:
        xy, counts = np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype("<u4")
    coords = np.rint(xy * CELLS_COORD_SCALE).astype("<i4")
    head = CELLS_MAGIC + np.array([len(cells), len(xy), 0], dtype="<u4").tobytes()
    return head + offsets.tobytes() + coords.tobytes()


def cell_values(
    cells: np.ndarray, scores: pd.DataFrame, value_col: str = "score"
) -> list[float | None]:
    """Values aligned to ``cells`` (``None`` where a cell has no score), rounded to 0.1."""
    if scores.empty:
        return [None] * len(cells)
    s = scores.drop_duplicates("h3_9").set_index("h3_9")[value_col]
    v = s.reindex(np.asarray(cells, dtype=np.int64)).to_numpy(dtype=float)
    out = np.round(v, 1)
    return [None if np.isnan(x) else float(x) for x in out]


def hideout(
    values: list[float | None],
    steps: tuple[float, ...] = DEFAULT_STEPS,
    highlight: list[int] | None = None,
) -> dict[str, Any]:
    """The ``hideout`` the style function reads: values, steps, colours, optional highlight."""
    return {"v": values, "steps": list(steps), "colors": list(STEP_COLOURS), "hl": highlight or []}


def areas_geojson(areas: gpd.GeoDataFrame, level: str, parent: str | None = None) -> dict[str, Any]:
    """Admin boundaries of one level (optionally within ``parent``) as GeoJSON with code/name."""
    if areas.empty:
        return {"type": "FeatureCollection", "features": []}
    a = areas[areas["level"] == level]
    if parent is not None:
        a = a[a["parent_code"] == parent]
    a = a.assign(geometry=a.geometry.simplify(0.0005, preserve_topology=True))
    return json.loads(a[["code", "name", "geometry"]].to_json())


def hot_cells(hot: pd.DataFrame, violation: str | None = None, band: str = "all") -> np.ndarray:
    """Cells that are significant Gi* hot spots (``class == "hot"``) of one time band, over all
    violation types or one (``hotspots_h3`` as ``scoring.camera.hotspots.hotspots_h3`` writes it)."""
    if hot.empty or "h3" not in hot.columns:
        return np.zeros(0, dtype=np.int64)
    h = hot
    if "band" in h.columns:
        h = h[h["band"].astype(str) == band]
    if violation is not None and "violation" in h.columns:
        h = h[h["violation"] == violation]
    if "class" in h.columns:
        h = h[h["class"].astype(str) == "hot"]
    return np.unique(h["h3"].to_numpy(dtype=np.int64))


def hotspot_geojson(hot: pd.DataFrame, violation: str | None = None) -> dict[str, Any]:
    """Significant Gi* hot cells (optionally of one violation type) as GeoJSON polygons."""
    return cells_geojson(hot_cells(hot, violation))


def roads_geojson(roads: pd.DataFrame) -> dict[str, Any]:
    """Road lines (a ``road_network``-style table with geometry) as GeoJSON; empty without geometry."""
    if roads is None or roads.empty or "geometry" not in roads.columns:
        return {"type": "FeatureCollection", "features": []}
    g = gpd.GeoDataFrame(roads, geometry="geometry", crs="EPSG:4326")
    keep = [c for c in ("road_id", "road_name", "name") if c in g.columns]
    g = g[[*keep, "geometry"]].assign(geometry=g.geometry.simplify(0.0002))
    return json.loads(g.to_json())


def bounds_of(geoms: gpd.GeoSeries) -> list[list[float]]:
    """Leaflet bounds [[south, west], [north, east]] of a GeoSeries."""
    minx, miny, maxx, maxy = geoms.total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def feature_of(geom) -> dict[str, Any]:
    """One GeoJSON geometry dict."""
    return mapping(geom)


#: Where the app serves the boundaries of one admin level as GeoJSON (``<level>``: county, township,
#: grid); the cockpit loads the township layer (hidden by default) from here, not in its layout.
AREAS_URL = "/pingan/areas/<level>.geojson"

#: Where the app serves one theme/period's colour classes (fetched and cached by the browser).
CLASSES_URL = "/pingan/cellclass"
#: Where the app serves the city view's classes of every prefetched theme × period at once.
CLASSES_CITY_URL = "/pingan/cellclass/city"


def cell_classes(values: list[float | None] | np.ndarray, steps: tuple[float, ...]) -> str:
    """Colour class of each cell as one character, in geometry order: ``"0"`` no score or below
    blue (not drawn), ``"1"``..``"4"`` blue, yellow, orange, red on the stepped scale ``steps``
    (lower bounds). 30,000 cells → a 30 KB string instead of a ~175 KB float list."""
    v = (
        np.array([np.nan if x is None else x for x in values], dtype=float)
        if isinstance(values, list)
        else np.asarray(values, dtype=float)
    )
    k = np.searchsorted(np.asarray(steps, dtype=float), v, side="right")  # 0 below blue
    k[np.isnan(v)] = 0
    return (k.astype(np.uint8) + ord("0")).tobytes().decode("ascii")
