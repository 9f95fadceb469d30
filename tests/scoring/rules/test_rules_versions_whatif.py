"""Model versions (publish, load, refuse overwrite) and what-if before publishing."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scoring.rules import template_paths
from scoring.rules.engine import score
from scoring.rules.model import parse_model
from scoring.rules.versions import (
    ModelRegistry,
    VersionError,
    factor_rows,
    models_in_force,
    save_scores,
    score_rows,
)
from scoring.rules.whatif import whatif

MODEL: dict[str, Any] = {
    "id": "burglary_demo",
    "name_zh": "入室盗窃(测试)",
    "owner": "刑侦支队",
    "version": "1.0.0",
    "subject": "cell",
    "factors": [
        {"id": "burg", "label_zh": "近4周入室盗窃", "expr": "cnt_burglary_4w", "weight": 2},
        {"id": "rent", "label_zh": "出租屋", "expr": "ctx_rentals", "weight": 1},
    ],
    "thresholds": {"red": 20, "orange": 12, "yellow": 6, "blue": 1},
}


def frame() -> pd.DataFrame:
    # scores v1 = 2*burg + rent: 0, 4, 7, 11, 13, 19, 21
    return pd.DataFrame(
        {
            "h3": np.arange(101, 108, dtype="int64"),
            "period_start": pd.Timestamp("2026-10-05", tz="Asia/Shanghai"),
            "cnt_burglary_4w": [0.0, 2.0, 3.0, 5.0, 5.0, 9.0, 10.0],
            "ctx_rentals": [0.0, 0.0, 1.0, 1.0, 3.0, 1.0, 1.0],
        }
    )


def model(version: str = "1.0.0", burg_weight: float = 2) -> Any:
    d = copy.deepcopy(MODEL)
    d["version"] = version
    d["factors"][0]["weight"] = burg_weight
    return parse_model(d)


def test_weight_change_moves_exactly_the_expected_cells() -> None:
    # v2: 2.5*burg + rent: 0, 5, 8.5, 13.5, 15.5, 23.5, 26
    counts, changes = whatif(model(), model("1.1.0", 2.5), frame())
    # v1: 0 none, 4 blue, 7 yellow, 11 yellow, 13 orange, 19 orange, 21 red
    # v2: 0 none, 5 blue, 8.5 yellow, 13.5 orange, 15.5 orange, 23.5 red, 26 red
    assert list(changes["h3"]) == [106, 104]  # most severe new colour first
    assert list(changes["old_colour"]) == ["orange", "yellow"]
    assert list(changes["new_colour"]) == ["red", "orange"]
    assert list(changes["direction"]) == ["up", "up"]
    assert list(changes["old_score"]) == [19.0, 11.0] and list(changes["new_score"]) == [23.5, 13.5]
    assert counts.loc["red"].tolist() == [1, 2, 1]
    assert counts.loc["orange"].tolist() == [2, 2, 0]
    assert counts.loc["yellow"].tolist() == [2, 1, -1]
    assert counts["old"].sum() == counts["new"].sum() == 7


def test_same_model_changes_nothing() -> None:
    counts, changes = whatif(model(), model("1.0.1"), frame())
    assert changes.empty and (counts["change"] == 0).all()


def test_lower_weight_moves_down() -> None:
    _, changes = whatif(model(), model("2", 1.0), frame())
    # v3 = burg + rent: 0, 2, 4, 6, 8, 10, 11 → 106 orange→yellow, 107 red→yellow, 105 orange→yellow, 103 yellow→blue
    assert set(changes["h3"]) == {103, 105, 106, 107}
    assert (changes["direction"] == "down").all()


def test_publish_and_load_versions(tmp_path: Path) -> None:
    reg = ModelRegistry(tmp_path / "models")
    assert reg.model_ids() == [] and reg.versions("burglary_demo") == []
    p1 = reg.publish(model())
    assert p1 == tmp_path / "models" / "burglary_demo" / "v1.0.0.yaml"
    assert reg.publish(model()) == p1  # same content again: no-op
    with pytest.raises(VersionError, match="raise `version`"):
        reg.publish(model("1.0.0", 3))
    reg.publish(model("1.10.0", 3))
    with pytest.raises(VersionError, match="older than the published 1.10.0"):
        reg.publish(model("1.2.0", 2.5))
    assert reg.versions("burglary_demo") == ["1.0.0", "1.10.0"]
    assert reg.load("burglary_demo").factors[0].weight == 3
    assert reg.load("burglary_demo", "v1.0.0").factors[0].weight == 2
    with pytest.raises(VersionError, match="published: 1.0.0, 1.10.0"):
        reg.load("burglary_demo", "9")
    assert reg.load("burglary_demo", "1.0.0") == model()


def test_publish_keeps_the_owner_text(tmp_path: Path) -> None:
    import yaml

    reg = ModelRegistry(tmp_path / "models")
    text = "# 刑侦支队维护 maintained by CID\n" + yaml.safe_dump(MODEL, allow_unicode=True)
    p = reg.publish(model(), text)
    assert p.read_text("utf-8") == text
    other = "# stale text\n" + yaml.safe_dump({**MODEL, "version": "0.9"}, allow_unicode=True)
    p2 = reg.publish(model("1.1.0"), other)  # text of another model: written from the fields
    assert "stale" not in p2.read_text("utf-8") and reg.load("burglary_demo") == model("1.1.0")


def test_models_in_force_prefers_published(tmp_path: Path) -> None:
    reg = ModelRegistry(tmp_path / "models")
    fire = parse_model(__import__("yaml").safe_load((template_paths()[0].parent / "fire_risk.yaml").read_text("utf-8")))
    reg.publish(fire.model_copy(update={"version": "1.5.0"}))
    ms = {m.id: m for m in models_in_force(reg, template_paths())}
    assert ms["fire_risk"].version == "1.5.0"
    assert ms["burglary_theft"].version == "1.0.0"
    assert len(ms) == len(template_paths())


def test_score_rows_record_the_version_and_store_round_trip(tmp_path: Path) -> None:
    from geo.store import open_store

    m = model()
    scored = score(m, frame())
    rows = score_rows(m, scored)
    assert (rows["model_version"] == "1.0.0").all() and (rows["model_id"] == "burglary_demo").all()
    assert list(rows["subject_key"]) == [str(h) for h in range(101, 108)]
    fr = factor_rows(m, scored)
    assert len(fr) == int((scored[["factor_burg", "factor_rent"]] != 0).to_numpy().sum())
    store = open_store(tmp_path / "store")
    assert save_scores(store, m, scored) == 7
    assert save_scores(store, m, scored) == 0  # idempotent
    m2 = model("1.1.0", 2.5)
    assert save_scores(store, m2, score(m2, frame())) == 7
    back = store.read("rule_scores")
    assert sorted(back["model_version"].unique()) == ["1.0.0", "1.1.0"] and len(back) == 14
    assert set(store.read("rule_factors")["factor_id"]) == {"burg", "rent"}


@pytest.mark.postgis
def test_score_rows_and_warnings_on_postgis(postgis_schema_url: str) -> None:
    from geo.store import open_store
    from scoring.warnings import warnings_table

    d = copy.deepcopy(MODEL)
    d["factors"].append({"id": "hit", "label_zh": "本周", "expr": "cnt_burglary_4w >= 9", "points": 5,
                         "key_factor": True})
    d["points_warning"] = {"window_days": 28, "red": 10, "yellow": 5}
    m = parse_model(d)
    scored = score(m, frame())
    store = open_store(postgis_schema_url)
    try:
        assert save_scores(store, m, scored) == 7
        assert save_scores(store, m, scored) == 0
        back = store.read("rule_scores").sort_values("subject_key")
        assert list(back["score"]) == list(scored["score"]) and set(back["model_version"]) == {"1.0.0"}
        assert (back["period_start"] == pd.Timestamp("2026-10-05", tz="Asia/Shanghai")).all()
        w = warnings_table([(m, scored)])
        store.write("rule_warnings", w, mode="replace")
        got = store.read("rule_warnings")
        assert sorted(got["kind"]) == ["event", "event", "points", "points"]
        assert "关键因子 本周=1" in set(got["reasons"])
    finally:
        store.close()
