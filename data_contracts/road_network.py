"""道路中心线 — road centrelines (natural resources).

Rendered by the synthetic city as GEOJSON utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="road_network",
    name_zh="道路中心线",
    name_en="road centrelines",
    department="natural resources",
    category="gazetteer",
    frequency="year",
    format="geojson",
    encoding="utf-8",
    crs="WGS84",
    primary_key=("road_id",),
    fields=(
        f("road_id", "道路编码", "code", "道路编码 road id", required=True),
        f("name", "道路名称", "text", "道路名称 name"),
        f("kind", "道路等级", "text", "道路等级 kind"),
        f("county_adcode", "行政区划代码", "code", "行政区划代码 county adcode"),
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
