"""一标三实: standard addresses along roads, houses (dwellings), households and persons."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from geo.admin import assign_areas
from synth.world.geography import Geography, h3_cells, to_ll
from synth.world.ids import make_phones, unique_id_numbers
from synth.world.names import person_names
from synth.world.roads import RoadNet

#: Persons at scale 1.0: the World's sample of the city's ~4.4 M residents (departments deliver
#: extracts of it; see synth.config.VolumeConfig and README "Volumes").
PERSONS_AT_SCALE_1 = 200_000

#: Origin adcodes of floating population (other counties of Hunan and neighbouring provinces).
ORIGIN_ADCODES = np.array(["430102", "430111", "430521", "430621", "430681", "430721",
                           "430921", "431121", "431202", "433101", "421002", "420111",
                           "360102", "522101", "500101", "440306", "450102", "510104"])

OCCUPATIONS = np.array(["学生", "农民", "工人", "个体工商户", "公司职员", "教师", "医生",
                        "司机", "外卖骑手", "无业", "离退休", "学龄前儿童", "服务员", "建筑工人"])


def build_addresses(geo: Geography, net: RoadNet, villages: pd.DataFrame,
                    rng: np.random.Generator, scale: float) -> pd.DataFrame:
    """Building entrances placed along road segments, both sides, numbered odd/even.

    Urban segments carry multi-unit residential buildings every ~60 m; rural and town
    segments near villages carry self-built houses every ~45 m. The number kept scales with
    the population; selection weights follow the density (urban cores dense, rural sparse).
    """
    r = net.roads
    kind = r["kind"].to_numpy()
    urban = r["urban"].to_numpy()
    step = np.where(urban, 60.0, 45.0)
    n_site = np.floor(r["length_m"].to_numpy() / step).astype(int)
    seg = np.repeat(np.arange(len(r)), n_site)
    k_in = np.arange(len(seg)) - np.repeat(np.cumsum(n_site) - n_site, n_site)
    t = (k_in + rng.uniform(0.2, 0.8, len(seg))) * step[seg] / np.maximum(
        r["length_m"].to_numpy()[seg], 1)
    side = rng.integers(0, 2, len(seg))
    x0, y0, x1, y1 = (r[c].to_numpy()[seg] for c in ("x0", "y0", "x1", "y1"))
    L = np.maximum(r["length_m"].to_numpy()[seg], 1)
    nx_, ny_ = -(y1 - y0) / L, (x1 - x0) / L
    off = np.where(side == 1, 1, -1) * rng.uniform(12, 30, len(seg))
    x = x0 + t * (x1 - x0) + off * nx_
    y = y0 + t * (y1 - y0) + off * ny_
    # density weight: county share × urban/rural, village proximity for rural sites
    cty = r["county_adcode"].to_numpy()[seg]
    cinfo = geo.counties.set_index("adcode")
    popw = cinfo["pop_weight"].reindex(cty).to_numpy()
    ushare = cinfo["urban_share"].reindex(cty).to_numpy()
    is_urban = urban[seg]
    km = kind[seg]
    # rural sites: weight by proximity to a village centre or township seat
    if len(villages):
        from scipy.spatial import cKDTree

        centres = np.vstack([villages[["x", "y"]].to_numpy(),
                             geo.townships[["seat_x", "seat_y"]].to_numpy()])
        d, _ = cKDTree(centres).query(np.column_stack([x, y]))
    else:
        d = np.full(len(x), 1000.0)
    rural_w = np.exp(-d / 500.0) + 0.01
    # urban: denser towards the core centre
    cx = cinfo["core_x"].reindex(cty).to_numpy()
    cy = cinfo["core_y"].reindex(cty).to_numpy()
    cr = cinfo["core_r"].reindex(cty).to_numpy()
    dc = np.hypot(x - cx, y - cy) / cr
    urban_w = np.exp(-1.5 * dc) * np.where(km == "arterial", 0.6, 1.0)
    # expected dwellings per site: urban building ~ 2 units × floors × 2 rooms
    n_houses_target = PERSONS_AT_SCALE_1 * scale / 2.5
    w = np.where(is_urban, urban_w, rural_w)
    # normalise within (county, urban) so that each holds its share of dwellings
    grp = pd.Series(w).groupby([cty, is_urban]).transform("sum").to_numpy()
    share = popw * np.where(is_urban, ushare, 1 - ushare) * w / grp
    floors = np.where(is_urban, rng.integers(6, 19, len(x)), rng.integers(2, 4, len(x)))
    units_per_bldg = np.where(is_urban, rng.integers(1, 4, len(x)), 1)
    # rooms sampled per unit at small scales so that spread survives: keep a fraction
    keep_frac = float(np.clip(np.sqrt(scale), 0.12, 1.0))
    dwell_per_site = np.where(is_urban, floors * 2 * units_per_bldg * keep_frac, 1.0)
    lam = n_houses_target * share / dwell_per_site
    take = rng.random(len(x)) < np.clip(lam, 0, 1)
    # sites whose expected count exceeds one are kept (dense cores) — already p=1
    x, y, seg, side = x[take], y[take], seg[take], side[take]
    floors, units_per_bldg, is_urban = floors[take], units_per_bldg[take], is_urban[take]
    t_along = t[take]
    lon, lat = to_ll(x, y)
    tw = assign_areas(lon, lat, geo.townships, "township_code")
    gr = assign_areas(lon, lat, geo.grids, "grid_id")
    ok = np.array([a is not None for a in tw]) & np.array([a is not None for a in gr])
    sel = np.flatnonzero(ok)
    # house numbers along the named road: odd on one side, even on the other
    dist_along = r["offset_m"].to_numpy()[seg] + t_along * r["length_m"].to_numpy()[seg]
    road_no = (np.floor(dist_along / 20.0).astype(int) * 2 + 1 + side).astype(int)
    b = pd.DataFrame({
        "building_id": np.char.add("B", np.char.zfill(np.arange(1, len(sel) + 1).astype(str), 7)),
        "x": x[sel], "y": y[sel], "lon": lon[sel], "lat": lat[sel],
        "township_code": tw[sel].astype(str), "grid_id": gr[sel].astype(str),
        "road_id": r["road_id"].to_numpy()[seg[sel]], "road_name": r["name"].to_numpy()[seg[sel]],
        "road_kind": kind[seg[sel]], "lighting": r["lighting"].to_numpy()[seg[sel]],
        "road_no": road_no[sel], "floors": floors[sel], "n_units": units_per_bldg[sel],
        "urban": is_urban[sel],
    })
    b["county_adcode"] = b["township_code"].str[:6]
    # duplicate numbers on one road: the second building gets 之一-style suffix → bump number
    b["road_no"] = b["road_no"] + 2 * b.groupby(["road_name", "county_adcode", "road_no"]
                                                 ).cumcount()
    # urban buildings: 栋 numbers within the road number block (1..n), units 1..n_units
    b["building"] = np.where(b["urban"], (b.groupby(["road_name", "road_no"]).cumcount() + 1
                                          ).astype(str), "")
    a = b.loc[b.index.repeat(b["n_units"])].reset_index(drop=True)
    a["unit"] = np.where(a["urban"], (a.groupby("building_id").cumcount() + 1).astype(str), "")
    # entrances of one building are a few metres apart
    jit = rng.normal(0, 6.0, (len(a), 2)) * a["urban"].to_numpy()[:, None]
    lon2, lat2 = to_ll(a["x"].to_numpy() + jit[:, 0], a["y"].to_numpy() + jit[:, 1])
    tw2 = assign_areas(lon2, lat2, geo.townships, "township_code")
    gr2 = assign_areas(lon2, lat2, geo.grids, "grid_id")
    same = (tw2.astype(str) == a["township_code"].to_numpy()) & (
        gr2.astype(str) == a["grid_id"].to_numpy())
    a["lon"] = np.where(same, lon2, a["lon"])
    a["lat"] = np.where(same, lat2, a["lat"])
    a["address_id"] = np.char.add("A", np.char.zfill(np.arange(1, len(a) + 1).astype(str), 8))
    a["h3_9"] = h3_cells(a["lon"].to_numpy(), a["lat"].to_numpy(), 9)
    tnames = geo.townships.set_index("township_code")["name"]
    cnames = geo.counties.set_index("adcode")["name"]
    bld = np.where(a["building"] != "", a["building"] + "栋", "")
    unit = np.where(a["unit"] != "", a["unit"] + "单元", "")
    a["std_text"] = (geo.city_name + a["county_adcode"].map(cnames) +
                     a["township_code"].map(tnames) + a["road_name"] +
                     a["road_no"].astype(str) + "号" + bld + unit)
    cols = ["address_id", "building_id", "county_adcode", "township_code", "grid_id",
            "road_name", "road_no", "building", "unit", "std_text", "lon", "lat", "h3_9",
            "urban", "road_id", "road_kind", "lighting", "floors"]
    return a[cols]


def build_houses(addresses: pd.DataFrame, rng: np.random.Generator,
                 scale: float) -> pd.DataFrame:
    """Dwellings per address: urban rooms '502' (floor + 2-digit door), rural one house."""
    keep_frac = float(np.clip(np.sqrt(scale), 0.12, 1.0))
    urban = addresses["urban"].to_numpy()
    floors = addresses["floors"].to_numpy()
    n_rooms = np.where(urban, floors * 2, 1)
    idx = np.repeat(np.arange(len(addresses)), n_rooms)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(n_rooms) - n_rooms, n_rooms)
    fl = k // 2 + 1
    door = k % 2 + 1
    keep = (~urban[idx]) | (rng.random(len(idx)) < keep_frac)
    idx, fl, door = idx[keep], fl[keep], door[keep]
    u = urban[idx]
    room = np.where(u, np.char.add(fl.astype(str), np.char.zfill(door.astype(str), 2)), "")
    n = len(idx)
    h = pd.DataFrame({
        "house_id": np.char.add("H", np.char.zfill(np.arange(1, n + 1).astype(str), 8)),
        "address_id": addresses["address_id"].to_numpy()[idx],
        "room": room,
        "urban": u,
    })
    # rentals: urban 28 %, rural 6 %; group rentals: 7 % of urban rentals, more on dark
    # local streets and away from the core (城中村) — a hidden fire-risk driver.
    dark = addresses["lighting"].to_numpy()[idx] < 0.35
    is_rental = rng.random(n) < np.where(u, 0.28, 0.06)
    p_group = np.where(u, 0.05 + 0.15 * dark, 0.01)
    group = is_rental & (rng.random(n) < p_group)
    h["is_rental"] = is_rental
    h["group_rental"] = group
    h["has_smoke_sensor"] = rng.random(n) < np.where(u, 0.35, 0.08) + 0.3 * group
    h["smoke_device_id"] = np.where(h["has_smoke_sensor"], np.char.add(
        "YG", np.char.zfill(rng.permutation(n).astype(str), 10)), None)
    h["power_meter_id"] = np.char.add("0430", np.char.zfill(
        rng.permutation(n * 3)[:n].astype(str), 10))
    return h


def _age_pyramid(rng: np.random.Generator, n: int) -> np.ndarray:
    """Ages 0..95 following a Hunan-like 2020 pyramid (ageing, fewer young adults)."""
    ages = np.arange(96)
    w = np.interp(ages, [0, 10, 20, 30, 40, 50, 55, 60, 70, 80, 90, 95],
                  [0.9, 1.05, 0.85, 1.0, 1.05, 1.35, 1.4, 1.2, 0.9, 0.45, 0.12, 0.03])
    return rng.choice(ages, n, p=w / w.sum())


def build_population(addresses: pd.DataFrame, houses: pd.DataFrame, rng: np.random.Generator,
                     scale: float, start: dt.date) -> tuple[pd.DataFrame, pd.DataFrame,
                                                             pd.DataFrame]:
    """Fill houses with households (locals) and floating residents (rentals).

    Returns (persons, households, houses with landlord_person_id and n_occupants).
    """
    n_target = round(PERSONS_AT_SCALE_1 * scale)
    nh = len(houses)
    vacant = rng.random(nh) < 0.1
    group = houses["group_rental"].to_numpy()
    rental = houses["is_rental"].to_numpy()
    # floating residents: group rentals 6-14, ordinary rentals 1-3
    float_n = np.where(group, rng.integers(6, 15, nh),
                       np.where(rental & ~vacant, rng.integers(1, 4, nh), 0))
    # local households live in non-rental, non-vacant houses
    local_house = ~rental & ~vacant
    hh_size = np.where(local_house, rng.choice([1, 2, 3, 4, 5, 6], nh,
                                               p=[0.2, 0.3, 0.22, 0.16, 0.08, 0.04]), 0)
    # rescale household sizes toward the target (keep at least one person per household)
    factor = max(n_target - float_n.sum(), 1) / max(hh_size.sum(), 1)
    if factor < 1:
        drop = local_house & (rng.random(nh) > factor)
        hh_size = np.where(drop, 0, hh_size)
    # --- locals
    hidx = np.flatnonzero(hh_size > 0)
    n_hh = len(hidx)
    sizes = hh_size[hidx]
    mem_h = np.repeat(np.arange(n_hh), sizes)
    role = np.arange(len(mem_h)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    head_age = rng.integers(24, 86, n_hh)
    head_age = np.where(sizes == 1, np.where(rng.random(n_hh) < 0.45,
                                             rng.integers(65, 92, n_hh), head_age), head_age)
    ha = head_age[mem_h]
    age_local = np.select(
        [role == 0, role == 1, role <= 3],
        [ha, np.clip(ha + rng.integers(-4, 5, len(ha)), 20, 95),
         np.clip(ha - 22 - rng.integers(0, 14, len(ha)), 0, 70)],
        np.clip(ha + 24 + rng.integers(0, 6, len(ha)), 45, 98))
    head_male = rng.random(n_hh) < 0.8
    male_local = np.where(role == 0, head_male[mem_h],
                          np.where(role == 1, ~head_male[mem_h], rng.random(len(ha)) < 0.51))
    house_local = hidx[mem_h]
    # --- floating
    fidx = np.repeat(np.arange(nh), float_n)
    n_f = len(fidx)
    age_f = np.clip(rng.normal(31, 9, n_f), 16, 65).astype(int)
    male_f = rng.random(n_f) < np.where(group[fidx], 0.8, 0.56)
    # --- combine
    n = len(mem_h) + n_f
    age = np.r_[age_local, age_f]
    male = np.r_[male_local, male_f]
    is_floating = np.r_[np.zeros(len(mem_h), bool), np.ones(n_f, bool)]
    cur_house_idx = np.r_[house_local, fidx]
    person_id = np.char.add("P", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    start64 = np.datetime64(start, "D")
    birth = start64 - (age * 365.25 + rng.integers(0, 365, n)).astype("timedelta64[D]")
    addr_county = addresses.set_index("address_id")["county_adcode"]
    house_county = houses["address_id"].map(addr_county).to_numpy().astype(str)
    region = np.where(is_floating, ORIGIN_ADCODES[rng.integers(0, len(ORIGIN_ADCODES), n)],
                      house_county[cur_house_idx])
    # some locals were born before district renaming: a few carry an older county code
    ids = unique_id_numbers(rng, region, birth, male)
    names = person_names(rng, male)
    phones = make_phones(rng, n)
    has_phone = (age >= 12) | (rng.random(n) < 0.05)
    eth = rng.choice(["汉族", "土家族", "苗族", "回族", "侗族", "瑶族", "维吾尔族"], n,
                     p=[0.955, 0.02, 0.01, 0.005, 0.004, 0.004, 0.002])
    # occupations
    u = houses["urban"].to_numpy()[cur_house_idx]
    occ = np.select(
        [age < 6, age < 18, (age >= 18) & (age < 23) & (rng.random(n) < 0.5), age >= 62],
        ["学龄前儿童", "学生", "学生", np.where(u, "离退休", "农民")],
        default=_working_occupation(rng, n, u, is_floating))
    rider = occ == "外卖骑手"
    platform = np.where(rider, np.where(rng.random(n) < 0.6, "meituan", "eleme"), None)
    hh_id = np.where(~is_floating, np.r_[np.char.add("F", np.char.zfill(
        (mem_h + 1).astype(str), 7)), np.full(n_f, "")], None)
    hh_id = np.where(is_floating, None, hh_id)
    # 人户分离: 8 % of adult locals live in another (rental or urban) house
    house_ids = houses["house_id"].to_numpy()
    hukou_house = np.where(is_floating, None, house_ids[cur_house_idx])
    moved = (~is_floating) & (age >= 18) & (rng.random(n) < 0.08)
    rentals_idx = np.flatnonzero(rental & ~group)
    if len(rentals_idx):
        cur_house_idx = np.where(moved, rentals_idx[rng.integers(0, len(rentals_idx), n)],
                                 cur_house_idx)
    adult = age >= 18
    persons = pd.DataFrame({
        "person_id": person_id, "name": names, "id_number": ids,
        "sex": np.where(male, "M", "F"),
        "birth_date": pd.to_datetime(birth).date,
        "ethnicity": eth, "phone": np.where(has_phone, phones, None),
        "household_id": hh_id, "hukou_address_id": hukou_house,
        "current_house_id": house_ids[cur_house_idx],
        "is_floating": is_floating, "occupation": occ,
        "delivery_platform": platform,
        "smi": adult & (rng.random(n) < 0.0045),
        "community_correction": adult & (rng.random(n) < np.where(male, 0.0012, 0.0003)),
        "released_prisoner": adult & (age < 70) & (rng.random(n) < np.where(male, 0.005, 0.0008)),
        "low_income": rng.random(n) < np.where(u, 0.02, 0.05),
        "elderly_alone": np.zeros(n, bool),
        "age": age,
    })
    # households
    first_member = np.r_[True, mem_h[1:] != mem_h[:-1]] if len(mem_h) else np.array([], bool)
    heads = np.flatnonzero(first_member)
    households = pd.DataFrame({
        "household_id": hh_id[heads],
        "hukou_no": np.char.zfill((rng.permutation(n_hh) + 100_000_000).astype(str), 9),
        "head_person_id": person_id[heads],
        "house_id": house_ids[house_local[heads]],
    })
    persons.loc[heads[(sizes == 1) & (head_age >= 65)], "elderly_alone"] = True
    # hidden: a share of SMI patients drop out of follow-up (care gap); they are more often
    # involved in disputes and assaults — the truth behind a care/outreach model
    persons["smi_care_gap"] = persons["smi"].to_numpy() & (rng.random(n) < 0.15)
    # households in the same house get the same low-income status as their head
    li = persons["low_income"].to_numpy()
    persons["low_income"] = np.where(~is_floating, np.r_[li[heads][mem_h], np.zeros(n_f, bool)],
                                     False)
    # houses: occupants and landlords (a local adult not living there)
    occ_count = np.bincount(cur_house_idx, minlength=nh)
    houses = houses.copy()
    houses["n_occupants"] = occ_count
    local_adults = np.flatnonzero((~is_floating) & adult)
    landlord = local_adults[rng.integers(0, len(local_adults), nh)] if len(local_adults) else None
    houses["landlord_person_id"] = np.where(houses["is_rental"], person_id[landlord], None)
    return persons, households, houses


def _working_occupation(rng: np.random.Generator, n: int, urban: np.ndarray,
                        floating: np.ndarray) -> np.ndarray:
    jobs_u = np.array(["工人", "个体工商户", "公司职员", "教师", "医生", "司机", "外卖骑手",
                       "无业", "服务员", "建筑工人"])
    pu = np.array([0.21, 0.15, 0.23, 0.04, 0.02, 0.05, 0.025, 0.085, 0.12, 0.07])
    jobs_r = np.array(["农民", "工人", "个体工商户", "建筑工人", "无业", "司机", "外卖骑手"])
    pr = np.array([0.55, 0.12, 0.08, 0.12, 0.08, 0.04, 0.01])
    ju = jobs_u[rng.choice(len(jobs_u), n, p=pu)]
    jr = jobs_r[rng.choice(len(jobs_r), n, p=pr)]
    jf = np.where(rng.random(n) < 0.07, "外卖骑手", ju)
    return np.where(floating, jf, np.where(urban, ju, jr))
