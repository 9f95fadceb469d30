"""Context feeds: power anomalies (meter → address), waterlogging sensors, weather, market
days, and the reference layers (roads, grids) sent as GeoJSON."""

from __future__ import annotations

import pandas as pd

from synth.render._base import (
    RenderContext,
    address_position,
    finish,
    in_window,
    std_address_text,
)
from synth.render.fire import _first

_ANOMALY = {"surge": "用电量突增", "night_high": "夜间用电异常", "group_rental": "疑似群租",
            "zero": "零电量", "theft": "疑似窃电"}


def _yyyymm(v: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(v):
        return v.dt.strftime("%Y%m")
    s = v.astype(str).str.replace("-", "", regex=False).str[:6]
    return s


def power_anomaly(ctx: RenderContext) -> pd.DataFrame:
    a = ctx.world.power_anomalies
    mcol = _first(a, "power_meter_id", "meter_id", "meter")
    month = _yyyymm(a[_first(a, "month", "date")])
    a = a.assign(_m=month.to_numpy()).sort_values(["_m", mcol], kind="stable")
    h = ctx.world.houses
    m2h = h[h["power_meter_id"].notna()].set_index("power_meter_id")["house_id"]
    house = a["house_id"] if "house_id" in a else a[mcol].map(m2h)
    hh = ctx.houses()
    aid, room = house.map(hh["address_id"]), house.map(hh["room"]).fillna("")
    kind = a["anomaly_kind"].map(_ANOMALY).fillna(a["anomaly_kind"])
    df = pd.DataFrame({
        "meter_id": a[mcol].to_numpy(), "address": std_address_text(ctx, aid, room).to_numpy(),
        "month": a["_m"].to_numpy(), "kwh": a["kwh"].to_numpy(float), "anomaly_kind": kind,
    })
    lon, lat = address_position(ctx, aid)
    return finish(df, house.to_numpy(object), lon=lon, lat=lat, address_id=aid, room=room)


def waterlogging(ctx: RenderContext) -> pd.DataFrame:
    w = ctx.world.waterlogging
    w = w[in_window(ctx, w["ts"]).to_numpy(bool)].sort_values(["ts", "sensor_id"], kind="stable")
    df = w[["sensor_id", "lon", "lat", "ts", "depth_cm"]].copy()
    return finish(df, w["sensor_id"], lon=w["lon"].to_numpy(float), lat=w["lat"].to_numpy(float))


def weather(ctx: RenderContext) -> pd.DataFrame:
    w = ctx.world.weather.copy()
    w["date"] = pd.to_datetime(w["date"])
    if w["date"].dt.tz is None:
        w["date"] = w["date"].dt.tz_localize("Asia/Shanghai")
    w = w.sort_values(["date", "station_id"], kind="stable")
    df = w[["station_id", "date", "tmax", "tmin", "precip_mm", "wind"]].copy()
    return finish(df, w["station_id"])


def market_days(ctx: RenderContext) -> pd.DataFrame:
    m = ctx.world.market_days
    if "dates" in m and "date" not in m:
        m = m.explode("dates").rename(columns={"dates": "date"})
    m = m.dropna(subset=["date"]).copy()
    m["date"] = pd.to_datetime(m["date"])
    m = m.sort_values(["township_code", "date"], kind="stable")
    towns = ctx.world.townships.set_index("township_code")["name"]
    rule = m[_first(m, "rule", "lunar_rule", "solar_rule")] if any(
        c in m for c in ("rule", "lunar_rule", "solar_rule")) else ""
    df = pd.DataFrame({"township": m["township_code"].map(towns).to_numpy(),
                       "rule": rule if isinstance(rule, str) else rule.to_numpy(),
                       "date": m["date"].to_numpy()})
    return finish(df, m["township_code"])


def road_network(ctx: RenderContext) -> pd.DataFrame:
    r = ctx.world.roads.sort_values("road_id", kind="stable")
    kind = r["kind"].map({"arterial": "主干路", "secondary": "次干路", "local": "支路",
                          "rural": "乡村道路"}).fillna(r["kind"])
    df = pd.DataFrame({"road_id": r["road_id"].to_numpy(), "name": r["name"].to_numpy(),
                       "kind": kind.to_numpy(), "county_adcode": r["county_adcode"].to_numpy()})
    df = finish(df, r["road_id"])
    df["_geometry"] = r.geometry.to_numpy()
    return df


def grids(ctx: RenderContext) -> pd.DataFrame:
    g = ctx.world.grids.sort_values("grid_id", kind="stable")
    if "name" in g:
        name = g["name"]
    else:  # 龙岭街道第3网格: township name + sequence inside the township
        towns = ctx.world.townships.set_index("township_code")["name"]
        seq = g.groupby("township_code").cumcount() + 1
        name = g["township_code"].map(towns).fillna("") + "第" + seq.astype(str) + "网格"
    df = pd.DataFrame({"grid_id": g["grid_id"].to_numpy(), "name": name.to_numpy(),
                       "township_code": g["township_code"].to_numpy()
                       if "township_code" in g else ""})
    df = finish(df, g["grid_id"])
    df["_geometry"] = g.geometry.to_numpy()
    return df
