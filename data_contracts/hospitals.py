"""医疗机构 — medical institutions (health commission).

Rendered by the synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="hospitals",
    name_zh="医疗机构",
    name_en="medical institutions",
    department="health commission",
    category="units",
    frequency="year",
    format="csv",
    encoding="utf-8",
    crs="GCJ02",
    primary_key=("name",),
    fields=(
        f("name", "机构名称", "text", "机构名称 name", required=True),
        f("uscc", "统一社会信用代码", "uscc", "统一社会信用代码 unified social credit code"),
        f("sub_kind", "机构类别", "text", "机构类别 sub-kind"),
        f("address", "地址", "address", "地址 address text"),
        f("lon", "经度", "lon", "经度 longitude", unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", unit="degree"),
    ),
)

SCHEMA = CONTRACT.schema()
