"""Calendar features of a target period: Chinese holidays and adjusted workdays.

Uses the ``chinese-calendar`` package (State Council holiday notices, years 2004–2026 in the
installed version). For a year it does not cover we fall back to "Saturday and Sunday are
rest days, no holidays" and say so in :data:`FALLBACK_NOTE`.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import numpy as np
import pandas as pd

FALLBACK_NOTE = "年份超出 chinese-calendar 范围时按周末休息、无法定节假日计 / outside chinese-calendar years: weekends only"


def _day_flags(days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """(is_holiday, is_workday) for each calendar day (naive dates)."""
    uniq = pd.DatetimeIndex(days.normalize().unique())
    hol = np.zeros(len(uniq), dtype=bool)
    work = np.zeros(len(uniq), dtype=bool)
    # one library call per distinct calendar day (a few hundred at most), not per row
    for i, d in enumerate(uniq):
        day = dt.date(d.year, d.month, d.day)
        try:
            work[i] = chinese_calendar.is_workday(day)
            is_off, name = chinese_calendar.get_holiday_detail(day)
            hol[i] = bool(is_off and name is not None)
        except NotImplementedError:
            work[i] = day.weekday() < 5
            hol[i] = False
    pos = uniq.get_indexer(days.normalize())
    return hol[pos], work[pos]


def calendar_features(period_starts: pd.DatetimeIndex, period_days: int) -> pd.DataFrame:
    """Calendar of each target period ``[start, start + period_days)``.

    Returns one row per period start (naive local dates or tz-aware; only the wall-clock date
    counts) with ``cal_holiday_days`` (statutory holiday days, 法定节假日), ``cal_workdays``
    (days that are working days after 调休 adjustments), ``cal_weekday`` (0 = Monday, only
    meaningful for day periods) and ``cal_month`` (1–12), all of the target period's first day.
    """
    starts = pd.DatetimeIndex(period_starts)
    if starts.tz is not None:
        starts = starts.tz_localize(None)
    starts = starts.normalize()
    offsets = np.arange(period_days)
    all_days = pd.DatetimeIndex(
        (starts.values[:, None] + offsets[None, :].astype("timedelta64[D]")).ravel()
    )
    hol, work = _day_flags(all_days)
    return pd.DataFrame(
        {
            "cal_holiday_days": hol.reshape(len(starts), period_days).sum(axis=1).astype(np.float32),
            "cal_workdays": work.reshape(len(starts), period_days).sum(axis=1).astype(np.float32),
            "cal_weekday": starts.weekday.astype(np.float32),
            "cal_month": starts.month.astype(np.float32),
        },
        index=pd.Index(period_starts, name="period_start"),
    )
