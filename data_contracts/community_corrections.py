"""社区矫正对象 — community corrections (justice bureau).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="community_corrections",
    name_zh="社区矫正对象",
    name_en="community corrections",
    department="justice bureau",
    category="care",
    frequency="month",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("id_number",),
    fields=(
        f("name", "姓名", "person_name", "姓名 name", required=True, sensitivity="sensitive"),
        f(
            "id_number",
            "身份证号",
            "id_number",
            "身份证号 resident ID number",
            required=True,
            sensitivity="sensitive",
        ),
        f(
            "correction_kind",
            "矫正类别",
            "text",
            "矫正类别 correction kind",
            sensitivity="sensitive",
        ),
        f("start_date", "矫正起始日期", "date", "矫正起始日期 start date"),
        f("address", "居住地址", "address", "居住地址 address text"),
    ),
)

SCHEMA = CONTRACT.schema()
