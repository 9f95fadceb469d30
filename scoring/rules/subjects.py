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
  more than ``offline_km`` apart (signal lost while operating, not a parked vehicle whose
  terminal was off with the engine);
- ``is_coach`` / ``is_hazmat``: from an optional registry frame (plate, kind ∈ coach, bus,
  hazmat_truck); ``violations_1y``: from an optional violations frame (plate, ts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_contracts.vocab import TIMEZONE
from scoring.rules.catalogue import CATALOGUE

EARTH_RADIUS_KM = 6371.0088


def _measures(source: str) -> tuple[str, ...]:
    """The numeric columns of a subject table, as :mod:`scoring.rules.catalogue` declares them
    (everything but the key, ``h3`` and ``period_start``)."""
    return tuple(c for c in CATALOGUE[source] if c not in (SUBJECT_KEYS[source], "h3", "period_start"))


SUBJECT_KEYS: dict[str, str] = {"vehicles": "vehicle_id", "persons_agg": "person_id"}
VEHICLE_COLUMNS: tuple[str, ...] = _measures("vehicles")
PERSON_COLUMNS: tuple[str, ...] = _measures("persons_agg")


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
    offline_km: float = 2.0,
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
    if g.empty:  # no fix in the window: no vehicle to score
        return pd.DataFrame({
            "vehicle_id": pd.Series(dtype=object), "h3": pd.Series(dtype="int64"),
            "period_start": pd.Series(dtype=f"datetime64[ns, {TIMEZONE}]"),
            **{c: pd.Series(dtype=float) for c in VEHICLE_COLUMNS},
        })
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
    # offline: a long gap between two moving fixes of the same vehicle across which it moved
    # (a terminal switched off with the engine reappears where it stopped; one that lost its
    # signal while driving reappears elsewhere)
    prev_moving = np.r_[False, moving[:-1]]
    offline_h = np.where(same & moving & prev_moving & (gap_min > max_gap_min) & (step_km > offline_km),
                         gap_min / 60.0, 0.0)
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
    cols = ["vehicle_id", "h3", "period_start", *VEHICLE_COLUMNS]
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


# --- persons_agg: severe-mental-illness follow-up gaps (care outreach, restricted) ------------

MISSED_STATUSES: tuple[str, ...] = ("失访", "拒访", "未随访", "missed", "refused")
"""Follow-up results that mean nobody saw the patient (the visit was missed or refused)."""
IRREGULAR_MEDICATION: tuple[str, ...] = ("间断服药", "不服药", "间断", "未服药", "irregular", "none")
UNKNOWN_MEDICATION: tuple[str, ...] = ("不详", "未知", "unknown", "")
_ROOM = r"(\d+)\s*室\s*$"


def _room_key(frame: pd.DataFrame) -> pd.Series:
    """``address_id`` + room number parsed from the address text ("…1单元902室" → 902): the
    dwelling a record places a person in; NaN where either is unknown."""
    room = frame["address"].astype("string").str.extract(_ROOM, expand=False)
    aid = frame["address_id"].astype("string")
    return (aid + "#" + room).astype(object).where(aid.notna() & room.notna())


def smi_person_features(
    registry: pd.DataFrame,
    followups: pd.DataFrame,
    as_of: pd.Timestamp | str,
    residents: pd.DataFrame | None = None,
    disputes: pd.DataFrame | None = None,
    low_income: pd.DataFrame | None = None,
    window_days: int = 90,
    h3_column: str = "h3_9",
) -> pd.DataFrame:
    """The ``persons_agg`` table the ``smi_followup_gap`` template reads, one row per registered
    patient (contract ``smi_registry``), as of ``as_of`` (local time Asia/Shanghai).

    Inputs are analytic-zone feed rows: identifiers are already keyed-hash tokens, and
    ``person_id`` is the patient's ID-number token (the same person has the same token in every
    feed). Only rows dated at or before ``as_of`` are read. Columns:

    - ``days_since_followup``: days since the last follow-up whose result was not a miss
      (:data:`MISSED_STATUSES`); never seen → days since the earliest follow-up on record (a
      lower bound: the feed's history is all we know);
    - ``missed_followups_90d``: missed or refused visits in ``(as_of − window_days, as_of]``;
    - ``medication_irregular`` / ``medication_unknown``: adherence recorded at the latest
      follow-up that recorded one in the window (``medication`` column, 服药依从性); no such
      follow-up, or a feed without the column → unknown;
    - ``lives_alone``: nobody else in ``residents`` (hukou / floating-population rows:
      ``id_number``, ``address_id``, ``address``) is registered at the patient's dwelling
      (address id + room); a dwelling that cannot be identified counts as not alone;
    - ``guardian_absent``: the registry has no guardian phone;
    - ``risk_grade``: the registry's 危险性评估等级 (0–5; unparseable → 0);
    - ``recent_dispute_90d``: disputes in the window naming the patient as a party;
    - ``low_income_household``: the patient, or someone at the same dwelling, is on the
      low-income register.
    """
    end = pd.Timestamp(as_of)
    end = end.tz_localize(TIMEZONE) if end.tzinfo is None else end.tz_convert(TIMEZONE)
    start = end - pd.Timedelta(days=window_days)
    reg = registry.dropna(subset=["id_number"]).drop_duplicates("id_number", keep="last")
    out = pd.DataFrame({"person_id": reg["id_number"].astype(str).to_numpy()})
    out["h3"] = (pd.to_numeric(reg[h3_column], errors="coerce").fillna(0).astype("int64").to_numpy()
                 if h3_column in reg.columns else 0)
    pid = pd.Index(out["person_id"])

    fu = followups.dropna(subset=["id_number"])
    t = _local(fu["followed_on"])
    fu = fu.assign(_t=t.to_numpy(), _pid=fu["id_number"].astype(str).to_numpy())[(t <= end).to_numpy()]
    missed = fu["status"].astype("string").fillna("").isin(MISSED_STATUSES).to_numpy()
    seen = fu[~missed].groupby("_pid")["_t"].max()
    history_start = fu["_t"].min() if len(fu) else end
    last_seen = pd.Series(seen.reindex(pid).to_numpy(), index=pid)
    days = (end - pd.to_datetime(last_seen.fillna(history_start), utc=True).dt.tz_convert(TIMEZONE))
    out["days_since_followup"] = (days.dt.total_seconds() / 86400.0).clip(lower=0).to_numpy()
    recent = fu[(fu["_t"] > start).to_numpy()]
    recent_missed = recent["status"].astype("string").fillna("").isin(MISSED_STATUSES)
    out["missed_followups_90d"] = (
        recent[recent_missed.to_numpy()].groupby("_pid").size().reindex(pid, fill_value=0).to_numpy()
    )
    if "medication" in recent.columns:
        med = recent.assign(_m=recent["medication"].astype("string").fillna("").str.strip())
        med = med[~med["_m"].isin(UNKNOWN_MEDICATION)].sort_values("_t", kind="stable")
        latest = med.drop_duplicates("_pid", keep="last").set_index("_pid")["_m"].reindex(pid)
    else:
        latest = pd.Series(pd.NA, index=pid, dtype="string")
    out["medication_irregular"] = latest.isin(IRREGULAR_MEDICATION).to_numpy()
    out["medication_unknown"] = latest.isna().to_numpy()

    home = pd.Series(_room_key(reg).to_numpy(), index=pid)
    if residents is not None and len(residents):
        res = pd.DataFrame({"id_number": residents["id_number"].astype("string").to_numpy(),
                            "room": _room_key(residents).to_numpy()}).dropna().drop_duplicates()
        pairs = pd.DataFrame({"person_id": pid, "room": home.to_numpy()}).dropna().merge(res, on="room")
        others = pairs[pairs["id_number"] != pairs["person_id"]].groupby("person_id")["id_number"].nunique()
        n_others = others.reindex(pid, fill_value=0).to_numpy()
        out["lives_alone"] = (home.notna().to_numpy() & (n_others == 0))
    else:
        out["lives_alone"] = False
    gp = reg["guardian_phone"] if "guardian_phone" in reg.columns else pd.Series(pd.NA, index=reg.index)
    out["guardian_absent"] = gp.astype("string").fillna("").str.strip().eq("").to_numpy()
    grade = reg["risk_level"].astype("string").str.extract(r"(\d)", expand=False) if "risk_level" in reg else None
    out["risk_grade"] = pd.to_numeric(grade, errors="coerce").fillna(0).to_numpy() if grade is not None else 0.0

    if disputes is not None and len(disputes):
        dt_ = _local(disputes["reported_at"])
        d = disputes[((dt_ > start) & (dt_ <= end)).to_numpy()]
        parties = pd.concat([d[c] for c in ("party1_id_number", "party2_id_number") if c in d.columns])
        out["recent_dispute_90d"] = parties.astype(str).value_counts().reindex(pid, fill_value=0).to_numpy()
    else:
        out["recent_dispute_90d"] = 0
    if low_income is not None and len(low_income):
        on_list = pid.isin(low_income["id_number"].astype(str))
        rooms = set(_room_key(low_income).dropna())
        out["low_income_household"] = on_list | home.isin(rooms).to_numpy()
    else:
        out["low_income_household"] = False
    out["period_start"] = end
    cols = ["person_id", "h3", "period_start", *PERSON_COLUMNS]
    out = out[cols]
    out[cols[3:]] = out[cols[3:]].astype(float)
    return out



# --- both subject tables for a run of period starts -------------------------------------------

VEHICLE_KINDS: dict[str, str] = {
    "危险货物运输车": "hazmat_truck", "危险品运输车": "hazmat_truck", "危化品运输车": "hazmat_truck",
    "大型客车": "coach", "中型客车": "coach", "旅游客车": "coach", "客车": "coach",
    "公交车": "bus", "公交客车": "bus",
}
"""车辆类型 of the vehicle registry → the kinds :func:`hazmat_vehicle_features` knows."""

SUBJECT_FEEDS: tuple[str, ...] = (
    "smi_registry", "smi_followups", "hukou", "floating_pop", "disputes", "low_income",
    "hazmat_vehicle_gps", "vehicle_registry", "traffic_violations",
)
"""Analytic feed tables :func:`subject_tables` reads (any may be absent)."""


def subject_tables(
    feeds: dict[str, pd.DataFrame], starts: pd.DatetimeIndex, h3_resolution: int = 9
) -> dict[str, pd.DataFrame]:
    """``persons_agg`` and ``vehicles`` for every period start in ``starts`` (each as of that
    instant, so no row sees its period), from analytic feed tables keyed by feed id. A table
    whose source feed is missing is left out."""
    out: dict[str, pd.DataFrame] = {}
    if "smi_registry" in feeds and "smi_followups" in feeds:
        res = [feeds[f] for f in ("hukou", "floating_pop") if f in feeds]
        residents = pd.concat([r[["id_number", "address_id", "address"]] for r in res]) if res else None
        out["persons_agg"] = pd.concat(
            [smi_person_features(feeds["smi_registry"], feeds["smi_followups"], s - pd.Timedelta(microseconds=1),
                                 residents=residents, disputes=feeds.get("disputes"),
                                 low_income=feeds.get("low_income"), h3_column=f"h3_{h3_resolution}")
             .assign(period_start=s) for s in starts],
            ignore_index=True)
    if "hazmat_vehicle_gps" in feeds:
        reg = feeds.get("vehicle_registry")
        registry = None
        if reg is not None and len(reg):
            kind = reg["vehicle_kind"].astype("string").str.strip().map(VEHICLE_KINDS)
            registry = pd.DataFrame({"plate": reg["plate"], "kind": kind}).dropna()
        vio = feeds.get("traffic_violations")
        violations = (pd.DataFrame({"plate": vio["plate"], "ts": vio["occurred_at"]}).dropna()
                      if vio is not None and len(vio) else None)
        out["vehicles"] = pd.concat(
            [hazmat_vehicle_features(feeds["hazmat_vehicle_gps"], s - pd.Timedelta(microseconds=1),
                                     registry=registry, violations=violations, h3_resolution=h3_resolution)
             .assign(period_start=s) for s in starts],
            ignore_index=True)
    return out
