"""娱乐场所 (KTV/网吧/酒吧) — entertainment venues (KTV/internet café/bar) (culture & tourism).

Rendered by the synthetic city as CSV gbk; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="entertainment",
    name_zh="娱乐场所 (KTV/网吧/酒吧)",
    name_en="entertainment venues (KTV/internet café/bar)",
    department="culture & tourism",
    category="units",
    frequency="quarter",
    format="csv",
    encoding="gb18030",
    crs="GCJ02",
    primary_key=("licence_no",),
    fields=(
        f("licence_no", "许可证号", "code", "许可证号 licence number", required=True),
        f("name", "场所名称", "text", "场所名称 name", required=True),
        f("sub_kind", "类别", "text", "类别 sub-kind"),
        f("address", "地址", "address", "地址 address text"),
        f("lon", "经度", "lon", "经度 longitude", unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", unit="degree"),
    ),
)

SCHEMA = CONTRACT.schema()
