"""What the app reads: the published view tables of the analytic zone (I/O edge of the app).

View tables (written by ``pingan.pipeline``'s publish step; see docs/dashboard.md):

- ``areas``: level (county|township|grid), code, name, parent_code, geometry (EPSG:4326)
- ``cell_scores``: h3_9 (int64), period (YYYY-MM-DD, period start), theme (``composite`` or a
  model id), score (0–100), colour (red|orange|yellow|blue), county_adcode, township_code, grid_id
- ``cell_factors``: h3_9, period, theme, factor, label_zh, label_en, value, contribution
- ``area_scores``: level, code, name, parent_code, period, theme, index, share_red,
  share_orange, n_cells
- ``warnings``: period, theme, kind (event|points), colour, subject_type, subject_id, h3_9,
  township_code, reasons
- ``themes``: theme, name_zh, name_en, owner
- camera analytics (``camera_indicators_township``, ``camera_hour_weekday``, ``camera_delivery``,
  ``camera_calibration``, ``camera_health``, ``site_selection``, ``problem_lists``,
  ``hotspots_h3``) and ``quality`` as their stages write them.

A missing table reads as an empty frame so every page can show an empty state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class AppData:
    """Cached read access to the store's view tables for one app process."""

    store: Any  # geo.store.Store
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict)
    _derived: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """The whole table ``name`` (cached), or an empty DataFrame when it does not exist."""
        if name not in self._cache:
            if self.store is not None and self.store.exists(name):
                self._cache[name] = self.store.read(name)
            else:
                self._cache[name] = pd.DataFrame()
        return self._cache[name]

    def refresh(self) -> None:
        """Forget cached tables (after a new pipeline run or a published model)."""
        self._cache.clear()
        self._derived.clear()

    def cells(self) -> np.ndarray:
        """The study area's cells (int64, sorted): the order geometry is sent to the browser."""
        if "cells" not in self._derived:
            cs = self.table("cell_scores")
            self._derived["cells"] = (
                np.sort(cs["h3_9"].astype("int64").unique())
                if not cs.empty
                else np.zeros(0, dtype=np.int64)
            )
        return self._derived["cells"]

    def cells_geojson_bytes(self) -> bytes:
        """GeoJSON of :meth:`cells` (compact, built once) for the geometry route."""
        if "cells_geojson" not in self._derived:
            import json

            from dashboards.maplayers import cells_geojson

            self._derived["cells_geojson"] = json.dumps(
                cells_geojson(self.cells()), separators=(",", ":")
            ).encode()
        return self._derived["cells_geojson"]

    def periods(self) -> list[str]:
        """Periods that have cell scores, newest first."""
        cs = self.table("cell_scores")
        if cs.empty:
            return []
        return sorted(cs["period"].astype(str).unique(), reverse=True)

    def themes(self) -> pd.DataFrame:
        """Themes with labels; ``composite`` first."""
        th = self.table("themes")
        if th.empty:
            cs = self.table("cell_scores")
            names = sorted(cs["theme"].unique()) if not cs.empty else []
            th = pd.DataFrame({"theme": names, "name_zh": names, "name_en": names, "owner": ""})
        order = (th["theme"] != "composite").astype(int)
        return th.assign(_o=order).sort_values(["_o", "theme"]).drop(columns="_o")
