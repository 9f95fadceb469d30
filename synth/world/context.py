"""Context feeds of the world: weather, waterlogging, market days, hotel stays, IoT alarms,
power anomalies, SMI follow-ups, inspections, wage arrears and per-feed event views."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth.world.ids import seq_ids

TZ = "Asia/Shanghai"


def weather(counties: pd.DataFrame, cal: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Daily values per county station: summer heat, autumn cooling, rain spells."""
    dates = pd.to_datetime(cal["date"])
    doy = dates.dt.dayofyear.to_numpy()
    D = len(dates)
    clim = 17.5 + 11.5 * np.cos(2 * np.pi * (doy - 200) / 365)
    rows = []
    regional = rng.normal(0, 2.0, D).cumsum() * 0.3
    wet = (rng.random(D) < 0.3 + 0.1 * np.cos(2 * np.pi * (doy - 170) / 365))
    for i, a in enumerate(counties["adcode"].astype(str)):  # loop over counties
        t = clim + regional + rng.normal(0, 1.0, D) - 0.4 * (a.endswith("23"))
        rain = np.where(wet, rng.gamma(0.8, 14.0, D), np.where(rng.random(D) < 0.08,
                                                              rng.gamma(0.5, 4, D), 0.0))
        rows.append(pd.DataFrame({
            "station_id": "5764" + f"{i:01d}", "county_adcode": a, "date": cal["date"].to_numpy(),
            "tmax": (t + 5 - 0.08 * rain).round(1), "tmin": (t - 4).round(1),
            "precip_mm": rain.round(1), "wind": np.clip(rng.gamma(2, 1.2, D), 0, 12).round(1)}))
    return pd.concat(rows, ignore_index=True)


