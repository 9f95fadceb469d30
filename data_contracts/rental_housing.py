"""出租屋登记 — rental housing registrations (public security).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="rental_housing",
    name_zh="出租屋登记",
    name_en="rental housing registrations",
    department="public security",
    category="places",
    frequency="week",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("record_no",),
    record_time="registered_at",
    fields=(
        f("record_no", "登记编号", "code", "登记编号 record number", required=True),
        f("address", "房屋地址", "address", "房屋地址 address text", required=True),
        f("room", "房号", "text", "房号 room"),
        f(
            "landlord_id_number",
            "房东身份证号",
            "id_number",
            "房东身份证号 landlord ID number",
            required=True,
            sensitivity="personal",
        ),
        f(
            "landlord_name",
            "房东姓名",
            "person_name",
            "房东姓名 landlord name",
            sensitivity="personal",
        ),
        f("landlord_phone", "房东电话", "phone", "房东电话 landlord phone", sensitivity="personal"),
        f("n_tenants", "承租人数", "int", "承租人数 number of tenants", unit="person"),
        f("registered_at", "登记日期", "date", "登记日期 registration date", required=True),
    ),
)

SCHEMA = CONTRACT.schema()
