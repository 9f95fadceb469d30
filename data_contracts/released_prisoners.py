"""刑满释放人员 (安置帮教) — released prisoners (resettlement support) (justice bureau).

Rendered by the synthetic city as XLSX; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="released_prisoners",
    name_zh="刑满释放人员 (安置帮教)",
    name_en="released prisoners (resettlement support)",
    department="justice bureau",
    category="care",
    frequency="month",
    format="xlsx",
    encoding="binary",
    crs="address",
    primary_key=("id_number",),
    fields=(
        f("name", "姓名", "person_name", "姓名 name", required=True, sensitivity="sensitive"),
        f(
            "id_number",
            "公民身份号码",
            "id_number",
            "公民身份号码 resident ID number",
            required=True,
            sensitivity="sensitive",
        ),
        f("released_on", "释放日期", "date", "释放日期 release date"),
        f("offence", "原罪名", "text", "原罪名 offence", sensitivity="sensitive"),
        f("address", "居住地址", "address", "居住地址 address text"),
    ),
)

SCHEMA = CONTRACT.schema()
