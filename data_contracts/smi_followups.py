"""精神障碍随访 — mental illness follow-ups (health commission).

Rendered by the synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="smi_followups",
    name_zh="精神障碍随访",
    name_en="mental illness follow-ups",
    department="health commission",
    category="care",
    frequency="week",
    format="csv",
    encoding="utf-8",
    crs="none",
    primary_key=("id_number", "followed_on"),
    record_time="followed_on",
    fields=(
        f(
            "id_number",
            "患者身份证号",
            "id_number",
            "患者身份证号 resident ID number",
            required=True,
            sensitivity="sensitive",
        ),
        f("followed_on", "随访日期", "date", "随访日期 follow-up date", required=True),
        f("status", "随访结果", "text", "随访结果 status", sensitivity="sensitive"),
        f("doctor", "随访医生", "person_name", "随访医生 doctor", sensitivity="personal"),
        f(
            "medication",
            "服药依从性",
            "text",
            "服药依从性 medication adherence (规律服药 / 间断服药 / 不服药 / 不详)",
            sensitivity="sensitive",
        ),
    ),
)

SCHEMA = CONTRACT.schema()
