"""外卖骑手备案 — delivery rider registry (platforms via commerce bureau).

Rendered by the synthetic city as CSV utf-8-sig; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="delivery_riders",
    name_zh="外卖骑手备案",
    name_en="delivery rider registry",
    department="platforms via commerce bureau",
    category="population",
    frequency="week",
    format="csv",
    encoding="utf-8-sig",
    crs="none",
    primary_key=("phone",),
    fields=(
        f(
            "name",
            "骑手姓名",
            "person_name",
            "骑手姓名 name",
            required=True,
            sensitivity="personal",
        ),
        f("phone", "手机号", "phone", "手机号 phone number", required=True, sensitivity="personal"),
        f(
            "id_number",
            "身份证号",
            "id_number",
            "身份证号 resident ID number",
            sensitivity="personal",
        ),
        f("platform", "平台", "text", "平台 platform", required=True),
        f("plate", "电动车号牌", "plate", "电动车号牌 vehicle plate", sensitivity="personal"),
    ),
)

SCHEMA = CONTRACT.schema()
