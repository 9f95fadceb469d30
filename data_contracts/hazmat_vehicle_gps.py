"""两客一危车辆 GPS — passenger/hazmat vehicle GPS (transport bureau).

Rendered by the synthetic city as PARQUET; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="hazmat_vehicle_gps",
    name_zh="两客一危车辆 GPS",
    name_en="passenger/hazmat vehicle GPS",
    department="transport bureau",
    category="vehicles",
    frequency="30s",
    format="parquet",
    encoding="binary",
    crs="WGS84",
    primary_key=("plate", "ts"),
    record_time="ts",
    fields=(
        f(
            "plate",
            "车牌号",
            "plate",
            "车牌号 vehicle plate",
            required=True,
            sensitivity="personal",
        ),
        f("ts", "定位时间", "datetime", "定位时间 timestamp", required=True),
        f("lon", "经度", "lon", "经度 longitude", required=True, unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", required=True, unit="degree"),
        f("speed_kmh", "速度", "float", "速度 speed", unit="km/h", min_value=0, max_value=250),
        f("heading", "方向", "int", "方向 heading", unit="degree", min_value=0, max_value=360),
    ),
)

SCHEMA = CONTRACT.schema()
