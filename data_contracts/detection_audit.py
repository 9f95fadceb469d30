"""抓拍人工复核样本 — detection manual-review sample (video AI platform).

Rendered by the synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="detection_audit",
    name_zh="抓拍人工复核样本",
    name_en="detection manual-review sample",
    department="video AI platform",
    category="sensors",
    frequency="week",
    format="csv",
    encoding="utf-8",
    crs="none",
    primary_key=("detection_id",),
    fields=(
        f("detection_id", "抓拍编号", "code", "抓拍编号 detection id", required=True),
        f("camera_id", "设备编码", "code", "设备编码 camera id"),
        f("detected_violation", "系统判定", "text", "系统判定 detected violation"),
        f("reviewed_violation", "复核结果", "text", "复核结果 reviewed violation", required=True),
    ),
)

SCHEMA = CONTRACT.schema()
