"""交通违法 (现场) — on-site traffic violations (traffic police).

Rendered by the synthetic city as CSV gbk; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="traffic_violations",
    name_zh="交通违法 (现场)",
    name_en="on-site traffic violations",
    department="traffic police",
    category="events",
    frequency="day",
    format="csv",
    encoding="gb18030",
    crs="GCJ02",
    primary_key=("record_no",),
    record_time="occurred_at",
    event_category="traffic_violation",
    fields=(
        f("record_no", "决定书编号", "code", "决定书编号 record number", required=True),
        f("occurred_at", "违法时间", "datetime", "违法时间 occurred at", required=True),
        f("address", "违法地点", "address", "违法地点 address text"),
        f("behaviour", "违法行为", "text", "违法行为 violation behaviour"),
        f("plate", "号牌号码", "plate", "号牌号码 vehicle plate", sensitivity="personal"),
        f(
            "driver_id_number",
            "驾驶人证件号",
            "id_number",
            "驾驶人证件号 driver ID number",
            sensitivity="personal",
        ),
        f("lon", "经度", "lon", "经度 longitude", unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", unit="degree"),
    ),
)

SCHEMA = CONTRACT.schema()
