"""``persons_agg`` for the SMI follow-up care model, from hand-made analytic feed rows."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.rules import load_model, score, template_paths
from scoring.rules.subjects import smi_person_features, subject_tables

TZ = "Asia/Shanghai"


def ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz=TZ)


def registry() -> pd.DataFrame:
    return pd.DataFrame({
        "id_number": ["id_a", "id_b", "id_c"],
        "address": ["益阳市赫山区某路1号1栋1单元902室", "益阳市赫山区某路2号1栋2单元301室", "沅江市某村"],
        "address_id": ["A1", "A2", None],
        "h3_9": [618120595767820287, 618120595066322943, 618120595066322943],
        "risk_level": ["3级", "1级", "不详"],
        "guardian_phone": ["phone_x", None, "phone_y"],
    })


def followups() -> pd.DataFrame:
    rows = [
        ("id_a", "2026-06-01", "病情稳定", "规律服药"),
        ("id_a", "2026-09-20", "失访", "不详"),
        ("id_a", "2026-10-10", "拒访", "不详"),
        ("id_b", "2026-09-01", "基本稳定", "规律服药"),
        ("id_b", "2026-10-20", "不稳定", "间断服药"),
        ("id_b", "2026-11-20", "病情稳定", "规律服药"),  # after as_of: never read
        ("id_x", "2026-05-01", "病情稳定", "规律服药"),  # not on the register
    ]
    return pd.DataFrame({"id_number": [r[0] for r in rows], "followed_on": [ts(r[1]) for r in rows],
                         "status": [r[2] for r in rows], "medication": [r[3] for r in rows]})


def residents() -> pd.DataFrame:
    return pd.DataFrame({
        "id_number": ["id_a", "id_b", "id_m", "id_n"],
        "address": ["…1单元902室", "…2单元301室", "…2单元301室", "…1单元903室"],
        "address_id": ["A1", "A2", "A2", "A1"],
    })


def test_person_features_by_hand() -> None:
    disputes = pd.DataFrame({"reported_at": [ts("2026-10-01"), ts("2026-06-01")],
                             "party1_id_number": ["id_b", "id_b"], "party2_id_number": ["id_q", "id_a"]})
    low = pd.DataFrame({"id_number": ["id_m"], "address": ["…2单元301室"], "address_id": ["A2"]})
    out = smi_person_features(registry(), followups(), "2026-11-01", residents=residents(),
                              disputes=disputes, low_income=low).set_index("person_id")
    assert list(out.index) == ["id_a", "id_b", "id_c"]
    a, b, c = out.loc["id_a"], out.loc["id_b"], out.loc["id_c"]
    # last visit that saw the patient: a 2026-06-01 (153 days), b 2026-10-20 (12 days);
    # c never seen → since the earliest follow-up on record (id_x, 2026-05-01: 184 days)
    assert (a["days_since_followup"], b["days_since_followup"], c["days_since_followup"]) == (153, 12, 184)
    assert (a["missed_followups_90d"], b["missed_followups_90d"]) == (2, 0)
    assert (a["medication_unknown"], a["medication_irregular"]) == (1, 0)  # no recorded adherence
    assert (b["medication_unknown"], b["medication_irregular"]) == (0, 1)  # 间断服药 on 10-20
    assert c["medication_unknown"] == 1
    # a alone in room 902 of A1 (903 is another dwelling); b with id_m; c's dwelling unknown
    assert (a["lives_alone"], b["lives_alone"], c["lives_alone"]) == (1, 0, 0)
    assert (a["guardian_absent"], b["guardian_absent"], c["guardian_absent"]) == (0, 1, 0)
    assert (a["risk_grade"], b["risk_grade"], c["risk_grade"]) == (3, 1, 0)
    assert (a["recent_dispute_90d"], b["recent_dispute_90d"]) == (0, 1)  # a's dispute is too old
    assert (a["low_income_household"], b["low_income_household"]) == (0, 1)  # b shares id_m's room
    assert (out["period_start"] == ts("2026-11-01")).all()


def test_person_features_without_optional_feeds_or_medication() -> None:
    out = smi_person_features(registry(), followups().drop(columns="medication"), "2026-11-01")
    assert (out["medication_unknown"] == 1).all() and (out["lives_alone"] == 0).all()
    assert (out["recent_dispute_90d"] == 0).all() and (out["low_income_household"] == 0).all()


def test_smi_template_scores_persons_and_subject_tables_never_see_their_period() -> None:
    starts = pd.DatetimeIndex([ts("2026-10-15"), ts("2026-11-01")])
    feeds = {"smi_registry": registry(), "smi_followups": followups(), "hukou": residents()}
    tables = subject_tables(feeds, starts)
    assert set(tables) == {"persons_agg"}  # no GPS feed → no vehicles table
    p = tables["persons_agg"]
    assert len(p) == 6 and set(p["period_start"]) == set(starts)
    # b's visit of 10-20 is after the first period's start, so not seen there
    b = p[p["person_id"] == "id_b"].set_index("period_start")
    assert b.loc[starts[0], "days_since_followup"] == pytest.approx(44, abs=1e-3)
    assert b.loc[starts[1], "days_since_followup"] == pytest.approx(12, abs=1e-3)
    m = load_model(next(x for x in template_paths() if x.stem == "smi_followup_gap"))
    s = score(m, p[p["period_start"] == starts[1]]).set_index("person_id")
    # a: 2 missed visits, lives alone, grade 3 (a key factor); b: irregular medication, no guardian
    assert "high_risk_grade" in s.loc["id_a", "key_factor_hits"]
    assert "unsupported_off_medication" in s.loc["id_b", "key_factor_hits"]
    assert s.loc["id_a", "score"] > s.loc["id_c", "score"]
