"""标准地址库 (一标) — standard address gazetteer (public security).

Rendered by the synthetic city as GEOJSON utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="std_address",
    name_zh="标准地址库 (一标)",
    name_en="standard address gazetteer",
    department="public security",
    category="gazetteer",
    frequency="month",
    format="geojson",
    encoding="utf-8",
    crs="WGS84",
    primary_key=("address_id",),
    fields=(
        f("address_id", "地址编码", "code", "地址编码 standard address id", required=True),
        f("building_id", "建筑物编码", "code", "建筑物编码 building id"),
        f("std_text", "标准地址", "address", "标准地址 standard address text", required=True),
        f("county", "区县", "text", "区县 county name"),
        f("township", "乡镇街道", "text", "乡镇街道 township name"),
        f("grid_id", "网格编码", "code", "网格编码 grid id"),
        f("road_name", "街路巷", "text", "街路巷 road name"),
        f("road_no", "门牌号", "int", "门牌号 house number"),
        f("building", "楼栋", "text", "楼栋 building"),
        f("unit", "单元", "text", "单元 unit (entrance)"),
        f("lon", "经度", "lon", "经度 longitude", required=True, unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", required=True, unit="degree"),
        f("geometry", ("geometry",), "geometry", "几何 geometry (WGS-84)", sensitivity="public"),
    ),
)

SCHEMA = CONTRACT.schema()
