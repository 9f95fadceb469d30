"""12345 热线诉求 — 12345 hotline requests (government service centre).

Rendered by the synthetic city as CSV utf-8-sig; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="hotline_12345",
    name_zh="12345 热线诉求",
    name_en="12345 hotline requests",
    department="government service centre",
    category="events",
    frequency="day",
    format="csv",
    encoding="utf-8-sig",
    crs="address",
    primary_key=("record_no",),
    record_time="reported_at",
    event_category="category",
    fields=(
        f("record_no", "工单编号", "code", "工单编号 record number", required=True),
        f("reported_at", "来电时间", "datetime", "来电时间 reported at", required=True),
        f("caller_phone", "来电号码", "phone", "来电号码 caller phone", sensitivity="personal"),
        f("address", "诉求地址", "address", "诉求地址 address text"),
        f("category", "诉求类别", "text", "诉求类别 category label"),
        f("description", "诉求内容", "text", "诉求内容 description"),
    ),
)

SCHEMA = CONTRACT.schema()
