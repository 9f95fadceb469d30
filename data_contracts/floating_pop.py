"""流动人口登记 — floating population registrations (public security).

Rendered by the synthetic city as CSV gbk; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="floating_pop",
    name_zh="流动人口登记",
    name_en="floating population registrations",
    department="public security",
    category="population",
    frequency="day",
    format="csv",
    encoding="gb18030",
    crs="address",
    primary_key=("id_number", "registered_at"),
    record_time="registered_at",
    fields=(
        f(
            "id_number",
            "证件号码",
            "id_number",
            "证件号码 resident ID number",
            required=True,
            sensitivity="personal",
        ),
        f("name", "姓名", "person_name", "姓名 name", required=True, sensitivity="personal"),
        f(
            "sex",
            "性别",
            "category",
            "性别 sex",
            categories={"男": "M", "女": "F", "M": "M", "F": "F", "1": "M", "2": "F"},
        ),
        f("phone", "手机号", "phone", "手机号 phone number", sensitivity="personal"),
        f("address", "现居住地址", "address", "现居住地址 address text", required=True),
        f("origin", "户籍地", "text", "户籍地 place of household registration"),
        f("reason", "暂住事由", "text", "暂住事由 reason for stay"),
        f("occupation", "职业", "text", "职业 occupation"),
        f("registered_at", "登记日期", "date", "登记日期 registration date", required=True),
    ),
)

SCHEMA = CONTRACT.schema()
