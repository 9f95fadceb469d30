"""视频点位 — camera registry (video platform).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="camera_registry",
    name_zh="视频点位",
    name_en="camera registry",
    department="video platform",
    category="sensors",
    frequency="week",
    format="xlsx",
    encoding="binary",
    crs="BD09",
    primary_key=("camera_id",),
    fields=(
        f("camera_id", "设备编码", "code", "设备编码 camera id", required=True),
        f("name", "点位名称", "text", "点位名称 name"),
        f("lon", "经度", "lon", "经度 longitude", required=True, unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", required=True, unit="degree"),
        f("direction", "监控方向", "text", "监控方向 direction"),
        f("install_date", "安装日期", "date", "安装日期 installation date"),
        f("has_ebike_algo", "非机动车算法", "text", "非机动车算法 has e-bike algorithm"),
    ),
)

SCHEMA = CONTRACT.schema()
