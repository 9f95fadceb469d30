"""Person resolution on hand-made records: 15/18 IDs, masked IDs, homophones, the guard, stable ids."""

from __future__ import annotations

import pandas as pd

from fusion.resolve.features import person_features
from fusion.resolve.persons import link_new_persons, resolve_persons

# valid GB 11643 numbers (check digits computed): 430902199001011234 is not used (invalid on purpose)
ZHANG = "43090219900307121X"  # fixed below by the check-digit helper
RECORDS = [
    # record_id, feed, name, id_number, birth_date, sex, phone, address_id, household_no
    ("h1", "hukou", "张伟", None, "1990-03-07", "M", "+8613800000001", "A1", "H1"),
    ("f1", "floating_pop", "张玮", None, None, "M", "+8613800000001", "A1", None),  # homophone typo
    ("t1", "hotel_lodging", "张伟", "MASK", None, None, None, None, None),  # masked ID
    ("t2", "hotel_lodging", "张伟", "LEGACY15", None, None, None, None, None),  # 15-digit form
    ("h2", "hukou", "单雄信", None, "1985-11-02", "M", "+8613900000002", "A2", "H2"),
    ("t3", "hotel_lodging", "单雄信", None, None, None, None, None, None),
    ("h3", "hukou", "李娜", None, "1992-05-20", "F", "+8613700000003", "A3", "H3"),
]


def _with_ids() -> pd.DataFrame:
    from fusion.normalise.idcard import check_character

    def full(first17: str) -> str:
        return first17 + check_character(first17)

    zhang = full("43090219900307121")
    shan = full("43092119851102133")
    li = full("43090319920520124")
    df = pd.DataFrame(
        RECORDS,
        columns=[
            "record_id",
            "feed",
            "name",
            "id_number",
            "birth_date",
            "sex",
            "phone",
            "address_id",
            "household_no",
        ],
    )
    ids = {
        "h1": zhang,
        "f1": zhang,
        "t1": zhang[:6] + "********" + zhang[-4:],
        "t2": zhang[:6] + zhang[8:17],
        "h2": shan,
        "t3": shan,
        "h3": li,
    }
    df["id_number"] = df["record_id"].map(ids)
    df["birth_date"] = pd.to_datetime(df["birth_date"])
    return df


def test_features_ids_and_pinyin() -> None:
    f = person_features(_with_ids()).set_index("record_id")
    assert f.loc["t2", "id_full"] == f.loc["h1", "id_full"]  # 15 → 18 upgrade
    assert f.loc["t1", "id_full"] is None and bool(f.loc["t1", "id_masked"])
    assert f.loc["t1", "id_pre6"] == "430902" and f.loc["t1", "id_suf4"] == f.loc["h1", "id_suf4"]
    assert f.loc["h2", "name_py"] == "shan xiong xin"
    assert f.loc["f1", "name_py"] == f.loc["h1", "name_py"]
    assert f.loc["t3", "birth"] == "1985-11-02"  # from the ID


def test_resolution_groups_variants_and_keeps_people_apart() -> None:
    res = resolve_persons(_with_ids())
    e = res.assignments.set_index("record_id")["entity_id"]
    assert e["h1"] == e["f1"] == e["t1"] == e["t2"]
    assert e["h2"] == e["t3"]
    assert len({e["h1"], e["h2"], e["h3"]}) == 3
    assert e.str.match(r"P\d{6}$").all()


def test_two_valid_ids_never_share_an_entity() -> None:
    df = _with_ids()
    # same name, phone, address and household as 张伟 but another valid full ID (a twin)
    twin = df[df["record_id"] == "h1"].copy()
    twin["record_id"] = "h9"
    from fusion.normalise.idcard import check_character

    twin["id_number"] = "43090219900307123" + check_character("43090219900307123")
    res = resolve_persons(pd.concat([df, twin], ignore_index=True))
    e = res.assignments.set_index("record_id")["entity_id"]
    assert e["h9"] != e["h1"]


def test_second_run_keeps_canonical_ids() -> None:
    df = _with_ids()
    first = resolve_persons(df[df["record_id"] != "h3"])
    prev = first.assignments.set_index("record_id")["entity_id"]
    second = resolve_persons(df, previous=prev)
    e = second.assignments.set_index("record_id")["entity_id"]
    for rid, pid in prev.items():
        assert e[rid] == pid
    assert e["h3"] not in set(prev)


def test_incremental_linking_attaches_new_records() -> None:
    df = _with_ids()
    base = resolve_persons(df[df["record_id"].isin(["h1", "h2", "h3"])])
    existing = base.features.assign(entity_id=base.assignments["entity_id"].to_numpy())
    new = df[~df["record_id"].isin(["h1", "h2", "h3"])].copy()
    from fusion.normalise.idcard import check_character

    stranger = new.iloc[[0]].assign(
        record_id="n9",
        name="欧阳娜娜",
        phone=None,
        address_id=None,
        id_number="43092319991231002" + check_character("43092319991231002"),
    )
    out = link_new_persons(pd.concat([new, stranger], ignore_index=True), existing).set_index(
        "record_id"
    )
    e = base.assignments.set_index("record_id")["entity_id"]
    assert (
        out.loc["f1", "entity_id"]
        == out.loc["t1", "entity_id"]
        == out.loc["t2", "entity_id"]
        == e["h1"]
    )
    assert out.loc["t3", "entity_id"] == e["h2"]
    assert bool(out.loc["n9", "is_new_entity"]) and out.loc["n9", "entity_id"] not in set(e)
