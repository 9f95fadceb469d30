"""电梯电动车入户告警 — e-bike-in-elevator alarms (property / IoT).

Rendered by the synthetic city as JSONL utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="elevator_ebike",
    name_zh="电梯电动车入户告警",
    name_en="e-bike-in-elevator alarms",
    department="property / IoT",
    category="sensors",
    frequency="realtime",
    format="jsonl",
    encoding="utf-8",
    crs="none",
    primary_key=("alarm_id",),
    record_time="ts",
    fields=(
        f("alarm_id", "告警编号", "code", "告警编号 alarm id", required=True),
        f("building_id", "楼栋编号", "code", "楼栋编号 building id", required=True),
        f("elevator_id", "电梯编号", "code", "电梯编号 elevator id"),
        f("ts", "告警时间", "datetime", "告警时间 timestamp", required=True),
    ),
)

SCHEMA = CONTRACT.schema()
