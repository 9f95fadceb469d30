"""气象日值 — daily weather (meteorology).

Rendered by the synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="weather",
    name_zh="气象日值",
    name_en="daily weather",
    department="meteorology",
    category="context",
    frequency="day",
    format="csv",
    encoding="utf-8",
    crs="none",
    primary_key=("station_id", "date"),
    record_time="date",
    fields=(
        f("station_id", "区站号", "code", "区站号 station id", required=True),
        f("date", "日期", "date", "日期 date", required=True),
        f(
            "tmax",
            "最高气温",
            "float",
            "最高气温 max temperature",
            unit="°C",
            min_value=-40,
            max_value=50,
        ),
        f(
            "tmin",
            "最低气温",
            "float",
            "最低气温 min temperature",
            unit="°C",
            min_value=-40,
            max_value=50,
        ),
        f(
            "precip_mm",
            "降水量",
            "float",
            "降水量 precipitation",
            unit="mm",
            min_value=0,
            max_value=1000,
        ),
        f(
            "wind",
            "平均风速",
            "float",
            "平均风速 mean wind speed",
            unit="m/s",
            min_value=0,
            max_value=80,
        ),
    ),
)

SCHEMA = CONTRACT.schema()
