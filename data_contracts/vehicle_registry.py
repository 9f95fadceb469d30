"""机动车/电动自行车登记 — vehicle and e-bike registry (traffic police).

Rendered by the synthetic city as CSV gbk; a real deployment maps its own extract onto these headers.
"""

from __future__ import annotations

from data_contracts._model import FeedContract, f

CONTRACT = FeedContract(
    feed_id="vehicle_registry",
    name_zh="机动车/电动自行车登记",
    name_en="vehicle and e-bike registry",
    department="traffic police",
    category="vehicles",
    frequency="week",
    format="csv",
    encoding="gb18030",
    crs="none",
    primary_key=("plate",),
    fields=(
        f(
            "plate",
            "号牌号码",
            "plate",
            "号牌号码 vehicle plate",
            required=True,
            sensitivity="personal",
        ),
        f("vehicle_kind", "车辆类型", "text", "车辆类型 vehicle type"),
        f("brand", "品牌型号", "text", "品牌型号 brand/model"),
        f("colour", "车身颜色", "text", "车身颜色 colour"),
        f("owner_name", "所有人", "person_name", "所有人 owner name", sensitivity="personal"),
        f(
            "owner_id_number",
            "所有人证件号码",
            "id_number",
            "所有人证件号码 owner ID number",
            sensitivity="personal",
        ),
        f("owner_phone", "联系电话", "phone", "联系电话 owner phone", sensitivity="personal"),
    ),
)

SCHEMA = CONTRACT.schema()
