"""Event warnings (key factors) and two-colour points warnings over windows, with reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.rules.engine import score
from scoring.rules.model import parse_model
from scoring.warnings import WARNING_COLUMNS, event_warnings, points_warnings, warnings_table

MODEL = {
    "id": "dispute_demo", "name_zh": "纠纷(测试)", "owner": "综治中心", "version": "3", "subject": "cell",
    "factors": [
        {"id": "disputes", "label_zh": "本周纠纷", "label_en": "disputes this week", "expr": "cnt_dispute_1w",
         "points": 2},
        {"id": "burst", "label_zh": "一周三起以上", "label_en": "3+ in a week", "expr": "cnt_dispute_1w >= 3",
         "weight": 10, "key_factor": True},
        {"id": "assault", "label_zh": "殴打伤害", "expr": "cnt_assault_1w", "weight": 4, "key_factor": True},
    ],
    "thresholds": {"red": 30, "orange": 20, "yellow": 10, "blue": 1},
    "points_warning": {"window_days": 14, "red": 12, "yellow": 8},
}

WEEKS = [pd.Timestamp("2026-09-14", tz="Asia/Shanghai") + pd.Timedelta(weeks=i) for i in range(4)]


def frame() -> pd.DataFrame:
    # cell 1: 1 dispute per week → points 2 per week
    # cell 2: 5, 0, 2, 2 disputes → points 10, 0, 4, 4
    # cell 3: 0, 0, 0, 4 disputes + 1 assault in week 4 → points 0,0,0,8
    d = {1: [1, 1, 1, 1], 2: [5, 0, 2, 2], 3: [0, 0, 0, 4]}
    rows = []
    for cell, counts in d.items():
        for w, c in zip(WEEKS, counts, strict=True):
            rows.append({"h3": cell, "period_start": w, "cnt_dispute_1w": float(c),
                         "cnt_assault_1w": 1.0 if (cell == 3 and w == WEEKS[3]) else 0.0})
    return pd.DataFrame(rows).astype({"h3": "int64"})


def scored() -> pd.DataFrame:
    return score(parse_model(MODEL), frame())


def test_event_warnings_from_key_factors_with_reasons() -> None:
    w = event_warnings(parse_model(MODEL), scored())
    assert list(w.columns) == list(WARNING_COLUMNS)
    got = {(int(r.h3), r.period_start): r for r in w.itertuples()}
    assert set(got) == {(2, WEEKS[0]), (3, WEEKS[3])}
    r = got[(3, WEEKS[3])]
    assert r.kind == "event" and r.kind_zh == "事件预警" and r.model_version == "3"
    assert r.reasons == "关键因子 一周三起以上=1；关键因子 殴打伤害=1"
    assert r.reasons_en == "key factor 3+ in a week=1; key factor assault=1"
    assert r.value == 8 + 10 + 4 and r.colour == "orange"
    assert got[(2, WEEKS[0])].reasons == "关键因子 一周三起以上=1"


def test_points_window_sums_last_two_weeks() -> None:
    w = points_warnings(parse_model(MODEL), scored()).set_index("h3")
    # window 14 days up to WEEKS[3]: periods WEEKS[2], WEEKS[3]
    # cell 1: 2+2=4 (none); cell 2: 4+4=8 (yellow, at the boundary); cell 3: 0+8=8 (yellow)
    assert sorted(w.index) == [2, 3]
    assert w.loc[2, "value"] == 8 and w.loc[2, "colour"] == "yellow"
    assert w.loc[2, "kind_zh"] == "积分预警" and w.loc[2, "window_days"] == 14
    assert w.loc[2, "period_start"] == WEEKS[3]
    assert w.loc[2, "reasons"] == "近14天积分 8：本周纠纷 4 → 8分"
    assert w.loc[2, "reasons_en"] == "points in 14 days 8: disputes this week 4 → 8 pts"


def test_points_window_as_of_earlier_and_red() -> None:
    m = parse_model(MODEL)
    # as of WEEKS[1]: periods WEEKS[0], WEEKS[1] (WEEKS[-1] = as_of − 14 d is outside)
    w = points_warnings(m, scored(), as_of=WEEKS[1]).set_index("h3")
    assert list(w.index) == [2] and w.loc[2, "value"] == 10 and w.loc[2, "colour"] == "yellow"
    m2 = m.model_copy(update={"points_warning": m.points_warning.model_copy(update={"window_days": 28})})
    w2 = points_warnings(m2, scored()).set_index("h3")
    # 28 days: all four weeks. cell 1: 8 yellow; cell 2: 18 red; cell 3: 8 yellow
    assert w2.loc[2, "colour"] == "red" and w2.loc[2, "value"] == 18
    assert w2.loc[1, "colour"] == "yellow" and w2.loc[3, "colour"] == "yellow"


def test_window_edge_is_exclusive_at_start() -> None:
    m = parse_model(MODEL)
    m7 = m.model_copy(update={"points_warning": m.points_warning.model_copy(update={"window_days": 7})})
    w = points_warnings(m7, scored())
    # 7 days: only WEEKS[3] (WEEKS[2] is exactly 7 days before and is outside)
    assert list(w["h3"]) == [3] and list(w["value"]) == [8.0]


def test_warnings_table_concatenates_models() -> None:
    m = parse_model(MODEL)
    t = warnings_table([(m, scored())])
    assert list(t.columns) == list(WARNING_COLUMNS)
    # events of the latest period only (cell 3), points over the window (cells 2 and 3)
    assert list(t.loc[t["kind"] == "event", "h3"]) == [3] and (t["kind"] == "points").sum() == 2
    assert (warnings_table([(m, scored())], events="all")["kind"] == "event").sum() == 2
    early = warnings_table([(m, scored())], as_of=WEEKS[0])
    assert list(early.loc[early["kind"] == "event", "h3"]) == [2]
    assert t["h3"].dtype == np.int64
    no_pw = parse_model({**MODEL, "points_warning": None})
    assert points_warnings(no_pw, scored()).empty
    assert warnings_table([]).columns.tolist() == list(WARNING_COLUMNS)


def test_person_warnings_keep_subject_key() -> None:
    m = parse_model({
        "id": "care_demo", "name_zh": "随访(测试)", "owner": "卫健委", "version": "1", "subject": "person",
        "restricted": True, "purpose": "care", "feature_source": "persons_agg",
        "factors": [{"id": "missed", "label_zh": "漏访", "expr": "missed_followups_90d", "points": 10,
                     "key_factor": True}],
        "thresholds": {"red": 30, "orange": 20, "yellow": 10, "blue": 1},
        "points_warning": {"window_days": 90, "red": 30, "yellow": 20},
    })
    f = pd.DataFrame({"person_id": ["tokA", "tokB"], "missed_followups_90d": [0.0, 3.0],
                      "period_start": WEEKS[0]})
    t = warnings_table([(m, score(m, f))])
    assert set(t["subject_key"]) == {"tokB"} and set(t["subject"]) == {"person"}
    assert sorted(t["kind"]) == ["event", "points"] and (t["h3"] == 0).all()
    pw = t[t["kind"] == "points"].iloc[0]
    assert pw["colour"] == "red" and pw["value"] == pytest.approx(30.0)


def test_naive_periods_and_aware_as_of() -> None:
    m = parse_model(MODEL)
    f = frame()
    f["period_start"] = f["period_start"].dt.tz_localize(None)
    s = score(m, f)
    w = points_warnings(m, s, as_of=WEEKS[3]).set_index("h3")
    assert sorted(w.index) == [2, 3] and w.loc[2, "value"] == 8
    t = warnings_table([(m, s)], as_of=WEEKS[3])
    assert list(t.loc[t["kind"] == "event", "h3"]) == [3]
