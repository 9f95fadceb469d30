"""常住人口 (户籍) — registered residents (public security).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="hukou",
    name_zh="常住人口 (户籍)",
    name_en="registered residents",
    department="public security",
    category="population",
    frequency="month",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("id_number",),
    fields=(
        f(
            "id_number",
            "公民身份号码",
            "id_number",
            "公民身份号码 resident ID number",
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
        f(
            "ethnicity",
            "民族",
            "text",
            "民族 ethnicity (protected)",
            sensitivity="sensitive",
            protected=True,
            usable_for_scoring=False,
        ),
        f("birth_date", "出生日期", "date", "出生日期 date of birth"),
        f("hukou_no", "户号", "code", "户号 household register no.", required=True),
        f("relation", "与户主关系", "text", "与户主关系 relation to household head"),
        f("address", "户籍地址", "address", "户籍地址 address text", required=True),
        f("phone", "联系电话", "phone", "联系电话 phone number", sensitivity="personal"),
    ),
)

SCHEMA = CONTRACT.schema()
