"""网格事件 — grid events (grid management).

Rendered by the synthetic city as JSONL utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="grid_events",
    name_zh="网格事件",
    name_en="grid events",
    department="grid management",
    category="events",
    frequency="realtime",
    format="jsonl",
    encoding="utf-8",
    crs="GCJ02",
    primary_key=("record_no",),
    record_time="reported_at",
    event_category="category",
    fields=(
        f("record_no", "事件编号", "code", "事件编号 record number", required=True),
        f("grid_id", "网格编码", "code", "网格编码 grid id"),
        f("reported_at", "上报时间", "datetime", "上报时间 reported at", required=True),
        f("category", "事件类型", "text", "事件类型 category label"),
        f("lon", "经度", "lon", "经度 longitude", unit="degree"),
        f("lat", "纬度", "lat", "纬度 latitude", unit="degree"),
        f("description", "事件描述", "text", "事件描述 description"),
    ),
)

SCHEMA = CONTRACT.schema()
