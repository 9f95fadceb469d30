"""危化品企业 — hazardous-chemical firms (emergency management).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="hazmat_firms",
    name_zh="危化品企业",
    name_en="hazardous-chemical firms",
    department="emergency management",
    category="units",
    frequency="quarter",
    format="xlsx",
    encoding="binary",
    crs="GCJ02",
    primary_key=("uscc",),
    fields=(
        f("name", "企业名称", "text", "企业名称 name", required=True),
        f(
            "uscc",
            "统一社会信用代码",
            "uscc",
            "统一社会信用代码 unified social credit code",
            required=True,
        ),
        f("address", "地址", "address", "地址 address text"),
        f("lon", "经度", "lon", "经度 longitude", unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", unit="degree"),
        f("chemicals", "危化品种类", "text", "危化品种类 chemicals"),
        f("major_hazard", "重大危险源", "text", "重大危险源 major hazard source"),
    ),
)

SCHEMA = CONTRACT.schema()
