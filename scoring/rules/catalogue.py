"""Catalogue of the columns rule models may use (名称, 中文, English, unit), per source table.

The validator checks a model's expressions against this catalogue, so a model can be
validated offline, before any feature table exists. A frame passed at validation time adds
its own columns to what is known (a deployment's extra features).

Tables (``feature_source`` of a model):

- ``features``: one row per H3 cell and period (``h3`` int64, ``period_start``), written by
  :mod:`scoring.features`; plus the forecaster's ``p_event_{cat}``.
- ``units``: one row per unit/venue (实有单位), key ``unit_id``.
- ``places``: one row per place (road segment, address, venue area), key ``place_id``.
- ``persons_agg``: one row per pseudonymised person in a care/outreach register, key
  ``person_id`` (only restricted models may read it).
- ``vehicles``: one row per pseudonymised vehicle (两客一危), key ``vehicle_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from data_contracts.vocab import EVENT_CATEGORIES


@dataclass(frozen=True)
class Column:
    """One column a model may reference."""

    name: str
    label_zh: str
    label_en: str
    unit: str
    table: str


LAG_WEEKS: Final[tuple[int, ...]] = (1, 2, 4, 13)

#: Subject of a model → (feature table it reads by default, key column of a score row).
SUBJECT_KEYS: Final[dict[str, str]] = {
    "cell": "h3",
    "place": "place_id",
    "unit": "unit_id",
    "person": "person_id",
    "vehicle": "vehicle_id",
}

#: Which tables each subject may read.
SUBJECT_SOURCES: Final[dict[str, tuple[str, ...]]] = {
    "cell": ("features",),
    "place": ("places", "features"),
    "unit": ("units",),
    "person": ("persons_agg",),
    "vehicle": ("vehicles",),
}

_CONTEXT: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("ctx_residents", "常住人口", "residents", "persons"),
    ("ctx_floating", "流动人口", "floating population", "persons"),
    ("ctx_rentals", "出租屋", "rental dwellings", "dwellings"),
    ("ctx_group_rentals", "群租房", "group rentals", "dwellings"),
    ("ctx_three_small", "三小场所", "three-small venues", "venues"),
    ("ctx_bar_ktv", "娱乐场所", "bars / KTV / internet cafés", "venues"),
    ("ctx_schools", "学校", "schools", "schools"),
    ("ctx_hospitals", "医疗机构", "hospitals and clinics", "facilities"),
    ("ctx_cameras", "视频点位", "cameras", "cameras"),
    ("ctx_ebike_violation_rate", "电动自行车违法率", "e-bike violation rate", "share of passes"),
    ("ctx_ebike_flow", "电动自行车日均流量", "daily e-bike flow", "e-bikes/day"),
    ("ctx_road_km", "道路里程", "road length", "km"),
    ("ctx_elderly_alone", "独居老人", "elderly living alone", "persons"),
    ("ctx_smoke_alarms", "烟感告警", "smoke-sensor alarms", "alarms"),
    ("ctx_elevator_ebike", "电梯电动车入户告警", "e-bikes taken into lifts (alarms)", "alarms"),
    ("ctx_power_anomaly", "用电异常", "power-use anomalies", "meters"),
    ("ctx_hazmat_firms", "危化品企业", "hazardous-chemical firms", "firms"),
    ("ctx_low_income", "低保/特困户", "low-income households", "households"),
    ("ctx_lighting", "道路照明", "road lighting", "0..1"),
)

_CALENDAR: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("cal_holiday_days", "期内法定节假日天数", "public-holiday days in the period", "days"),
    ("cal_workdays", "期内工作日天数(含调休)", "working days in the period (incl. adjusted)", "days"),
    ("cal_weekday", "星期", "weekday of the period start", "0=Mon..6=Sun"),
    ("cal_month", "月份", "month", "1..12"),
)

_UNITS: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("h3", "H3 网格", "H3 cell", "cell id"),
    ("is_three_small", "三小场所", "three-small venue", "0/1"),
    ("is_bar_ktv", "娱乐场所", "bar / KTV", "0/1"),
    ("is_hazmat_firm", "危化品企业", "hazardous-chemical firm", "0/1"),
    ("employees", "从业人员", "employees", "persons"),
    ("inspection_defects_1y", "近一年消防检查隐患", "fire-inspection defects, last year", "defects"),
    ("days_since_inspection", "距上次消防检查天数", "days since last fire inspection", "days"),
    ("fire_incidents_1y", "近一年火灾", "fires, last year", "fires"),
    ("events_4w", "近四周关联警情", "linked events, 4 weeks", "events"),
    ("wage_arrears_1y", "近一年欠薪投诉", "wage-arrears complaints, last year", "complaints"),
)

_PLACES: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("h3", "H3 网格", "H3 cell", "cell id"),
    ("road_km", "路段长度", "segment length", "km"),
    ("ebike_flow", "电动自行车日均流量", "daily e-bike flow", "e-bikes/day"),
    ("ebike_violation_rate", "电动自行车违法率", "e-bike violation rate", "share of passes"),
    ("accidents_13w", "近13周交通事故", "traffic accidents, 13 weeks", "accidents"),
    ("night_ban_passes_4w", "近四周夜间禁行时段两客一危通行", "night-ban passes of 两客一危, 4 weeks", "passes"),
    ("lighting", "照明", "lighting", "0..1"),
)

_PERSONS_AGG: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("h3", "居住地 H3 网格", "home H3 cell", "cell id"),
    ("days_since_followup", "距上次随访天数", "days since last follow-up", "days"),
    ("missed_followups_90d", "近90天漏访次数", "missed follow-ups, 90 days", "visits"),
    ("lives_alone", "独居", "lives alone", "0/1"),
    ("medication_irregular", "未规律服药", "medication not taken regularly", "0/1"),
    ("medication_unknown", "服药情况不明", "medication status unknown", "0/1"),
    ("guardian_absent", "无监护人", "no guardian", "0/1"),
    ("risk_grade", "危险性评估等级", "risk assessment grade (0-5)", "grade"),
    ("recent_dispute_90d", "近90天涉矛盾纠纷", "dispute involvement, 90 days", "disputes"),
    ("low_income_household", "低保/特困家庭", "low-income household", "0/1"),
)

_VEHICLES: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("h3", "常驻 H3 网格", "usual H3 cell", "cell id"),
    ("night_ban_trips_4w", "近四周夜间禁行时段行驶次数", "trips in night-ban hours (02:00-05:00), 4 weeks", "trips"),
    ("night_ban_km_4w", "近四周夜间禁行时段里程", "km driven in night-ban hours, 4 weeks", "km"),
    ("speeding_4w", "近四周超速次数", "speeding episodes, 4 weeks", "episodes"),
    ("fatigue_4w", "近四周疲劳驾驶次数", "fatigue-driving episodes (4 h non-stop), 4 weeks", "episodes"),
    ("gps_offline_hours_4w", "近四周GPS离线时长", "GPS offline, 4 weeks", "hours"),
    ("is_coach", "客运车辆", "passenger coach", "0/1"),
    ("is_hazmat", "危化品运输车辆", "hazmat truck", "0/1"),
    ("violations_1y", "近一年交通违法", "traffic violations, last year", "violations"),
)


def _features() -> list[Column]:
    out: list[Column] = [
        Column("h3", "H3 网格", "H3 cell", "cell id", "features"),
        Column("period_start", "期初", "period start", "timestamp", "features"),
    ]
    for cat, (zh, en) in EVENT_CATEGORIES.items():
        for w in LAG_WEEKS:
            out.append(Column(f"cnt_{cat}_{w}w", f"近{w}周{zh}", f"{en}, last {w} weeks", "events", "features"))
            out.append(
                Column(f"nbr_{cat}_{w}w", f"近{w}周邻近网格{zh}", f"{en} in neighbour cells, last {w} weeks",
                       "events", "features")
            )
        out.append(Column(f"nr_{cat}", f"{zh}近重复(200米/14天)", f"{en} near-repeats (200 m, 14 days)",
                          "events", "features"))
        for parent in (8, 7):
            out.append(Column(f"p{parent}_cnt_{cat}_4w", f"近4周上级网格({parent}级){zh}",
                              f"{en} in parent cell (res {parent}), 4 weeks", "events", "features"))
        out.append(Column(f"ph_{cat}", f"{zh}前瞻热点", f"{en} prospective hotspot (Bowers-Johnson)",
                          "weighted events", "features"))
        out.append(Column(f"expected_{cat}", f"{zh}预期数量(预测)", f"forecast expected count of {en}",
                          "events", "features"))
        out.append(Column(f"p_event_{cat}", f"{zh}发生概率(预测)", f"forecast probability of {en}",
                          "probability", "features"))
    out += [Column(n, zh, en, u, "features") for n, zh, en, u in _CONTEXT + _CALENDAR]
    return out


def _table(rows: tuple[tuple[str, str, str, str], ...], table: str, key: str) -> list[Column]:
    return [Column(key, "主体编号", "subject id", "id", table)] + [Column(n, zh, en, u, table) for n, zh, en, u in rows]


CATALOGUE: Final[dict[str, dict[str, Column]]] = {
    "features": {c.name: c for c in _features()},
    "units": {c.name: c for c in _table(_UNITS, "units", "unit_id")},
    "places": {c.name: c for c in _table(_PLACES, "places", "place_id")},
    "persons_agg": {c.name: c for c in _table(_PERSONS_AGG, "persons_agg", "person_id")},
    "vehicles": {c.name: c for c in _table(_VEHICLES, "vehicles", "vehicle_id")},
}

FEATURE_SOURCES: Final[tuple[str, ...]] = tuple(CATALOGUE)


def known_columns(source: str) -> frozenset[str]:
    """Names a model reading ``source`` may reference (without looking at any frame)."""
    return frozenset(CATALOGUE[source])


def describe(name: str, source: str = "features") -> Column | None:
    """The catalogue entry of ``name`` in ``source``, or None when it is not declared."""
    return CATALOGUE.get(source, {}).get(name)
