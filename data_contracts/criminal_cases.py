"""刑事案件 — criminal cases (public security).

Rendered by the synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="criminal_cases",
    name_zh="刑事案件",
    name_en="criminal cases",
    department="public security",
    category="events",
    frequency="day",
    format="csv",
    encoding="utf-8",
    crs="GCJ02",
    primary_key=("record_no",),
    record_time="reported_at",
    event_category="category",
    fields=(
        f("record_no", "案件编号", "code", "案件编号 record number", required=True),
        f("category", "案件类别", "text", "案件类别 category label", required=True),
        f("occurred_at", "案发时间", "datetime", "案发时间 occurred at", required=True),
        f("reported_at", "立案时间", "datetime", "立案时间 reported at"),
        f("address", "案发地点", "address", "案发地点 address text"),
        f("lon", "经度", "lon", "经度 longitude", unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", unit="degree"),
        f(
            "suspect_id_number",
            "嫌疑人身份证号",
            "id_number",
            "嫌疑人身份证号 suspect ID number",
            sensitivity="personal",
        ),
        f(
            "suspect_name",
            "嫌疑人姓名",
            "person_name",
            "嫌疑人姓名 suspect name",
            sensitivity="personal",
        ),
        f("description", "简要案情", "text", "简要案情 description"),
    ),
)

SCHEMA = CONTRACT.schema()
