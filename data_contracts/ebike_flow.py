"""非机动车流量 — non-motor vehicle flow (video AI platform).

Rendered by the synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="ebike_flow",
    name_zh="非机动车流量",
    name_en="non-motor vehicle flow",
    department="video AI platform",
    category="sensors",
    frequency="15min",
    format="csv",
    encoding="utf-8",
    crs="none",
    primary_key=("camera_id", "interval_start"),
    record_time="interval_start",
    fields=(
        f("camera_id", "设备编码", "code", "设备编码 camera id", required=True),
        f(
            "interval_start",
            "统计开始时间",
            "datetime",
            "统计开始时间 interval start",
            required=True,
        ),
        f("n_ebike", "电动自行车", "int", "电动自行车 e-bikes"),
        f("n_tricycle", "三轮车", "int", "三轮车 tricycles"),
        f("n_motorcycle", "摩托车", "int", "摩托车 motorcycles"),
    ),
)

SCHEMA = CONTRACT.schema()
