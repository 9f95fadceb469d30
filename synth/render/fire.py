"""Fire-rescue and IoT feeds: fire incidents (address only), inspections, smoke-sensor alarms,
e-bikes taken into lifts."""

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
    std_address_text,
)
from synth.render.events import event_frame

_CAUSES = np.array(["电气故障", "电动车充电", "用火不慎", "吸烟", "不明原因"], dtype=object)


def _first(df: pd.DataFrame, *names: str) -> str:
    for n in names:
        if n in df.columns:
            return n
    raise KeyError(f"none of {names} in {list(df.columns)}")


def fire_incidents(ctx: RenderContext) -> pd.DataFrame:
    e = event_frame(ctx, "fire_incidents")
    rng = feed_rng(ctx.seed, "fire_incidents")
    cause = e["subcategory"].where(e["subcategory"].fillna("").ne(""),
                                   pd.Series(rng.choice(_CAUSES, len(e))))
    df = pd.DataFrame({
        "record_no": numbered("HJ4309", len(e), 9),
        "reported_at": e["reported_at"].to_numpy(), "address": e["_address"].to_numpy(),
        "cause": cause.to_numpy(),
        "severity": e["severity"].map({1: "一般", 2: "较大", 3: "重大"}).fillna("一般").to_numpy(),
    })
    return finish(df, e["event_id"], lon=e["lon"].to_numpy(), lat=e["lat"].to_numpy(),
                  address_id=e["address_id"], room=e["_room"])


def fire_inspections(ctx: RenderContext) -> pd.DataFrame:
    """Inspections from ``World.fire_inspections`` (unit_id, date, result, n_hazards)."""
    fi = ctx.world.fire_inspections
    dcol = _first(fi, "inspected_on", "date", "ts", "inspected_at")
    fi = fi.assign(_d=pd.to_datetime(fi[dcol]))
    if fi["_d"].dt.tz is None:
        fi["_d"] = fi["_d"].dt.tz_localize("Asia/Shanghai")
    fi = fi[in_window(ctx, fi["_d"]).to_numpy(bool)].sort_values(["_d", "unit_id"],
                                                                   kind="stable")
    u = ctx.units()
    nh = fi[_first(fi, "n_hazards", "n_defects", "hazards")] if any(
        c in fi for c in ("n_hazards", "n_defects", "hazards")) else pd.Series(0, index=fi.index)
    if "result" in fi:
        res = fi["result"].map({True: "合格", False: "不合格", "pass": "合格",
                                "fail": "不合格"}).fillna(fi["result"])
    else:
        res = pd.Series(np.where(nh > 0, "不合格", "合格"), index=fi.index)
    aid = fi["unit_id"].map(u["address_id"])
    df = pd.DataFrame({
        "record_no": numbered("XFJC", len(fi), 8),
        "unit_name": fi["unit_id"].map(u["name"]).to_numpy(),
        "uscc": fi["unit_id"].map(u["uscc"]).to_numpy(),
        "address": std_address_text(ctx, aid).to_numpy(), "inspected_on": fi["_d"].to_numpy(),
        "result": res.to_numpy(), "n_hazards": nh.to_numpy(),
    })
    lon, lat = address_position(ctx, aid)
    return finish(df, fi["unit_id"], lon=lon, lat=lat, address_id=aid)


def smoke_sensors(ctx: RenderContext) -> pd.DataFrame:
    a = ctx.world.smoke_alarms
    tcol = _first(a, "ts", "alarm_at", "occurred_at")
    dcol = _first(a, "device_id", "smoke_device_id")
    a = a[in_window(ctx, a[tcol]).to_numpy(bool)].sort_values([tcol, dcol], kind="stable")
    h = ctx.world.houses
    dev2house = h[h["smoke_device_id"].notna()].set_index("smoke_device_id")["house_id"]
    house = a["house_id"] if "house_id" in a else a[dcol].map(dev2house)
    kind = a[_first(a, "alarm_type", "alarm_kind", "kind")] if any(
        c in a for c in ("alarm_type", "alarm_kind", "kind")) else pd.Series("烟雾报警",
                                                                            index=a.index)
    kind = kind.map({"smoke": "烟雾报警", "low_battery": "低电量", "tamper": "防拆报警",
                     "fault": "故障", "test": "测试"}).fillna(kind)
    aid = house.map(ctx.houses()["address_id"])
    df = pd.DataFrame({
        "alarm_id": numbered("SA", len(a), 10), "device_id": a[dcol].to_numpy(),
        "ts": a[tcol].to_numpy(), "alarm_type": kind.to_numpy(),
    })
    lon, lat = address_position(ctx, aid)
    return finish(df, house.to_numpy(object), lon=lon, lat=lat)


def elevator_ebike(ctx: RenderContext) -> pd.DataFrame:
    a = ctx.world.elevator_ebike_alarms
    tcol = _first(a, "ts", "alarm_at")
    a = a[in_window(ctx, a[tcol]).to_numpy(bool)]
    addr = ctx.world.addresses
    if "building_id" in a:
        bld = a["building_id"]
        aid = bld.map(addr.drop_duplicates("building_id").set_index("building_id")["address_id"])
    else:
        aid = a["address_id"]
        bld = aid.map(addr.set_index("address_id")["building_id"])
    order = np.lexsort((bld.astype(str).to_numpy(), a[tcol].to_numpy()))
    a, bld, aid = a.iloc[order], bld.iloc[order], aid.iloc[order]
    df = pd.DataFrame({
        "alarm_id": numbered("DT", len(a), 10), "building_id": bld.to_numpy(),
        "elevator_id": (bld.astype(str) + "-E1").to_numpy(), "ts": a[tcol].to_numpy(),
    })
    lon, lat = address_position(ctx, aid)
    return finish(df, aid.to_numpy(object), lon=lon, lat=lat)
