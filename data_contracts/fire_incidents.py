"""火灾警情 — fire incidents (fire rescue).

Rendered by the synthetic city as CSV gbk; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="fire_incidents",
    name_zh="火灾警情",
    name_en="fire incidents",
    department="fire rescue",
    category="events",
    frequency="day",
    format="csv",
    encoding="gb18030",
    crs="address",
    primary_key=("record_no",),
    record_time="reported_at",
    event_category="fire",
    fields=(
        f("record_no", "警情编号", "code", "警情编号 record number", required=True),
        f("reported_at", "接警时间", "datetime", "接警时间 reported at", required=True),
        f("address", "起火地址", "address", "起火地址 address text", required=True),
        f("cause", "起火原因", "text", "起火原因 fire cause"),
        f("severity", "火灾等级", "text", "火灾等级 severity"),
    ),
)

SCHEMA = CONTRACT.schema()
