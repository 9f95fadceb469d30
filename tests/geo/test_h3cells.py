"""Tests for geo.h3cells: every vectorised helper against h3-py's scalar API."""

from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import h3cells
from geo.h3cells import (
    NULL_CELL,
    cell_area_km2,
    cell_resolution,
    cell_to_parent,
    cells_to_polygons,
    cells_to_str,
    grid_disk,
    h3_col,
    points_to_cells,
    points_to_cells_multi,
    polygon_to_cells,
    str_to_cells,
)


@pytest.fixture(params=["default", "h3-py"], autouse=True)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run every test on the default backend (h3ronpy when installed) and on the h3-py
    fallback, which must give identical results."""
    if request.param == "h3-py":
        monkeypatch.setattr(h3cells, "_rs", None)
        assert h3cells.backend() == "h3-py"
    return h3cells.backend()


RNG = np.random.default_rng(7)
N = 2000
# Mostly Yiyang, plus a spread over China and a few far-away points.
LON = np.concatenate([RNG.uniform(112.2, 112.5, N - 200), RNG.uniform(73, 135, 190), [-0.12] * 10])
LAT = np.concatenate([RNG.uniform(28.4, 28.7, N - 200), RNG.uniform(18, 53, 190), [51.5] * 10])


def _ref_cells(lon: np.ndarray, lat: np.ndarray, res: int) -> np.ndarray:
    return np.array(
        [h3.str_to_int(h3.latlng_to_cell(y, x, res)) for x, y in zip(lon, lat, strict=True)],
        dtype=np.uint64,
    ).view(np.int64)


@pytest.mark.parametrize("res", [0, 5, 9, 12, 15])
def test_points_to_cells_matches_h3(res: int) -> None:
    cells = points_to_cells(LON, LAT, res)
    assert cells.dtype == np.int64
    np.testing.assert_array_equal(cells, _ref_cells(LON, LAT, res))
    assert (cells > 0).all()


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lon=st.floats(min_value=-180, max_value=180),
    lat=st.floats(min_value=-90, max_value=90),
    res=st.integers(min_value=0, max_value=15),
)
def test_points_to_cells_any_point(lon: float, lat: float, res: int) -> None:
    assert points_to_cells([lon], [lat], res)[0] == h3.str_to_int(h3.latlng_to_cell(lat, lon, res))


def test_nan_and_invalid_coordinates_give_null_cell() -> None:
    lon = np.array([112.3, np.nan, 112.3, np.inf, 112.3])
    lat = np.array([28.5, 28.5, np.nan, 28.5, 95.0])
    cells = points_to_cells(lon, lat, 9)
    assert NULL_CELL == 0
    assert cells[0] != NULL_CELL
    assert (cells[1:] == NULL_CELL).all()


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="length"):
        points_to_cells([1.0, 2.0], [1.0], 9)
    with pytest.raises(ValueError, match="resolution"):
        points_to_cells([1.0], [1.0], 16)


def test_multi_resolution_equals_direct_computation() -> None:
    out = points_to_cells_multi(LON, LAT, [9, 7, 5])
    assert sorted(out) == [5, 7, 9]
    for res, cells in out.items():
        np.testing.assert_array_equal(cells, points_to_cells(LON, LAT, res))
    assert points_to_cells_multi(LON, LAT, []) == {}


def test_multi_resolution_hierarchical_uses_parents() -> None:
    out = points_to_cells_multi(LON, LAT, [9, 7, 5], hierarchical=True)
    np.testing.assert_array_equal(out[9], points_to_cells(LON, LAT, 9))
    for res in (5, 7):
        np.testing.assert_array_equal(out[res], cell_to_parent(out[9], res))
    # H3 is not exactly nested: some points' coarse cell is not their fine cell's parent.
    direct = points_to_cells(LON, LAT, 5)
    assert 0 < np.count_nonzero(direct != out[5]) < 0.1 * len(LON)


def test_cell_to_parent_matches_h3_and_keeps_null() -> None:
    cells = points_to_cells(LON, LAT, 11)
    for res in (0, 4, 8, 11):
        parents = cell_to_parent(cells, res)
        ref = np.array(
            [h3.str_to_int(h3.cell_to_parent(h3.int_to_str(int(c)), res)) for c in cells],
            dtype=np.uint64,
        ).view(np.int64)
        np.testing.assert_array_equal(parents, ref)
    assert cell_to_parent(np.array([0, cells[0]]), 5)[0] == NULL_CELL
    with pytest.raises(ValueError, match="coarser"):
        cell_to_parent(cell_to_parent(cells[:3], 5), 7)


def test_cell_resolution() -> None:
    cells = points_to_cells(LON[:50], LAT[:50], 8)
    np.testing.assert_array_equal(cell_resolution(np.r_[cells, 0]), [8] * 50 + [-1])


@pytest.mark.parametrize("k", [0, 1, 2])
def test_grid_disk_flat_arrays_match_h3(k: int) -> None:
    cells = points_to_cells(LON[:30], LAT[:30], 9)
    cells = np.r_[cells[:10], NULL_CELL, cells[10:]]
    origin, neighbours = grid_disk(cells, k)
    assert origin.dtype == np.int64 and neighbours.dtype == np.int64
    assert 10 not in origin  # the NULL input contributes nothing
    for i, c in enumerate(cells):
        if c == NULL_CELL:
            continue
        ref = sorted(h3.str_to_int(x) for x in h3.grid_disk(h3.int_to_str(int(c)), k))
        assert sorted(neighbours[origin == i].tolist()) == ref
    assert len(neighbours) == 30 * (1 + 3 * k * (k + 1))


def test_grid_disk_rejects_negative_k_and_handles_empty() -> None:
    with pytest.raises(ValueError):
        grid_disk(np.array([1]), -1)
    origin, neighbours = grid_disk(np.array([0, 0]), 1)
    assert len(origin) == 0 and len(neighbours) == 0


def test_cells_to_polygons_match_h3_boundaries() -> None:
    cells = np.r_[points_to_cells(LON[:20], LAT[:20], 8), NULL_CELL]
    polys = cells_to_polygons(cells)
    assert isinstance(polys, gpd.GeoSeries)
    assert polys.crs.to_epsg() == 4326
    assert polys.iloc[-1] is None
    for c, poly in zip(cells[:-1], polys.iloc[:-1], strict=True):
        boundary = h3.cell_to_boundary(h3.int_to_str(int(c)))
        ref = shapely.Polygon([(lng, lat) for lat, lng in boundary])
        assert poly.is_valid
        assert poly.symmetric_difference(ref).area < 1e-12
        # The cell's centre lies in its polygon.
        lat, lng = h3.cell_to_latlng(h3.int_to_str(int(c)))
        assert poly.contains(shapely.Point(lng, lat))


def test_string_round_trip_and_invalid_strings() -> None:
    cells = points_to_cells(LON[:100], LAT[:100], 9)
    strs = cells_to_str(np.r_[cells, NULL_CELL])
    assert strs[0] == h3.int_to_str(int(cells[0]))
    assert strs[-1] == ""
    back = str_to_cells(list(strs) + ["not-a-cell", None])
    np.testing.assert_array_equal(back[:100], cells)
    assert back.dtype == np.int64
    assert (back[100:] == NULL_CELL).all()


def test_cell_area_km2_matches_h3() -> None:
    cells = points_to_cells(LON[:50], LAT[:50], 7)
    areas = cell_area_km2(np.r_[cells, NULL_CELL])
    ref = [h3.cell_area(h3.int_to_str(int(c)), unit="km^2") for c in cells]
    np.testing.assert_allclose(areas[:-1], ref, rtol=1e-12)
    assert np.isnan(areas[-1])
    assert 4.0 < areas[0] < 6.0  # res 7 hexagons are ~5.2 km²


def test_polygon_to_cells_covers_a_study_area_with_a_hole() -> None:
    outer = shapely.box(112.30, 28.50, 112.40, 28.60)
    hole = shapely.box(112.34, 28.54, 112.36, 28.56)
    area = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
    cells = polygon_to_cells(area, 8)
    assert cells.dtype == np.int64
    assert len(np.unique(cells)) == len(cells)
    centres = [h3.cell_to_latlng(h3.int_to_str(int(c))) for c in cells]
    pts = shapely.points([(lng, lat) for lat, lng in centres])
    assert shapely.contains(area, pts).all()
    # Every centre of a res-8 cell within the area is listed: sample points in the area bin to
    # cells whose centre is inside, and those must all be present.
    lon = RNG.uniform(112.30, 112.40, 5000)
    lat = RNG.uniform(28.50, 28.60, 5000)
    sample = points_to_cells(lon, lat, 8)
    sc = np.unique(sample)
    s_centres = [h3.cell_to_latlng(h3.int_to_str(int(c))) for c in sc]
    inside = shapely.contains(area, shapely.points([(lng, lat) for lat, lng in s_centres]))
    assert set(sc[inside].tolist()) <= set(cells.tolist())
    # Area check: cells cover the polygon's area to within a few percent.
    ratio = cell_area_km2(cells).sum() / (
        gpd.GeoSeries([area], crs=4326).to_crs("+proj=aea +lat_1=25 +lat_2=47 +lon_0=105").area[0]
        / 1e6
    )
    assert 0.9 < ratio < 1.1


def test_polygon_to_cells_accepts_a_geoseries_in_another_crs() -> None:
    square = gpd.GeoSeries([shapely.box(112.30, 28.50, 112.35, 28.55)], crs=4326)
    direct = polygon_to_cells(square.iloc[0], 8)
    via_series = polygon_to_cells(square.to_crs(3857), 8)
    assert set(direct.tolist()) == set(via_series.tolist())


def test_column_naming_convention() -> None:
    assert h3_col(9) == "h3_9"
    assert h3_col(7) == "h3_7"
