"""Entity fusion (一数一源): resolve, build golden records and the entity graph, publish.

实体融合编排。Runs inside the raw zone — resolution needs raw names and ID numbers, as seed 004's
platform collides sensitive data on the police network — and publishes to the analytic zone only
canonical entity ids, the golden-record fields each field's sensitivity allows, and the graph.

Tables written
raw zone
    ``entity_person_records`` (record_id, feed, source_file, source_row, entity_id): the person
    id of every source record; read back on the next run so ids never renumber.
    ``golden_person``: the full golden records with lineage (raw values).
analytic zone
    ``entity_record_map`` (entity_type, entity_id, feed, source_file, source_row): canonical ids
    of the analytic feed rows (persons, units, vehicles, houses) — no identifier values.
    ``person_entities``: publishable golden records (public values, personal ones as tokens).
    ``unit_entities``: unit golden records (public). ``vehicle_entities``, ``house_entities``.
    ``entity_nodes`` / ``entity_edges``: the graph (:mod:`fusion.resolve.graph`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fusion.resolve.addresses import resolve_houses
from fusion.resolve.golden import golden_records, load_config, publishable
from fusion.resolve.graph import build_graph
from fusion.resolve.persons import resolve_persons
from fusion.resolve.records import person_records
from fusion.resolve.units import resolve_units, unit_records
from fusion.resolve.vehicles import resolve_vehicles

PERSON_MAP = "entity_person_records"
UNIT_MAP = "entity_unit_records"
RECORD_MAP = "entity_record_map"
EVENT_ID_FEEDS = ("criminal_cases", "admin_cases", "disputes", "fraud_reports", "traffic_accidents")


@dataclass
class FuseReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [f"{k}: {v:,}" for k, v in self.counts.items()]


def _read(store: Any, table: str, columns: list[str] | None = None) -> pd.DataFrame | None:
    return store.read(table, columns=columns) if store.exists(table) else None


def _previous(store: Any, table: str) -> pd.Series | None:
    prev = _read(store, table, ["record_id", "entity_id"])
    return None if prev is None or prev.empty else prev.set_index("record_id")["entity_id"]


def _previous_of(analytic: Any, entity_type: str) -> pd.Series | None:
    """Canonical ids of the last run for one entity type, by record id (from ``entity_record_map``)."""
    m = _read(analytic, RECORD_MAP)
    if m is None or m.empty:
        return None
    m = m[m["entity_type"] == entity_type]
    rid = m["feed"] + ":" + m["source_file"].astype(str) + ":" + m["source_row"].astype(str)
    return pd.Series(m["entity_id"].to_numpy(), index=rid.to_numpy())


def _split_record_id(rid: pd.Series) -> pd.DataFrame:
    parts = rid.str.split(":", n=2, expand=True)
    return pd.DataFrame(
        {
            "feed": parts[0],
            "source_file": parts[1],
            "source_row": pd.to_numeric(parts[2]).astype("int64"),
        }
    )


def _loaded_at(analytic: Any) -> dict[str, Any]:
    log = _read(analytic, "ingest_log", ["file", "loaded_at"])
    if log is None or log.empty:
        return {}
    return (
        log.sort_values("loaded_at")
        .drop_duplicates("file", keep="last")
        .set_index("file")["loaded_at"]
        .to_dict()
    )


def fuse_store(
    target: str | Path,
    *,
    secret: str,
    golden_config: str | Path | None = None,
    echo: Callable[[str], None] | None = None,
) -> FuseReport:
    """Fuse everything ingested into the store at ``target`` (folder or PostGIS URL)."""
    from geo.store import open_store

    say = echo or (lambda _m: None)
    rep = FuseReport()
    cfg = load_config(golden_config)
    analytic = open_store(target, zone="analytic")
    raw = open_store(target, zone="raw")
    loaded = _loaded_at(analytic)

    # ---- persons (raw zone) ---------------------------------------------------------------
    t0 = time.perf_counter()
    recs = person_records(analytic, raw)
    recs["loaded_at"] = recs["source_file"].map(loaded)
    res = resolve_persons(recs, previous=_previous(raw, PERSON_MAP))
    pmap = res.assignments[["record_id", "feed", "entity_id"]]
    feat = res.features.assign(loaded_at=recs["loaded_at"].to_numpy())
    feat["entity_id"] = pmap["entity_id"].to_numpy()
    feat["id_number"] = feat["id18"]
    feat["birth_date"] = feat["birth"]
    feat["birth_year"] = pd.to_numeric(feat["birth"].str[:4], errors="coerce").astype("Int64")
    partial = pd.DataFrame({"id_number": feat["id_masked"].astype(bool)}, index=feat.index)
    golden_p = golden_records(feat, cfg.person, partial=partial)
    rep.counts["person records 人员记录"] = len(recs)
    rep.counts["persons 人员实体"] = golden_p["entity_id"].nunique()
    rep.seconds["persons"] = time.perf_counter() - t0
    say(
        f"人员 persons: {len(recs):,} records → {rep.counts['persons 人员实体']:,} entities "
        f"({rep.seconds['persons']:.1f} s)"
    )

    # ---- units, vehicles, houses ------------------------------------------------------------
    t0 = time.perf_counter()
    urecs = unit_records(analytic)
    ures = resolve_units(urecs, previous=_previous(analytic, UNIT_MAP)) if len(urecs) else None
    golden_u = pd.DataFrame(columns=["entity_id"])
    if ures is not None:
        uf = ures.features.assign(
            entity_id=ures.assignments["entity_id"].to_numpy(),
            loaded_at=urecs["source_file"].map(loaded).to_numpy(),
            uscc=ures.features["uscc18"],
        )
        golden_u = golden_records(uf, cfg.unit)
        rep.counts["units 单位实体"] = golden_u["entity_id"].nunique()

    vehicles = ownership = None
    vreg_raw = _read(raw, "feed_vehicle_registry")
    vreg = _read(analytic, "feed_vehicle_registry")
    if vreg is not None and vreg_raw is not None and len(vreg):
        v = vreg.merge(
            vreg_raw[["period", "row_hash", "plate"]].rename(columns={"plate": "plate_raw"}),
            on=["period", "row_hash"],
            how="left",
        )
        vrec = pd.DataFrame(
            {
                "record_id": "vehicle_registry:"
                + v["source_file"].astype(str)
                + ":"
                + v["source_row"].astype(str),
                "feed": "vehicle_registry",
                "plate": v["plate_raw"],
            }
        )
        vehicles = resolve_vehicles(vrec, _previous_of(analytic, "vehicle")).assign(
            label=v["plate"].to_numpy()
        )  # label = plate token
        owner_rid = (
            "vehicle_registry#owner:"
            + v["source_file"].astype(str)
            + ":"
            + v["source_row"].astype(str)
        )
        pid = pmap.set_index("record_id")["entity_id"]
        ownership = pd.DataFrame(
            {
                "person_id": pid.reindex(owner_rid).to_numpy(),
                "vehicle_id": vehicles["entity_id"].to_numpy(),
            }
        ).dropna()
        rep.counts["vehicles 车辆实体"] = vehicles["entity_id"].nunique()

    houses = None
    rh = _read(analytic, "feed_rental_housing")
    if rh is not None and len(rh):
        hrec = pd.DataFrame(
            {
                "record_id": "rental_housing:"
                + rh["source_file"].astype(str)
                + ":"
                + rh["source_row"].astype(str),
                "feed": "rental_housing",
                "address_id": rh.get("address_id"),
                "room": rh.get("room"),
            }
        )
        houses = resolve_houses(hrec, _previous_of(analytic, "house"))
        rep.counts["houses 房屋实体"] = houses["entity_id"].nunique()
    rep.seconds["units_vehicles_houses"] = time.perf_counter() - t0

    # ---- graph -------------------------------------------------------------------------------
    t0 = time.perf_counter()
    gaz = _read(analytic, "feed_std_address")
    grids = _read(analytic, "feed_grids")
    events = _read(analytic, "events")
    involvement = _involvement(analytic, secret, feat, vehicles)
    cameras = _cameras(analytic, grids)
    person_nodes = (
        golden_p[["entity_id", "address_id", "sex", "birth_year", "n_records", "feeds"]].copy()
        if "address_id" in golden_p.columns
        else golden_p
    )
    nodes, edges = build_graph(
        persons=person_nodes,
        houses=houses.dropna(subset=["entity_id"]) if houses is not None else None,
        units=golden_u if len(golden_u) else None,
        vehicles=vehicles.dropna(subset=["entity_id"]) if vehicles is not None else None,
        ownership=ownership,
        events=events.drop(columns=["geometry"], errors="ignore") if events is not None else None,
        involvement=involvement,
        cameras=cameras,
        gazetteer=gaz.drop(columns=["geometry"], errors="ignore") if gaz is not None else None,
        grids=grids.drop(columns=["geometry"], errors="ignore") if grids is not None else None,
    )
    rep.counts["graph nodes 节点"] = len(nodes)
    rep.counts["graph edges 边"] = len(edges)
    rep.seconds["graph"] = time.perf_counter() - t0

    # ---- write ---------------------------------------------------------------------------------
    maps = [pmap.assign(entity_type="person")]
    if ures is not None:
        maps.append(ures.assignments[["record_id", "feed", "entity_id"]].assign(entity_type="unit"))
    if vehicles is not None:
        maps.append(vehicles[["record_id", "feed", "entity_id"]].assign(entity_type="vehicle"))
    if houses is not None:
        maps.append(houses[["record_id", "feed", "entity_id"]].assign(entity_type="house"))
    allmap = pd.concat(maps, ignore_index=True).dropna(subset=["entity_id"])
    allmap = pd.concat(
        [
            allmap.reset_index(drop=True),
            _split_record_id(allmap["record_id"]).drop(columns="feed").reset_index(drop=True),
        ],
        axis=1,
    )
    with raw.transaction(), analytic.transaction():
        raw.write(
            PERSON_MAP,
            allmap[allmap["entity_type"] == "person"][
                ["record_id", "feed", "source_file", "source_row", "entity_id"]
            ],
            mode="replace",
        )
        raw.write("golden_person", _storable(golden_p), mode="replace")
        analytic.write(
            RECORD_MAP,
            allmap[["entity_type", "entity_id", "feed", "source_file", "source_row"]],
            mode="replace",
        )
        if ures is not None:
            analytic.write(UNIT_MAP, ures.assignments[["record_id", "entity_id"]], mode="replace")
            analytic.write("unit_entities", _storable(golden_u), mode="replace")
        analytic.write(
            "person_entities", _storable(publishable(golden_p, cfg.person, secret)), mode="replace"
        )
        if vehicles is not None:
            analytic.write(
                "vehicle_entities",
                vehicles.dropna(subset=["entity_id"])
                .drop_duplicates("entity_id")[["entity_id", "label"]]
                .rename(columns={"label": "plate_token"}),
                mode="replace",
            )
        if houses is not None:
            analytic.write(
                "house_entities",
                houses.dropna(subset=["entity_id"]).drop_duplicates("entity_id")[
                    ["entity_id", "address_id", "room"]
                ],
                mode="replace",
            )
        analytic.write("entity_nodes", nodes, mode="replace")
        analytic.write("entity_edges", edges, mode="replace")
    return rep


def _storable(df: pd.DataFrame) -> pd.DataFrame:
    """Object columns holding mixed Python values → text (the store wants one kind per column)."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].map(
                lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            )
    return out


