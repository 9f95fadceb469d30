"""Public-security feeds: 一标 addresses, hukou, floating population, rentals, hotels, 110,
criminal and administrative cases, units (实有单位)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_contracts.vocab import EVENT_CATEGORIES, UNIT_KINDS
from synth.render._base import (
    RenderContext,
    address_position,
    apply_volume,
    feed_rng,
    finish,
    house_address,
    numbered,
    person_attr,
    std_address_text,
    to_list_column,
)
from synth.render.events import event_frame

_REASONS = np.array(["务工", "经商", "投靠亲友", "就学", "其他"], dtype=object)
_RELATIONS_M = ("配偶", "子", "子", "父亲", "孙子", "兄弟", "其他")
_RELATIONS_F = ("配偶", "女", "女", "母亲", "孙女", "姐妹", "其他")


def std_address(ctx: RenderContext) -> pd.DataFrame:
    a = ctx.world.addresses
    comp = ctx.addr.loc[a["address_id"]]
    df = pd.DataFrame({
        "address_id": a["address_id"].to_numpy(), "building_id": a["building_id"].to_numpy(),
        "std_text": a["std_text"].to_numpy(), "county": comp["county"].to_numpy(),
        "township": comp["township"].to_numpy(), "grid_id": a["grid_id"].to_numpy(),
        "road_name": a["road_name"].to_numpy(), "road_no": a["road_no"].to_numpy(),
        "building": a["building"].fillna("").to_numpy(), "unit": a["unit"].fillna("").to_numpy(),
        "lon": a["lon"].to_numpy(float), "lat": a["lat"].to_numpy(float),
    })
    return finish(df, a["address_id"], lon=df["lon"].to_numpy(), lat=df["lat"].to_numpy())


def _person_rows(ctx: RenderContext, p: pd.DataFrame, house_col: str) -> pd.DataFrame:
    aid, room = house_address(ctx, p[house_col])
    return pd.DataFrame({"_aid": aid.to_numpy(object), "_room": room.to_numpy(object)},
                        index=p.index)


def hukou(ctx: RenderContext) -> pd.DataFrame:
    p = ctx.world.persons
    p = p[p["hukou_address_id"].notna()].sort_values(["household_id", "person_id"],
                                                     kind="stable")
    hh = ctx.world.households.set_index("household_id")
    loc = _person_rows(ctx, p, "hukou_address_id")
    head = p["household_id"].map(hh["head_person_id"])
    rng = feed_rng(ctx.seed, "hukou")
    male = (p["sex"] == "M").to_numpy()
    rel = np.where(head.to_numpy() == p["person_id"].to_numpy(), "户主",
                   np.where(male, rng.choice(np.array(_RELATIONS_M, dtype=object), len(p)),
                            rng.choice(np.array(_RELATIONS_F, dtype=object), len(p))))
    df = pd.DataFrame({
        "id_number": p["id_number"].to_numpy(), "name": p["name"].to_numpy(),
        "sex": p["sex"].to_numpy(), "ethnicity": p["ethnicity"].to_numpy(),
        "birth_date": pd.to_datetime(p["birth_date"]).to_numpy(),
        "hukou_no": p["household_id"].map(hh["hukou_no"]).to_numpy(),
        "relation": rel,
        "address": std_address_text(ctx, loc["_aid"], loc["_room"]).to_numpy(),
        "phone": p["phone"].to_numpy(),
    })
    lon, lat = address_position(ctx, loc["_aid"])
    return finish(df, p["person_id"].to_numpy(), persons=[[x] for x in p["person_id"]],
                  lon=lon, lat=lat, address_id=loc["_aid"], room=loc["_room"])


_PROVINCES = {"11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "21": "辽宁省",
              "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省",
              "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省",
              "45": "广西壮族自治区", "50": "重庆市", "51": "四川省", "52": "贵州省",
              "53": "云南省", "61": "陕西省"}


def floating_pop(ctx: RenderContext) -> pd.DataFrame:
    p = ctx.world.persons
    p = p[p["is_floating"].astype(bool)]
    rng = feed_rng(ctx.seed, "floating_pop")
    n = len(p)
    days = int((ctx.end - ctx.start) / pd.Timedelta(days=1))
    reg = ctx.start + pd.to_timedelta(rng.integers(0, max(days, 1), n), unit="D")
    loc = _person_rows(ctx, p, "current_house_id")
    df = pd.DataFrame({
        "id_number": p["id_number"].to_numpy(), "name": p["name"].to_numpy(),
        "sex": p["sex"].to_numpy(), "phone": p["phone"].to_numpy(),
        "address": std_address_text(ctx, loc["_aid"], loc["_room"]).to_numpy(),
        "origin": p["id_number"].str[:2].map(_PROVINCES).fillna("外省").to_numpy(),
        "reason": rng.choice(_REASONS, n, p=[0.6, 0.15, 0.12, 0.05, 0.08]),
        "occupation": p["occupation"].fillna("").to_numpy(),
        "registered_at": reg,
    })
    lon, lat = address_position(ctx, loc["_aid"])
    return finish(df, p["person_id"].to_numpy(), persons=[[x] for x in p["person_id"]],
                  lon=lon, lat=lat, address_id=loc["_aid"], room=loc["_room"])


def rental_housing(ctx: RenderContext) -> pd.DataFrame:
    h = ctx.world.houses
    h = h[h["is_rental"].astype(bool)]
    rng = feed_rng(ctx.seed, "rental_housing")
    n = len(h)
    days = int((ctx.end - ctx.start) / pd.Timedelta(days=1))
    reg = ctx.start + pd.to_timedelta(rng.integers(0, max(days, 1), n), unit="D")
    landlord = h["landlord_person_id"]
    df = pd.DataFrame({
        "record_no": numbered("CZW", n),
        "address": std_address_text(ctx, h["address_id"]).to_numpy(),
        "room": h["room"].astype(str).to_numpy(),
        "landlord_id_number": person_attr(ctx, landlord, "id_number").to_numpy(),
        "landlord_name": person_attr(ctx, landlord, "name").to_numpy(),
        "landlord_phone": person_attr(ctx, landlord, "phone").to_numpy(),
        "n_tenants": h["n_occupants"].to_numpy(), "registered_at": reg,
    })
    lon, lat = address_position(ctx, h["address_id"])
    return finish(df, h["house_id"].to_numpy(), persons=to_list_column(landlord), lon=lon,
                  lat=lat, address_id=h["address_id"])


def hotel_lodging(ctx: RenderContext) -> pd.DataFrame:
    # the World's stays (≈ 3 M at scale 1.0) sampled down to the delivered volume first
    s = apply_volume(ctx.world.hotel_stays, ctx.caps.get("hotel_lodging"),
                     feed_rng(ctx.seed, "hotel_lodging", "volume"))
    s = s.sort_values(["check_in", "stay_id"], kind="stable")
    u = ctx.units()
    df = pd.DataFrame({
        "stay_id": s["stay_id"].to_numpy(),
        "hotel_id": s["unit_id"].map(u["licence_no"]).fillna(s["unit_id"]).to_numpy(),
        "hotel_name": s["unit_id"].map(u["name"]).to_numpy(),
        "id_number": person_attr(ctx, s["person_id"], "id_number").to_numpy(),
        "name": person_attr(ctx, s["person_id"], "name").to_numpy(),
        "check_in": s["check_in"].to_numpy(), "check_out": s["check_out"].to_numpy(),
        "room": (101 + np.arange(len(s)) % 420).astype(str).astype(object),
    })
    lon = s["unit_id"].map(u["lon"]).to_numpy(float)
    lat = s["unit_id"].map(u["lat"]).to_numpy(float)
    return finish(df, s["person_id"].to_numpy(), persons=[[x] for x in s["person_id"]],
                  lon=lon, lat=lat)


def _cat_zh(cat: pd.Series) -> np.ndarray:
    return cat.map(lambda c: EVENT_CATEGORIES.get(c, ("其他",))[0]).to_numpy(object)


def calls_110(ctx: RenderContext) -> pd.DataFrame:
    e = event_frame(ctx, "calls_110")
    caller = e["victim_person_id"].where(e["victim_person_id"].notna(),
                                         e["_first_person"])
    df = pd.DataFrame({
        "record_no": numbered("J430900", len(e), 10),
        "reported_at": e["reported_at"].to_numpy(),
        "address": e["_address"].to_numpy(), "category": _cat_zh(e["category"]),
        "subcategory": e["subcategory"].fillna("").to_numpy(),
        "caller_phone": person_attr(ctx, caller, "phone").to_numpy(),
        "lon": e["lon"].to_numpy(float), "lat": e["lat"].to_numpy(float),
        "description": e["description"].fillna("").to_numpy(),
    })
    return finish(df, e["event_id"], persons=to_list_column(caller), lon=e["lon"].to_numpy(),
                  lat=e["lat"].to_numpy(), address_id=e["address_id"], room=e["_room"])


def _case(ctx: RenderContext, feed: str, prefix: str, who: str) -> pd.DataFrame:
    e = event_frame(ctx, feed)
    person = e[who].where(e[who].notna(), e["_first_person"])
    df = pd.DataFrame({
        "record_no": numbered(prefix, len(e), 10),
        "category": _cat_zh(e["category"]),
        "occurred_at": e["occurred_at"].to_numpy(), "reported_at": e["reported_at"].to_numpy(),
        "address": e["_address"].to_numpy(),
        "lon": e["lon"].to_numpy(float), "lat": e["lat"].to_numpy(float),
        "description": e["description"].fillna("").to_numpy(),
    })
    idc, namec = (("suspect_id_number", "suspect_name") if feed == "criminal_cases"
                  else ("party_id_number", "party_name"))
    df[idc] = person_attr(ctx, person, "id_number").to_numpy()
    df[namec] = person_attr(ctx, person, "name").to_numpy()
    return finish(df, e["event_id"], persons=to_list_column(person), lon=e["lon"].to_numpy(),
                  lat=e["lat"].to_numpy(), address_id=e["address_id"], room=e["_room"])


def criminal_cases(ctx: RenderContext) -> pd.DataFrame:
    return _case(ctx, "criminal_cases", "A430900", "suspect_person_id")


def admin_cases(ctx: RenderContext) -> pd.DataFrame:
    return _case(ctx, "admin_cases", "X430900", "suspect_person_id")


def std_units(ctx: RenderContext) -> pd.DataFrame:
    u = ctx.world.units.sort_values("uscc", kind="stable")
    df = pd.DataFrame({
        "uscc": u["uscc"].to_numpy(), "name": u["name"].to_numpy(),
        "kind": u["kind"].map(lambda k: UNIT_KINDS.get(k, (k,))[0]).to_numpy(),
        "address": std_address_text(ctx, u["address_id"]).to_numpy(),
        "legal_rep_name": person_attr(ctx, u["legal_rep_person_id"], "name").to_numpy(),
        "legal_rep_id_number": person_attr(ctx, u["legal_rep_person_id"], "id_number").to_numpy(),
        "employees": u["employees"].to_numpy(), "opened": pd.to_datetime(u["opened"]).to_numpy(),
    })
    return finish(df, u["unit_id"], persons=to_list_column(u["legal_rep_person_id"]),
                  lon=u["lon"].to_numpy(float), lat=u["lat"].to_numpy(float),
                  address_id=u["address_id"])
