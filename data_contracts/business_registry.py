"""市场主体登记 — market entity registry (market regulation).

Rendered by the synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="business_registry",
    name_zh="市场主体登记",
    name_en="market entity registry",
    department="market regulation",
    category="units",
    frequency="week",
    format="csv",
    encoding="utf-8",
    crs="address",
    primary_key=("uscc",),
    fields=(
        f(
            "uscc",
            "统一社会信用代码",
            "uscc",
            "统一社会信用代码 unified social credit code",
            required=True,
        ),
        f("name", "企业名称", "text", "企业名称 name", required=True),
        f("kind", "市场主体类型", "text", "市场主体类型 kind"),
        f("address", "住所", "address", "住所 address text"),
        f(
            "legal_rep_name",
            "法定代表人",
            "person_name",
            "法定代表人 legal representative",
            sensitivity="personal",
        ),
        f("opened", "成立日期", "date", "成立日期 established on"),
        f("status", "登记状态", "text", "登记状态 status"),
    ),
)

SCHEMA = CONTRACT.schema()
