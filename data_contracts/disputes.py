"""矛盾纠纷排查 — dispute screening (political-legal (综治)).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="disputes",
    name_zh="矛盾纠纷排查",
    name_en="dispute screening",
    department="political-legal (综治)",
    category="events",
    frequency="day",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("record_no",),
    record_time="reported_at",
    event_category="dispute",
    fields=(
        f("record_no", "纠纷编号", "code", "纠纷编号 record number", required=True),
        f("reported_at", "登记时间", "datetime", "登记时间 reported at", required=True),
        f("category", "纠纷类型", "text", "纠纷类型 category label"),
        f("address", "发生地址", "address", "发生地址 address text"),
        f(
            "party1_name",
            "当事人甲",
            "person_name",
            "当事人甲 party A name",
            sensitivity="personal",
        ),
        f(
            "party1_id_number",
            "甲方身份证号",
            "id_number",
            "甲方身份证号 party A ID number",
            sensitivity="personal",
        ),
        f(
            "party2_name",
            "当事人乙",
            "person_name",
            "当事人乙 party B name",
            sensitivity="personal",
        ),
        f(
            "party2_id_number",
            "乙方身份证号",
            "id_number",
            "乙方身份证号 party B ID number",
            sensitivity="personal",
        ),
        f("result", "调处结果", "text", "调处结果 result"),
    ),
)

SCHEMA = CONTRACT.schema()
