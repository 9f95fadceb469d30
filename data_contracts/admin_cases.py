"""治安案件 — public-order (administrative) cases (public security).

Rendered by the synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="admin_cases",
    name_zh="治安案件",
    name_en="public-order (administrative) cases",
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
        f("category", "案由", "text", "案由 category label", required=True),
        f("occurred_at", "发生时间", "datetime", "发生时间 occurred at", required=True),
        f("reported_at", "受理时间", "datetime", "受理时间 reported at"),
        f("address", "发生地址", "address", "发生地址 address text"),
        f("lon", "X坐标", "lon", "X坐标 longitude", unit="degree"),
        f("lat", "Y坐标", "lat", "Y坐标 latitude", unit="degree"),
        f(
            "party_id_number",
            "当事人证件号码",
            "id_number",
            "当事人证件号码 party ID number",
            sensitivity="personal",
        ),
        f(
            "party_name",
            "当事人姓名",
            "person_name",
            "当事人姓名 party name",
            sensitivity="personal",
        ),
    ),
)

SCHEMA = CONTRACT.schema()
