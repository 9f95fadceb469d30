"""Units (USCC, Chinese names, address, cell), vehicles (plates) and houses (address + room)."""

from __future__ import annotations

import pandas as pd

from fusion.normalise.uscc import uscc_check_character
from fusion.resolve.addresses import normalise_rooms, resolve_houses
from fusion.resolve.units import resolve_units
from fusion.resolve.vehicles import resolve_vehicles


def _uscc(body17: str) -> str:
    return body17 + uscc_check_character(body17)


def test_units_link_by_uscc_and_by_name_at_the_same_place() -> None:
    a, b = _uscc("91430902MA4L00001"), _uscc("91430902MA4L00002")
    recs = pd.DataFrame(
        {
            "record_id": ["s1", "b1", "f1", "e1", "s2", "b2"],
            "feed": [
                "std_units",
                "business_registry",
                "fire_inspections",
                "entertainment",
                "std_units",
                "business_registry",
            ],
            "name": ["百汇网吧", "百汇网吧", "百汇 网吧", "百汇网吧", "百汇网咖", "长青超市"],
            "uscc": [a, a, a, None, b, None],
            "address_id": ["A1", "A1", None, None, "A1", "A9"],
            "h3_9": [613, 613, None, 613, 613, 700],
        }
    )
    e = resolve_units(recs).assignments.set_index("record_id")["entity_id"]
    assert e["s1"] == e["b1"] == e["f1"] == e["e1"]
    assert e["s2"] != e["s1"]  # same address, similar name, but another valid USCC
    assert e["b2"] not in {e["s1"], e["s2"]}
    assert e.str.match(r"U\d{6}$").all()


def test_vehicle_plates_and_stable_ids() -> None:
    recs = pd.DataFrame(
        {
            "record_id": list("abcd"),
            "feed": "vehicle_registry",
            "plate": ["湘H·12345", "湘h 12345", "益阳A1**45", "湘H54321"],
        }
    )
    first = resolve_vehicles(recs)
    assert first.loc[0, "entity_id"] == first.loc[1, "entity_id"]
    assert first.loc[2, "entity_id"] is None
    prev = first.dropna(subset=["entity_id"]).set_index("record_id")["entity_id"]
    again = resolve_vehicles(
        pd.concat([recs.iloc[[3]], recs], ignore_index=True).assign(record_id=["z", *"abcd"]), prev
    )
    assert again.set_index("record_id").loc["d", "entity_id"] == prev["d"]


def test_houses_from_address_and_room() -> None:
    assert normalise_rooms(pd.Series(["502室", "5-02", "１２０１", None])).tolist() == [
        "502",
        "502",
        "1201",
        None,
    ]
    h = resolve_houses(
        pd.DataFrame(
            {
                "record_id": list("abc"),
                "feed": "rental_housing",
                "address_id": ["A1", "A1", "A2"],
                "room": ["502室", "502", "502"],
            }
        )
    )
    assert h.loc[0, "entity_id"] == h.loc[1, "entity_id"] != h.loc[2, "entity_id"]
