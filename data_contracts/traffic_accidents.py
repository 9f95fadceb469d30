"""交通事故 — traffic accidents (traffic police).

Rendered by the synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="traffic_accidents",
    name_zh="交通事故",
    name_en="traffic accidents",
    department="traffic police",
    category="events",
    frequency="day",
    format="csv",
    encoding="utf-8",
    crs="WGS84",
    primary_key=("record_no",),
    record_time="occurred_at",
    event_category="traffic_accident",
    fields=(
        f("record_no", "事故编号", "code", "事故编号 record number", required=True),
        f("occurred_at", "事故时间", "datetime", "事故时间 occurred at", required=True),
        f("address", "事故地点", "address", "事故地点 address text"),
        f("lon", "经度", "lon", "经度 longitude", unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", unit="degree"),
        f("severity", "事故等级", "text", "事故等级 severity"),
        f(
            "party_id_number",
            "当事人身份证号",
            "id_number",
            "当事人身份证号 party ID number",
            sensitivity="personal",
        ),
        f("plates", "涉事车辆号牌", "plate", "涉事车辆号牌 plates", sensitivity="personal"),
    ),
)

SCHEMA = CONTRACT.schema()
