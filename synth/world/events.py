"""Incidents: a context-driven, self-exciting (Hawkes-style) process on H3-9 cells and days.

For category k, cell c and day d the true conditional intensity (expected count) is

    λ[k,c,d] = μ[k,c] · M[k,d] + school[k,c] · S[d] + E[k,c,d]

- μ[k,c]: context (residents, rentals, group rentals, venues, hotels, road lighting, flows)
  times a hidden persistent cell effect (learnable from history, not from context);
- M[k,d]: weekly cycle, Chinese public holidays and adjusted workdays (chinese_calendar),
  seasonal drift and a fraud trend;
- S[d]: school days (term from 1 September, not weekends/holidays) drive traffic accidents
  near schools — hidden structure a naive count over July-August misses;
- E: excitation from past events, exponential in time (mean ``TAU_DAYS``) and spread over
  the cell (65 %) and its ring-1 neighbours (35 %) — near-repeat victimisation; disputes also
  excite assaults in the same cell (escalation, ``escalated_from``).

Events are Poisson(λ) per cell-day; ``intensity`` records λ.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import h3
import numpy as np
import pandas as pd
import scipy.sparse as sp

from data_contracts.vocab import EVENT_CATEGORIES
from synth.world.ids import seq_ids

CATS = list(EVENT_CATEGORIES)
#: Events per 1,000 world persons per year (the world's registries are a sample of the city;
#: these give ≈3,000 events in 120 days at scale 0.05).
RATE_PER_1000 = {"theft": 180, "burglary": 60, "vehicle_theft": 50, "fraud": 70,
                 "assault": 45, "dispute": 180, "public_order": 60, "fire": 15,
                 "traffic_accident": 70, "traffic_violation": 120, "other": 60}
#: Branching ratio (expected offspring per event) and its spatial reach.
BRANCHING = {"theft": 0.4, "burglary": 0.4, "vehicle_theft": 0.4, "fraud": 0.05,
             "assault": 0.3, "dispute": 0.35, "public_order": 0.25, "fire": 0.05,
             "traffic_accident": 0.05, "traffic_violation": 0.1, "other": 0.1}
ESCALATION = 0.10  # expected assaults triggered per dispute in the same cell
TAU_DAYS = 7.0
SELF_SHARE = 0.65

SUBCATEGORIES = {
    "theft": ["扒窃", "盗窃电动车电瓶", "商铺盗窃", "盗窃财物"],
    "burglary": ["入室盗窃", "撬门入室", "翻窗入室"],
    "vehicle_theft": ["盗窃电动自行车", "盗窃摩托车", "盗窃汽车"],
    "fraud": ["冒充客服诈骗", "刷单返利诈骗", "虚假投资理财", "冒充公检法", "网络贷款诈骗"],
    "assault": ["殴打他人", "故意伤害", "寻衅滋事"],
    "dispute": ["邻里纠纷", "家庭纠纷", "婚恋纠纷", "劳资纠纷", "土地山林纠纷", "物业纠纷",
                "消费纠纷"],
    "public_order": ["聚众斗殴", "酒后滋事", "噪音扰民", "赌博"],
    "fire": ["电动车充电起火", "电气线路火灾", "厨房用火不慎", "垃圾起火"],
    "traffic_accident": ["两车相撞", "电动车与机动车碰撞", "单方事故", "行人被撞"],
    "traffic_violation": ["无证驾驶", "酒后驾驶", "超速行驶", "违法停车", "不戴头盔"],
    "other": ["求助", "走失人员", "噪音投诉", "可疑情况"],
}

#: Probability that a feed records an event of a category.
CHANNELS = {
    "theft": {"calls_110": 0.85, "criminal_cases": 0.55},
    "burglary": {"calls_110": 0.9, "criminal_cases": 0.8},
    "vehicle_theft": {"calls_110": 0.85, "criminal_cases": 0.6},
    "fraud": {"fraud_reports": 0.9, "calls_110": 0.35, "criminal_cases": 0.45},
    "assault": {"calls_110": 0.85, "admin_cases": 0.6, "criminal_cases": 0.25},
    "dispute": {"disputes": 0.7, "calls_110": 0.35, "grid_events": 0.3, "hotline_12345": 0.15},
    "public_order": {"calls_110": 0.8, "admin_cases": 0.5, "grid_events": 0.2},
    "fire": {"fire_incidents": 0.95, "calls_110": 0.4},
    "traffic_accident": {"traffic_accidents": 0.9, "calls_110": 0.6},
    "traffic_violation": {"traffic_violations": 1.0},
    "other": {"calls_110": 0.6, "grid_events": 0.3, "hotline_12345": 0.3},
}
PRIMARY = {k: next(iter(v)) for k, v in CHANNELS.items()}

SEVERITY_P = {"theft": [0.7, 0.25, 0.05], "burglary": [0.4, 0.45, 0.15],
              "vehicle_theft": [0.6, 0.35, 0.05], "fraud": [0.5, 0.35, 0.15],
              "assault": [0.45, 0.4, 0.15], "dispute": [0.75, 0.2, 0.05],
              "public_order": [0.6, 0.3, 0.1], "fire": [0.6, 0.3, 0.1],
              "traffic_accident": [0.6, 0.3, 0.1], "traffic_violation": [0.8, 0.15, 0.05],
              "other": [0.9, 0.08, 0.02]}


def _profile(*peaks: tuple[float, float, float], floor: float = 0.15) -> np.ndarray:
    h = np.arange(24) + 0.5
    p = np.full(24, floor)
    for mu, sd, w in peaks:
        d = np.minimum(np.abs(h - mu), 24 - np.abs(h - mu))
        p += w * np.exp(-0.5 * (d / sd) ** 2)
    return p / p.sum()


HOUR_PROFILES = {
    "day": _profile((10.5, 2.5, 1.0), (17.5, 2.5, 1.2)),
    "night": _profile((23.0, 2.0, 1.5), (1.5, 1.5, 0.8), floor=0.05),
    "work": _profile((11.0, 3.0, 1.0)),
    "commute": _profile((8.0, 1.0, 1.0), (18.0, 1.3, 1.2), (12.5, 1.5, 0.4)),
    "school": _profile((7.6, 0.5, 1.5), (16.8, 0.6, 1.5), floor=0.05),
    "evening": _profile((20.0, 3.0, 1.0), (2.0, 2.0, 0.5)),
    "dispute": _profile((11.0, 3.0, 0.8), (19.5, 2.0, 1.0)),
}
CAT_PROFILE = {"theft": "day", "burglary": "work", "vehicle_theft": "evening", "fraud": "work",
               "assault": "night", "dispute": "dispute", "public_order": "night",
               "fire": "evening", "traffic_accident": "commute", "traffic_violation": "commute",
               "other": "day"}


def calendar_table(start: dt.date, days: int) -> pd.DataFrame:
    """One row per day: dow, is_holiday, is_workday (调休 aware), school_day, multipliers."""
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    cal = pd.DataFrame({"date": dates})
    cal["dow"] = [d.weekday() for d in dates]

    def safe(f, d: dt.date) -> bool:
        try:
            return bool(f(d))
        except NotImplementedError:  # outside the package's years: plain weekends
            return d.weekday() < 5 if f is chinese_calendar.is_workday else d.weekday() >= 5

    cal["is_workday"] = [safe(chinese_calendar.is_workday, d) for d in dates]
    cal["is_holiday"] = [safe(chinese_calendar.is_holiday, d) for d in dates]
    cal["public_holiday"] = cal["is_holiday"].to_numpy() & np.array(
        [_is_named_holiday(d) for d in dates], dtype=bool)
    cal["adjusted_workday"] = cal["is_workday"] & (cal["dow"] >= 5)
    month = np.array([d.month for d in dates])
    day = np.array([d.day for d in dates])
    term = ~((month == 7) | (month == 8) | ((month == 1) & (day > 20)) | (month == 2))
    cal["school_day"] = cal["is_workday"].to_numpy() & term
    return cal


def _is_named_holiday(d: dt.date) -> bool:
    try:
        on, name = chinese_calendar.get_holiday_detail(d)
    except NotImplementedError:
        return False
    return bool(on and name is not None)


def temporal_multipliers(cal: pd.DataFrame, start: dt.date) -> np.ndarray:
    """M[k, d]: weekly cycle (adjusted workdays count as weekdays), holidays, season, trend."""
    K, D = len(CATS), len(cal)
    M = np.ones((K, D))
    weekend = ~cal["is_workday"].to_numpy() & ~cal["public_holiday"].to_numpy()
    hol = cal["public_holiday"].to_numpy()
    fri_sat = cal["dow"].isin([4, 5]).to_numpy() & ~cal["adjusted_workday"].to_numpy()
    doy = np.array([d.timetuple().tm_yday for d in cal["date"]])
    summer = np.cos(2 * np.pi * (doy - 200) / 365)  # +1 in mid-July, -1 in January
    t = np.arange(D) / 365
    weekend_f = {"theft": 1.1, "burglary": 0.85, "assault": 1.2, "dispute": 1.15,
                 "public_order": 1.25, "traffic_accident": 0.85, "traffic_violation": 0.8,
                 "fraud": 0.8}
    holiday_f = {"theft": 1.3, "burglary": 1.45, "vehicle_theft": 1.2, "assault": 1.35,
                 "dispute": 1.35, "public_order": 1.5, "traffic_accident": 1.35,
                 "traffic_violation": 1.2, "fraud": 0.75, "fire": 1.15, "other": 1.2}
    season_a = {"theft": 0.1, "assault": 0.15, "public_order": 0.15, "dispute": 0.05,
                "fire": -0.25, "traffic_accident": 0.05, "burglary": -0.05}
    for i, k in enumerate(CATS):  # loop over 11 categories
        M[i] *= np.where(weekend, weekend_f.get(k, 1.0), 1.0)
        M[i] *= np.where(hol, holiday_f.get(k, 1.0), 1.0)
        if k in ("assault", "public_order"):
            M[i] *= np.where(fri_sat, 1.15, 1.0)
        M[i] *= 1 + season_a.get(k, 0.0) * summer
        if k == "fraud":
            M[i] *= 1 + 0.6 * t  # rising telecom fraud
    return M


def cell_context(addresses: pd.DataFrame, houses: pd.DataFrame, persons: pd.DataFrame,
                 units: pd.DataFrame, cameras: pd.DataFrame,
                 vehicles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Context per active H3-9 cell (cells that hold an address)."""
    a = addresses
    cells = np.sort(a["h3_9"].unique())
    idx = pd.Index(cells)
    ci_addr = idx.get_indexer(a["h3_9"])
    h_cell = houses["address_id"].map(a.set_index("address_id")["h3_9"])
    hc = idx.get_indexer(h_cell)
    C = len(cells)

    def count(ix: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(ix[ix >= 0], weights=None if w is None else w[ix >= 0], minlength=C)

    house_cell = pd.Series(hc, index=houses["house_id"].to_numpy())
    pc = house_cell.reindex(persons["current_house_id"].to_numpy()).to_numpy()
    ctx = pd.DataFrame({"h3_9": cells})
    ctx["n_addr"] = count(ci_addr)
    ctx["houses"] = count(hc)
    ctx["rentals"] = count(hc, houses["is_rental"].to_numpy().astype(float))
    ctx["group_rentals"] = count(hc, houses["group_rental"].to_numpy().astype(float))
    ctx["pop"] = count(pc)
    ctx["elderly"] = count(pc, (persons["age"].to_numpy() >= 65).astype(float))
    ctx["released"] = count(pc, persons["released_prisoner"].to_numpy().astype(float))
    ctx["smi"] = count(pc, persons["smi"].to_numpy().astype(float))
    uc = idx.get_indexer(units["h3_9"])
    for kind in ("three_small", "bar_ktv", "hotel", "school", "company", "hazmat_firm",
                 "hospital"):
        ctx[kind] = count(uc, (units["kind"] == kind).to_numpy().astype(float))
    ctx["nightlife"] = count(uc, units["nightlife_strip"].to_numpy().astype(float))
    ctx["lighting"] = count(ci_addr, a["lighting"].to_numpy()) / np.maximum(ctx["n_addr"], 1)
    ctx["urban"] = count(ci_addr, a["urban"].to_numpy().astype(float)) / np.maximum(
        ctx["n_addr"], 1)
    rk = a["road_kind"].map({"arterial": 3.0, "secondary": 2.0, "local": 1.0, "rural": 0.3})
    ctx["road_flow"] = count(ci_addr, rk.to_numpy()) / np.maximum(ctx["n_addr"], 1)
    cc = idx.get_indexer(cameras["h3_9"])
    ctx["camera_flow"] = count(cc, cameras["flow_factor"].to_numpy())
    ctx["flow"] = ctx["road_flow"] * (1 + ctx["urban"] * 2) + ctx["camera_flow"]
    if vehicles is not None:
        own = vehicles.loc[vehicles["kind"] == "ebike", "owner_person_id"]
        is_owner = persons["person_id"].isin(own).to_numpy().astype(float)
        ctx["ebike_owners"] = count(pc, is_owner)
        floors = a["floors"].to_numpy() * a["urban"].to_numpy()
        ctx["high_rise"] = count(ci_addr, (floors >= 10).astype(float))
    # the township of a cell: that of most of its addresses
    tw = a.groupby("h3_9")["township_code"].agg(lambda s: s.value_counts().index[0])
    ctx["township_code"] = tw.reindex(cells).to_numpy()
    return ctx


def base_log_intensity(ctx: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """log μ[k, c] up to a per-category constant: context + hidden persistent cell effect."""
    L = np.log1p
    pop, hs = ctx["pop"].to_numpy(), ctx["houses"].to_numpy()
    rent_share = ctx["rentals"].to_numpy() / np.maximum(hs, 1)
    grp = ctx["group_rentals"].to_numpy()
    dark = 1 - ctx["lighting"].to_numpy()
    flow = ctx["flow"].to_numpy()
    ts, bar = ctx["three_small"].to_numpy(), ctx["bar_ktv"].to_numpy()
    hotel, nl = ctx["hotel"].to_numpy(), ctx["nightlife"].to_numpy()
    rural = 1 - ctx["urban"].to_numpy()
    eld = ctx["elderly"].to_numpy() / np.maximum(pop, 1)
    rel = ctx["released"].to_numpy()
    ebo = ctx["ebike_owners"].to_numpy() if "ebike_owners" in ctx else np.zeros(len(ctx))
    hr = ctx["high_rise"].to_numpy() if "high_rise" in ctx else np.zeros(len(ctx))
    f = {
        "theft": 0.4 * L(pop) + 0.5 * L(ts) + 0.7 * L(bar) + 0.5 * L(hotel) + 1.0 * dark
        + 0.4 * L(flow),
        "burglary": 0.45 * L(hs) + 1.2 * rent_share + 1.4 * dark + 0.2 * rural,
        "vehicle_theft": 0.4 * L(pop) + 1.0 * rent_share + 0.6 * L(grp) + 0.9 * dark,
        "fraud": 0.6 * L(pop) + 0.8 * eld,
        "assault": 0.35 * L(pop) + 1.1 * L(bar) + 0.8 * L(nl) + 0.6 * dark + 0.7 * L(rel),
        "dispute": 0.5 * L(pop) + 0.7 * rent_share + 0.6 * L(grp) + 0.3 * L(ts),
        "public_order": 1.3 * L(bar) + 0.9 * L(nl) + 0.3 * L(pop) + 0.4 * L(hotel),
        "fire": 0.4 * L(hs) + 1.5 * L(grp) + 0.6 * L(ts) + 0.4 * rural
        + 0.5 * L(ebo) * (hr > 0),
        "traffic_accident": 0.9 * L(flow) + 0.5 * dark,
        "traffic_violation": 1.0 * L(flow) + 0.2 * L(pop),
        "other": 0.45 * L(pop) + 0.2 * L(flow),
    }
    C = len(ctx)
    common = rng.normal(0, 0.55, C)  # hidden place effect shared by all categories
    out = np.empty((len(CATS), C))
    for i, k in enumerate(CATS):  # loop over categories
        out[i] = f[k] + common + rng.normal(0, 0.35, C)
    return out


def neighbour_kernel(cells: np.ndarray) -> sp.csr_matrix:
    """Row-stochastic C×C matrix: 65 % to the cell itself, 35 % shared by its active ring-1
    neighbours (all to itself when it has none)."""
    C = len(cells)
    idx = pd.Index(cells)
    # h3 has no vectorised ring; one C call per active cell (≤ ~30k), lookups vectorised
    rings = [h3.grid_ring(h3.int_to_str(int(c)), 1) for c in cells.tolist()]
    src = np.repeat(np.arange(C), [len(r) for r in rings])
    nbs = np.array([h3.str_to_int(x) for r in rings for x in r], dtype=np.int64)
    j = idx.get_indexer(nbs)
    rows_a, cols_a = src[j >= 0], j[j >= 0]
    deg = np.bincount(rows_a, minlength=C)
    self_w = np.where(deg > 0, SELF_SHARE, 1.0)
    nb_w = (1 - SELF_SHARE) / np.maximum(deg[rows_a], 1)
    K = sp.csr_matrix((np.r_[self_w, nb_w], (np.r_[np.arange(C), rows_a],
                                             np.r_[np.arange(C), cols_a])), shape=(C, C))
    return K


def simulate(ctx: pd.DataFrame, cal: pd.DataFrame, n_persons: int, start: dt.date,
             rng: np.random.Generator, rain_mm: np.ndarray | None = None,
             market: np.ndarray | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the day loop; return (raw events: k, cell index, day, triggered, escalated;
    intensity long table).

    ``rain_mm`` (D,) city rainfall: rain keeps people in (street crime down) and makes roads
    slippery (accidents up). ``market`` (D, C) bool: market day (赶场) in the cell's
    township — rural traffic accidents and disputes rise there on those days.
    """
    K, C, D = len(CATS), len(ctx), len(cal)
    M = temporal_multipliers(cal, start)
    if rain_mm is not None:
        r = np.minimum(np.asarray(rain_mm, float), 60.0)
        for i, k in enumerate(CATS):
            if k in ("traffic_accident",):
                M[i] *= 1 + 0.012 * r
            elif k in ("theft", "assault", "public_order", "vehicle_theft"):
                M[i] *= 1 - 0.006 * r
    mk_boost = np.zeros((K, 1))
    mk_boost[CATS.index("traffic_accident")] = 1.2
    mk_boost[CATS.index("dispute")] = 0.5
    mk_boost[CATS.index("theft")] = 0.4
    logmu = base_log_intensity(ctx, rng)
    mu = np.exp(logmu - logmu.max(axis=1, keepdims=True))
    school = np.zeros((K, C))
    S = cal["school_day"].to_numpy().astype(float)
    for i, k in enumerate(CATS):
        target = RATE_PER_1000[k] * n_persons / 1000 / 365 * D
        bg = target * (1 - BRANCHING[k])
        if k == "traffic_accident":
            # 25 % of the background near schools on school days only
            sc = ctx["school"].to_numpy()
            if sc.sum() > 0 and S.sum() > 0:
                school[i] = 0.25 * bg * sc / sc.sum() / S.sum()
                bg *= 0.75
        mu[i] *= bg / (mu[i].sum() * M[i].sum())
    Kn = neighbour_kernel(ctx["h3_9"].to_numpy())
    decay = np.exp(-1.0 / TAU_DAYS)
    alpha = np.array([BRANCHING[k] for k in CATS])[:, None]
    E = np.zeros((K, C))
    E_esc = np.zeros(C)
    kd = CATS.index("dispute")
    lam_all = np.empty((D, K, C), dtype=np.float32)
    ev_k, ev_c, ev_d, ev_trig, ev_esc = [], [], [], [], []
    for d in range(D):  # loop over days
        lam = mu * M[:, d:d + 1] + school * S[d] + E
        if market is not None:
            lam = lam + mu * M[:, d:d + 1] * mk_boost * market[d][None, :]
        lam_assault_esc = E_esc
        lam[CATS.index("assault")] += lam_assault_esc
        lam_all[d] = lam
        N = rng.poisson(lam)
        k_i, c_i = np.nonzero(N)
        cnt = N[k_i, c_i]
        kk = np.repeat(k_i, cnt)
        cc = np.repeat(c_i, cnt)
        p_trig = (E[kk, cc]) / np.maximum(lam[kk, cc], 1e-12)
        p_esc = np.where(kk == CATS.index("assault"), E_esc[cc] / np.maximum(lam[kk, cc],
                                                                             1e-12), 0.0)
        r = rng.random(len(kk))
        esc = r < p_esc
        trig = (~esc) & (r < p_esc + p_trig)
        ev_k.append(kk)
        ev_c.append(cc)
        ev_d.append(np.full(len(kk), d))
        ev_trig.append(trig)
        ev_esc.append(esc)
        # excitation for the following days (spread in space by the kernel)
        E = decay * E + alpha * (1 - decay) * (Kn.T @ N.T).T
        E_esc = decay * E_esc + ESCALATION * (1 - decay) * N[kd]
    raw = pd.DataFrame({"k": np.concatenate(ev_k), "c": np.concatenate(ev_c),
                        "day": np.concatenate(ev_d), "triggered": np.concatenate(ev_trig),
                        "escalated": np.concatenate(ev_esc)})
    dates = np.array(cal["date"].tolist(), dtype="datetime64[D]").astype("datetime64[s]")
    inten = pd.DataFrame({
        "h3_9": np.tile(ctx["h3_9"].to_numpy(), D * K),
        "date": np.repeat(dates, K * C),
        "category": pd.Categorical(np.tile(np.repeat(np.array(CATS), C), D), categories=CATS),
        "expected": lam_all.reshape(-1),
    })
    return raw, inten


def _pick_in_groups(rng: np.random.Generator, group_of_item: np.ndarray, weight: np.ndarray,
                    n_groups: int, want_group: np.ndarray) -> np.ndarray:
    """For each entry of ``want_group`` pick an item of that group with probability ∝ weight
    (vectorised: cumulative weights and searchsorted). Returns item index or -1."""
    order = np.argsort(group_of_item, kind="stable")
    g = group_of_item[order]
    w = weight[order].astype(float)
    cw = np.cumsum(w)
    start = np.searchsorted(g, np.arange(n_groups), side="left")
    end = np.searchsorted(g, np.arange(n_groups), side="right")
    before = np.r_[0.0, cw][start]
    total = np.r_[0.0, cw][end] - before
    wg = want_group
    ok = (wg >= 0) & (total[np.clip(wg, 0, n_groups - 1)] > 0)
    u = rng.random(len(wg))
    target = before[np.clip(wg, 0, n_groups - 1)] + u * total[np.clip(wg, 0, n_groups - 1)]
    pos = np.searchsorted(cw, target, side="right")
    pos = np.minimum(pos, np.maximum(end[np.clip(wg, 0, n_groups - 1)] - 1, 0))
    out = np.where(ok, order[np.minimum(pos, len(order) - 1)], -1)
    return out


def materialise(raw: pd.DataFrame, ctx: pd.DataFrame, cal: pd.DataFrame,
                addresses: pd.DataFrame, houses: pd.DataFrame, persons: pd.DataFrame,
                units: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Give every raw event a time, place, people, channels and text (vectorised)."""
    n = len(raw)
    cells = ctx["h3_9"].to_numpy()
    C = len(cells)
    cat = np.array(CATS)[raw["k"].to_numpy()]
    cidx = raw["c"].to_numpy()
    # --- hour of day by category, with venue-night and school-hour variants
    nightlife = (ctx["bar_ktv"].to_numpy() + ctx["nightlife"].to_numpy())[cidx] > 0
    school_cell = ctx["school"].to_numpy()[cidx] > 0
    schoolday = cal["school_day"].to_numpy()[raw["day"].to_numpy()]
    prof = np.array([CAT_PROFILE[k] for k in cat], dtype=object)
    prof = np.where(nightlife & np.isin(cat, ["theft", "assault", "public_order"]) &
                    (rng.random(n) < 0.6), "night", prof)
    prof = np.where(school_cell & schoolday & (cat == "traffic_accident") &
                    (rng.random(n) < 0.6), "school", prof)
    hour = np.zeros(n, dtype=int)
    for key, p in HOUR_PROFILES.items():  # loop over 7 profiles
        m = prof == key
        hour[m] = rng.choice(24, int(m.sum()), p=p)
    minute = rng.integers(0, 60, n)
    sec = rng.integers(0, 60, n)
    day0 = pd.Timestamp(cal["date"].iloc[0])
    occurred = (day0 + pd.to_timedelta(raw["day"].to_numpy(), unit="D")
                + pd.to_timedelta(hour * 3600 + minute * 60 + sec, unit="s")).tz_localize(
        "Asia/Shanghai")
    # --- address inside the cell: weights by category (houses / units at the address)
    a = addresses
    a_cell = pd.Index(cells).get_indexer(a["h3_9"])
    n_h = houses.groupby("address_id").size().reindex(a["address_id"]).fillna(0).to_numpy()
    n_u = units.groupby("address_id").size().reindex(a["address_id"]).fillna(0).to_numpy()
    addr_idx = np.full(n, -1)
    res_cats = {"burglary", "fire", "dispute", "vehicle_theft", "fraud", "other"}
    for k in CATS:  # loop over categories
        m = cat == k
        if not m.any():
            continue
        if k in res_cats:
            w = 0.2 + n_h
        elif k in ("theft", "public_order", "assault"):
            w = 0.5 + 3 * n_u + 0.1 * n_h
        else:  # traffic: by road kind
            w = a["road_kind"].map({"arterial": 4.0, "secondary": 2.5, "local": 1.0,
                                    "rural": 0.6}).to_numpy()
        addr_idx[m] = _pick_in_groups(rng, a_cell, w, C, cidx[m])
    # near-repeat victimisation: a triggered event often hits the same place again
    ev = pd.DataFrame({"cat": cat, "c": cidx, "t": occurred, "a": addr_idx,
                       "trig": raw["triggered"].to_numpy()})
    ev = ev.sort_values(["cat", "c", "t"], kind="stable")
    prev_a = ev.groupby(["cat", "c"], sort=False)["a"].shift(1)
    repeat = ev["trig"] & prev_a.notna() & (rng.random(len(ev)) < 0.5)
    ev.loc[repeat, "a"] = prev_a[repeat].astype(int)
    addr_idx = ev.sort_index()["a"].to_numpy()
    lon = a["lon"].to_numpy()[addr_idx] + rng.normal(0, 0.00012, n)
    lat = a["lat"].to_numpy()[addr_idx] + rng.normal(0, 0.00010, n)
    # keep the jittered point in the event's cell (fall back to the address point)
    from synth.world.geography import h3_cells

    h = h3_cells(lon, lat, 9)
    same = h == cells[cidx]
    lon = np.where(same, lon, a["lon"].to_numpy()[addr_idx])
    lat = np.where(same, lat, a["lat"].to_numpy()[addr_idx])
    address_id = a["address_id"].to_numpy()[addr_idx]
    # --- house at the address (residential categories)
    h_addr_idx = pd.Index(a["address_id"]).get_indexer(houses["address_id"])
    w_house = 1.0 + 4.0 * houses["group_rental"].to_numpy() * 1.0
    hi = _pick_in_groups(rng, h_addr_idx, w_house, len(a), addr_idx)
    use_house = np.isin(cat, list(res_cats)) & (hi >= 0)
    house_id = np.where(use_house, houses["house_id"].to_numpy()[np.maximum(hi, 0)], None)
    # --- unit at the address
    u_addr_idx = pd.Index(a["address_id"]).get_indexer(units["address_id"])
    ui = _pick_in_groups(rng, u_addr_idx, np.ones(len(units)), len(a), addr_idx)
    use_unit = np.isin(cat, ["theft", "public_order", "assault", "fire", "dispute"]) & (ui >= 0) \
        & (rng.random(n) < np.where(np.isin(cat, ["fire", "dispute"]), 0.4, 0.8))
    unit_id = np.where(use_unit, units["unit_id"].to_numpy()[np.maximum(ui, 0)], None)
    # --- people: victim = resident of the house or of the cell; suspect from a pool
    hcell = pd.Series(pd.Index(cells).get_indexer(
        houses["address_id"].map(a.set_index("address_id")["h3_9"])),
        index=houses["house_id"].to_numpy())
    p_cell = hcell.reindex(persons["current_house_id"]).to_numpy()
    p_house = pd.Index(houses["house_id"]).get_indexer(persons["current_house_id"])
    adult = (persons["age"].to_numpy() >= 16).astype(float)
    by_house = _pick_in_groups(rng, p_house, adult + 0.01, len(houses),
                               np.where(use_house, np.maximum(hi, 0), -1))
    by_cell = _pick_in_groups(rng, p_cell, adult + 0.01, C, cidx)
    any_p = rng.integers(0, len(persons), n)
    victim = np.where(by_house >= 0, by_house, np.where(by_cell >= 0, by_cell, any_p))
    # fraud victims skew old
    old = np.flatnonzero(persons["age"].to_numpy() >= 55)
    fr = (cat == "fraud") & (rng.random(n) < 0.5)
    if len(old):
        victim = np.where(fr, old[rng.integers(0, len(old), n)], victim)
    pid = persons["person_id"].to_numpy()
    age = persons["age"].to_numpy()
    male = persons["sex"].to_numpy() == "M"
    sw = (((age >= 16) & (age <= 60)) * (1 + 2.0 * (male & (age < 35))) +
          8.0 * persons["released_prisoner"].to_numpy() + 2.0 * persons["smi"].to_numpy()
          + 25.0 * persons.get("smi_care_gap", pd.Series(False, index=persons.index)).to_numpy())
    sw = sw / sw.sum()
    pool = rng.choice(len(persons), n, p=sw)
    local = _pick_in_groups(rng, p_cell, sw * len(sw) + 0.01, C, cidx)
    known = np.select([np.isin(cat, ["assault", "dispute", "public_order"]),
                       np.isin(cat, ["theft", "burglary", "vehicle_theft"]),
                       np.isin(cat, ["traffic_accident", "traffic_violation"])],
                      [0.95, 0.25, 0.9], 0.0)
    has_s = rng.random(n) < known
    s_idx = np.where((cat == "dispute") & (local >= 0), local, pool)
    s_idx = np.where(s_idx == victim, pool, s_idx)
    suspect = np.where(has_s, pid[s_idx], None)
    victim_id = np.where(np.isin(cat, ["traffic_violation"]), None, pid[victim])
    # --- severity, delays, channels, text
    sev = np.zeros(n, dtype=int)
    sub = np.empty(n, dtype=object)
    for k in CATS:  # loop over categories
        m = cat == k
        sev[m] = rng.choice([1, 2, 3], int(m.sum()), p=SEVERITY_P[k])
        subs = SUBCATEGORIES[k]
        sub[m] = np.array(subs)[rng.integers(0, len(subs), int(m.sum()))]
    delay_min = np.select([cat == "burglary", cat == "fraud", cat == "theft",
                           cat == "vehicle_theft"],
                          [rng.lognormal(np.log(180), 1.0, n), rng.lognormal(np.log(600), 1.2, n),
                           rng.lognormal(np.log(40), 1.0, n), rng.lognormal(np.log(300), 1.0, n)],
                          rng.lognormal(np.log(6), 0.8, n))
    reported = occurred + pd.to_timedelta(np.round(delay_min * 60), unit="s")
    ch_rows, ch_ev = [], []
    for k, chans in CHANNELS.items():  # loop over categories × feeds
        m = np.flatnonzero(cat == k)
        for ch, p in chans.items():
            hit = rng.random(len(m)) < p
            ch_ev.append(m[hit])
            ch_rows.append(np.full(int(hit.sum()), ch, dtype=object))
    ch_df = pd.DataFrame({"e": np.concatenate(ch_ev), "ch": np.concatenate(ch_rows)})
    # every event lands in at least its primary feed
    have = np.zeros(n, bool)
    have[ch_df["e"].to_numpy()] = True
    miss = np.flatnonzero(~have)
    ch_df = pd.concat([ch_df, pd.DataFrame({"e": miss, "ch": [PRIMARY[c] for c in cat[miss]]})])
    ch_order = {c: i for i, c in enumerate(["calls_110", "criminal_cases", "admin_cases",
                                            "fraud_reports", "disputes", "grid_events",
                                            "hotline_12345", "fire_incidents",
                                            "traffic_accidents", "traffic_violations"])}
    ch_df["o"] = ch_df["ch"].map(ch_order)
    ch_df = ch_df.sort_values(["e", "o"], kind="stable")
    channels = ch_df.groupby("e")["ch"].agg(list).reindex(np.arange(n)).to_numpy()
    road = a["road_name"].to_numpy()[addr_idx]
    no = a["road_no"].to_numpy()[addr_idx].astype(str)
    desc = pd.Series(road).str.cat([pd.Series(no), pd.Series(["号附近"] * n), pd.Series(sub)])
    out = pd.DataFrame({
        "category": cat, "subcategory": sub, "occurred_at": occurred, "reported_at": reported,
        "lon": lon, "lat": lat, "h3_9": cells[cidx], "address_id": address_id,
        "house_id": house_id, "unit_id": unit_id,
        "victim_person_id": victim_id, "suspect_person_id": suspect, "severity": sev,
        "channels": channels, "description": desc.to_numpy(),
        "triggered": raw["triggered"].to_numpy(), "escalated": raw["escalated"].to_numpy(),
    })
    out = out.sort_values("occurred_at", kind="stable").reset_index(drop=True)
    out.insert(0, "event_id", seq_ids("E", n, 8))
    # escalation: link to the latest earlier dispute in the same cell
    out["escalated_from"] = None
    esc = out[out["escalated"]]
    disp = out[out["category"] == "dispute"][["event_id", "h3_9", "occurred_at"]]
    if len(esc) and len(disp):
        m = pd.merge_asof(esc[["event_id", "h3_9", "occurred_at"]].sort_values("occurred_at"),
                          disp.rename(columns={"event_id": "from_id"}).sort_values(
                              "occurred_at"), on="occurred_at", by="h3_9",
                          allow_exact_matches=False)
        out.loc[out["event_id"].isin(m["event_id"]), "escalated_from"] = (
            m.set_index("event_id")["from_id"].reindex(
                out.loc[out["event_id"].isin(m["event_id"]), "event_id"]).to_numpy())
        out["escalated_from"] = out["escalated_from"].where(out["escalated_from"].notna(), None)
    v = out["victim_person_id"].to_numpy()
    s = out["suspect_person_id"].to_numpy()
    out["person_ids"] = [[x for x in (vi, si) if x is not None] for vi, si in
                         zip(v.tolist(), s.tolist(), strict=True)]
    cols = ["event_id", "category", "subcategory", "occurred_at", "reported_at", "lon", "lat",
            "h3_9", "address_id", "house_id", "unit_id", "person_ids", "victim_person_id",
            "suspect_person_id", "severity", "escalated_from", "channels", "description",
            "triggered"]
    return out[cols]


def market_matrix(markets: pd.DataFrame, cal: pd.DataFrame, ctx: pd.DataFrame) -> np.ndarray:
    """(D, C) bool: the cell's township holds its market (赶场) that day."""
    D, C = len(cal), len(ctx)
    out = np.zeros((D, C), dtype=bool)
    if len(markets) == 0:
        return out
    di = pd.Index(cal["date"]).get_indexer(markets["date"])
    tw = ctx["township_code"].to_numpy()
    pairs = pd.DataFrame({"d": di, "township_code": markets["township_code"].to_numpy()})
    cells = pd.DataFrame({"c": np.arange(C), "township_code": tw})
    m = pairs[pairs["d"] >= 0].merge(cells, on="township_code")
    out[m["d"].to_numpy(), m["c"].to_numpy()] = True
    return out
