"""What-if before publishing (发布前预览): what changes colour between two versions of a model."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.rules.engine import COLOURS, score
from scoring.rules.model import RuleModel

_RANK = {c: i for i, c in enumerate(COLOURS)}  # red=0 (most severe) ... none=4


def whatif(old: RuleModel, new: RuleModel, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score ``frame`` with both versions; return (counts per colour, subjects that change colour).

    counts: index colour (red, orange, yellow, blue, none), columns ``old``, ``new``,
    ``change`` (new − old).
    changes: the key column, period_start, old_score, new_score, old_colour, new_colour,
    direction (``up`` = more severe, ``down``), sorted most severe new colour first, then by
    the score change.
    """
    if old.subject != new.subject:
        raise ValueError(f"cannot compare a {old.subject!r} model with a {new.subject!r} model")
    a = score(old, frame)
    b = score(new, frame)
    counts = pd.DataFrame(
        {
            "old": a["colour"].value_counts().reindex(COLOURS, fill_value=0),
            "new": b["colour"].value_counts().reindex(COLOURS, fill_value=0),
        }
    ).astype("int64")
    counts.index.name = "colour"
    counts["change"] = counts["new"] - counts["old"]
    key = new.key_column
    moved = a["colour"].to_numpy() != b["colour"].to_numpy()
    old_rank = a["colour"].map(_RANK).to_numpy()
    new_rank = b["colour"].map(_RANK).to_numpy()
    changes = pd.DataFrame(
        {
            key: a[key].to_numpy(),
            "period_start": a["period_start"].array,
            "old_score": a["score"].to_numpy(),
            "new_score": b["score"].to_numpy(),
            "old_colour": a["colour"].to_numpy(),
            "new_colour": b["colour"].to_numpy(),
            "direction": np.where(new_rank < old_rank, "up", "down"),
            "_rank": new_rank,
            "_delta": np.abs(b["score"].to_numpy() - a["score"].to_numpy()),
        }
    )[moved]
    changes = changes.sort_values(["_rank", "_delta"], ascending=[True, False], kind="stable")
    return counts, changes.drop(columns=["_rank", "_delta"]).reset_index(drop=True)
