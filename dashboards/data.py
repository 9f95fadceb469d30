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

from collections.abc import Callable
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

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()``, computed once per ``key`` until :meth:`refresh` (views derived from the
        tables that every page load would otherwise rebuild, e.g. the map's GeoJSON layers)."""
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]

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

    def cells_binary_bytes(self) -> bytes:
        """The polygons of :meth:`cells` in the binary layout of
        :func:`dashboards.maplayers.cells_binary` (built once) for the geometry route."""
        if "cells_binary" not in self._derived:
            from dashboards.maplayers import cells_binary

            self._derived["cells_binary"] = cells_binary(self.cells())
        return self._derived["cells_binary"]

    def areas_geojson(self, level: str) -> dict[str, Any]:
        """Boundaries of one admin level of ``areas`` as simplified GeoJSON (built once)."""
        from dashboards.maplayers import areas_geojson

        return self.memo(
            f"areas_geojson:{level}", lambda: areas_geojson(self.table("areas"), level)
        )

    def scores(self, theme: str, period: str, area: dict | None = None) -> pd.DataFrame:
        """:func:`dashboards.queries.scores_for` on ``cell_scores``, with the rows of each
        (theme, period) found through an index built once (not a scan of every score)."""
        from dashboards.queries import scores_for

        cs = self.table("cell_scores")
        if cs.empty:
            return cs

        def build() -> dict:
            keys = [cs["theme"].astype(str), cs["period"].astype(str)]
            return cs.groupby(keys, sort=False).indices

        rows = self.memo("scores:rows", build).get((theme, period))
        sub = cs.iloc[rows] if rows is not None else cs.iloc[:0]
        return scores_for(sub, theme, period, area)

    def periods(self) -> list[str]:
        """Periods that have cell scores, newest first."""

        def build() -> list[str]:
            cs = self.table("cell_scores")
            return [] if cs.empty else sorted(cs["period"].astype(str).unique(), reverse=True)

        return list(self.memo("periods", build))

    def themes(self) -> pd.DataFrame:
        """Themes with labels; ``composite`` first."""
        return self.memo("themes", self._themes).copy()

    def _themes(self) -> pd.DataFrame:
        th = self.table("themes")
        if th.empty:
            cs = self.table("cell_scores")
            names = sorted(cs["theme"].unique()) if not cs.empty else []
            th = pd.DataFrame({"theme": names, "name_zh": names, "name_en": names, "owner": ""})
        order = (th["theme"] != "composite").astype(int)
        return th.assign(_o=order).sort_values(["_o", "theme"]).drop(columns="_o")
