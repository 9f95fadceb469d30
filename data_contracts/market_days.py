"""赶场日历 — rural market-day calendar (township governments).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="market_days",
    name_zh="赶场日历",
    name_en="rural market-day calendar",
    department="township governments",
    category="context",
    frequency="year",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("township", "date"),
    fields=(
        f("township", "乡镇", "text", "乡镇 township name", required=True),
        f("rule", "赶场规则", "text", "赶场规则 market-day rule"),
        f("date", "赶场日期", "date", "赶场日期 date", required=True),
    ),
)

SCHEMA = CONTRACT.schema()
