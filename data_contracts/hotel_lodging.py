"""旅馆住宿登记 — hotel lodging registrations (public security).

Rendered by the synthetic city as JSONL utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="hotel_lodging",
    name_zh="旅馆住宿登记",
    name_en="hotel lodging registrations",
    department="public security",
    category="population",
    frequency="hour",
    format="jsonl",
    encoding="utf-8",
    crs="none",
    primary_key=("stay_id",),
    record_time="check_in",
    fields=(
        f("stay_id", "LSH", "code", "LSH stay id", required=True),
        f("hotel_id", "LGBM", "code", "LGBM hotel id", required=True),
        f("hotel_name", "LGMC", "text", "LGMC hotel name"),
        f(
            "id_number",
            "ZJHM",
            "id_number",
            "ZJHM resident ID number",
            required=True,
            sensitivity="personal",
        ),
        f("name", "XM", "person_name", "XM name", required=True, sensitivity="personal"),
        f("check_in", "RZSJ", "datetime", "RZSJ check-in time", required=True),
        f("check_out", "TFSJ", "datetime", "TFSJ check-out time"),
        f("room", "FH", "text", "FH room"),
    ),
)

SCHEMA = CONTRACT.schema()
