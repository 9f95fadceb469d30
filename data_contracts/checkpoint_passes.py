"""卡口过车 — checkpoint vehicle passes (public security).

Rendered by the synthetic city as PARQUET; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="checkpoint_passes",
    name_zh="卡口过车",
    name_en="checkpoint vehicle passes",
    department="public security",
    category="vehicles",
    frequency="realtime",
    format="parquet",
    encoding="binary",
    crs="none",
    primary_key=("checkpoint_id", "ts", "plate"),
    record_time="ts",
    fields=(
        f("checkpoint_id", "卡口编号", "code", "卡口编号 checkpoint id", required=True),
        f("ts", "过车时间", "datetime", "过车时间 timestamp", required=True),
        f(
            "plate",
            "号牌号码",
            "plate",
            "号牌号码 vehicle plate",
            required=True,
            sensitivity="personal",
        ),
        f("direction", "行驶方向", "text", "行驶方向 direction"),
    ),
)

SCHEMA = CONTRACT.schema()