def waterlogging(addresses: pd.DataFrame, weather_df: pd.DataFrame, rng: np.random.Generator,
                 scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sensors at low urban points; hourly depth responds to heavy rain."""
    urb = addresses[addresses["urban"]]
    n = max(5, round(60 * scale ** 0.5))
    s = urb.iloc[rng.choice(len(urb), min(n, len(urb)), replace=False)]
    sensors = pd.DataFrame({"sensor_id": np.char.add("WL", np.char.zfill(
        np.arange(1, len(s) + 1).astype(str), 4)), "lon": s["lon"].to_numpy(),
        "lat": s["lat"].to_numpy(), "county_adcode": s["county_adcode"].to_numpy(),
        "sensitivity": rng.lognormal(0, 0.4, len(s))})
    w = weather_df.groupby("date")["precip_mm"].max()
    heavy = w[(w > 25) | (w == w.max())]
    rows = []
    for d, p in heavy.items():  # loop over heavy-rain days (a handful)
        hours = np.arange(24)
        base = pd.Timestamp(d).tz_localize(TZ)
        depth = max(p - 10, 3.0) * sensors["sensitivity"].to_numpy()[:, None] * np.exp(
            -0.5 * ((hours - 15) / 4.0) ** 2)[None, :]
        depth = np.clip(depth + rng.normal(0, 1, depth.shape), 0, None)
        m = depth > 1
        si, hi = np.nonzero(m)
        rows.append(pd.DataFrame({"sensor_id": sensors["sensor_id"].to_numpy()[si],
                                  "lon": sensors["lon"].to_numpy()[si],
                                  "lat": sensors["lat"].to_numpy()[si],
                                  "ts": base + pd.to_timedelta(hi, unit="h"),
                                  "depth_cm": depth[m].round(1)}))
    wl = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["sensor_id", "lon", "lat", "ts", "depth_cm"])
    return sensors.drop(columns="sensitivity"), wl


def _lunar_day(dates: pd.Series) -> np.ndarray:
    """Approximate lunar day-of-month (1..30) from the mean synodic month (±1 day)."""
    ref = pd.Timestamp("2000-01-06 18:14", tz="UTC")  # a new moon
    days = (pd.to_datetime(dates).dt.tz_localize(TZ).dt.tz_convert("UTC") + pd.Timedelta(
        hours=20) - ref).dt.total_seconds().to_numpy() / 86400
    return (np.floor(days % 29.530588853) + 1).astype(int)


def market_days(townships: pd.DataFrame, cal: pd.DataFrame,
                rng: np.random.Generator) -> pd.DataFrame:
    """赶场 calendars of rural towns: lunar 逢一四七 / 二五八 / 三六九 or solar equivalents."""
    t = townships[townships["kind"] != "street"].reset_index(drop=True)
    rules = np.array(["农历逢一四七", "农历逢二五八", "农历逢三六九", "阳历逢一六", "阳历逢三八"])
    rule = rules[rng.integers(0, len(rules), len(t))]
    dates = pd.Series(pd.to_datetime(cal["date"]))
    lunar = _lunar_day(dates)
    solar = dates.dt.day.to_numpy()
    digit_sets = {"农历逢一四七": (1, 4, 7), "农历逢二五八": (2, 5, 8), "农历逢三六九": (3, 6, 9),
                  "阳历逢一六": (1, 6), "阳历逢三八": (3, 8)}
    rows = []
    for r, digits in digit_sets.items():  # loop over 5 rules
        day_of = lunar if r.startswith("农历") else solar
        last = day_of % 10
        hit = np.isin(last, digits) & (day_of != 30 if r.startswith("农历") else True)
        tw = t[rule == r]
        d_hit = cal["date"].to_numpy()[hit]
        rows.append(pd.DataFrame({"township_code": np.repeat(tw["township_code"].to_numpy(),
                                                             len(d_hit)),
                                  "rule": r, "date": np.tile(d_hit, len(tw))}))
    return pd.concat(rows, ignore_index=True).sort_values(["township_code", "date"]
                                                           ).reset_index(drop=True)


def hotel_stays(units: pd.DataFrame, persons: pd.DataFrame, cal: pd.DataFrame,
                rng: np.random.Generator, scale: float) -> pd.DataFrame:
    """Guests per hotel-day (more on holidays and weekends), 1-3 nights each."""
    h = units[units["kind"].eq("hotel") | units["sub_kind"].eq("小旅馆")].reset_index(drop=True)
    mult = np.where(cal["public_holiday"], 1.8, np.where(cal["is_workday"], 1.0, 1.3))
    lam = (6 * np.sqrt(scale / 0.05)) * np.outer(rng.lognormal(0, 0.5, len(h)), mult)
    n = rng.poisson(lam)
    hi, di = np.nonzero(n)
    cnt = n[hi, di]
    hi, di = np.repeat(hi, cnt), np.repeat(di, cnt)
    m = len(hi)
    w = np.where(persons["is_floating"], 3.0, 1.0) * (persons["age"].between(18, 70))
    guest = rng.choice(len(persons), m, p=w / w.sum())
    base = pd.to_datetime(cal["date"].to_numpy()[di]).tz_localize(TZ)
    cin = base + pd.to_timedelta(rng.uniform(12, 24, m) * 3600, unit="s").round("min")
    cout = cin.normalize() + pd.to_timedelta(rng.integers(1, 4, m), unit="D") + \
        pd.to_timedelta(rng.uniform(7, 12, m) * 3600, unit="s").round("min")
    out = pd.DataFrame({"unit_id": h["unit_id"].to_numpy()[hi],
                        "person_id": persons["person_id"].to_numpy()[guest],
                        "check_in": cin, "check_out": cout}).sort_values("check_in",
                                                                          kind="stable")
    out.insert(0, "stay_id", seq_ids("S", m, 8))
    return out.reset_index(drop=True)


def smoke_alarms(houses: pd.DataFrame, events: pd.DataFrame, cal: pd.DataFrame,
                 rng: np.random.Generator) -> pd.DataFrame:
    """Device alarms: every fire in a house with a sensor, plus false alarms (cooking,
    steam) and low-battery faults; group rentals alarm more."""
    dev = houses[houses["has_smoke_sensor"]].reset_index(drop=True)
    fires = events[(events["category"] == "fire") & events["house_id"].isin(dev["house_id"])]
    dmap = dev.set_index("house_id")["smoke_device_id"]
    real = pd.DataFrame({"smoke_device_id": fires["house_id"].map(dmap).to_numpy(),
                         "house_id": fires["house_id"].to_numpy(),
                         "ts": fires["occurred_at"] + pd.Timedelta(minutes=2),
                         "alarm_kind": "smoke", "event_id": fires["event_id"].to_numpy()})
    D = len(cal)
    rate = (0.004 + 0.02 * dev["group_rental"].to_numpy()) * D
    k = rng.poisson(rate)
    di = np.repeat(np.arange(len(dev)), k)
    t0 = pd.Timestamp(cal["date"].iloc[0]).tz_localize(TZ)
    ts = t0 + pd.to_timedelta(rng.uniform(0, D * 86400, len(di)), unit="s").round("s")
    false = pd.DataFrame({"smoke_device_id": dev["smoke_device_id"].to_numpy()[di],
                          "house_id": dev["house_id"].to_numpy()[di], "ts": ts,
                          "alarm_kind": np.where(rng.random(len(di)) < 0.6, "smoke",
                                                 "low_battery"), "event_id": None})
    out = pd.concat([real, false], ignore_index=True).sort_values("ts", kind="stable")
    out.insert(0, "alarm_id", seq_ids("YGA", len(out), 7))
    return out.reset_index(drop=True)


def elevator_ebike_alarms(addresses: pd.DataFrame, persons: pd.DataFrame, houses: pd.DataFrame,
                          vehicles: pd.DataFrame, cal: pd.DataFrame,
                          rng: np.random.Generator) -> pd.DataFrame:
    """E-bike-into-elevator alarms in urban high-rise buildings (≥ 10 floors), ∝ e-bike owners
    living there; evenings (charging at home)."""
    a = addresses[addresses["urban"] & (addresses["floors"] >= 10)]
    owners = vehicles.loc[vehicles["kind"] == "ebike", "owner_person_id"]
    ph = persons.set_index("person_id").loc[owners.dropna(), "current_house_id"]
    ha = houses.set_index("house_id").loc[ph.to_numpy(), "address_id"].value_counts()
    n_eb = ha.reindex(a["address_id"]).fillna(0).to_numpy()
    D = len(cal)
    k = rng.poisson(0.01 * n_eb * D)
    ai = np.repeat(np.arange(len(a)), k)
    day = rng.integers(0, D, len(ai))
    hour = np.clip(rng.normal(20, 2.5, len(ai)), 0, 23.99)
    t0 = pd.Timestamp(cal["date"].iloc[0]).tz_localize(TZ)
    ts = t0 + pd.to_timedelta(day * 86400 + hour * 3600, unit="s").round("s")
    out = pd.DataFrame({"building_id": a["building_id"].to_numpy()[ai],
                        "address_id": a["address_id"].to_numpy()[ai], "ts": ts})
    return out.sort_values("ts", kind="stable").reset_index(drop=True)


def power_anomalies(houses: pd.DataFrame, cal: pd.DataFrame,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Monthly kWh per flagged meter: group rentals draw far more; some false anomalies."""
    months = sorted({(d.year, d.month) for d in cal["date"]})
    rows = []
    n = len(houses)
    occ = houses["n_occupants"].to_numpy()
    grp = houses["group_rental"].to_numpy()
    for y, m in months:  # loop over months
        kwh = rng.lognormal(np.log(90 + 60 * occ), 0.3)
        kwh = np.where(grp, kwh * rng.uniform(1.8, 3.0, n), kwh)
        vac = occ == 0
        kwh = np.where(vac, rng.uniform(0, 8, n), kwh)
        kind = np.select([grp & (kwh > 500), kwh > 900, vac & (rng.random(n) < 0.02)],
                         ["群租疑似高负荷", "用电量突增", "空置房异常用电"], "")
        kind = np.where((kind == "") & (rng.random(n) < 0.004), "用电量突增", kind)
        f = kind != ""
        rows.append(pd.DataFrame({"meter_id": houses["power_meter_id"].to_numpy()[f],
                                  "house_id": houses["house_id"].to_numpy()[f],
                                  "month": f"{y}-{m:02d}", "kwh": kwh[f].round(1),
                                  "anomaly_kind": kind[f]}))
    return pd.concat(rows, ignore_index=True)


def smi_followups(persons: pd.DataFrame, cal: pd.DataFrame,
                  rng: np.random.Generator) -> pd.DataFrame:
    """Monthly-ish follow-ups of registered SMI patients; 15 % are often missed (a care gap)."""
    p = persons[persons["smi"]].reset_index(drop=True)
    D = len(cal)
    gap = p["smi_care_gap"].to_numpy() if "smi_care_gap" in p else rng.random(len(p)) < 0.15
    every = np.where(gap, 75, 30)
    first = rng.integers(0, 30, len(p))
    k = np.maximum((D - first) // every + 1, 0)
    pi = np.repeat(np.arange(len(p)), k)
    j = np.arange(len(pi)) - np.repeat(np.cumsum(k) - k, k)
    day = np.minimum(first[pi] + j * every[pi] + rng.integers(-3, 4, len(pi)), D - 1)
    day = np.maximum(day, 0)
    status = rng.choice(["病情稳定", "基本稳定", "不稳定", "失访"], len(pi),
                        p=[0.6, 0.25, 0.1, 0.05])
    status = np.where(gap[pi] & (rng.random(len(pi)) < 0.3), "失访", status)
    doctors = np.array(["李医生", "王医生", "陈医生", "刘医生", "周医生", "胡医生"])
    doctor = doctors[rng.integers(0, len(doctors), len(pi))]
    # 服药依从性 as the follow-up form records it: patients with a care gap take their
    # medication irregularly more often; a missed visit records nothing (不详). A child
    # generator keeps the parent stream (and every later feed of this World) unchanged.
    med_rng = np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0])
    irregular = med_rng.random(len(pi)) < np.where(gap[pi], 0.4, 0.08)
    stopped = irregular & (med_rng.random(len(pi)) < 0.3)
    medication = np.where(stopped, "不服药", np.where(irregular, "间断服药", "规律服药"))
    medication = np.where(status == "失访", "不详", medication)
    return pd.DataFrame({"person_id": p["person_id"].to_numpy()[pi],
                         "date": cal["date"].to_numpy()[day], "status": status,
                         "doctor": doctor, "medication": medication})


