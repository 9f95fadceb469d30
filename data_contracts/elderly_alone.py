"""独居老人 — elderly living alone (civil affairs).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="elderly_alone",
    name_zh="独居老人",
    name_en="elderly living alone",
    department="civil affairs",
    category="care",
    frequency="month",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("id_number",),
    fields=(
        f("name", "姓名", "person_name", "姓名 name", required=True, sensitivity="personal"),
        f(
            "id_number",
            "身份证号码",
            "id_number",
            "身份证号码 resident ID number",
            required=True,
            sensitivity="personal",
        ),
        f("age", "年龄", "int", "年龄 age", unit="year", min_value=0, max_value=130),
        f("address", "居住地址", "address", "居住地址 address text"),
        f("phone", "联系电话", "phone", "联系电话 phone number", sensitivity="personal"),
    ),
)

SCHEMA = CONTRACT.schema()
