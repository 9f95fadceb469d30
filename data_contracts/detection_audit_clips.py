"""抓拍漏检复核 — reviewed-clip miss counts (video AI platform).

Per camera, review date and violation type: how many e-bike passes reviewers watched, how
many violations the system flagged among them and how many it missed.  Rendered by the
synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="detection_audit_clips",
    name_zh="抓拍漏检复核",
    name_en="reviewed-clip miss counts",
    department="video AI platform",
    category="sensors",
    frequency="week",
    format="csv",
    encoding="utf-8",
    crs="none",
    primary_key=("camera_id", "clip_date", "violation"),
    fields=(
        f("camera_id", "设备编码", "code", "设备编码 camera id", required=True),
        f("clip_date", "复核日期", "date", "复核日期 review date (clip day)", required=True),
        f("violation", "违法类型", "text", "违法类型 violation type (Chinese label)",
          required=True),
        f("reviewed_passes", "复核通行量", "int", "复核通行量 e-bike passes reviewed"),
        f("found_count", "系统抓拍数", "int", "系统抓拍数 violations the system flagged"),
        f("missed_count", "漏检数", "int", "漏检数 violations the system missed"),
    ),
)

SCHEMA = CONTRACT.schema()