def fire_inspections(units: pd.DataFrame, cal: pd.DataFrame,
                     rng: np.random.Generator) -> pd.DataFrame:
    """Inspections of venues; defects found ∝ hidden risk (detected with noise)."""
    u = units[units["kind"].isin(["three_small", "bar_ktv", "hotel", "hazmat_firm",
                                  "school", "hospital"])].reset_index(drop=True)
    sel = rng.random(len(u)) < 0.4
    u = u[sel]
    n = len(u)
    day = rng.integers(0, len(cal), n)
    defects = rng.poisson(u["risk_hidden"].to_numpy() * 4)
    return pd.DataFrame({"unit_id": u["unit_id"].to_numpy(), "date": cal["date"].to_numpy()[day],
                         "inspector": np.array(["消防大队一中队", "消防大队二中队", "乡镇消防所"])[
                             rng.integers(0, 3, n)],
                         "n_defects": defects,
                         "result": np.where(defects >= 2, "责令整改", "合格")})


def wage_arrears(units: pd.DataFrame, persons: pd.DataFrame, cal: pd.DataFrame,
                 rng: np.random.Generator) -> pd.DataFrame:
    """Complaints against companies (construction more), more before holidays."""
    c = units[units["kind"] == "company"].reset_index(drop=True)
    w = 1 + 3 * (c["sub_kind"] == "建筑").to_numpy()
    n = max(1, int(rng.poisson(len(c) * 0.05 * len(cal) / 30)))
    ci = rng.choice(len(c), n, p=w / w.sum())
    day = rng.integers(0, len(cal), n)
    adults = persons.loc[persons["age"].between(20, 60), "person_id"].to_numpy()
    return pd.DataFrame({"unit_id": c["unit_id"].to_numpy()[ci],
                         "date": cal["date"].to_numpy()[day],
                         "n_workers": rng.integers(1, 40, n),
                         "amount_yuan": (rng.lognormal(10, 1, n)).round(-2),
                         "complainant_person_id": adults[rng.integers(0, len(adults), n)]})


