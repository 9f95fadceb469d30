"""网格划分 — grid boundaries (grid management).

Rendered by the synthetic city as GEOJSON utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="grids",
    name_zh="网格划分",
    name_en="grid boundaries",
    department="grid management",
    category="gazetteer",
    frequency="year",
    format="geojson",
    encoding="utf-8",
    crs="WGS84",
    primary_key=("grid_id",),
    fields=(
        f("grid_id", "网格编码", "code", "网格编码 grid id", required=True),
        f("name", "网格名称", "text", "网格名称 name"),
        f("township_code", "乡镇街道代码", "code", "乡镇街道代码 township code"),
        f(
            "geometry",
            ("geometry",),
            "geometry",
            "几何 geometry (WGS-84)",
            required=True,
            sensitivity="public",
        ),
    ),
)

SCHEMA = CONTRACT.schema()
