"""两客一危驾驶人 — passenger/hazmat drivers (transport bureau).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="hazmat_drivers",
    name_zh="两客一危驾驶人",
    name_en="passenger/hazmat drivers",
    department="transport bureau",
    category="population",
    frequency="month",
    format="xlsx",
    encoding="binary",
    crs="none",
    primary_key=("id_number",),
    fields=(
        f(
            "name",
            "驾驶员姓名",
            "person_name",
            "驾驶员姓名 name",
            required=True,
            sensitivity="personal",
        ),
        f(
            "id_number",
            "身份证号",
            "id_number",
            "身份证号 resident ID number",
            required=True,
            sensitivity="personal",
        ),
        f("licence_no", "从业资格证号", "code", "从业资格证号 licence number"),
        f("company", "所属企业", "text", "所属企业 company"),
        f("phone", "联系电话", "phone", "联系电话 phone number", sensitivity="personal"),
        f("plate", "车牌号", "plate", "车牌号 vehicle plate", sensitivity="personal"),
    ),
)

SCHEMA = CONTRACT.schema()
