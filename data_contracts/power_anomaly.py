"""用电异常 — electricity-use anomalies (power supply company).

Rendered by the synthetic city as CSV gbk; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="power_anomaly",
    name_zh="用电异常",
    name_en="electricity-use anomalies",
    department="power supply company",
    category="sensors",
    frequency="month",
    format="csv",
    encoding="gb18030",
    crs="address",
    primary_key=("meter_id", "month"),
    record_time="month",
    fields=(
        f("meter_id", "户号", "code", "户号 meter id", required=True),
        f("address", "用电地址", "address", "用电地址 address text", required=True),
        f("month", "统计月份", "month", "统计月份 month", required=True),
        f(
            "kwh",
            "用电量(kWh)",
            "float",
            "用电量(kWh) electricity used",
            unit="kWh",
            min_value=0,
            max_value=1000000.0,
        ),
        f("anomaly_kind", "异常类型", "text", "异常类型 anomaly kind"),
    ),
)

SCHEMA = CONTRACT.schema()
