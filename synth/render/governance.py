"""Political-legal, grid, hotline, labour and anti-fraud feeds (views of events, plus wage
arrears)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth.render._base import (
    RenderContext,
    address_position,
    feed_rng,
    finish,
    in_window,
    numbered,
    person_attr,
    std_address_text,
    to_list_column,
)
from synth.render.events import event_frame
from synth.render.fire import _first
from synth.render.public_security import _cat_zh

_DISPUTE_KINDS = np.array(["邻里纠纷", "婚姻家庭纠纷", "劳资纠纷", "物业纠纷", "土地山林纠纷",
                           "债务纠纷"], dtype=object)
_RESULTS = np.array(["调解成功", "调解中", "调解不成转诉讼", "已化解"], dtype=object)
_FRAUD = np.array(["刷单返利", "冒充客服", "虚假投资理财", "冒充公检法", "网络贷款",
                   "杀猪盘"], dtype=object)
_HOTLINE = np.array(["噪音扰民", "占道经营", "物业管理", "环境卫生", "劳资纠纷", "邻里纠纷",
                     "道路设施", "其他"], dtype=object)


def disputes(ctx: RenderContext) -> pd.DataFrame:
    e = event_frame(ctx, "disputes")
    rng = feed_rng(ctx.seed, "disputes")
    sub = e["subcategory"].fillna("")
    kind = sub.where(sub.str.endswith("纠纷"), pd.Series(rng.choice(_DISPUTE_KINDS, len(e))))
    res = (e["mediation_result"] if "mediation_result" in e
           else pd.Series(rng.choice(_RESULTS, len(e), p=[0.55, 0.25, 0.05, 0.15])))
    p1 = e["party_a_person_id"] if "party_a_person_id" in e else e["_first_person"]
    p2 = e["party_b_person_id"] if "party_b_person_id" in e else e["_second_person"]
    df = pd.DataFrame({
        "record_no": numbered("MD4309", len(e), 9), "reported_at": e["reported_at"].to_numpy(),
        "category": kind.to_numpy(), "address": e["_address"].to_numpy(),
        "party1_name": person_attr(ctx, p1, "name").to_numpy(),
        "party1_id_number": person_attr(ctx, p1, "id_number").to_numpy(),
        "party2_name": person_attr(ctx, p2, "name").to_numpy(),
        "party2_id_number": person_attr(ctx, p2, "id_number").to_numpy(),
        "result": res.to_numpy(),
    })
    return finish(df, e["event_id"], persons=to_list_column(p1, p2), lon=e["lon"].to_numpy(),
                  lat=e["lat"].to_numpy(), address_id=e["address_id"], room=e["_room"])


def grid_events(ctx: RenderContext) -> pd.DataFrame:
    e = event_frame(ctx, "grid_events")
    grid = e["address_id"].map(ctx.world.addresses.set_index("address_id")["grid_id"])
    df = pd.DataFrame({
        "record_no": numbered("WG", len(e), 10), "grid_id": grid.to_numpy(),
        "reported_at": e["reported_at"].to_numpy(), "category": _cat_zh(e["category"]),
        "lon": e["lon"].to_numpy(), "lat": e["lat"].to_numpy(),
        "description": e["description"].fillna("").to_numpy(),
    })
    return finish(df, e["event_id"], lon=e["lon"].to_numpy(), lat=e["lat"].to_numpy(),
                  address_id=e["address_id"])


def hotline_12345(ctx: RenderContext) -> pd.DataFrame:
    e = event_frame(ctx, "hotline_12345")
    rng = feed_rng(ctx.seed, "hotline_12345")
    caller = e["victim_person_id"].where(e["victim_person_id"].notna(), e["_first_person"])
    ph = person_attr(ctx, caller, "phone").fillna("").astype(str)
    masked = ph.where(ph.str.len() != 11, ph.str[:3] + "****" + ph.str[7:])
    sub = (e["topic"] if "topic" in e else e["subcategory"]).fillna("")
    cat = sub.where(sub.ne(""), pd.Series(rng.choice(_HOTLINE, len(e))))
    df = pd.DataFrame({
        "record_no": numbered("12345", len(e), 10), "reported_at": e["reported_at"].to_numpy(),
        "caller_phone": masked.to_numpy(), "address": e["_address"].to_numpy(),
        "category": cat.to_numpy(), "description": e["description"].fillna("").to_numpy(),
    })
    return finish(df, e["event_id"], persons=to_list_column(caller), lon=e["lon"].to_numpy(),
                  lat=e["lat"].to_numpy(), address_id=e["address_id"], room=e["_room"])


def fraud_reports(ctx: RenderContext) -> pd.DataFrame:
    e = event_frame(ctx, "fraud_reports")
    rng = feed_rng(ctx.seed, "fraud_reports")
    victim = e["victim_person_id"].where(e["victim_person_id"].notna(), e["_first_person"])
    home = person_attr(ctx, victim, "current_house_id")
    h = ctx.houses()
    aid = home.map(h["address_id"]).where(home.notna(), e["address_id"])
    room = home.map(h["room"]).fillna("")
    sub = e["subcategory"].fillna("")
    df = pd.DataFrame({
        "record_no": numbered("ZP4309", len(e), 9), "reported_at": e["reported_at"].to_numpy(),
        "victim_id_number": person_attr(ctx, victim, "id_number").to_numpy(),
        "victim_name": person_attr(ctx, victim, "name").to_numpy(),
        "address": std_address_text(ctx, aid, room).to_numpy(),
        "fraud_kind": sub.where(sub.ne(""), pd.Series(rng.choice(_FRAUD, len(e)))).to_numpy(),
        "loss": (e["loss_yuan"].to_numpy(float) if "loss_yuan" in e
                 else np.round(rng.lognormal(8.5, 1.3, len(e)), 2)),
    })
    lon, lat = address_position(ctx, aid)
    return finish(df, e["event_id"], persons=to_list_column(victim), lon=lon, lat=lat,
                  address_id=aid, room=room)


def wage_arrears(ctx: RenderContext) -> pd.DataFrame:
    """Complaints from ``World.wage_arrears`` (unit_id, date, n_workers, amount)."""
    w = ctx.world.wage_arrears
    dcol = _first(w, "reported_on", "date", "ts", "reported_at")
    w = w.assign(_d=pd.to_datetime(w[dcol]))
    if w["_d"].dt.tz is None:
        w["_d"] = w["_d"].dt.tz_localize("Asia/Shanghai")
    w = w[in_window(ctx, w["_d"]).to_numpy(bool)].sort_values(["_d", "unit_id"], kind="stable")
    u = ctx.units()
    aid = w["unit_id"].map(u["address_id"])
    df = pd.DataFrame({
        "record_no": numbered("QX", len(w), 8), "reported_on": w["_d"].to_numpy(),
        "unit_name": w["unit_id"].map(u["name"]).to_numpy(),
        "uscc": w["unit_id"].map(u["uscc"]).to_numpy(),
        "address": std_address_text(ctx, aid).to_numpy(),
        "n_workers": w[_first(w, "n_workers", "workers")].to_numpy(),
        "amount": w[_first(w, "amount", "amount_yuan")].to_numpy(),
    })
    lon, lat = address_position(ctx, aid)
    who = (w["complainant_person_id"] if "complainant_person_id" in w
           else pd.Series(None, index=w.index, dtype=object))
    return finish(df, w["unit_id"], persons=to_list_column(who), lon=lon, lat=lat,
                  address_id=aid)
