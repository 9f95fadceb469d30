"""电信诈骗报案 — telecom fraud reports (anti-fraud centre).

Rendered by the synthetic city as CSV utf-8; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="fraud_reports",
    name_zh="电信诈骗报案",
    name_en="telecom fraud reports",
    department="anti-fraud centre",
    category="events",
    frequency="day",
    format="csv",
    encoding="utf-8",
    crs="address",
    primary_key=("record_no",),
    record_time="reported_at",
    event_category="fraud",
    fields=(
        f("record_no", "报案编号", "code", "报案编号 record number", required=True),
        f("reported_at", "报案时间", "datetime", "报案时间 reported at", required=True),
        f(
            "victim_id_number",
            "受害人证件号码",
            "id_number",
            "受害人证件号码 victim ID number",
            sensitivity="personal",
        ),
        f(
            "victim_name",
            "受害人姓名",
            "person_name",
            "受害人姓名 victim name",
            sensitivity="personal",
        ),
        f("address", "居住地址", "address", "居住地址 address text"),
        f("fraud_kind", "诈骗类型", "text", "诈骗类型 fraud kind"),
        f("loss", "损失金额", "float", "损失金额 loss", unit="CNY"),
    ),
)

SCHEMA = CONTRACT.schema()