def _involvement(
    analytic: Any, secret: str, feat: pd.DataFrame, vehicles: pd.DataFrame | None
) -> pd.DataFrame:
    """Event → Person edges from event feeds that carry ID tokens (suspects, parties, victims),
    Event → Vehicle from plate tokens; event ids as :func:`fusion.events.build_events` makes them."""
    from data_contracts.registry import get
    from fusion.pseudonymise import tokenise

    idtok = tokenise(feat["id_full"], secret, "id")
    by_token = pd.Series(feat["entity_id"].to_numpy(), index=idtok.to_numpy())
    by_token = by_token[by_token.index.notna()]
    by_token = by_token[~by_token.index.duplicated()]
    plate_by_token = None
    if vehicles is not None:
        pv = vehicles.dropna(subset=["entity_id"])
        plate_by_token = pd.Series(pv["entity_id"].to_numpy(), index=pv["label"].to_numpy())
        plate_by_token = plate_by_token[~plate_by_token.index.duplicated()]
    rows = []
    for feed in (*EVENT_ID_FEEDS, "traffic_violations"):
        t = f"feed_{feed}"
        if not analytic.exists(t):
            continue
        c = get(feed)
        df = analytic.read(t)
        eid = tokenise(feed + ":" + df[c.primary_key[0]].astype(str), secret, "event")
        for f in c.fields:
            if f.kind == "id_number" and f.name in df.columns:
                ent = by_token.reindex(df[f.name].to_numpy()).to_numpy()
                rows.append(pd.DataFrame({"event_id": eid.to_numpy(), "node_id": ent}))
            if f.kind == "plate" and f.name in df.columns and plate_by_token is not None:
                ent = plate_by_token.reindex(df[f.name].to_numpy()).to_numpy()
                rows.append(pd.DataFrame({"event_id": eid.to_numpy(), "node_id": ent}))
    if not rows:
        return pd.DataFrame(columns=["event_id", "node_id"])
    return pd.concat(rows, ignore_index=True).dropna()


def _cameras(analytic: Any, grids: pd.DataFrame | None) -> pd.DataFrame | None:
    cams = _read(analytic, "feed_camera_registry")
    if cams is None or cams.empty:
        return None
    cams = cams.drop(columns=["geometry"], errors="ignore")
    if grids is not None and len(grids) and "geometry" in grids.columns:
        import geopandas as gpd

        from geo.admin import assign_areas

        g = gpd.GeoDataFrame(grids, geometry="geometry", crs="EPSG:4326")
        cams = cams.assign(
            grid_id=assign_areas(
                cams["lon"].to_numpy(float), cams["lat"].to_numpy(float), g, "grid_id"
            )
        )
    return cams
