"""Quality report per feed: completeness, validity, duplicates, freshness, quarantine by reason.

数据质量报告。Computed from what the store holds (``feed_<feed>``, ``quarantine``,
``ingest_log``) so it can be refreshed at any time; stored as table ``quality``, one row per
feed:

``feed``, ``name_zh``, ``rows`` (accepted rows stored), ``quarantined``, ``validity`` (share of
loaded rows accepted), ``completeness`` (mean share of non-null values over the contract's
fields), ``duplicates`` (stored rows repeating a primary key), ``last_record`` (UTC, the latest
record time), ``age_hours`` (now − last record), ``frequency``, ``fresh`` (age within the
declared update frequency's tolerance, :data:`data_contracts.vocab.UPDATE_FREQUENCIES`),
``quarantine_by_reason`` (``reason=n;...``), ``as_of`` (the freshness reference), ``computed_at``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from data_contracts.registry import all_contracts
from data_contracts.vocab import UPDATE_FREQUENCIES
from fusion.ingest import feed_table
from fusion.quarantine import QUARANTINE_TABLE

QUALITY_TABLE = "quality"


def feed_quality(
    rows: pd.DataFrame, contract: Any, quarantine: pd.DataFrame, now: pd.Timestamp
) -> dict[str, Any]:
    """Quality figures of one feed from its stored rows and its quarantine records (pure)."""
    fields = [f.name for f in contract.fields if f.name in rows.columns]
    n = len(rows)
    nq = len(quarantine)
    completeness = float(rows[fields].notna().to_numpy().mean()) if n and fields else float("nan")
    pk = [k for k in contract.primary_key if k in rows.columns]
    duplicates = int(rows.duplicated(pk).sum()) if n and pk else 0
    last = pd.NaT
    if contract.record_time and contract.record_time in rows and n:
        last = pd.to_datetime(rows[contract.record_time], utc=True).max()
    age = (now - last) / pd.Timedelta(hours=1) if pd.notna(last) else float("nan")
    tolerance = UPDATE_FREQUENCIES[contract.frequency][2]
    by_reason = (
        quarantine.groupby("reason").size().sort_values(ascending=False)
        if nq
        else pd.Series(dtype=int)
    )
    return {
        "feed": contract.feed_id,
        "name_zh": contract.name_zh,
        "rows": n,
        "quarantined": nq,
        "validity": n / (n + nq) if (n + nq) else float("nan"),
        "completeness": completeness,
        "duplicates": duplicates,
        "last_record": last,
        "age_hours": age,
        "frequency": contract.frequency,
        "fresh": bool(age <= tolerance) if np.isfinite(age) else (contract.record_time is None),
        "quarantine_by_reason": ";".join(f"{k}={v}" for k, v in by_reason.items()),
    }


def quality_report(store: Any, as_of: datetime | str = "now") -> pd.DataFrame:
    """Compute the quality table for every feed present in the (analytic) store.

    Freshness is measured at ``as_of``: a datetime, ``"now"`` (wall clock) or ``"data"`` (the
    latest record time over all feeds — the right reference for a replayed or synthetic city,
    where it shows which feeds lag behind the others).
    """
    wall = pd.Timestamp(datetime.now(UTC))
    q = (
        store.read(QUARANTINE_TABLE, columns=["feed", "reason"])
        if store.exists(QUARANTINE_TABLE)
        else pd.DataFrame(columns=["feed", "reason"])
    )
    out = []
    for c in all_contracts():
        t = feed_table(c.feed_id)
        if not store.exists(t):
            continue
        cols = [f.name for f in c.fields if f.kind != "geometry"]
        rows = store.read(t, columns=[x for x in cols if x in store.info(t).column_names])
        out.append(feed_quality(rows, c, q[q["feed"] == c.feed_id], wall))
    df = pd.DataFrame(out)
    if df.empty:
        return df
    df["last_record"] = pd.to_datetime(df["last_record"], utc=True)
    if isinstance(as_of, str) and as_of == "data":
        ref = df["last_record"].max()
    elif isinstance(as_of, str) and as_of == "now":
        ref = wall
    else:
        ref = pd.Timestamp(as_of)
        ref = ref.tz_localize("UTC") if ref.tzinfo is None else ref.tz_convert("UTC")
    df["age_hours"] = (ref - df["last_record"]) / pd.Timedelta(hours=1)
    tol = df["frequency"].map(lambda fr: UPDATE_FREQUENCIES[fr][2])
    dated = df["last_record"].notna()
    df["fresh"] = np.where(dated, df["age_hours"] <= tol, df["fresh"]).astype(bool)
    df["as_of"] = ref
    df["computed_at"] = wall
    return df


def store_quality(store: Any, as_of: datetime | str = "now") -> pd.DataFrame:
    """Compute and store the ``quality`` table (replacing the previous one); return it."""
    df = quality_report(store, as_of)
    if not df.empty:
        store.write(QUALITY_TABLE, df, mode="replace")
    return df
