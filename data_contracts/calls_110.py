"""110 警情 — 110 police calls (public security).

Rendered by the synthetic city as CSV gbk; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="calls_110",
    name_zh="110 警情",
    name_en="110 police calls",
    department="public security",
    category="events",
    frequency="hour",
    format="csv",
    encoding="gb18030",
    crs="GCJ02",
    primary_key=("record_no",),
    record_time="reported_at",
    event_category="category",
    fields=(
        f("record_no", "警情编号", "code", "警情编号 record number", required=True),
        f("reported_at", "报警时间", "datetime", "报警时间 reported at", required=True),
        f("address", "发案地址", "address", "发案地址 address text"),
        f("category", "警情类别", "text", "警情类别 category label", required=True),
        f("subcategory", "警情细类", "text", "警情细类 sub-category"),
        f("caller_phone", "报警人电话", "phone", "报警人电话 caller phone", sensitivity="personal"),
        f("lon", "经度", "lon", "经度 longitude", unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", unit="degree"),
        f("description", "简要警情", "text", "简要警情 description"),
    ),
)

SCHEMA = CONTRACT.schema()
