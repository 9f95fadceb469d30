"""烟感告警 — smoke sensor alarms (IoT platform).

Rendered by the synthetic city as JSONL utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="smoke_sensors",
    name_zh="烟感告警",
    name_en="smoke sensor alarms",
    department="IoT platform",
    category="sensors",
    frequency="realtime",
    format="jsonl",
    encoding="utf-8",
    crs="none",
    primary_key=("alarm_id",),
    record_time="ts",
    fields=(
        f("alarm_id", "alarmId", "code", "alarmId alarm id", required=True),
        f("device_id", "deviceId", "code", "deviceId device id", required=True),
        f("ts", "alarmTime", "datetime", "alarmTime timestamp", required=True),
        f("alarm_type", "alarmType", "text", "alarmType alarm type"),
    ),
)

SCHEMA = CONTRACT.schema()
