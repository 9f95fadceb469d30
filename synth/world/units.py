"""实有单位 and venues, and vehicles with their owners."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from synth.world.ids import make_digits, make_uscc, random_dates
from synth.world.names import unit_names

#: Units per kind at scale 1.0 (minimum counts keep every kind present at small scales).
UNITS_AT_SCALE_1 = {"company": 3000, "three_small": 4200, "bar_ktv": 320, "school": 260,
                    "hospital": 140, "hazmat_firm": 70, "hotel": 260}
MIN_UNITS = {"company": 20, "three_small": 30, "bar_ktv": 6, "school": 8, "hospital": 5,
             "hazmat_firm": 3, "hotel": 5}
SUB_KINDS = {"three_small": (["小餐馆", "小商店", "小旅馆"], [0.45, 0.45, 0.10]),
             "bar_ktv": (["网吧", "KTV", "酒吧"], [0.4, 0.35, 0.25]),
             "school": (["小学", "初中", "高中", "幼儿园"], [0.4, 0.2, 0.1, 0.3]),
             "hospital": (["综合医院", "社区卫生服务中心", "诊所", "卫生院"], [0.15, 0.25, 0.4, 0.2]),
             "company": (["制造", "商贸", "建筑", "物流", "科技", "农业"],
                         [0.25, 0.3, 0.12, 0.1, 0.1, 0.13]),
             "hazmat_firm": (["加油站", "化工", "燃气", "危险品运输"], [0.45, 0.25, 0.15, 0.15]),
             "hotel": (["酒店", "宾馆", "快捷酒店"], [0.3, 0.4, 0.3])}

#: Province plate abbreviation by adcode prefix, and the city letter for Hunan cities.
PROVINCE_ABBR = {"11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉",
                 "23": "黑", "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣",
                 "37": "鲁", "41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼",
                 "50": "渝", "51": "川", "52": "贵", "53": "云", "54": "藏", "61": "陕", "62": "甘",
                 "63": "青", "64": "宁", "65": "新"}
HUNAN_LETTER = {"4301": "A", "4302": "B", "4303": "C", "4304": "D", "4305": "E", "4306": "F",
                "4307": "J", "4308": "G", "4309": "H", "4310": "L", "4311": "M", "4312": "N",
                "4313": "K", "4331": "U"}


def _weights_for_kind(kind: str, sub: np.ndarray, a: pd.DataFrame, ctx: dict) -> np.ndarray:
    """Address weights for placing a unit of ``kind`` (n_units × n_addresses would be too
    big; one weight vector per kind)."""
    urban = a["urban"].to_numpy()
    rk = a["road_kind"].to_numpy()
    core_d = ctx["core_dist"]
    strip = ctx["nightlife"]
    fringe = ctx["fringe"]
    if kind == "three_small":
        return np.where(urban, 1.0, 0.25) * np.where(rk == "local", 0.7, 1.3) + 0.2 * fringe
    if kind == "bar_ktv":
        return 0.02 + 12.0 * strip + np.where(urban, np.exp(-2 * core_d), 0.02)
    if kind == "hotel":
        return 0.05 + 4.0 * strip + np.where(urban & (rk != "local"), 1.0, 0.1)
    if kind == "school":
        return np.where(urban, 1.0, 0.6)
    if kind == "hospital":
        return np.where(urban, 1.5, 0.3) * np.where(rk == "local", 0.5, 1.0)
    if kind == "hazmat_firm":
        return np.where(urban, 0.05, 1.0) * np.where(rk == "local", 0.1, 1.0)
    # company: industrial fringe of cores plus scattered
    return 0.3 + 3.0 * fringe + np.where(urban, 0.6, 0.2)


def build_units(addresses: pd.DataFrame, counties: pd.DataFrame, persons: pd.DataFrame,
                rng: np.random.Generator, scale: float, start: dt.date) -> pd.DataFrame:
    """Place units on addresses by kind-specific weights; USCC valid; ids stable."""
    a = addresses
    cinfo = counties.set_index("adcode")
    cty = a["county_adcode"].to_numpy()
    from synth.world.geography import to_m

    x, y = to_m(a["lon"].to_numpy(), a["lat"].to_numpy())
    core_d = np.hypot(x - cinfo["core_x"].reindex(cty).to_numpy(),
                      y - cinfo["core_y"].reindex(cty).to_numpy()) / cinfo["core_r"].reindex(
        cty).to_numpy()
    # nightlife strips: one named road per county core (hidden: drives night-time events)
    urb = a[a["urban"]]
    strip_roads = urb.groupby("county_adcode")["road_name"].agg(
        lambda s: s.value_counts().index[min(2, len(s.value_counts()) - 1)])
    strip = (a["road_name"].to_numpy() == a["county_adcode"].map(strip_roads).to_numpy()) & \
        a["urban"].to_numpy()
    fringe = (a["urban"].to_numpy() & (core_d > 0.65)).astype(float)
    ctx = {"core_dist": core_d, "nightlife": strip.astype(float), "fringe": fringe}
    frames = []
    for kind, n1 in UNITS_AT_SCALE_1.items():  # loop over 7 kinds
        n = max(MIN_UNITS[kind], round(n1 * scale))
        subs, p = SUB_KINDS[kind]
        sub = np.array(subs)[rng.choice(len(subs), n, p=p)]
        w = _weights_for_kind(kind, sub, a, ctx)
        idx = rng.choice(len(a), n, p=w / w.sum())
        frames.append(pd.DataFrame({"kind": kind, "sub_kind": sub, "aidx": idx}))
    u = pd.concat(frames, ignore_index=True)
    n = len(u)
    ai = u["aidx"].to_numpy()
    u["address_id"] = a["address_id"].to_numpy()[ai]
    u["lon"] = a["lon"].to_numpy()[ai]
    u["lat"] = a["lat"].to_numpy()[ai]
    u["h3_9"] = a["h3_9"].to_numpy()[ai]
    u["county_adcode"] = cty[ai]
    u["nightlife_strip"] = strip[ai]
    u["unit_id"] = np.char.add("U", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    registrar = np.where(u["kind"].isin(["school", "hospital"]) & (rng.random(n) < 0.6),
                         "5", "9")
    registrar = np.where((u["kind"] == "school") & (rng.random(n) < 0.5), "1", registrar)
    u["uscc"] = make_uscc(rng, u["county_adcode"].to_numpy().astype(str), registrar)
    form = (u["kind"] + "_" + u["sub_kind"]).to_numpy()
    full = u["county_adcode"].map(cinfo["name"])
    short = full.str.replace(r"[区县市]$", "", regex=True)
    place = np.where(short.str.len() >= 2, short, full)
    u["name"] = unit_names(rng, form.astype(str), place.astype(str))
    adults = persons.loc[persons["age"].between(25, 70), "person_id"].to_numpy()
    u["legal_rep_person_id"] = adults[rng.integers(0, len(adults), n)]
    lic = u["kind"].isin(["bar_ktv", "hotel", "hazmat_firm", "three_small"]).to_numpy()
    u["licence_no"] = np.where(lic, np.char.add(np.char.add(
        "JY", u["county_adcode"].to_numpy().astype(str)), make_digits(rng, n, 8)), None)
    sch = u["kind"].to_numpy() == "school"
    u["school_code"] = np.where(sch, np.char.add("2143", make_digits(rng, n, 6)), None)
    u["opened"] = pd.to_datetime(random_dates(rng, dt.date(1995, 1, 1), start, n)).date
    emp = np.select([u["kind"] == "company", u["kind"] == "school", u["kind"] == "hospital",
                     u["kind"] == "hazmat_firm"],
                    [rng.lognormal(3.0, 1.0, n), rng.lognormal(4.0, 0.5, n),
                     rng.lognormal(3.5, 1.0, n), rng.lognormal(2.8, 0.6, n)],
                    rng.lognormal(1.5, 0.6, n))
    u["employees"] = np.maximum(1, emp.round()).astype(int)
    base = {"three_small": 0.45, "bar_ktv": 0.35, "hotel": 0.3, "company": 0.25,
            "hazmat_firm": 0.3, "school": 0.1, "hospital": 0.12}
    u["risk_hidden"] = np.clip(rng.beta(2, 5, n) + u["kind"].map(base).to_numpy() - 0.25, 0, 1
                               ).round(3)
    cols = ["unit_id", "uscc", "name", "kind", "sub_kind", "address_id", "lon", "lat", "h3_9",
            "legal_rep_person_id", "licence_no", "school_code", "opened", "employees",
            "risk_hidden", "county_adcode", "nightlife_strip"]
    return u[cols]


def _plates(rng: np.random.Generator, prefix: str, n: int) -> np.ndarray:
    """Car plates like 湘H12345 / 湘HA2B34 (letters avoid I and O)."""
    letters = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
    digits = np.array(list("0123456789"))
    pool = np.where(rng.random((n, 5)) < 0.15, letters[rng.integers(0, 24, (n, 5))],
                    digits[rng.integers(0, 10, (n, 5))])
    pool[:, 0] = np.where(rng.random(n) < 0.5, letters[rng.integers(0, 24, n)], pool[:, 0])
    body = np.array(["".join(r) for r in pool.tolist()]) if n else np.array([], dtype=str)
    return np.char.add(prefix, body)


def _unique(rng: np.random.Generator, make, n: int) -> np.ndarray:
    out = make(n)
    for _ in range(10):
        _, first = np.unique(out, return_index=True)
        dup = np.ones(n, bool)
        dup[first] = False
        if not dup.any():
            break
        out[dup] = make(int(dup.sum()))
    return out


def build_vehicles(persons: pd.DataFrame, houses: pd.DataFrame, units: pd.DataFrame,
                   city: str, city_name: str, rng: np.random.Generator) -> pd.DataFrame:
    """Cars for ~28 % of adult urban households, e-bikes for many residents (every delivery
    rider has one), buses/coaches for companies, hazmat trucks for hazmat firms."""
    prov = PROVINCE_ABBR.get(city[:2], "湘")
    letter = HUNAN_LETTER.get(city[:4], "A")
    car_prefix = prov + letter
    eb_prefix = city_name.removesuffix("市")[:2] + "A"
    urban_of_house = houses.set_index("house_id")["urban"]
    p = persons
    adult = (p["age"] >= 18) & (p["age"] < 75)
    urban = p["current_house_id"].map(urban_of_house).to_numpy().astype(bool)
    n = len(p)
    rider = p["delivery_platform"].notna().to_numpy()
    car = adult.to_numpy() & (rng.random(n) < np.where(urban, 0.22, 0.12))
    ebike = rider | ((p["age"].between(16, 70)).to_numpy() &
                     (rng.random(n) < np.where(urban, 0.32, 0.38)))
    rows = []
    pid = p["person_id"].to_numpy()
    rows.append(pd.DataFrame({"kind": "car", "owner_person_id": pid[car], "owner_unit_id": None}))
    rows.append(pd.DataFrame({"kind": "ebike", "owner_person_id": pid[ebike],
                              "owner_unit_id": None}))
    comp = units[units["kind"] == "company"]
    nb = max(2, len(comp) // 40)
    rows.append(pd.DataFrame({"kind": rng.choice(["bus", "coach"], nb), "owner_person_id": None,
                              "owner_unit_id": comp["unit_id"].to_numpy()[
                                  rng.integers(0, len(comp), nb)]}))
    hz = units[units["kind"] == "hazmat_firm"]
    per = rng.integers(1, 6, len(hz))
    rows.append(pd.DataFrame({"kind": "hazmat_truck", "owner_person_id": None,
                              "owner_unit_id": np.repeat(hz["unit_id"].to_numpy(), per)}))
    v = pd.concat(rows, ignore_index=True)
    m = len(v)
    is_eb = (v["kind"] == "ebike").to_numpy()
    plates = np.empty(m, dtype=object)
    plates[~is_eb] = _unique(rng, lambda k: _plates(rng, car_prefix, k), int((~is_eb).sum()))
    plates[is_eb] = _unique(rng, lambda k: np.char.add(eb_prefix, np.char.zfill(
        rng.integers(0, 1_000_000, k).astype(str), 6)), int(is_eb.sum()))
    v["plate"] = plates
    v["vehicle_id"] = np.char.add("V", np.char.zfill(np.arange(1, m + 1).astype(str), 7))
    brands = {"car": ["大众", "丰田", "比亚迪", "吉利", "长安", "本田", "五菱", "哈弗"],
              "ebike": ["雅迪", "爱玛", "台铃", "新日", "小牛", "绿源"],
              "bus": ["宇通", "金龙", "中通"], "coach": ["宇通", "金龙", "海格"],
              "hazmat_truck": ["东风", "解放", "重汽", "陕汽"]}
    colours = np.array(["白", "黑", "银", "红", "蓝", "灰"])
    v["brand"] = [None] * m
    for k, bl in brands.items():  # loop over 5 kinds
        mk = (v["kind"] == k).to_numpy()
        v.loc[mk, "brand"] = np.array(bl)[rng.integers(0, len(bl), int(mk.sum()))]
    v["colour"] = colours[rng.integers(0, len(colours), m)]
    return v[["vehicle_id", "plate", "kind", "owner_person_id", "owner_unit_id", "brand",
              "colour"]]
