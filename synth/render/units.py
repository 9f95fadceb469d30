"""Unit registries: schools, hospitals, market-regulation registry, 三小场所, entertainment
venues, hazardous-chemical firms."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth.render._base import (
    RenderContext,
    feed_rng,
    finish,
    person_attr,
    std_address_text,
    to_list_column,
)


def _units(ctx: RenderContext, kinds: tuple[str, ...]) -> pd.DataFrame:
    u = ctx.world.units
    return u[u["kind"].isin(kinds)].sort_values("unit_id", kind="stable")


def _frame(ctx: RenderContext, u: pd.DataFrame, cols: dict[str, object],
           persons: pd.Series | None = None) -> pd.DataFrame:
    df = pd.DataFrame(cols)
    return finish(df, u["unit_id"], persons=to_list_column(persons) if persons is not None
                  else None, lon=u["lon"].to_numpy(float), lat=u["lat"].to_numpy(float),
                  address_id=u["address_id"])


def schools(ctx: RenderContext) -> pd.DataFrame:
    u = _units(ctx, ("school",))
    return _frame(ctx, u, {
        "name": u["name"].to_numpy(), "school_code": u["school_code"].to_numpy(),
        "sub_kind": u["sub_kind"].to_numpy(),
        "address": std_address_text(ctx, u["address_id"]).to_numpy(),
        "lon": u["lon"].to_numpy(float), "lat": u["lat"].to_numpy(float),
        "students": (u["employees"].fillna(0).astype(int) * 12).to_numpy()})


def hospitals(ctx: RenderContext) -> pd.DataFrame:
    u = _units(ctx, ("hospital",))
    return _frame(ctx, u, {
        "name": u["name"].to_numpy(), "uscc": u["uscc"].to_numpy(),
        "sub_kind": u["sub_kind"].to_numpy(),
        "address": std_address_text(ctx, u["address_id"]).to_numpy(),
        "lon": u["lon"].to_numpy(float), "lat": u["lat"].to_numpy(float)})


def business_registry(ctx: RenderContext) -> pd.DataFrame:
    u = ctx.world.units.sort_values("uscc", kind="stable")
    rng = feed_rng(ctx.seed, "business_registry")
    kind = np.where(u["kind"].isin(["three_small"]).to_numpy(), "个体工商户",
                    np.where(u["kind"].isin(["school", "hospital"]).to_numpy(), "事业单位",
                             "有限责任公司"))
    return _frame(ctx, u, {
        "uscc": u["uscc"].to_numpy(), "name": u["name"].to_numpy(), "kind": kind,
        "address": std_address_text(ctx, u["address_id"]).to_numpy(),
        "legal_rep_name": person_attr(ctx, u["legal_rep_person_id"], "name").to_numpy(),
        "opened": pd.to_datetime(u["opened"]).to_numpy(),
        "status": rng.choice(np.array(["存续", "在业", "迁出"], dtype=object), len(u),
                             p=[0.7, 0.28, 0.02])}, u["legal_rep_person_id"])


def three_small_venues(ctx: RenderContext) -> pd.DataFrame:
    u = _units(ctx, ("three_small",))
    rep = u["legal_rep_person_id"]
    return _frame(ctx, u, {
        "name": u["name"].to_numpy(), "uscc": u["uscc"].to_numpy(),
        "sub_kind": u["sub_kind"].to_numpy(),
        "address": std_address_text(ctx, u["address_id"]).to_numpy(),
        "manager_name": person_attr(ctx, rep, "name").to_numpy(),
        "phone": person_attr(ctx, rep, "phone").to_numpy()}, rep)


def entertainment(ctx: RenderContext) -> pd.DataFrame:
    u = _units(ctx, ("bar_ktv",))
    return _frame(ctx, u, {
        "licence_no": u["licence_no"].to_numpy(), "name": u["name"].to_numpy(),
        "sub_kind": u["sub_kind"].to_numpy(),
        "address": std_address_text(ctx, u["address_id"]).to_numpy(),
        "lon": u["lon"].to_numpy(float), "lat": u["lat"].to_numpy(float)})


def hazmat_firms(ctx: RenderContext) -> pd.DataFrame:
    u = _units(ctx, ("hazmat_firm",))
    rng = feed_rng(ctx.seed, "hazmat_firms")
    chem = rng.choice(np.array(["液化石油气", "汽油、柴油", "液氯", "硫酸", "乙炔", "氨"],
                               dtype=object), len(u))
    return _frame(ctx, u, {
        "name": u["name"].to_numpy(), "uscc": u["uscc"].to_numpy(),
        "address": std_address_text(ctx, u["address_id"]).to_numpy(),
        "lon": u["lon"].to_numpy(float), "lat": u["lat"].to_numpy(float), "chemicals": chem,
        "major_hazard": np.where(u["risk_hidden"].to_numpy(float) > 0.7, "是", "否")})


