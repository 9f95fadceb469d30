"""Colour classes of the cockpit's cells for one filter (theme, period, selected area).

The browser fetches them from ``maplayers.CLASSES_URL`` and caches them: one character per cell
in geometry order (see :func:`dashboards.maplayers.cell_classes`), the theme's stepped
thresholds already applied on the server, plus the indices of the selected area's cells. The
city view of every theme × the :data:`PREFETCH_PERIODS` newest periods is computed when the app
starts and sent in one response (``maplayers.CLASSES_CITY_URL``) after the first map paint.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dashboards import maplayers, queries
from dashboards.data import AppData

#: Newest periods whose city view (every theme) is prefetched by the browser.
PREFETCH_PERIODS = 6

_CACHE: dict[str, Any] = {}


def filter_key(theme: str, period: str, level: str = "city", code: str | None = None) -> str:
    """The browser's cache key of one filter (``pinganKey`` in assets/pingan_map.js)."""
    return f"{theme}|{period}|{level}|{'' if level == 'city' else (code or '')}"


def _classes(d: AppData, theme: str, period: str) -> str:
    if _CACHE.get("for") is not d:
        _CACHE.clear()
        _CACHE["for"], _CACHE["c"] = d, {}
    cache = _CACHE["c"]
    if (theme, period) not in cache:
        if len(cache) > 256:
            cache.clear()
        steps = queries.theme_steps(d.themes(), theme)
        vals = maplayers.cell_values(d.cells(), d.scores(theme, period))
        cache[(theme, period)] = maplayers.cell_classes(vals, steps)
    return cache[(theme, period)]


def classes_payload(d: AppData, theme: str, period: str, area: dict | None = None) -> dict:
    """``{"c": "0142…", "hl": [cell indices of area], "steps": [...], "colors": [...]}``."""
    cells = d.cells()
    hl: list[int] = []
    if area and area.get("level") in ("county", "township", "grid"):
        inside = d.scores(theme, period, area)["h3_9"].to_numpy()
        hl = np.nonzero(np.isin(cells, inside))[0].tolist()
    return {
        "c": _classes(d, theme, period),
        "hl": hl,
        "steps": list(queries.theme_steps(d.themes(), theme)),
        "colors": list(maplayers.STEP_COLOURS),
    }


def prefetch_filters(d: AppData, n_periods: int = PREFETCH_PERIODS) -> list[tuple[str, str]]:
    """(theme, period) of the city views the browser prefetches: every theme × newest periods."""
    periods = d.periods()[:n_periods]
    return [(th, p) for th in d.themes()["theme"].astype(str) for p in periods]


def city_payloads(d: AppData, n_periods: int = PREFETCH_PERIODS) -> dict[str, dict]:
    """:func:`classes_payload` of the city view of every :func:`prefetch_filters` filter, keyed
    by :func:`filter_key`."""
    return {
        filter_key(th, p): classes_payload(d, th, p) for th, p in prefetch_filters(d, n_periods)
    }
