"""消防检查 — fire inspections (fire rescue).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="fire_inspections",
    name_zh="消防检查",
    name_en="fire inspections",
    department="fire rescue",
    category="units",
    frequency="week",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("record_no",),
    record_time="inspected_on",
    fields=(
        f("record_no", "检查记录号", "code", "检查记录号 record number", required=True),
        f("unit_name", "检查单位", "text", "检查单位 unit name"),
        f("uscc", "统一社会信用代码", "uscc", "统一社会信用代码 unified social credit code"),
        f("address", "单位地址", "address", "单位地址 address text"),
        f("inspected_on", "检查日期", "date", "检查日期 inspection date", required=True),
        f("result", "检查结果", "text", "检查结果 result"),
        f("n_hazards", "隐患数", "int", "隐患数 hazards found"),
    ),
)

SCHEMA = CONTRACT.schema()
