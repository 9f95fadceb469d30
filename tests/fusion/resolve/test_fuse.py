"""pingan fuse end to end on a tiny ingested city: entities, stable ids, what reaches the analytic
zone (no raw identifiers), dossiers — on the embedded store and on PostGIS."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parents[1]))
from citymaker import pid, write_city

from fusion.fuse import fuse_store
from fusion.ingest import ingest_folder
from fusion.resolve.dossier import DossierNotFound, build_dossier
from geo.store import open_store

SECRET = "test-secret-0123456789"


def _fuse_twice(target: str, tmp_path: Path) -> None:
    city = write_city(tmp_path / "city")
    ingest_folder(city, target, secret=SECRET, city="430900")
    rep = fuse_store(target, secret=SECRET)
    assert rep.counts["persons 人员实体"] >= 3
    analytic = open_store(target, zone="analytic")
    raw = open_store(target, zone="raw")
    m = raw.read("entity_person_records").set_index("record_id")["entity_id"]
    zhang = m[m.index.str.startswith("hukou:") & m.index.str.endswith(":1")]
    hotel = m[m.index.str.startswith("hotel_lodging:") & m.index.str.endswith(":3")]
    assert len(zhang) == 1 and len(hotel) == 1
    assert zhang.iloc[0] == hotel.iloc[0]  # 张三 in hukou = "张 三" in the hotel register
    # the analytic zone holds canonical ids, tokens and public fields only
    for t in ("person_entities", "entity_record_map", "entity_nodes", "entity_edges"):
        text = analytic.read(t).astype(str).to_string()
        assert pid(123) not in text and "张三" not in text and "13812345678" not in text
    # a second run renumbers nothing
    fuse_store(target, secret=SECRET)
    m2 = raw.read("entity_person_records").set_index("record_id")["entity_id"]
    pd.testing.assert_series_equal(m.sort_index(), m2.reindex(m.index).sort_index())
    d = build_dossier(analytic, "person", zhang.iloc[0])
    assert d.profile["name_token"].startswith("name_")
    assert set(d.records["feed"]) >= {"hukou", "hotel_lodging"}
    with pytest.raises(DossierNotFound):
        build_dossier(analytic, "person", "P999999")


def test_fuse_embedded_store(tmp_path: Path) -> None:
    _fuse_twice(str(tmp_path / "store"), tmp_path)


def test_fuse_postgis(tmp_path: Path, postgis_schema_url: str) -> None:
    _fuse_twice(postgis_schema_url, tmp_path)
