"""Standard addresses and houses (一标 + 实有房屋).

标准地址与房屋：地址实体即门牌地址库（gazetteer）的 ``address_id``（接入时由
:func:`fusion.normalise.addresses.match_addresses` 匹配）；房屋 = 标准地址 + 房间号（``502室`` /
``502`` / ``5-02`` → ``502``）。Canonical house ids ``H000001``, stable across runs.

Input columns for houses: ``record_id``, ``feed``, ``address_id``, ``room`` (text or None).
"""

from __future__ import annotations

import pandas as pd

from fusion.resolve.clusters import stable_ids


def normalise_rooms(rooms: pd.Series) -> pd.Series:
    """Room numbers → digits and letters only (``'502室'`` → ``'502'``, ``'5-02'`` → ``'502'``,
    full-width digits folded); None when nothing is left."""
    t = pd.Series(rooms, dtype=object).astype("string").str.normalize("NFKC").str.upper()
    t = t.str.replace(r"(室|房|号|ROOM|\s|-|—|_|#)", "", regex=True)
    return t.where(t.str.len() > 0).astype(object).where(lambda s: s.notna(), None)


def house_key(address_id: pd.Series, room: pd.Series) -> pd.Series:
    """``address_id/room`` key (None when either part is missing)."""
    r = normalise_rooms(room).reset_index(drop=True)
    a = pd.Series(address_id, dtype=object).reset_index(drop=True)
    k = a.astype(str) + "/" + r.astype(str)
    return k.where(a.notna() & r.notna(), None)


def resolve_houses(records: pd.DataFrame, previous: pd.Series | None = None) -> pd.DataFrame:
    """Return record_id, feed, address_id, room, entity_id (None where address or room is missing)."""
    df = records.reset_index(drop=True)
    key = house_key(df["address_id"], df["room"])
    out = pd.DataFrame(
        {
            "record_id": df["record_id"],
            "feed": df["feed"],
            "address_id": df["address_id"],
            "room": normalise_rooms(df["room"]).reset_index(drop=True),
            "entity_id": None,
        }
    )
    ok = key.notna().to_numpy()
    if ok.any():
        prev = previous.reindex(df["record_id"][ok]).dropna() if previous is not None else None
        ids = stable_ids(
            pd.Series(key[ok].to_numpy(), index=df["record_id"][ok].to_numpy()), prev, prefix="H"
        )
        out.loc[ok, "entity_id"] = ids.to_numpy()
    return out
