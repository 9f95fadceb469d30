"""严重精神障碍患者 — severe mental illness registry (health commission).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="smi_registry",
    name_zh="严重精神障碍患者",
    name_en="severe mental illness registry",
    department="health commission",
    category="care",
    frequency="month",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("id_number",),
    fields=(
        f(
            "name",
            "患者姓名",
            "person_name",
            "患者姓名 name",
            required=True,
            sensitivity="sensitive",
        ),
        f(
            "id_number",
            "身份证号",
            "id_number",
            "身份证号 resident ID number",
            required=True,
            sensitivity="sensitive",
        ),
        f(
            "sex",
            "性别",
            "category",
            "性别 sex",
            categories={"男": "M", "女": "F", "M": "M", "F": "F", "1": "M", "2": "F"},
        ),
        f("address", "现住址", "address", "现住址 address text"),
        f(
            "risk_level",
            "危险性评估等级",
            "text",
            "危险性评估等级 risk level",
            sensitivity="sensitive",
        ),
        f(
            "guardian_phone",
            "监护人电话",
            "phone",
            "监护人电话 guardian phone",
            sensitivity="personal",
        ),
    ),
)

SCHEMA = CONTRACT.schema()
