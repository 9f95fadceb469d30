"""Traffic-police and transport-bureau feeds: vehicles, accidents, on-site violations,
两客一危 drivers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synth.render._base import (
    RenderContext,
    feed_rng,
    finish,
    numbered,
    person_attr,
    to_list_column,
)
from synth.render.events import event_frame

_VKIND = {"car": "小型汽车", "ebike": "电动自行车", "bus": "大型客车", "coach": "中型客车",
          "hazmat_truck": "危险货物运输车"}
_BEHAVIOUR = np.array(["不按规定让行", "违反禁令标志", "违法停车", "未系安全带", "超速行驶",
                       "驾驶时拨打电话"], dtype=object)


def _plate_dot(plate: pd.Series) -> pd.Series:
    """Car plates written the traffic-police way with a dot: 湘H·12345 (e-bike plates as-is)."""
    is_car = plate.str.match(r"^[\u4e00-\u9fff][A-Z][0-9A-Z]{5,6}$").fillna(False)
    return plate.where(~is_car, plate.str[:2] + "·" + plate.str[2:])


def vehicle_registry(ctx: RenderContext) -> pd.DataFrame:
    v = ctx.world.vehicles.sort_values("vehicle_id", kind="stable")
    df = pd.DataFrame({
        "plate": _plate_dot(v["plate"].astype(str)).to_numpy(),
        "vehicle_kind": v["kind"].map(_VKIND).fillna(v["kind"]).to_numpy(),
        "brand": v["brand"].to_numpy(), "colour": v["colour"].to_numpy(),
        "owner_name": person_attr(ctx, v["owner_person_id"], "name").to_numpy(),
        "owner_id_number": person_attr(ctx, v["owner_person_id"], "id_number").to_numpy(),
        "owner_phone": person_attr(ctx, v["owner_person_id"], "phone").to_numpy(),
    })
    unit_owner = v["owner_unit_id"].map(ctx.units()["name"]) if "owner_unit_id" in v else None
    if unit_owner is not None:
        df["owner_name"] = df["owner_name"].where(df["owner_name"].notna(),
                                                  unit_owner.to_numpy())
    return finish(df, v["vehicle_id"], persons=to_list_column(v["owner_person_id"]))


def traffic_accidents(ctx: RenderContext) -> pd.DataFrame:
    e = event_frame(ctx, "traffic_accidents")
    sev = e["severity"].map({1: "轻微事故", 2: "一般事故", 3: "重大事故"}).fillna("一般事故")
    df = pd.DataFrame({
        "record_no": numbered("SG430900", len(e), 9),
        "occurred_at": e["occurred_at"].to_numpy(), "address": e["_address"].to_numpy(),
        "lon": e["lon"].to_numpy(), "lat": e["lat"].to_numpy(), "severity": sev.to_numpy(),
        "party_id_number": person_attr(ctx, e["_first_person"], "id_number").to_numpy(),
        "plates": (e["plates"].map(lambda ps: ";".join(_plate_dot(pd.Series(list(ps), dtype=object)
                                                                   ).tolist())
                                   if ps is not None and len(ps) else "").to_numpy()
                   if "plates" in e else ""),
    })
    return finish(df, e["event_id"], persons=to_list_column(e["_first_person"]),
                  lon=e["lon"].to_numpy(), lat=e["lat"].to_numpy(), address_id=e["address_id"])


def traffic_violations(ctx: RenderContext) -> pd.DataFrame:
    e = event_frame(ctx, "traffic_violations")
    driver = e["suspect_person_id"].where(e["suspect_person_id"].notna(), e["_first_person"])
    v = ctx.world.vehicles
    v = v[v["owner_person_id"].notna()].drop_duplicates("owner_person_id")
    plate = e["plate"] if "plate" in e else driver.map(v.set_index("owner_person_id")["plate"])
    rng = feed_rng(ctx.seed, "traffic_violations")
    df = pd.DataFrame({
        "record_no": numbered("4309001", len(e), 9),
        "occurred_at": e["occurred_at"].to_numpy(), "address": e["_address"].to_numpy(),
        "behaviour": e["subcategory"].where(e["subcategory"].notna() & (e["subcategory"] != ""),
                                            pd.Series(rng.choice(_BEHAVIOUR, len(e)))).to_numpy(),
        "plate": _plate_dot(plate.fillna("").astype(str)).to_numpy(),
        "driver_id_number": person_attr(ctx, driver, "id_number").to_numpy(),
        "lon": e["lon"].to_numpy(), "lat": e["lat"].to_numpy(),
    })
    return finish(df, e["event_id"], persons=to_list_column(driver), lon=e["lon"].to_numpy(),
                  lat=e["lat"].to_numpy(), address_id=e["address_id"])


def hazmat_drivers(ctx: RenderContext) -> pd.DataFrame:
    v = ctx.world.vehicles
    v = v[v["kind"].isin(["hazmat_truck", "bus", "coach"])].sort_values("vehicle_id",
                                                                         kind="stable")
    rng = feed_rng(ctx.seed, "hazmat_drivers")
    persons = ctx.world.persons
    adults = persons[pd.to_datetime(persons["birth_date"]).dt.year.between(1965, 2000)]
    pool = adults["person_id"].to_numpy() if len(adults) else persons["person_id"].to_numpy()
    driver = v["owner_person_id"].where(v["owner_person_id"].notna(),
                                        pd.Series(rng.choice(pool, len(v)), index=v.index))
    df = pd.DataFrame({
        "name": person_attr(ctx, driver, "name").to_numpy(),
        "id_number": person_attr(ctx, driver, "id_number").to_numpy(),
        "licence_no": np.char.add("43090", rng.integers(10**9, 10**10, len(v)).astype(str)),
        "company": v["owner_unit_id"].map(ctx.units()["name"]).fillna("个体").to_numpy(),
        "phone": person_attr(ctx, driver, "phone").to_numpy(),
        "plate": _plate_dot(v["plate"].astype(str)).to_numpy(),
    })
    return finish(df, driver.to_numpy(), persons=to_list_column(driver))
