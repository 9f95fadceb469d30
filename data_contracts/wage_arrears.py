"""欠薪投诉 — wage arrears complaints (human resources).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="wage_arrears",
    name_zh="欠薪投诉",
    name_en="wage arrears complaints",
    department="human resources",
    category="events",
    frequency="week",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("record_no",),
    record_time="reported_on",
    fields=(
        f("record_no", "投诉编号", "code", "投诉编号 record number", required=True),
        f("reported_on", "投诉日期", "date", "投诉日期 reported on", required=True),
        f("unit_name", "被投诉单位", "text", "被投诉单位 unit name"),
        f("uscc", "统一社会信用代码", "uscc", "统一社会信用代码 unified social credit code"),
        f("address", "单位地址", "address", "单位地址 address text"),
        f("n_workers", "涉及人数", "int", "涉及人数 workers involved", unit="person"),
        f("amount", "涉及金额(元)", "float", "涉及金额(元) amount", unit="CNY"),
    ),
)

SCHEMA = CONTRACT.schema()
