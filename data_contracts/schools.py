"""学校 — schools (education bureau).

Rendered by the synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="schools",
    name_zh="学校",
    name_en="schools",
    department="education bureau",
    category="units",
    frequency="year",
    format="csv",
    encoding="utf-8",
    crs="GCJ02",
    primary_key=("school_code",),
    fields=(
        f("name", "学校名称", "text", "学校名称 name", required=True),
        f("school_code", "学校标识码", "code", "学校标识码 school code", required=True),
        f("sub_kind", "学段", "text", "学段 sub-kind"),
        f("address", "地址", "address", "地址 address text"),
        f("lon", "经度", "lon", "经度 longitude", unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", unit="degree"),
        f("students", "在校生数", "int", "在校生数 students", unit="person"),
    ),
)

SCHEMA = CONTRACT.schema()
