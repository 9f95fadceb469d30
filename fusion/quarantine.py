"""Quarantine, nothing lost: every input row ends accepted or quarantined.

隔离区：每条输入记录要么被接受，要么带着 (数据源, 文件, 行号, 字段, 原因, 原值) 被隔离。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_contracts.vocab import QUARANTINE_REASONS

QUARANTINE_TABLE = "quarantine"  # stored with an extra ``_key`` column = feed + ":" + row_hash
QUARANTINE_COLUMNS = (
    "feed",
    "file",
    "row_number",
    "field",
    "reason",
    "raw_value",
    "row_hash",
    "period",
)


class ReconciliationError(RuntimeError):
    """``rows in != accepted + quarantined`` for a feed: a row was lost or counted twice."""


def quarantine_frame(
    feed: str,
    file: str,
    rows: np.ndarray,
    field: str,
    reason: str,
    raw: pd.Series,
    row_hash: np.ndarray,
    period: np.ndarray,
) -> pd.DataFrame:
    """Build quarantine records (one per row) for ``field`` failing with ``reason``."""
    if reason not in QUARANTINE_REASONS:
        raise ValueError(f"unknown quarantine reason {reason!r}")
    raw_txt = pd.Series(raw, copy=False).map(
        lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
    )
    return pd.DataFrame(
        {
            "feed": feed,
            "file": file,
            "row_number": np.asarray(rows, dtype=np.int64),
            "field": field,
            "reason": reason,
            "raw_value": raw_txt.to_numpy(dtype=object),
            "row_hash": np.asarray(row_hash, dtype=np.int64),
            "period": np.asarray(period, dtype=object),
        },
        columns=list(QUARANTINE_COLUMNS),
    )


def empty_quarantine() -> pd.DataFrame:
    return quarantine_frame(
        "",
        "",
        np.array([], dtype=np.int64),
        "",
        "missing_required",
        pd.Series([], dtype=object),
        np.array([], dtype=np.int64),
        np.array([], dtype=object),
    )


@dataclass(frozen=True)
class Reconciliation:
    """Counts of one feed's load: ``rows_in == accepted + quarantined`` is the invariant."""

    feed: str
    rows_in: int
    accepted: int
    quarantined: int

    @property
    def ok(self) -> bool:
        return self.rows_in == self.accepted + self.quarantined

    def line(self) -> str:
        """'calls_110: in 1200 = accepted 1188 + quarantined 12 ✓'"""
        mark = "✓" if self.ok else "✗"
        return (
            f"{self.feed}: 输入 in {self.rows_in} = 接受 accepted {self.accepted} + "
            f"隔离 quarantined {self.quarantined} {mark}"
        )


def reconcile(feed: str, rows_in: int, accepted: int, quarantined: int) -> Reconciliation:
    """Check the invariant; raise :class:`ReconciliationError` when it fails."""
    r = Reconciliation(feed, int(rows_in), int(accepted), int(quarantined))
    if not r.ok:
        raise ReconciliationError(r.line())
    return r
