"""The back-test behind the report's "how each model was validated" (hand-computed case)."""

import numpy as np
import pandas as pd

from geo.h3cells import grid_disk, points_to_cells
from pingan.pipeline import validation_table


def test_hit_rate_and_pai_by_hand() -> None:
    c0 = points_to_cells(np.array([112.35]), np.array([28.60]), 9)[0]
    _, ring = grid_disk(np.array([c0]), 2)
    cells = np.unique(np.concatenate([[c0], ring]))[:19]  # 19 cells of nearly equal area
    top = cells[0]
    cs = pd.DataFrame({"h3_9": cells, "period": "2026-09-07", "theme": "burglary_theft",
                       "score": np.where(cells == top, 90.0, 1.0)})
    t = pd.Timestamp("2026-09-08 10:00", tz="Asia/Shanghai")
    ev = pd.DataFrame({
        "h3_9": [top, top, cells[5], cells[6], top],
        "occurred_at": [t, t, t, t, pd.Timestamp("2026-09-20 10:00", tz="Asia/Shanghai")],  # last: a later week
        "category": ["burglary", "theft", "burglary", "burglary", "burglary"],
    })
    v = validation_table(cs, ev, {"burglary_theft": ["burglary", "theft"]}, share=1.5 / 19)  # room for one cell
    r = v.iloc[0]
    assert r["weeks"] == 1 and r["events"] == 4
    assert r["hit_rate"] == 0.5                     # 2 of the week's 4 events in the flagged cell
    assert abs(r["pai"] - 0.5 / (1 / 19)) < 0.5     # ≈ 9.5 (cells differ slightly in area)
    assert r["pei_star"] == 1.0                     # no single cell holds more than 2


def test_open_week_is_not_scored() -> None:
    c0 = points_to_cells(np.array([112.35]), np.array([28.60]), 9)[0]
    cs = pd.DataFrame({"h3_9": [c0], "period": ["2026-09-07"], "theme": ["composite"], "score": [50.0]})
    ev = pd.DataFrame({"h3_9": [c0], "occurred_at": [pd.Timestamp("2026-09-09", tz="Asia/Shanghai")],
                       "category": ["theft"]})
    assert validation_table(cs, ev, {"composite": ["theft"]}).empty
