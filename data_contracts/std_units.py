"""实有单位 — registered units (public security).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="std_units",
    name_zh="实有单位",
    name_en="registered units",
    department="public security",
    category="units",
    frequency="month",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("uscc",),
    fields=(
        f(
            "uscc",
            "统一社会信用代码",
            "uscc",
            "统一社会信用代码 unified social credit code",
            required=True,
        ),
        f("name", "单位名称", "text", "单位名称 name", required=True),
        f("kind", "单位类别", "text", "单位类别 kind"),
        f("address", "单位地址", "address", "单位地址 address text", required=True),
        f(
            "legal_rep_name",
            "法定代表人",
            "person_name",
            "法定代表人 legal representative",
            sensitivity="personal",
        ),
        f(
            "legal_rep_id_number",
            "法人身份证号",
            "id_number",
            "法人身份证号 legal representative ID number",
            sensitivity="personal",
        ),
        f("employees", "从业人员数", "int", "从业人员数 employees", unit="person"),
        f("opened", "成立日期", "date", "成立日期 established on"),
    ),
)

SCHEMA = CONTRACT.schema()
