"""Subject tables for non-cell models, built from feeds (pure functions, vectorised).

:func:`hazmat_vehicle_features` turns 两客一危 GPS fixes (contract ``hazmat_vehicle_gps``:
plate, ts, lon, lat, speed_kmh; plates already pseudonymised at ingest) into the ``vehicles``
table the ``hazmat_night_ban`` template reads (columns in :mod:`scoring.rules.catalogue`).

Definitions (local time Asia/Shanghai; window ``(as_of − window_days, as_of]``):

- *night-ban hours*: 02:00 ≤ local time < 05:00 (the national rule that long-distance coaches
  and hazmat trucks stop between 2 and 5 a.m.; seed 001's "红眼客车");
- a fix is *moving* when ``speed_kmh ≥ moving_kmh`` (default 5);
- ``night_ban_trips_4w``: nights (dates) with at least one moving fix in ban hours;
- ``night_ban_km_4w``: great-circle km between consecutive fixes that are both in ban hours
  and at most ``max_gap_min`` apart;
- ``speeding_4w``: runs of consecutive fixes above ``speed_limit_kmh`` (one run = one episode);
- ``fatigue_4w``: driving spells longer than ``fatigue_hours``; a spell ends when consecutive
  moving fixes are ``rest_min`` or more apart (a stop shows as a gap between moving fixes);
- ``gps_offline_hours_4w``: hours of gaps longer than ``max_gap_min`` between two moving fixes
  (signal lost while operating, not a parked vehicle);
- ``is_coach`` / ``is_hazmat``: from an optional registry frame (plate, kind ∈ coach, bus,
  hazmat_truck); ``violations_1y``: from an optional violations frame (plate, ts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_contracts.vocab import TIMEZONE

EARTH_RADIUS_KM = 6371.0088


def _haversine_km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _local(ts: pd.Series) -> pd.Series:
    t = pd.to_datetime(ts)
    return t.dt.tz_localize(TIMEZONE) if t.dt.tz is None else t.dt.tz_convert(TIMEZONE)


def hazmat_vehicle_features(
    gps: pd.DataFrame,
    as_of: pd.Timestamp | str,
    window_days: int = 28,
    registry: pd.DataFrame | None = None,
    violations: pd.DataFrame | None = None,
    h3_resolution: int = 9,
    speed_limit_kmh: float = 80.0,
    moving_kmh: float = 5.0,
    max_gap_min: float = 10.0,
    rest_min: float = 20.0,
    fatigue_hours: float = 4.0,
) -> pd.DataFrame:
    """One row per vehicle seen in the window: ``vehicle_id`` (the plate token), ``h3`` (the
    cell it was seen in most), ``period_start`` (= ``as_of``) and the columns defined above."""
    end = pd.Timestamp(as_of)
    end = end.tz_localize(TIMEZONE) if end.tzinfo is None else end.tz_convert(TIMEZONE)
    t = _local(gps["ts"])
    keep = ((t > end - pd.Timedelta(days=window_days)) & (t <= end)).to_numpy()
    g = pd.DataFrame(
        {
            "vehicle_id": gps["plate"].astype(str).to_numpy()[keep],
            "t": t.to_numpy()[keep],
            "lon": gps["lon"].to_numpy(dtype=float)[keep],
            "lat": gps["lat"].to_numpy(dtype=float)[keep],
            "speed": gps["speed_kmh"].to_numpy(dtype=float)[keep],
        }
    ).sort_values(["vehicle_id", "t"], kind="stable")
    g["t"] = pd.to_datetime(g["t"], utc=True).dt.tz_convert(TIMEZONE)
    vid = g["vehicle_id"].to_numpy()
    same = np.r_[False, vid[1:] == vid[:-1]]  # row continues the previous row's vehicle
    secs = g["t"].astype("int64").to_numpy() / 1e9
    gap_min = np.where(same, np.diff(secs, prepend=secs[0]) / 60.0, np.inf)
    local = g["t"].dt
    hour = local.hour.to_numpy() + local.minute.to_numpy() / 60.0
    in_ban = (hour >= 2.0) & (hour < 5.0)
    day = g["t"].dt.tz_localize(None).to_numpy().astype("datetime64[D]").astype("int64").astype(float)
    moving = g["speed"].to_numpy() >= moving_kmh
    lon, lat = g["lon"].to_numpy(), g["lat"].to_numpy()
    step_km = np.where(same, _haversine_km(np.roll(lon, 1), np.roll(lat, 1), lon, lat), 0.0)
    prev_ban = np.r_[False, in_ban[:-1]]
    ban_km = np.where(same & in_ban & prev_ban & (gap_min <= max_gap_min), step_km, 0.0)
    fast = g["speed"].to_numpy() > speed_limit_kmh
    prev_fast = np.r_[False, fast[:-1]] & same
    speeding_start = fast & ~prev_fast
    # offline: a long gap between two moving fixes of the same vehicle
    prev_moving = np.r_[False, moving[:-1]]
    offline_h = np.where(same & moving & prev_moving & (gap_min > max_gap_min), gap_min / 60.0, 0.0)
    frame = pd.DataFrame(
        {
            "vehicle_id": vid,
            "ban_night": np.where(in_ban & moving, day, np.nan),
            "night_ban_km_4w": ban_km,
            "speeding_4w": speeding_start.astype(float),
            "gps_offline_hours_4w": offline_h,
        }
    )
    out = frame.groupby("vehicle_id", sort=True).agg(
        night_ban_trips_4w=("ban_night", "nunique"),
        night_ban_km_4w=("night_ban_km_4w", "sum"),
        speeding_4w=("speeding_4w", "sum"),
        gps_offline_hours_4w=("gps_offline_hours_4w", "sum"),
    )
    out["fatigue_4w"] = _fatigue(g[moving], rest_min, fatigue_hours).reindex(out.index, fill_value=0)
    from geo.h3cells import points_to_cells

    seen = pd.DataFrame({"vehicle_id": vid, "h3": points_to_cells(lon, lat, h3_resolution)})
    seen = seen.value_counts().reset_index(name="n").sort_values(["vehicle_id", "n", "h3"], ascending=[True, False, True])
    usual = seen.drop_duplicates("vehicle_id").set_index("vehicle_id")["h3"]
    out["h3"] = usual.reindex(out.index).fillna(0).astype("int64")
    out = out.reset_index()
    kinds = pd.Series(dtype=object)
    if registry is not None and len(registry):
        reg = registry.drop_duplicates("plate")
        kinds = pd.Series(reg["kind"].to_numpy(), index=reg["plate"].astype(str).to_numpy())
    k = out["vehicle_id"].map(kinds)
    out["is_coach"] = k.isin(["coach", "bus"]).astype(float)
    out["is_hazmat"] = (k == "hazmat_truck").astype(float)
    if violations is not None and len(violations):
        vt = _local(violations["ts"])
        recent = violations[((vt > end - pd.Timedelta(days=365)) & (vt <= end)).to_numpy()]
        out["violations_1y"] = out["vehicle_id"].map(recent["plate"].astype(str).value_counts()).fillna(0.0)
    else:
        out["violations_1y"] = 0.0
    out["period_start"] = end
    cols = ["vehicle_id", "h3", "period_start", "night_ban_trips_4w", "night_ban_km_4w", "speeding_4w",
            "fatigue_4w", "gps_offline_hours_4w", "is_coach", "is_hazmat", "violations_1y"]
    out = out[cols]
    num = cols[3:]
    out[num] = out[num].astype(float)
    return out


def _fatigue(moving: pd.DataFrame, rest_min: float, fatigue_hours: float) -> pd.Series:
    """Driving spells longer than ``fatigue_hours`` per vehicle (moving fixes only, sorted)."""
    if moving.empty:
        return pd.Series(dtype=float)
    vid = moving["vehicle_id"].to_numpy()
    secs = moving["t"].astype("int64").to_numpy() / 1e9
    new_vehicle = np.r_[True, vid[1:] != vid[:-1]]
    gap = np.r_[np.inf, np.diff(secs)] / 60.0
    spell = np.cumsum(new_vehicle | (gap >= rest_min))
    s = pd.DataFrame({"vehicle_id": vid, "spell": spell, "secs": secs})
    by = s.groupby(["vehicle_id", "spell"])["secs"]
    span = by.max() - by.min()
    long = (span / 3600.0 > fatigue_hours).astype(float)
    return long.groupby(level=0).sum()
