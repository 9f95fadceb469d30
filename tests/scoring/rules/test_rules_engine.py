"""Scoring: four colours at the boundaries, contributions, caps, key factors, explanations."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scoring.rules import (
    ModelValidationError,
    assign_colours,
    explain,
    load_model,
    score,
    template_paths,
)
from scoring.rules.catalogue import CATALOGUE
from scoring.rules.model import Thresholds, parse_model

MODEL: dict[str, Any] = {
    "id": "theft_demo",
    "name_zh": "盗窃风险(测试)",
    "owner": "刑侦支队",
    "version": "2",
    "subject": "cell",
    "factors": [
        {"id": "recent", "label_zh": "近4周盗窃", "expr": "cnt_theft_4w", "weight": 2, "cap": 10},
        {"id": "cams", "label_zh": "视频", "expr": "ctx_cameras", "weight": -1},
        {"id": "week", "label_zh": "本周盗窃", "expr": "cnt_theft_1w", "points": 5, "key_factor": True},
        {"id": "rent", "label_zh": "群租", "expr": "ctx_group_rentals > 2", "weight": 3, "key_factor": True},
    ],
    "thresholds": {"red": 20, "orange": 12, "yellow": 6, "blue": 1},
}


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "h3": np.array([11, 12, 13, 14], dtype="int64"),
            "period_start": pd.Timestamp("2026-10-05", tz="Asia/Shanghai"),
            "cnt_theft_4w": [0.0, 3.0, 8.0, 1.0],
            "ctx_cameras": [0.0, 1.0, 2.0, 0.0],
            "cnt_theft_1w": [0.0, 1.0, 2.0, 0.0],
            "ctx_group_rentals": [0.0, 3.0, 1.0, 5.0],
        }
    )


def test_colour_boundaries_are_inclusive() -> None:
    t = Thresholds(red=20, orange=12, yellow=6, blue=1)
    s = np.array([20.0, 19.999, 12.0, 11.9, 6.0, 5.9, 1.0, 0.999, 0.0, -3.0, 1e9])
    assert list(assign_colours(s, t)) == [
        "red", "orange", "orange", "yellow", "yellow", "blue", "blue", "none", "none", "none", "red"
    ]


def test_score_by_hand() -> None:
    m = parse_model(MODEL)
    out = score(m, frame())
    # cell 12: recent 2*3=6, cams -1, week 5*1=5, rent 3 → 13 (orange)
    # cell 13: recent 2*8=16 capped at 10, cams -2, week 10, rent 0 → 18 (orange)
    # cell 14: recent 2, cams 0, week 0, rent 3 → 5 (blue)
    assert list(out["score"]) == [0.0, 13.0, 18.0, 5.0]
    assert list(out["colour"]) == ["none", "orange", "orange", "blue"]
    assert list(out["points"]) == [0.0, 5.0, 10.0, 0.0]
    assert list(out["factor_recent"]) == [0.0, 6.0, 10.0, 2.0]
    assert list(out["value_recent"]) == [0.0, 3.0, 8.0, 1.0]
    assert list(out["key_factor_hits"]) == ["", "week,rent", "week", "rent"]
    assert set(out["model_id"]) == {"theft_demo"} and set(out["model_version"]) == {"2"}
    assert list(out.columns[:5]) == ["h3", "period_start", "score", "colour", "points"]
    # contributions add up to the score
    fac = out[[c for c in out.columns if c.startswith("factor_")]].sum(axis=1)
    np.testing.assert_allclose(fac, out["score"])


def test_negative_cap_is_symmetric() -> None:
    d = copy.deepcopy(MODEL)
    d["factors"][1]["cap"] = 1.5
    out = score(parse_model(d), frame())
    assert list(out["factor_cams"]) == [0.0, -1.0, -1.5, 0.0]


def test_period_start_argument_when_frame_has_none() -> None:
    f = frame().drop(columns="period_start")
    out = score(parse_model(MODEL), f, period_start=pd.Timestamp("2026-10-12", tz="Asia/Shanghai"))
    assert (out["period_start"] == pd.Timestamp("2026-10-12", tz="Asia/Shanghai")).all()


def test_missing_key_or_column_is_a_clear_error() -> None:
    m = parse_model(MODEL)
    with pytest.raises(ModelValidationError, match="no key column `h3`"):
        score(m, frame().drop(columns="h3"))
    d = copy.deepcopy(MODEL)
    d["factors"][0]["expr"] = "cnt_theft_4w + my_feature"
    with pytest.raises(ModelValidationError, match="unknown column `my_feature`"):
        score(parse_model(d), frame())


def test_scores_reproducible() -> None:
    rng = np.random.default_rng(42)
    cols = [c for c in CATALOGUE["features"] if c not in ("h3", "period_start")]
    f = pd.DataFrame(rng.poisson(1.0, (500, len(cols))).astype(float), columns=cols)
    f["h3"] = np.arange(500, dtype="int64")
    f["period_start"] = pd.Timestamp("2026-10-05", tz="Asia/Shanghai")
    for p in template_paths():
        m = load_model(p)
        if m.feature_source != "features":
            continue
        a, b = score(m, f), score(m, f.sample(frac=1.0, random_state=1).reset_index(drop=True))
        b = b.set_index("h3").loc[a["h3"]].reset_index()
        pd.testing.assert_frame_equal(a, b)
        assert a["colour"].isin(["red", "orange", "yellow", "blue", "none"]).all()


def test_person_template_scores_with_care_factors() -> None:
    m = load_model(next(p for p in template_paths() if p.stem == "smi_followup_gap"))
    f = pd.DataFrame(
        {
            "person_id": ["p1", "p2"],
            "days_since_followup": [30.0, 180.0],
            "missed_followups_90d": [0.0, 2.0],
            "lives_alone": [0, 1],
            "medication_irregular": [0, 1],
            "medication_unknown": [0, 0],
            "guardian_absent": [0, 0],
            "risk_grade": [1, 2],
            "recent_dispute_90d": [0, 0],
        }
    )
    out = score(m, f)
    # p2: overdue 3 months*8=24, missed 2*10=20, alone 10, irregular 15, off-med+alone 10 → 79
    assert list(out["score"]) == [0.0, 79.0]
    assert list(out["colour"]) == ["none", "red"]
    assert list(out["key_factor_hits"]) == ["", "unsupported_off_medication"]
    assert "person_id" in out.columns and "h3" not in out.columns


def test_explain_factor_by_factor() -> None:
    m = parse_model(MODEL)
    out = score(m, frame())
    e = explain(m, out, 13)
    assert list(e["factor_id"]) == ["recent", "week", "cams", "rent"]
    assert list(e["contribution"]) == [10.0, 10.0, -2.0, 0.0]
    assert e.loc[0, "label_zh"] == "近4周盗窃" and e.loc[0, "value"] == 8.0
    assert e["share"].sum() == pytest.approx(1.0)
    with pytest.raises(KeyError):
        explain(m, out, 999)
