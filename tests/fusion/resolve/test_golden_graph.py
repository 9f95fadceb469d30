"""Golden records (authority, fallback, partial values, lineage, publication), graph, explanations."""

from __future__ import annotations

import pandas as pd
import pytest

from fusion.resolve.explain import explain_person_pair
from fusion.resolve.golden import AttributeRule, load_config, publishable
from fusion.resolve.golden import golden_records as golden
from fusion.resolve.graph import build_graph, neighbourhood, to_networkx

RULES = {
    "name": AttributeRule(
        sources=["hukou", "floating_pop", "hotel_lodging"], sensitivity="personal", token="name"
    ),
    "phone": AttributeRule(
        sources=["floating_pop", "hukou"], sensitivity="personal", token="phone"
    ),
    "id_number": AttributeRule(
        sources=["hukou", "hotel_lodging"], sensitivity="personal", token="id"
    ),
    "sex": AttributeRule(sources=["hukou"], sensitivity="public"),
    "ethnicity": AttributeRule(sources=["hukou"], sensitivity="sensitive"),
}


def _records() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "entity_id": ["P1", "P1", "P1", "P2", "P2"],
            "record_id": ["h1", "f1", "t1", "t2", "t3"],
            "feed": ["hukou", "floating_pop", "hotel_lodging", "hotel_lodging", "hotel_lodging"],
            "loaded_at": pd.to_datetime(
                ["2026-07-01", "2026-08-01", "2026-09-01", "2026-07-01", "2026-09-01"], utc=True
            ),
            "name": ["张伟", "张玮", "张伟", "李娜", "李娜"],
            "phone": ["+8613800000001", "+8613900000009", None, None, None],
            "id_number": [
                "430902199003071217",
                None,
                "430902********1217",
                "430903********1245",
                "430903199205201245",
            ],
            "sex": ["M", "M", None, None, None],
            "ethnicity": ["汉族", None, None, None, None],
        }
    )


def test_authority_fallback_and_lineage() -> None:
    recs = _records()
    partial = pd.DataFrame(
        {"id_number": recs["id_number"].fillna("").str.contains("*", regex=False)}
    )
    g = golden(recs, RULES, partial=partial).set_index("entity_id")
    assert g.loc["P1", "name"] == "张伟" and g.loc["P1", "name_feed"] == "hukou"  # authority wins
    assert (
        g.loc["P1", "phone"] == "+8613900000009" and g.loc["P1", "phone_record"] == "f1"
    )  # phone authority
    # P2 has no hukou record: the full ID (later load) beats the masked one from the same feed
    assert (
        g.loc["P2", "id_number"] == "430903199205201245" and g.loc["P2", "id_number_record"] == "t3"
    )
    assert g.loc["P2", "name_feed"] == "hotel_lodging"
    assert pd.isna(g.loc["P2", "sex"])
    assert g.loc["P1", "n_records"] == 3


def test_publishable_keeps_only_what_sensitivity_allows() -> None:
    g = golden(_records(), RULES)
    pub = publishable(g, RULES, secret="s3cret")
    text = pub.astype(str).to_string()
    assert "张伟" not in text and "+8613800000001" not in text and "430902199003071217" not in text
    assert "ethnicity" not in pub.columns
    assert pub["name_token"].str.startswith("name_").all()
    assert pub.set_index("entity_id").loc["P1", "sex"] == "M"


def test_shipped_config_validates() -> None:
    cfg = load_config()
    assert cfg.person["name"].sources[0] == "hukou"
    assert cfg.person["phone"].sources[0] == "floating_pop"


def test_graph_tables_and_traversal() -> None:
    gaz = pd.DataFrame(
        {
            "address_id": ["A1", "A2"],
            "std_text": ["康富路12号", "桃花仑路5号"],
            "grid_id": ["g1", "g1"],
            "lon": [112.35, 112.36],
            "lat": [28.55, 28.56],
        }
    )
    grids = pd.DataFrame({"grid_id": ["g1"], "name": ["一网格"], "township_code": ["430902001"]})
    persons = pd.DataFrame(
        {"entity_id": ["P1", "P2"], "address_id": ["A1", "A2"], "sex": ["M", "F"]}
    )
    houses = pd.DataFrame({"entity_id": ["H1"], "address_id": ["A1"], "room": ["502"]})
    units = pd.DataFrame(
        {"entity_id": ["U1"], "name": ["百汇网吧"], "address_id": ["A2"], "uscc": ["X"]}
    )
    vehicles = pd.DataFrame({"entity_id": ["V1"], "label": ["plate_x"]})
    nodes, edges = build_graph(
        persons=persons,
        person_houses=pd.DataFrame({"entity_id": ["P1"], "house_id": ["H1"]}),
        houses=houses,
        units=units,
        vehicles=vehicles,
        ownership=pd.DataFrame({"person_id": ["P1"], "vehicle_id": ["V1"]}),
        events=pd.DataFrame(
            {"event_id": ["e1"], "category": ["theft"], "address_id": ["A1"], "grid_id": ["g1"]}
        ),
        involvement=pd.DataFrame({"event_id": ["e1"], "node_id": ["P1"]}),
        cameras=pd.DataFrame(
            {
                "camera_id": ["c1"],
                "name": ["路口"],
                "grid_id": ["g1"],
                "lon": [112.35],
                "lat": [28.55],
            }
        ),
        gazetteer=gaz,
        grids=grids,
    )
    assert set(nodes["type"]) == {
        "Person",
        "House",
        "Address",
        "Unit",
        "Vehicle",
        "Event",
        "Camera",
        "Grid",
        "Township",
        "County",
    }
    assert set(edges["type"]) == {"lives_at", "located_at", "in", "owns", "involves", "covers"}
    e = set(map(tuple, edges[["src", "dst", "type"]].to_numpy()))
    assert ("P1", "H1", "lives_at") in e and (
        "P2",
        "A2",
        "lives_at",
    ) in e  # house first, address otherwise
    assert ("P1", "A1", "lives_at") not in e
    assert ("G:g1", "T:430902001", "in") in e and ("T:430902001", "C:430902", "in") in e
    assert ("E:e1", "P1", "involves") in e and ("K:c1", "G:g1", "covers") in e
    nb = neighbourhood(to_networkx(nodes, edges), "P1", depth=2)
    assert {"H1", "V1", "E:e1", "A1"} <= set(nb["src"]) | set(nb["dst"])


def test_explanation_weights_per_field() -> None:
    from fusion.normalise.idcard import check_character

    i = "43090219900307121"
    i += check_character(i)
    w = explain_person_pair(
        {"record_id": "a", "feed": "hukou", "name": "张伟", "id_number": i},
        {
            "record_id": "b",
            "feed": "hotel_lodging",
            "name": "张玮",
            "id_number": i[:6] + "********" + i[-4:],
        },
    ).set_index("field")
    assert w.loc["id", "level"] == "masked-compatible" and w.loc["id", "match_weight"] > 5
    assert w.loc["name", "level"] == "same pinyin (homophone)" and w.loc["name", "match_weight"] > 0
    assert w.loc["phone", "level"] == "null" and w.loc["phone", "match_weight"] == 0
    assert w.loc["total 合计", "match_weight"] == pytest.approx(
        w.drop("total 合计")["match_weight"].sum()
    )
