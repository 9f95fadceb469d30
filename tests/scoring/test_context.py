"""ctx_* place context per cell from hand-made feed tables."""

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString

from geo.h3cells import cell_to_parent, points_to_cells
from scoring.context import GROUP_RENTAL_TENANTS, context_features

LON = np.array([112.350, 112.350, 112.360, 112.400])
LAT = np.array([28.600, 28.600, 28.610, 28.650])
CELLS = points_to_cells(LON, LAT, 9)


def _tables() -> dict[str, pd.DataFrame]:
    return {
        "hukou": pd.DataFrame({"h3_9": [CELLS[0], CELLS[0], CELLS[2]]}),
        "rental_housing": pd.DataFrame({"h3_9": [CELLS[0], CELLS[2], CELLS[2]],
                                        "n_tenants": [GROUP_RENTAL_TENANTS, 2, GROUP_RENTAL_TENANTS + 3]}),
        "three_small_venues": pd.DataFrame({"lon": [LON[3]], "lat": [LAT[3]]}),
        "std_address": pd.DataFrame({"building_id": ["B1", "B2"], "h3_9": [CELLS[2], CELLS[3]]}),
        "elevator_ebike": pd.DataFrame({"building_id": ["B1", "B1", "B9"]}),
    }


def test_counts_per_cell() -> None:
    grid = np.unique(CELLS)
    ctx = context_features(_tables(), grid).set_index("h3")
    assert ctx.loc[CELLS[0], "ctx_residents"] == 2
    assert ctx.loc[CELLS[2], "ctx_residents"] == 1
    assert ctx.loc[CELLS[3], "ctx_residents"] == 0
    assert ctx.loc[CELLS[0], "ctx_rentals"] == 1 and ctx.loc[CELLS[2], "ctx_rentals"] == 2
    assert ctx.loc[CELLS[0], "ctx_group_rentals"] == 1 and ctx.loc[CELLS[2], "ctx_group_rentals"] == 1
    assert ctx.loc[CELLS[3], "ctx_three_small"] == 1  # located from lon/lat
    # elevator alarms located via the gazetteer's building; unknown building B9 adds nothing
    assert ctx.loc[CELLS[2], "ctx_elevator_ebike"] == 2
    assert ctx["ctx_elevator_ebike"].sum() == 2
    assert ctx["ctx_schools"].sum() == 0  # absent feed → zeros, not an error


def test_parent_resolution_and_camera_rates() -> None:
    grid8 = np.unique(cell_to_parent(CELLS, 8))
    cams = pd.DataFrame({"camera_id": ["c1", "c2"], "h3_9": [CELLS[0], CELLS[0]],
                         "daily_flow": [100.0, 300.0], "violation_rate": [0.1, 0.2]})
    ctx = context_features(_tables(), grid8, res=8, camera_rates=cams).set_index("h3")
    p = cell_to_parent(CELLS[:1], 8)[0]
    assert ctx.loc[p, "ctx_ebike_flow"] == 400
    assert abs(ctx.loc[p, "ctx_ebike_violation_rate"] - (10 + 60) / 400) < 1e-12
    assert ctx["ctx_residents"].sum() == 3


def test_road_km() -> None:
    road = gpd.GeoDataFrame({"road_id": ["r1"]}, geometry=[LineString([(112.3500, 28.6000), (112.3505, 28.6000)])],
                            crs="EPSG:4326")
    grid = np.unique(CELLS)
    ctx = context_features({}, grid, roads=road).set_index("h3")
    # 0.0005° of longitude at 28.6°N ≈ 48.8 m
    assert abs(ctx["ctx_road_km"].sum() - 0.0488) < 0.002
