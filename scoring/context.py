"""Static place context per H3 cell (``ctx_*`` features) from the analytic zone's feed tables.

Input is a mapping feed id → that feed's analytic table (pseudonymised, WGS-84, with ``h3_9``
where the feed has a place). Every ``ctx_*`` column is a count or a mean per cell at the
requested resolution (parents of the stored resolution-9 cell), so the same cell id space as
the features. Feeds without a place (e.g. smoke-sensor alarms keyed by device) are located
through the standard-address gazetteer where a link exists; otherwise they contribute nothing
and the column is 0 (said in the catalogue's meaning).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from geo.h3cells import cell_to_parent, points_to_cells

#: ctx column ← (feed id, how): "count" rows per cell, or a callable(frame) -> weights.
_COUNTS: dict[str, str] = {
    "ctx_residents": "hukou",
    "ctx_floating": "floating_pop",
    "ctx_rentals": "rental_housing",
    "ctx_three_small": "three_small_venues",
    "ctx_bar_ktv": "entertainment",
    "ctx_schools": "schools",
    "ctx_hospitals": "hospitals",
    "ctx_cameras": "camera_registry",
    "ctx_elderly_alone": "elderly_alone",
    "ctx_power_anomaly": "power_anomaly",
    "ctx_hazmat_firms": "hazmat_firms",
    "ctx_low_income": "low_income",
}

#: A rental with at least this many registered tenants counts as a group rental (群租).
GROUP_RENTAL_TENANTS = 6


def _cells_of(frame: pd.DataFrame, res: int) -> np.ndarray:
    """The frame's cells at ``res`` (from ``h3_9`` or lon/lat); 0 where it has no place."""
    if "h3_9" in frame.columns:
        c = frame["h3_9"].fillna(0).to_numpy(dtype=np.int64)
    elif {"lon", "lat"} <= set(frame.columns):
        c = points_to_cells(frame["lon"].to_numpy(float), frame["lat"].to_numpy(float), 9)
    else:
        return np.zeros(len(frame), dtype=np.int64)
    if res == 9:
        return c
    out = np.zeros_like(c)
    ok = c != 0
    out[ok] = cell_to_parent(c[ok], res)
    return out


def _per_cell(cells: np.ndarray, weights: np.ndarray | None, grid: np.ndarray) -> np.ndarray:
    """Sum of weights (or counts) per grid cell, aligned to ``grid`` (sorted unique cells)."""
    ok = cells != 0
    c = cells[ok]
    w = np.ones(len(c)) if weights is None else np.asarray(weights, dtype=float)[ok]
    idx = np.searchsorted(grid, c)
    idx = np.clip(idx, 0, max(len(grid) - 1, 0))
    hit = (len(grid) > 0) & (grid[idx] == c) if len(grid) else np.zeros(len(c), dtype=bool)
    return np.bincount(idx[hit], weights=w[hit], minlength=len(grid)).astype(np.float64)


def _located_by_building(alarms: pd.DataFrame, gazetteer: pd.DataFrame) -> pd.DataFrame:
    """Give building-keyed rows (``building_id``) the gazetteer's cell."""
    if alarms.empty or gazetteer.empty or "building_id" not in alarms.columns:
        return alarms.iloc[0:0]
    g = gazetteer.drop_duplicates("building_id")[["building_id", "h3_9"]]
    return alarms.merge(g, on="building_id", how="inner")


def context_features(tables: Mapping[str, pd.DataFrame], cells: np.ndarray, res: int = 9,
                     camera_rates: pd.DataFrame | None = None,
                     roads: pd.DataFrame | None = None) -> pd.DataFrame:
    """``h3`` + ``ctx_*`` columns for ``cells`` (int64 H3 ids at ``res``).

    ``camera_rates``: per camera ``camera_id, h3_9, daily_flow, violation_rate`` (from the camera
    analytics) → ``ctx_ebike_flow`` (sum of cameras' daily e-bike flow) and
    ``ctx_ebike_violation_rate`` (flow-weighted mean). ``roads``: a GeoDataFrame of road centre
    lines (EPSG:4326) → ``ctx_road_km`` (length of segments whose midpoint lies in the cell).
    """
    grid = np.unique(np.asarray(cells, dtype=np.int64))
    out: dict[str, np.ndarray] = {"h3": grid}
    for col, feed in _COUNTS.items():
        f = tables.get(feed)
        out[col] = _per_cell(_cells_of(f, res), None, grid) if f is not None and len(f) else np.zeros(len(grid))
    rent = tables.get("rental_housing")
    if rent is not None and len(rent) and "n_tenants" in rent.columns:
        group = (pd.to_numeric(rent["n_tenants"], errors="coerce").fillna(0) >= GROUP_RENTAL_TENANTS).to_numpy(float)
        out["ctx_group_rentals"] = _per_cell(_cells_of(rent, res), group, grid)
    else:
        out["ctx_group_rentals"] = np.zeros(len(grid))
    gaz = tables.get("std_address", pd.DataFrame())
    elev = _located_by_building(tables.get("elevator_ebike", pd.DataFrame()), gaz)
    out["ctx_elevator_ebike"] = _per_cell(_cells_of(elev, res), None, grid) if len(elev) else np.zeros(len(grid))
    smoke = tables.get("smoke_sensors", pd.DataFrame())
    smoke = _located_by_building(smoke, gaz) if "building_id" in smoke.columns else smoke.iloc[0:0]
    out["ctx_smoke_alarms"] = _per_cell(_cells_of(smoke, res), None, grid) if len(smoke) else np.zeros(len(grid))
    if camera_rates is not None and len(camera_rates):
        cc = _cells_of(camera_rates, res)
        flow = camera_rates["daily_flow"].to_numpy(float)
        viol = camera_rates["violation_rate"].to_numpy(float) * flow
        f_sum = _per_cell(cc, flow, grid)
        out["ctx_ebike_flow"] = f_sum
        out["ctx_ebike_violation_rate"] = np.divide(_per_cell(cc, viol, grid), f_sum,
                                                    out=np.zeros(len(grid)), where=f_sum > 0)
    else:
        out["ctx_ebike_flow"] = np.zeros(len(grid))
        out["ctx_ebike_violation_rate"] = np.zeros(len(grid))
    if roads is not None and len(roads) and "geometry" in roads.columns:
        import geopandas as gpd
        import shapely

        g = gpd.GeoSeries(roads.geometry, crs="EPSG:4326")
        mid = shapely.line_interpolate_point(g.values, 0.5, normalized=True)  # degrees: a midpoint is fine
        mid = gpd.GeoSeries(mid, crs="EPSG:4326")
        length_km = g.to_crs(g.estimate_utm_crs()).length.to_numpy() / 1000.0
        rc = points_to_cells(mid.x.to_numpy(), mid.y.to_numpy(), res)
        out["ctx_road_km"] = _per_cell(rc, length_km, grid)
    else:
        out["ctx_road_km"] = np.zeros(len(grid))
    return pd.DataFrame(out)
