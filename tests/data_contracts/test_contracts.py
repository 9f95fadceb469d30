"""Contract framework: registry covers FEEDS.md, protected attributes refused, schemas built."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.errors
import pytest
from pydantic import ValidationError

from data_contracts import FEED_IDS, all_contracts, get
from data_contracts.registry import (
    EXTRA_FEEDS,
    UnknownFeedError,
    contract_from_dict,
    contract_from_yaml,
)

FEEDS_MD = Path(__file__).resolve().parents[3] / "shared" / "FEEDS.md"


def test_registry_has_one_contract_per_feed_module():
    ids = [c.feed_id for c in all_contracts()]
    assert ids == list(FEED_IDS)
    assert len(set(ids)) == len(ids) == 48
    pkg = Path(__file__).resolve().parents[2] / "data_contracts"
    modules = {p.stem for p in pkg.glob("*.py") if not p.stem.startswith("_")} - {
        "registry",
        "vocab",
    }
    assert modules == set(FEED_IDS)


@pytest.mark.skipif(not FEEDS_MD.exists(), reason="shared catalogue not mounted")
def test_registry_matches_feeds_catalogue():
    ids = re.findall(
        r"^\| ([a-z0-9_]+) \|", FEEDS_MD.read_text(encoding="utf-8"), flags=re.MULTILINE
    )
    # FEEDS.md is read-only for developers: its feeds must all be registered; feeds it does
    # not list yet are named in EXTRA_FEEDS (and nothing else may be extra)
    catalogue = set(ids) - {"id"}
    assert catalogue <= set(FEED_IDS)
    assert set(FEED_IDS) - catalogue == set(EXTRA_FEEDS) - catalogue
    assert set(EXTRA_FEEDS) <= set(FEED_IDS)


def test_unknown_feed_error_names_the_feed():
    with pytest.raises(UnknownFeedError, match="nope"):
        get("nope")


def test_hukou_ethnicity_is_protected_and_not_for_scoring():
    c = get("hukou")
    eth = c.field("ethnicity")
    assert eth.protected and not eth.usable_for_scoring
    assert c.protected_fields == ("ethnicity",)
    assert c.source_to_canonical["公民身份号码"] == "id_number"
    assert set(c.personal_fields) == {"id_number", "name", "phone"}


def _minimal(**field_kw) -> dict:
    return {
        "feed_id": "demo",
        "name_zh": "演示",
        "name_en": "demo",
        "department": "x",
        "category": "population",
        "frequency": "month",
        "format": "csv",
        "encoding": "utf-8",
        "crs": "none",
        "primary_key": ["id_number"],
        "fields": [
            {
                "name": "id_number",
                "source": ["身份证号"],
                "kind": "id_number",
                "meaning": "身份证号",
            },
            {"source": ["民族"], "meaning": "民族", **field_kw},
        ],
    }


def test_protected_attribute_usable_for_scoring_is_refused():
    with pytest.raises(ValidationError, match="不得用于评分|must not be usable_for_scoring"):
        contract_from_dict(_minimal(name="ethnicity", protected=True, usable_for_scoring=True))


def test_protected_attribute_not_marked_protected_is_refused():
    # A Chinese header 民族 under an innocent name is still caught.
    with pytest.raises(ValidationError, match="protected"):
        contract_from_dict(_minimal(name="group_code", usable_for_scoring=True))
    with pytest.raises(ValidationError, match="protected"):
        contract_from_dict(_minimal(name="religion", source=["宗教"], usable_for_scoring=False))


def test_protected_attribute_declared_properly_loads(tmp_path):
    import yaml

    data = _minimal(
        name="ethnicity", protected=True, usable_for_scoring=False, sensitivity="sensitive"
    )
    p = tmp_path / "demo.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    c = contract_from_yaml(p)
    assert c.protected_fields == ("ethnicity",)
    data["fields"][1]["usable_for_scoring"] = True
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationError):
        contract_from_yaml(p)


def test_bad_primary_key_and_record_time_refused():
    d = _minimal(name="ethnicity", protected=True, usable_for_scoring=False)
    d["primary_key"] = ["nope"]
    with pytest.raises(ValidationError, match="primary key"):
        contract_from_dict(d)
    d["primary_key"] = ["id_number"]
    d["record_time"] = "nope"
    with pytest.raises(ValidationError, match="record_time"):
        contract_from_dict(d)


def test_every_contract_is_consistent():
    for c in all_contracts():
        assert c.primary_key
        for f in c.fields:
            assert f.meaning and f.source
            if f.protected:
                assert not f.usable_for_scoring
        if c.crs in ("GCJ02", "BD09"):
            assert {"lon", "lat"} <= {f.name for f in c.fields}
        if c.format in ("xlsx", "parquet"):
            assert c.encoding == "binary"


def test_schema_validates_a_normalised_table():
    schema = get("weather").schema()
    ok = pd.DataFrame(
        {
            "station_id": ["57687"],
            "date": pd.to_datetime(["2026-07-01"]).tz_localize("UTC"),
            "tmax": [33.0],
            "tmin": [24.0],
            "precip_mm": [0.0],
            "wind": [2.1],
        }
    )
    schema.validate(ok)
    bad = ok.assign(precip_mm=[-5.0])
    with pytest.raises(pandera.errors.SchemaError):
        schema.validate(bad)
