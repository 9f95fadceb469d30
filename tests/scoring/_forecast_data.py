"""Small synthetic event history with known hotspots, shared by the forecast tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo import h3cells
from scoring.features import CellGrid

LON, LAT = 112.355, 28.554


def small_city(seed: int = 0, days: int = 240) -> tuple[CellGrid, pd.DataFrame, np.ndarray]:
    """(grid of 61 res-9 cells, theft/fire events, indices of the 3 hot cells)."""
    centre = h3cells.points_to_cells([LON], [LAT], 9)
    _, disk = h3cells.grid_disk(centre, 4)
    grid = CellGrid.from_cells(disk)
    rng = np.random.default_rng(seed)
    rate = np.full(grid.n, 0.01)
    hot = np.array([3, 20, 40])
    rate[hot] = 0.35
    counts = rng.poisson(rate[:, None], size=(grid.n, days))
    cell_i, day = np.nonzero(counts)
    reps = counts[cell_i, day]
    cell_i, day = np.repeat(cell_i, reps), np.repeat(day, reps)
    t = pd.Timestamp("2024-01-01", tz="Asia/Shanghai") + pd.to_timedelta(day + rng.uniform(0, 1, len(day)), unit="D")
    ev = pd.DataFrame({"lon": grid.lon[cell_i] + rng.normal(0, 1e-4, len(day)),
                       "lat": grid.lat[cell_i] + rng.normal(0, 1e-4, len(day)),
                       "occurred_at": t, "category": rng.choice(["theft", "fire"], len(day), p=[0.8, 0.2])})
    return grid, ev, hot
