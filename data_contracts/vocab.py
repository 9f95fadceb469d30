"""Shared vocabularies: the codes every stage agrees on (declarations only, no logic).

Chinese label first, English second, as in the UI.
"""

from __future__ import annotations

from typing import Final

#: Event categories of the analytic ``events`` table (110 calls, cases, fire, disputes, ...).
EVENT_CATEGORIES: Final[dict[str, tuple[str, str]]] = {
    "theft": ("盗窃", "theft"),
    "burglary": ("入室盗窃", "burglary"),
    "vehicle_theft": ("盗抢车辆", "vehicle theft"),
    "fraud": ("电信诈骗", "telecom fraud"),
    "assault": ("殴打伤害", "assault"),
    "dispute": ("矛盾纠纷", "dispute"),
    "public_order": ("扰乱秩序", "public order"),
    "fire": ("火灾", "fire"),
    "traffic_accident": ("交通事故", "traffic accident"),
    "traffic_violation": ("交通违法", "traffic violation"),
    "other": ("其他", "other"),
}

#: Kinds of units (实有单位 and venues).
UNIT_KINDS: Final[dict[str, tuple[str, str]]] = {
    "company": ("企业", "company"),
    "three_small": ("三小场所", "three-small venue"),
    "bar_ktv": ("娱乐场所", "bar / KTV / internet café"),
    "school": ("学校", "school"),
    "hospital": ("医疗机构", "hospital / clinic"),
    "hazmat_firm": ("危化品企业", "hazardous-chemical firm"),
    "hotel": ("旅馆", "hotel"),
}

#: E-bike detection violation types (seed 000: five violation types).
VIOLATION_TYPES: Final[dict[str, tuple[str, str]]] = {
    "none": ("无违法", "no violation"),
    "no_helmet": ("未戴头盔", "no helmet"),
    "lane_mixing": ("机非混行", "motor/non-motor lane mixing"),
    "illegal_passenger": ("违法载人", "illegal passenger"),
    "red_light": ("闯红灯", "red-light running"),
    "wrong_way": ("逆行", "wrong-way riding"),
}

VEHICLE_CLASSES: Final[dict[str, tuple[str, str]]] = {
    "ebike": ("电动自行车", "e-bike"),
    "tricycle": ("三轮车", "tricycle"),
    "motorcycle": ("摩托车", "motorcycle"),
}

DELIVERY_PLATFORMS: Final[dict[str, tuple[str, str]]] = {
    "meituan": ("美团", "Meituan"),
    "eleme": ("饿了么", "Ele.me"),
}

#: Field sensitivity levels of a contract.
SENSITIVITY: Final[dict[str, tuple[str, str]]] = {
    "public": ("公开", "public"),
    "internal": ("内部", "internal"),
    "personal": ("个人信息", "personal"),
    "sensitive": ("敏感个人信息", "sensitive personal"),
}

#: Attributes no model may use as a factor (BRIEF guardrails). Matched on field names and
#: on a contract field's ``protected`` flag.
PROTECTED_ATTRIBUTES: Final[frozenset[str]] = frozenset(
    {
        "ethnicity",
        "nation",
        "minzu",
        "religion",
        "political_affiliation",
        "party",
        "petition",
        "petitioner",
        "xinfang",
        "assembly",
        "sexual_orientation",
        "health_genetic",
    }
)

#: Four risk colours, most severe first: (code, 中文, English, hex).
RISK_COLOURS: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("red", "红", "red", "#d7191c"),
    ("orange", "橙", "orange", "#fd8d3c"),
    ("yellow", "黄", "yellow", "#fecc5c"),
    ("blue", "蓝", "blue", "#2c7bb6"),
)

TIMEZONE: Final[str] = "Asia/Shanghai"

#: Why a row was quarantined at ingest (reason code: (中文, English)). One row can be
#: quarantined once; the first failing field (in contract order) names the reason.
QUARANTINE_REASONS: Final[dict[str, tuple[str, str]]] = {
    "malformed_record": (
        "记录格式损坏",
        "malformed record (wrong field count, truncated JSON line)",
    ),
    "missing_required": ("必填字段缺失", "required field missing"),
    "bad_datetime": ("日期时间无法解析", "unparseable date/time"),
    "bad_number": ("数值无法解析", "unparseable number"),
    "out_of_range": ("数值超出范围", "value out of range"),
    "bad_id_number": ("身份证号无效", "invalid resident ID number"),
    "bad_phone": ("电话号码无效", "invalid phone number"),
    "bad_plate": ("号牌无效", "invalid plate"),
    "bad_uscc": ("统一社会信用代码无效", "invalid unified social credit code"),
    "bad_coordinates": ("坐标无效", "invalid or missing coordinates"),
    "outside_city": ("坐标在本市范围外", "coordinates outside the city"),
    "unknown_category": ("未知类别", "value not in the declared categories"),
}

#: Update frequencies a contract may declare, with the age (hours) after which a feed is stale.
UPDATE_FREQUENCIES: Final[dict[str, tuple[str, str, float]]] = {
    "realtime": ("实时", "real time", 2.0),
    "30s": ("30 秒", "30 seconds", 2.0),
    "15min": ("15 分钟", "15 minutes", 2.0),
    "hour": ("每小时", "hourly", 6.0),
    "day": ("每日", "daily", 48.0),
    "week": ("每周", "weekly", 24.0 * 9),
    "month": ("每月", "monthly", 24.0 * 35),
    "quarter": ("每季度", "quarterly", 24.0 * 100),
    "year": ("每年", "yearly", 24.0 * 380),
}
