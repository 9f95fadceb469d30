"""Vehicle resolution: one vehicle per normalised plate (湘H·12345 = 湘H 12345 = 湘h12345 → 湘H12345).

车辆实体解析：号牌标准化后一致即同一车辆；部分号牌（卡口/抓拍 ``益阳A1**45``）不建实体，
只在事件层面保留。Canonical ids ``V000001``, stable across runs.

Input columns: ``record_id``, ``feed``, ``plate`` (as it came).
"""

from __future__ import annotations

import pandas as pd

from fusion.normalise.plates import normalise_plates
from fusion.resolve.clusters import stable_ids


def plate_key(plates: pd.Series) -> pd.Series:
    """Normalised full plate, or None for partial / invalid / missing plates."""
    p = normalise_plates(pd.Series(plates, dtype=object))
    return p["plate"].where(p["status"].eq("full"), None)


def resolve_vehicles(records: pd.DataFrame, previous: pd.Series | None = None) -> pd.DataFrame:
    """Return record_id, feed, plate (normal form), entity_id (None where the plate is not full)."""
    df = records.reset_index(drop=True)
    key = plate_key(df["plate"]).reset_index(drop=True)
    out = pd.DataFrame(
        {"record_id": df["record_id"], "feed": df["feed"], "plate": key, "entity_id": None}
    )
    ok = key.notna().to_numpy()
    if ok.any():
        prev = previous.reindex(df["record_id"][ok]).dropna() if previous is not None else None
        ids = stable_ids(
            pd.Series(key[ok].to_numpy(), index=df["record_id"][ok].to_numpy()), prev, prefix="V"
        )
        out.loc[ok, "entity_id"] = ids.to_numpy()
    return out
