"""三小场所 — three-small venues (market regulation).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="three_small_venues",
    name_zh="三小场所",
    name_en="three-small venues",
    department="market regulation",
    category="units",
    frequency="month",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("name", "address"),
    fields=(
        f("name", "场所名称", "text", "场所名称 name", required=True),
        f("uscc", "统一社会信用代码", "uscc", "统一社会信用代码 unified social credit code"),
        f("sub_kind", "场所类型", "text", "场所类型 sub-kind"),
        f("address", "地址", "address", "地址 address text", required=True),
        f("manager_name", "负责人", "person_name", "负责人 manager name", sensitivity="personal"),
        f("phone", "联系电话", "phone", "联系电话 phone number", sensitivity="personal"),
    ),
)

SCHEMA = CONTRACT.schema()
