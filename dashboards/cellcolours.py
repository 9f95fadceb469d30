"""Colour classes of the cockpit's cells for one filter (theme, period, selected area).

The browser fetches them from ``maplayers.CLASSES_URL`` and caches them: one character per cell
in geometry order (see :func:`dashboards.maplayers.cell_classes`), the theme's stepped
thresholds already applied on the server, plus the indices of the selected area's cells.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dashboards import maplayers, queries
from dashboards.data import AppData

_CACHE: dict[str, Any] = {}


def classes_payload(d: AppData, theme: str, period: str, area: dict | None = None) -> dict:
    """``{"c": "0142…", "hl": [cell indices of area], "steps": [...], "colors": [...]}``."""
    if _CACHE.get("for") is not d:
        _CACHE.clear()
        _CACHE["for"], _CACHE["c"] = d, {}
    cache = _CACHE["c"]
    steps = queries.theme_steps(d.themes(), theme)
    cells = d.cells()
    if (theme, period) not in cache:
        if len(cache) > 64:
            cache.clear()
        vals = maplayers.cell_values(
            cells, queries.scores_for(d.table("cell_scores"), theme, period)
        )
        cache[(theme, period)] = maplayers.cell_classes(vals, steps)
    hl: list[int] = []
    if area and area.get("level") in ("county", "township", "grid"):
        inside = queries.scores_for(d.table("cell_scores"), theme, period, area)["h3_9"].to_numpy()
        hl = np.nonzero(np.isin(cells, inside))[0].tolist()
    return {
        "c": cache[(theme, period)],
        "hl": hl,
        "steps": list(steps),
        "colors": list(maplayers.STEP_COLOURS),
    }
