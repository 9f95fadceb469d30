"""Dates and times in every form the feeds use → tz-aware UTC timestamps.

日期时间标准化。Forms understood (source wall time is Asia/Shanghai unless an offset is given):
``2026-10-03 14:05:00``, ``2026-10-03T14:05:00+08:00``, ``2026年10月3日 14:05``,
``2026/10/3 14:05``, ``20261003140500``, ``20261003``, epoch milliseconds (13 digits, UTC) and
seconds (10 digits), Excel serial day numbers (1900 date system, wall time), ``datetime`` /
``Timestamp`` objects and datetime64 columns. Months: ``202607``, ``2026-07``, ``2026年7月``.

Everything is vectorised: fast paths with fixed formats, one regex extraction for the rest.
Unparseable values give ``NaT``; nothing raises on arbitrary input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fusion.normalise._text import as_text, is_blank

SOURCE_TZ = "Asia/Shanghai"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MIN = pd.Timestamp("1900-01-01", tz="UTC")
_MAX = pd.Timestamp("2100-01-01", tz="UTC")

_DT_RE = (
    r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
    r"(?:[ T]*(?P<H>\d{1,2})[:时](?P<M>\d{1,2})(?:[:分](?P<S>\d{1,2})(?:\.(?P<f>\d{1,9}))?秒?)?分?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_MONTH_RE = r"^(?P<y>\d{4})[-/.年]?(?P<m>\d{1,2})月?$"


def _localize(naive: pd.Series) -> pd.Series:
    """Naive Asia/Shanghai wall times → UTC (DST of 1986-91: ambiguous hours read as standard)."""
    dt = pd.to_datetime(naive, errors="coerce")
    amb = np.zeros(len(dt), dtype=bool)
    return dt.dt.tz_localize(SOURCE_TZ, ambiguous=amb, nonexistent="shift_forward").dt.tz_convert(
        "UTC"
    )


def _from_numbers(x: np.ndarray) -> pd.Series:
    """Numbers → UTC timestamps by magnitude: 13-digit epoch ms, 10-digit epoch s,
    14-digit compact yyyymmddHHMMSS, 8-digit yyyymmdd, 1..100000 Excel serial days (rounded to the second)."""
    x = np.asarray(x, dtype=np.float64)
    out = pd.Series(pd.NaT, index=range(len(x)), dtype="datetime64[ns, UTC]")
    with np.errstate(invalid="ignore"):
        ms = ((x >= 1e11) & (x < 1e13)) | (
            (x <= -1e8) & (x > -2.3e12)
        )  # negative: births before 1970
        sec = (x >= 1e8) & (x < 1e11) & ~((x >= 1.9e7) & (x < 2.2e7))
        compact14 = (x >= 1.9e13) & (x < 2.2e13)
        compact8 = (x >= 1.9e7) & (x < 2.2e7)
        excel = (x >= 1) & (x < 100_000)
    if ms.any():
        out[ms] = pd.to_datetime(x[ms], unit="ms", utc=True, errors="coerce")
    if sec.any():
        out[sec] = pd.to_datetime(x[sec], unit="s", utc=True, errors="coerce")
    if compact14.any():
        txt = pd.Series(x[compact14].astype(np.int64).astype(str))
        out[compact14] = _localize(
            pd.to_datetime(txt, format="%Y%m%d%H%M%S", errors="coerce")
        ).array
    if compact8.any():
        txt = pd.Series(x[compact8].astype(np.int64).astype(str))
        out[compact8] = _localize(pd.to_datetime(txt, format="%Y%m%d", errors="coerce")).array
    if excel.any():
        wall = _EXCEL_EPOCH + pd.to_timedelta(np.round(x[excel] * 86_400), unit="s")
        out[excel] = _localize(pd.Series(wall)).array
    return out


def _from_text(t: pd.Series) -> pd.Series:
    out = pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns, UTC]")
    todo = ~pd.Series(is_blank(t), index=t.index)
    # fast path: the commonest form
    fast = pd.to_datetime(t[todo], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    ok = fast.notna()
    if ok.any():
        out[ok[ok].index] = _localize(fast[ok]).array
    todo &= out.isna()
    if not todo.any():
        return out
    rest = t[todo]
    digits = rest.str.fullmatch(r"-?\d{8,14}|\d{1,5}(?:\.\d+)?")
    if digits.any():
        num = pd.to_numeric(rest[digits], errors="coerce").to_numpy()
        out[rest[digits].index] = _from_numbers(num).array
    rest = rest[~digits]
    if len(rest):
        m = rest.str.extract(_DT_RE)
        hit = m["y"].notna()
        if hit.any():
            m = m[hit]
            frac = m["f"].fillna("0").str.ljust(9, "0").astype(np.int64)
            parts = pd.DataFrame(
                {
                    "year": m["y"].astype(int),
                    "month": m["m"].astype(int),
                    "day": m["d"].astype(int),
                    "hour": m["H"].fillna("0").astype(int),
                    "minute": m["M"].fillna("0").astype(int),
                    "second": m["S"].fillna("0").astype(int),
                }
            )
            wall = pd.to_datetime(parts, errors="coerce") + pd.to_timedelta(
                frac.to_numpy(), unit="ns"
            )
            clock_ok = (parts["hour"] <= 23) & (parts["minute"] <= 59) & (parts["second"] <= 59)
            wall = wall.where(clock_ok.to_numpy())
            tz = m["tz"]
            local = tz.isna().to_numpy()
            res = pd.Series(pd.NaT, index=m.index, dtype="datetime64[ns, UTC]")
            if local.any():
                res[local] = _localize(wall[local]).array
            if (~local).any():
                off = tz[~local].str.replace(":", "", regex=False)
                sign = np.where(off.str[0] == "-", -1, 1)
                sign = np.where(off == "Z", 0, sign)
                hh = pd.to_numeric(off.str[1:3], errors="coerce").fillna(0).to_numpy()
                mm = pd.to_numeric(off.str[3:5], errors="coerce").fillna(0).to_numpy()
                delta = pd.to_timedelta(sign * (hh * 60 + mm), unit="min")
                res[~local] = (wall[~local] - delta).dt.tz_localize("UTC").array
            out[res.index] = res.array
    return out


def parse_datetimes(values: pd.Series) -> pd.Series:
    """Parse raw date/time values → ``datetime64[ns, UTC]`` (NaT where missing or unparseable,
    or outside 1900–2100). The result keeps ``values``' index."""
    s = pd.Series(values, copy=False)
    idx = s.index
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        out = s.dt.tz_convert("UTC")
    elif s.dtype.kind == "M":
        out = _localize(s.reset_index(drop=True))
    elif s.dtype.kind in "iuf":
        out = _from_numbers(s.to_numpy(dtype=np.float64, na_value=np.nan))
    else:
        s = s.reset_index(drop=True)
        obj_dt = (
            s.map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "isoformat"))
            if len(s)
            else s
        )
        out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
        if len(s) and obj_dt.any():
            dts = pd.to_datetime(s[obj_dt].astype(str), errors="coerce", format="mixed")
            aware = dts.map(lambda v: v is not pd.NaT and v.tzinfo is not None) if len(dts) else dts
            out[obj_dt] = (
                _localize(dts).array
                if not aware.any()
                else pd.to_datetime(
                    s[obj_dt].astype(str), errors="coerce", utc=True, format="mixed"
                ).array
            )
            s = s.where(~obj_dt, "")
        num = s.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
        if num.any():
            out[num] = _from_numbers(pd.to_numeric(s[num], errors="coerce").to_numpy()).array
            s = s.where(~num, "")
        rest = (~obj_dt & ~num) if len(s) else num
        if rest.any():
            out[rest] = _from_text(as_text(s[rest])).array
    out = out.where((out >= _MIN) & (out < _MAX))
    out.index = idx
    return out.astype("datetime64[ns, UTC]")


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse calendar dates → midnight Asia/Shanghai of that day, as UTC (``datetime64[ns, UTC]``).

    A time part, if present, is dropped (the local calendar day is kept)."""
    dt = parse_datetimes(values)
    return (
        dt.dt.tz_convert(SOURCE_TZ)
        .dt.floor("D", ambiguous=False, nonexistent="shift_forward")
        .dt.tz_convert("UTC")
    )


def parse_months(values: pd.Series) -> pd.Series:
    """Parse months (``202607``, ``2026-07``, ``2026年7月``, or any full date) → the first day of
    the month at midnight Asia/Shanghai, as UTC."""
    s = pd.Series(values, copy=False)
    t = as_text(s.reset_index(drop=True))
    m = t.str.extract(_MONTH_RE)
    hit = m["y"].notna() & (t.str.len() <= 9)
    out = pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns, UTC]")
    if hit.any():
        mm = m[hit]
        wall = pd.to_datetime(
            pd.DataFrame({"year": mm["y"].astype(int), "month": mm["m"].astype(int), "day": 1}),
            errors="coerce",
        )
        out[hit] = _localize(wall).array
    if (~hit).any():
        full = parse_dates(s.reset_index(drop=True)[~hit])
        local = full.dt.tz_convert(SOURCE_TZ)
        first = local - pd.to_timedelta(local.dt.day - 1, unit="D")
        out[~hit] = first.dt.tz_convert("UTC").array
    out = out.where((out >= _MIN) & (out < _MAX))
    out.index = s.index
    return out.astype("datetime64[ns, UTC]")
