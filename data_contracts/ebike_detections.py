"""电动自行车违法抓拍 — e-bike violation detections (video AI platform).

Rendered by the synthetic city as PARQUET; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="ebike_detections",
    name_zh="电动自行车违法抓拍",
    name_en="e-bike violation detections",
    department="video AI platform",
    category="sensors",
    frequency="realtime",
    format="parquet",
    encoding="binary",
    crs="none",
    primary_key=("detection_id",),
    record_time="ts",
    fields=(
        f("detection_id", "抓拍编号", "code", "抓拍编号 detection id", required=True),
        f("camera_id", "设备编码", "code", "设备编码 camera id", required=True),
        f("ts", "抓拍时间", "datetime", "抓拍时间 timestamp", required=True),
        f("vehicle_class", "车辆类型", "text", "车辆类型 vehicle class"),
        f("detected_violation", "违法类型", "text", "违法类型 detected violation"),
        f(
            "confidence",
            "置信度",
            "float",
            "置信度 confidence",
            unit="0..1",
            min_value=0,
            max_value=1,
        ),
        f("plate_partial", "号牌", "plate", "号牌 partial plate", sensitivity="personal"),
        f("is_delivery", "是否外卖", "text", "是否外卖 is delivery rider"),
        f("platform", "平台", "text", "平台 platform"),
        f("snapshot_ref", "图片地址", "code", "图片地址 snapshot reference"),
    ),
)

SCHEMA = CONTRACT.schema()
