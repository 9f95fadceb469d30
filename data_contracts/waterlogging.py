"""内涝积水监测 — waterlogging monitoring (water resources).

Rendered by the synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="waterlogging",
    name_zh="内涝积水监测",
    name_en="waterlogging monitoring",
    department="water resources",
    category="sensors",
    frequency="hour",
    format="csv",
    encoding="utf-8",
    crs="WGS84",
    primary_key=("sensor_id", "ts"),
    record_time="ts",
    fields=(
        f("sensor_id", "站点编号", "code", "站点编号 sensor id", required=True),
        f("lon", "经度", "lon", "经度 longitude", unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", unit="degree"),
        f("ts", "监测时间", "datetime", "监测时间 timestamp", required=True),
        f(
            "depth_cm",
            "积水深度(cm)",
            "float",
            "积水深度(cm) water depth",
            unit="cm",
            min_value=0,
            max_value=500,
        ),
    ),
)

SCHEMA = CONTRACT.schema()
