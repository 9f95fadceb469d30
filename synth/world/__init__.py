"""The synthetic city's World: one coherent, deterministic city (the truth behind the feeds).

NOTE (deviations from /work/synth_world_schema.md; everything there is present):
- extra columns are kept where useful for the renderer/truth (e.g. addresses.road_id,
  road_kind, lighting, floors; persons.age, smi_care_gap (hidden: SMI patient who drops out
  of follow-up; more often a party to disputes/assaults); units.county_adcode,
  nightlife_strip; cameras.urban, road_kind, flow_factor, h3_9; events.triggered (true:
  offspring of an earlier event); detections.vehicle_id (true vehicle); roads.length_m,
  urban). Extra attributes: ``calendar`` (per day: holidays, 调休 workdays, school days),
  ``cell_context`` (the context per active H3-9 cell the intensity was built from),
  ``waterlogging_sensors``.
- ``intensity.date`` is datetime64 (midnight, naive local date), not ``datetime.date``
  objects (15 M rows at scale 1.0); ``category`` is a pandas Categorical.
- ``ebike_flow`` is a method ``World.iter_ebike_flow(chunk_days=1)`` (lazy, like the
  detections); ``World.ebike_flow`` is a property that materialises it (fine at small scales).
- ``iter_ebike_detections`` yields every pass with a true OR a detected violation; misses
  have ``detected_violation == "none"`` — the feed keeps rows with a detected violation.
- ``market_days`` is long: township_code, rule, date (one row per market day).
- ``disputes``, ``grid_events``, ``hotline_calls``, ``fraud_reports``, ``traffic_violations``,
  ``traffic_accidents`` are views of ``events`` with a few department fields added.
- camera count: ``max(60, round(10000 * scale ** 0.537))`` (10,000 at 1.0, ≈2,000 at 0.05).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from synth.world import cameras as _cam
from synth.world import context as _ctx
from synth.world import ebike as _eb
from synth.world import events as _ev
from synth.world import streams as _st
from synth.world.geography import build_geography
from synth.world.population import build_addresses, build_houses, build_population
from synth.world.roads import build_roads
from synth.world.units import build_units, build_vehicles

__all__ = ["World", "build_world"]

_STREAM_EBIKE, _STREAM_HAZMAT, _STREAM_CHECKPOINT = 101, 102, 103


@dataclass
class World:
    """Every true entity and event of the synthetic city (see module NOTE and the schema)."""

    params: dict[str, Any]
    counties: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    grids: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    road_graph: nx.Graph
    addresses: pd.DataFrame
    houses: pd.DataFrame
    persons: pd.DataFrame
    households: pd.DataFrame
    units: pd.DataFrame
    vehicles: pd.DataFrame
    cameras: pd.DataFrame
    camera_outages: pd.DataFrame
    checkpoints: pd.DataFrame
    events: pd.DataFrame
    intensity: pd.DataFrame
    true_violation_rates: pd.DataFrame
    hotel_stays: pd.DataFrame
    smoke_alarms: pd.DataFrame
    elevator_ebike_alarms: pd.DataFrame
    power_anomalies: pd.DataFrame
    waterlogging_sensors: pd.DataFrame
    waterlogging: pd.DataFrame
    weather: pd.DataFrame
    market_days: pd.DataFrame
    smi_followups: pd.DataFrame
    disputes: pd.DataFrame
    grid_events: pd.DataFrame
    hotline_calls: pd.DataFrame
    fraud_reports: pd.DataFrame
    traffic_violations: pd.DataFrame
    traffic_accidents: pd.DataFrame
    fire_inspections: pd.DataFrame
    wage_arrears: pd.DataFrame
    calendar: pd.DataFrame
    cell_context: pd.DataFrame
    _camera_rates: pd.DataFrame = field(repr=False)
    _hazmat_routes: pd.DataFrame = field(repr=False)

    # ----------------------------------------------------------------- views
    @property
    def schools(self) -> pd.DataFrame:
        return self.units[self.units["kind"] == "school"]

    @property
    def hospitals(self) -> pd.DataFrame:
        return self.units[self.units["kind"] == "hospital"]

    # ----------------------------------------------------------------- lazy streams
    def _day_flow(self, d: int) -> tuple[pd.DataFrame, np.random.Generator]:
        rng = _eb.day_rng(self.params["seed"], _STREAM_EBIKE, d)
        flow = _eb.flow_for_day(self._camera_rates, self.camera_outages,
                                self.calendar.iloc[d], rng)
        return flow, rng

    def iter_ebike_flow(self, chunk_days: int = 1,
                        days: list[int] | None = None) -> Iterator[pd.DataFrame]:
        """15-min flows per algorithm camera: camera_id, interval_start, n_ebike, n_tricycle,
        n_motorcycle (0 during outages). ``days``: one chunk of these day indexes only."""
        seq = [days] if days is not None else _eb.iter_days(self.params["start"],
                                                            self.params["days"], chunk_days)
        for ds in seq:
            yield pd.concat([self._day_flow(d)[0].drop(columns=["_n_ord", "_n_del"])
                             for d in ds], ignore_index=True)

    @property
    def ebike_flow(self) -> pd.DataFrame:
        """All flows materialised (use :meth:`iter_ebike_flow` at large scales)."""
        return pd.concat(self.iter_ebike_flow(chunk_days=7), ignore_index=True)

    def _ebike_pools(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Series, np.ndarray]:
        if not hasattr(self, "_pools"):
            v = self.vehicles.reset_index(drop=True)
            eb = (v["kind"] == "ebike").to_numpy()
            plat = v["owner_person_id"].map(
                self.persons.set_index("person_id")["delivery_platform"]).to_numpy()
            deliv = eb & pd.notna(plat)
            plates = pd.Series(v["plate"].to_numpy(), index=v["vehicle_id"].to_numpy())
            self._pools = (np.flatnonzero(eb & ~deliv), np.flatnonzero(deliv),
                           np.where(pd.notna(plat), plat, None), plates,
                           _eb.mask_plates(plates.to_numpy()))
        return self._pools

    def iter_ebike_detections(self, chunk_days: int = 1,
                              days: list[int] | None = None) -> Iterator[pd.DataFrame]:
        """Per-day chunks of detections (see module NOTE). Deterministic per day."""
        ordp, delp, plat, plates, masked = self._ebike_pools()
        seq = [days] if days is not None else _eb.iter_days(self.params["start"],
                                                            self.params["days"], chunk_days)
        for ds in seq:
            parts = []
            for d in ds:  # loop over days
                flow, rng = self._day_flow(d)
                parts.append(_eb.detections_for_day(self._camera_rates, flow, d, ordp, delp,
                                                    plat, plates, rng, masked))
            yield pd.concat(parts, ignore_index=True)

    def audit_sample(self, n: int) -> pd.DataFrame:
        """Manual review of ``n`` e-bike detections (from the first week): true label
        revealed."""
        rng = np.random.default_rng([self.params["seed"], 104])
        cols = ["detection_id", "camera_id", "detected_violation", "true_violation"]
        # day by day (the same rows as one 7-day chunk): only flagged rows stay in memory
        parts = []
        for k in range(min(7, self.params["days"])):
            d = next(self.iter_ebike_detections(days=[k]))
            parts.append(d.loc[(d["detected_violation"] != "none")
                               & (d["vehicle_class"] == "ebike"), cols])
        det = pd.concat(parts, ignore_index=True)
        take = rng.choice(len(det), min(n, len(det)), replace=False)
        return det.iloc[np.sort(take)][["detection_id", "camera_id", "detected_violation",
                                        "true_violation"]].reset_index(drop=True)

    def iter_hazmat_gps(self, chunk_days: int = 1,
                        days: list[int] | None = None) -> Iterator[pd.DataFrame]:
        """30-s GPS of hazmat trucks: plate, ts, lon, lat, speed_kmh, heading. ``days``: one
        chunk of these day indexes only."""
        seq = [days] if days is not None else _eb.iter_days(self.params["start"],
                                                            self.params["days"], chunk_days)
        for ds in seq:
            yield pd.concat([_st.hazmat_gps_for_day(
                self._hazmat_routes,
                pd.Timestamp(self.calendar["date"].iloc[d]).tz_localize("Asia/Shanghai"),
                _eb.day_rng(self.params["seed"], _STREAM_HAZMAT, d)) for d in ds],
                ignore_index=True)

    def iter_checkpoint_passes(self, chunk_days: int = 1,
                               days: list[int] | None = None) -> Iterator[pd.DataFrame]:
        """Checkpoint passes: checkpoint_id, ts, plate, direction. ``days``: one chunk of these
        day indexes only."""
        plates = self.vehicles.loc[self.vehicles["kind"] != "ebike", "plate"].to_numpy()
        seq = [days] if days is not None else _eb.iter_days(self.params["start"],
                                                            self.params["days"], chunk_days)
        for ds in seq:
            yield pd.concat([_st.checkpoint_passes_for_day(
                self.checkpoints, plates,
                pd.Timestamp(self.calendar["date"].iloc[d]).tz_localize("Asia/Shanghai"),
                self.params["scale"], _eb.day_rng(self.params["seed"], _STREAM_CHECKPOINT, d))
                for d in ds], ignore_index=True)


def build_world(city: str = "430900", days: int = 120, seed: int = 7, scale: float = 0.05,
                start: dt.date = dt.date(2026, 7, 1)) -> World:
    """Build the deterministic synthetic city for (city adcode, days, seed, scale, start)."""
    ss = np.random.SeedSequence([seed, int(city)])
    rngs = [np.random.default_rng(s) for s in ss.spawn(14)]
    geo = build_geography(city, seed)
    net, villages = build_roads(geo, rngs[0])
    addresses = build_addresses(geo, net, villages, rngs[1], scale)
    houses = build_houses(addresses, rngs[2], scale)
    persons, households, houses = build_population(addresses, houses, rngs[3], scale, start)
    units = build_units(addresses, geo.counties, persons, rngs[4], scale, start)
    vehicles = build_vehicles(persons, houses, units, city, geo.city_name, rngs[5])
    cams = _cam.build_cameras(net.roads, units, rngs[6], scale, start)
    outages = _cam.build_outages(cams, rngs[6], start, days)
    checkpoints = _cam.build_checkpoints(net.roads, rngs[6], scale)
    cal = _ev.calendar_table(start, days)
    rng9 = rngs[9]
    wx = _ctx.weather(geo.counties, cal, rngs[12])
    markets = _ctx.market_days(geo.townships, cal, rngs[13])
    ctx = _ev.cell_context(addresses, houses, persons, units, cams, vehicles)
    rain = wx.groupby("date")["precip_mm"].mean().reindex(cal["date"]).to_numpy()
    raw, intensity = _ev.simulate(ctx, cal, len(persons), start, rngs[7], rain_mm=rain,
                                  market=_ev.market_matrix(markets, cal, ctx))
    events = _ev.materialise(raw, ctx, cal, addresses, houses, persons, units, rngs[8])
    cr = _eb.camera_rates(cams, scale)
    wl_sensors, wl = _ctx.waterlogging(addresses, wx, rng9, scale)
    views = _ctx.event_views(events, vehicles, persons, rngs[10])
    rng11 = rngs[11]
    roads_out = net.roads[["road_id", "name", "kind", "county_adcode", "township_code",
                           "lighting", "length_m", "urban", "geometry"]].copy()
    params = {"city": city, "days": days, "seed": seed, "scale": scale, "start": start,
              "city_name": geo.city_name, "n_persons": len(persons),
              "n_addresses": len(addresses), "n_houses": len(houses), "n_units": len(units),
              "n_vehicles": len(vehicles), "n_cameras": len(cams), "n_events": len(events),
              "n_cells": len(ctx), "camera_rule": "max(60, round(10000 * scale ** 0.537))"}
    counties = geo.counties.drop(columns=["core_x", "core_y"])
    return World(
        params=params, counties=counties, townships=geo.townships, grids=geo.grids,
        roads=roads_out, road_graph=net.graph, addresses=addresses, houses=houses,
        persons=persons, households=households, units=units, vehicles=vehicles,
        cameras=cams.drop(columns=["x", "y"]), camera_outages=outages, checkpoints=checkpoints,
        events=events, intensity=intensity, true_violation_rates=_eb.true_rates_table(cr),
        hotel_stays=_ctx.hotel_stays(units, persons, cal, rng11, scale),
        smoke_alarms=_ctx.smoke_alarms(houses, events, cal, rng11),
        elevator_ebike_alarms=_ctx.elevator_ebike_alarms(addresses, persons, houses, vehicles,
                                                         cal, rng11),
        power_anomalies=_ctx.power_anomalies(houses, cal, rng11),
        waterlogging_sensors=wl_sensors, waterlogging=wl, weather=wx,
        market_days=markets,
        smi_followups=_ctx.smi_followups(persons, cal, rng11),
        disputes=views["disputes"], grid_events=views["grid_events"],
        hotline_calls=views["hotline_calls"], fraud_reports=views["fraud_reports"],
        traffic_violations=views["traffic_violations"],
        traffic_accidents=views["traffic_accidents"],
        fire_inspections=_ctx.fire_inspections(units, cal, rng11),
        wage_arrears=_ctx.wage_arrears(units, persons, cal, rng11),
        calendar=cal, cell_context=ctx, _camera_rates=cr,
        _hazmat_routes=_st.hazmat_routes(vehicles, units, net.roads, net.graph, net.nodes,
                                         rngs[6]),
    )
