"""低保 / 特困 — minimum-income / extreme-poverty support (civil affairs).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="low_income",
    name_zh="低保 / 特困",
    name_en="minimum-income / extreme-poverty support",
    department="civil affairs",
    category="care",
    frequency="month",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("id_number",),
    fields=(
        f(
            "name",
            "户主姓名",
            "person_name",
            "户主姓名 name",
            required=True,
            sensitivity="personal",
        ),
        f(
            "id_number",
            "户主身份证号",
            "id_number",
            "户主身份证号 resident ID number",
            required=True,
            sensitivity="personal",
        ),
        f("household_size", "家庭人口", "int", "家庭人口 household size", unit="person"),
        f("support_kind", "保障类别", "text", "保障类别 support kind"),
        f("address", "家庭住址", "address", "家庭住址 address text"),
        f("monthly_amount", "月保障金额", "float", "月保障金额 monthly amount", unit="CNY"),
    ),
)

SCHEMA = CONTRACT.schema()