def event_views(events: pd.DataFrame, vehicles: pd.DataFrame, persons: pd.DataFrame,
                rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Per-feed views of events with the extra fields those departments record."""
    def has(ch: str) -> pd.Series:
        return events["channels"].map(lambda c: ch in c)

    out: dict[str, pd.DataFrame] = {}
    d = events[events["category"] == "dispute"].copy()
    d["party_a_person_id"] = d["victim_person_id"]
    d["party_b_person_id"] = d["suspect_person_id"]
    d["mediation_result"] = rng.choice(["调解成功", "调解中", "调解失败", "移交司法"], len(d),
                                       p=[0.65, 0.15, 0.12, 0.08])
    d["escalated_later"] = d["event_id"].isin(events["escalated_from"].dropna())
    d.loc[d["escalated_later"], "mediation_result"] = rng.choice(
        ["调解失败", "调解中"], int(d["escalated_later"].sum()))
    out["disputes"] = d
    out["grid_events"] = events[has("grid_events")].copy()
    h = events[has("hotline_12345")].copy()
    h["topic"] = h["category"].map({"dispute": "邻里矛盾", "other": "噪音扰民"}).fillna("其他")
    out["hotline_calls"] = h
    f = events[events["category"] == "fraud"].copy()
    f["loss_yuan"] = rng.lognormal(9, 1.3, len(f)).round(0)
    out["fraud_reports"] = f
    cars = vehicles.loc[vehicles["kind"] == "car", "plate"].to_numpy()
    ebs = vehicles.loc[vehicles["kind"] == "ebike", "plate"].to_numpy()
    tv = events[events["category"] == "traffic_violation"].copy()
    tv["plate"] = cars[rng.integers(0, len(cars), len(tv))] if len(cars) else None
    out["traffic_violations"] = tv
    ta = events[events["category"] == "traffic_accident"].copy()
    ta["plates"] = [[a, b] for a, b in zip(
        (cars[rng.integers(0, len(cars), len(ta))] if len(cars) else [None] * len(ta)),
        (ebs[rng.integers(0, len(ebs), len(ta))] if len(ebs) else [None] * len(ta)),
        strict=True)]
    ta["injured"] = rng.poisson(0.6, len(ta))
    ta["deaths"] = (rng.random(len(ta)) < 0.02).astype(int)
    out["traffic_accidents"] = ta
    return out
