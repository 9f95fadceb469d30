"""Model-file validation: every error kind gives a clear message naming the file and factor."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from scoring.rules import ModelFileError, load_model, template_paths
from scoring.rules.engine import check_model
from scoring.rules.model import parse_model, version_key

BASE: dict[str, Any] = {
    "id": "theft_demo",
    "name_zh": "盗窃风险(测试)",
    "name_en": "Theft risk (test)",
    "owner": "市公安局刑侦支队",
    "version": "1.0.0",
    "subject": "cell",
    "feature_source": "features",
    "factors": [
        {"id": "recent", "label_zh": "近4周盗窃", "label_en": "thefts", "expr": "cnt_theft_4w", "weight": 2},
        {"id": "rentals", "label_zh": "出租屋", "expr": "log1p(ctx_rentals)", "weight": 1},
        {"id": "hits", "label_zh": "本周盗窃", "expr": "cnt_theft_1w", "points": 5, "key_factor": True},
    ],
    "thresholds": {"red": 20, "orange": 12, "yellow": 6, "blue": 1},
    "points_warning": {"window_days": 28, "red": 30, "yellow": 15},
}


def write(tmp_path: Path, data: dict[str, Any], name: str = "m.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


def variant(**changes: Any) -> dict[str, Any]:
    d = copy.deepcopy(BASE)
    d.update(changes)
    return d


def load_error(tmp_path: Path, data: dict[str, Any]) -> str:
    p = write(tmp_path, data)
    with pytest.raises(ModelFileError) as e:
        load_model(p)
    msg = str(e.value)
    assert str(p) in msg, msg  # every message names the file
    return msg


def test_valid_model_loads(tmp_path: Path) -> None:
    m = load_model(write(tmp_path, BASE))
    assert m.id == "theft_demo" and m.version == "1.0.0" and m.key_column == "h3"
    assert [f.id for f in m.factors] == ["recent", "rentals", "hits"]


def test_integer_version_is_accepted(tmp_path: Path) -> None:
    assert load_model(write(tmp_path, variant(version=3))).version == "3"


def test_float_version_is_refused(tmp_path: Path) -> None:
    msg = load_error(tmp_path, variant(version=1.1))
    assert "version" in msg and "quotes" in msg


def test_unknown_feature_names_factor_and_closest(tmp_path: Path) -> None:
    d = variant()
    d["factors"][0]["expr"] = "cnt_thef_4w + 1"
    msg = load_error(tmp_path, d)
    assert "factor 'recent'" in msg
    assert "unknown column `cnt_thef_4w`" in msg
    assert "did you mean cnt_theft_4w" in msg


def test_frame_columns_extend_the_catalogue(tmp_path: Path) -> None:
    d = variant()
    d["factors"][0]["expr"] = "my_local_feature"
    p = write(tmp_path, d)
    with pytest.raises(ModelFileError):
        load_model(p)
    assert load_model(p, columns=["my_local_feature"]).factors[0].expr == "my_local_feature"


@pytest.mark.parametrize("column", ["ethnicity", "religion_share", "minzu", "petitioner_count"])
def test_protected_attribute_is_refused_even_if_in_data(tmp_path: Path, column: str) -> None:
    d = variant()
    d["factors"][1]["expr"] = f"{column} > 0"
    p = write(tmp_path, d)
    with pytest.raises(ModelFileError) as e:
        load_model(p, columns=[column])
    msg = str(e.value)
    assert "factor 'rentals'" in msg and "protected attribute" in msg and column in msg


def test_protected_label_is_refused(tmp_path: Path) -> None:
    d = variant()
    d["factors"][1]["label_zh"] = "少数民族占比"
    assert "protected attribute" in load_error(tmp_path, d)


@pytest.mark.parametrize(
    "field,value",
    [("name_zh", "重点信访人员预警"), ("description", "上访人员聚集预警"), ("name_en", "Petitioner watch"),
     ("description", "集会 monitoring")],
)
def test_models_targeting_petitioners_or_assembly_are_refused(tmp_path: Path, field: str, value: str) -> None:
    msg = load_error(tmp_path, variant(**{field: value}))
    assert "refused" in msg and "petitioners" in msg


def test_non_monotone_thresholds(tmp_path: Path) -> None:
    msg = load_error(tmp_path, variant(thresholds={"red": 10, "orange": 12, "yellow": 6, "blue": 1}))
    assert "thresholds" in msg and "red > orange > yellow > blue" in msg and "orange=12" in msg


def test_equal_thresholds_are_not_monotone(tmp_path: Path) -> None:
    assert "red > orange" in load_error(tmp_path, variant(thresholds={"red": 6, "orange": 6, "yellow": 3, "blue": 1}))


def test_points_warning_two_colours_monotone(tmp_path: Path) -> None:
    msg = load_error(tmp_path, variant(points_warning={"window_days": 28, "red": 10, "yellow": 15}))
    assert "points_warning" in msg and "red must be above yellow" in msg


def test_points_warning_needs_points_factor(tmp_path: Path) -> None:
    d = variant()
    d["factors"][2] = {"id": "hits", "label_zh": "本周盗窃", "expr": "cnt_theft_1w", "weight": 5}
    assert "needs at least one factor with `points`" in load_error(tmp_path, d)


def test_person_subject_needs_restricted_flag(tmp_path: Path) -> None:
    d = variant(subject="person", feature_source="persons_agg", purpose="care")
    d["factors"] = [{"id": "gap", "label_zh": "随访超期", "expr": "days_since_followup > 90", "weight": 10}]
    d.pop("points_warning")
    msg = load_error(tmp_path, d)
    assert "restricted: true" in msg
    d["restricted"] = True
    assert load_model(write(tmp_path, d, "ok.yaml")).restricted


def test_person_subject_needs_care_purpose(tmp_path: Path) -> None:
    d = variant(subject="person", feature_source="persons_agg", restricted=True, purpose="prevention")
    d["factors"] = [{"id": "gap", "label_zh": "随访超期", "expr": "days_since_followup > 90", "weight": 10}]
    d.pop("points_warning")
    assert "purpose: care | outreach | supervision_support" in load_error(tmp_path, d)


def test_subject_and_feature_source_must_agree(tmp_path: Path) -> None:
    assert "subject 'cell' reads features" in load_error(tmp_path, variant(feature_source="persons_agg"))


def test_duplicate_factor_ids(tmp_path: Path) -> None:
    d = variant()
    d["factors"][1]["id"] = "recent"
    assert "duplicate factor id 'recent'" in load_error(tmp_path, d)


def test_weight_or_points_exactly_one(tmp_path: Path) -> None:
    d = variant()
    d["factors"][0]["points"] = 3
    msg = load_error(tmp_path, d)
    assert "factor 'recent'" in msg and "exactly one of `weight` or `points`" in msg


def test_bad_expression_names_the_factor(tmp_path: Path) -> None:
    d = variant()
    d["factors"][1]["expr"] = "__import__('os').getcwd()"
    msg = load_error(tmp_path, d)
    assert "factor 'rentals'" in msg and "expr" in msg


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    assert "colour_thresholds" in load_error(tmp_path, variant(colour_thresholds={}))


def test_not_yaml_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(ModelFileError, match="not valid YAML"):
        load_model(p)
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "absent.yaml")


def test_all_problems_are_listed_at_once() -> None:
    d = variant()
    d["factors"][0]["expr"] = "cnt_thef_4w"
    d["factors"][1]["expr"] = "ctx_rentalz"
    problems = check_model(parse_model(d))
    assert len(problems) == 2 and "factor 'recent'" in problems[0] and "factor 'rentals'" in problems[1]


def test_version_order() -> None:
    assert sorted(["10", "2.1", "2", "2.0.1"], key=version_key) == ["2", "2.0.1", "2.1", "10"]


def test_all_shipped_templates_validate() -> None:
    paths = template_paths()
    models = [load_model(p) for p in paths]
    assert len(models) >= 8
    ids = {m.id for m in models}
    assert {"ebike_traffic_safety", "fire_risk", "dispute_escalation", "burglary_theft", "fraud_vulnerability",
            "school_area_safety", "smi_followup_gap", "hazmat_night_ban"} <= ids
    for m in models:
        assert m.name_zh and m.owner and m.description
        if m.subject == "person":
            assert m.restricted and m.purpose in ("care", "outreach", "supervision_support")
    assert any(f.key_factor for m in models for f in m.factors)
