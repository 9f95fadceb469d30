"""Health, civil-affairs and justice registries (persons flagged in the World) and follow-ups."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth.render._base import (
    RenderContext,
    address_position,
    feed_rng,
    finish,
    house_address,
    in_window,
    person_attr,
    std_address_text,
    to_list_column,
)
from synth.render.fire import _first


def _flagged(ctx: RenderContext, flag: str) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    p = ctx.world.persons
    p = p[p[flag].astype(bool)].sort_values("person_id", kind="stable")
    aid, room = house_address(ctx, p["current_house_id"])
    return p, aid, room


def _registry(ctx: RenderContext, p: pd.DataFrame, aid: pd.Series, room: pd.Series,
              cols: dict[str, object]) -> pd.DataFrame:
    df = pd.DataFrame({"name": p["name"].to_numpy(), "id_number": p["id_number"].to_numpy(),
                       **cols, "address": std_address_text(ctx, aid, room).to_numpy()})
    lon, lat = address_position(ctx, aid)
    return finish(df, p["person_id"], persons=to_list_column(p["person_id"]), lon=lon, lat=lat,
                  address_id=aid, room=room)


def smi_registry(ctx: RenderContext) -> pd.DataFrame:
    p, aid, room = _flagged(ctx, "smi")
    rng = feed_rng(ctx.seed, "smi_registry")
    # The guardian is another member of the patient's household (the first one with a phone);
    # a patient who lives alone has no guardian on record, as in the real register.
    w = ctx.world.persons
    fam = w.loc[w["phone"].notna(), ["household_id", "person_id", "phone"]]
    fam = fam.merge(p[["household_id", "person_id"]], on="household_id", suffixes=("", "_patient"))
    fam = fam[fam["person_id"] != fam["person_id_patient"]].drop_duplicates("person_id_patient")
    guardian = p["person_id"].map(fam.set_index("person_id_patient")["phone"])
    return _registry(ctx, p, aid, room, {
        "sex": p["sex"].to_numpy(),
        "risk_level": rng.choice(np.array(["0级", "1级", "2级", "3级", "4级", "5级"],
                                          dtype=object), len(p),
                                 p=[0.35, 0.3, 0.18, 0.1, 0.05, 0.02]),
        "guardian_phone": guardian.to_numpy()})


def smi_followups(ctx: RenderContext) -> pd.DataFrame:
    f = ctx.world.smi_followups
    dcol = _first(f, "date", "followed_on", "ts")
    f = f.assign(_d=pd.to_datetime(f[dcol]))
    if f["_d"].dt.tz is None:
        f["_d"] = f["_d"].dt.tz_localize("Asia/Shanghai")
    f = f[in_window(ctx, f["_d"]).to_numpy(bool)].sort_values(["_d", "person_id"],
                                                                kind="stable")
    status = f["status"].map({"done": "已随访", "missed": "失访", "refused": "拒访",
                              "hospitalised": "住院"}).fillna(f["status"])
    df = pd.DataFrame({
        "id_number": person_attr(ctx, f["person_id"], "id_number").to_numpy(),
        "followed_on": f["_d"].to_numpy(), "status": status.to_numpy(),
        "doctor": f["doctor"].to_numpy() if "doctor" in f else "",
        "medication": f["medication"].to_numpy() if "medication" in f else "不详",
    })
    return finish(df, f["person_id"], persons=to_list_column(f["person_id"]))


def low_income(ctx: RenderContext) -> pd.DataFrame:
    p, aid, room = _flagged(ctx, "low_income")
    rng = feed_rng(ctx.seed, "low_income")
    size = ctx.world.persons.groupby("household_id").size()
    kind = rng.choice(np.array(["城市低保", "农村低保", "特困供养"], dtype=object), len(p),
                      p=[0.4, 0.45, 0.15])
    amt = np.where(kind == "特困供养", 900.0, np.where(kind == "城市低保", 680.0, 520.0))
    hsize = p["household_id"].map(size).fillna(1).astype(int).to_numpy()
    return _registry(ctx, p, aid, room, {"household_size": hsize, "support_kind": kind,
                                         "monthly_amount": amt * np.maximum(hsize, 1)})


def elderly_alone(ctx: RenderContext) -> pd.DataFrame:
    p, aid, room = _flagged(ctx, "elderly_alone")
    bd = pd.to_datetime(p["birth_date"])
    age = ctx.end.year - bd.dt.year
    return _registry(ctx, p, aid, room, {"age": age.to_numpy(), "phone": p["phone"].to_numpy()})


def community_corrections(ctx: RenderContext) -> pd.DataFrame:
    p, aid, room = _flagged(ctx, "community_correction")
    rng = feed_rng(ctx.seed, "community_corrections")
    start = ctx.start - pd.to_timedelta(rng.integers(10, 900, len(p)), unit="D")
    return _registry(ctx, p, aid, room, {
        "correction_kind": rng.choice(np.array(["缓刑", "假释", "管制", "暂予监外执行"],
                                               dtype=object), len(p), p=[0.8, 0.12, 0.03, 0.05]),
        "start_date": start})


def released_prisoners(ctx: RenderContext) -> pd.DataFrame:
    p, aid, room = _flagged(ctx, "released_prisoner")
    rng = feed_rng(ctx.seed, "released_prisoners")
    rel = ctx.start - pd.to_timedelta(rng.integers(30, 1800, len(p)), unit="D")
    return _registry(ctx, p, aid, room, {
        "released_on": rel,
        "offence": rng.choice(np.array(["盗窃罪", "诈骗罪", "故意伤害罪", "危险驾驶罪",
                                        "寻衅滋事罪"], dtype=object), len(p))})
