"""The entity graph (一标三实 backbone): node and edge tables, and networkx for traversal.

实体关系图：节点 Person/House/Address/Unit/Vehicle/Event/Camera/Grid/Township/County；
边 lives_at（人→房屋，无房屋时人→地址）、located_at（房屋/单位/事件→地址）、in（地址→网格→
乡镇街道→区县；事件→网格）、owns（人→车辆）、involves（事件→人/车辆）、covers（摄像头→网格）。

Tables (store, analytic zone): ``entity_nodes`` (node_id, type, label, lon, lat, attrs — JSON text
of public attributes) and ``entity_edges`` (src, dst, type). Node ids: canonical entity ids
(``P000001``, ``H000001``, ``U000001``, ``V000001``), ``A<address_id>``-style ids as given by the
gazetteer, ``G:<grid_id>``, ``T:<township_code>``, ``C:<adcode>``, ``E:<event_id>``, ``K:<camera_id>``.
"""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd

NODE_TYPES = (
    "Person",
    "House",
    "Address",
    "Unit",
    "Vehicle",
    "Event",
    "Camera",
    "Grid",
    "Township",
    "County",
)
EDGE_TYPES = ("lives_at", "located_at", "in", "owns", "involves", "covers")
NODE_COLUMNS = ["node_id", "type", "label", "lon", "lat", "attrs"]
EDGE_COLUMNS = ["src", "dst", "type"]


def _nodes(
    ids: pd.Series,
    kind: str,
    label: pd.Series | None = None,
    lon: pd.Series | None = None,
    lat: pd.Series | None = None,
    attrs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    n = len(ids)
    df = pd.DataFrame(
        {
            "node_id": pd.Series(ids).astype(str).to_numpy(),
            "type": kind,
            "label": (
                pd.Series(label).astype(object).to_numpy()
                if label is not None
                else np.full(n, None, dtype=object)
            ),
            "lon": pd.to_numeric(pd.Series(lon), errors="coerce").to_numpy()
            if lon is not None
            else np.full(n, np.nan),
            "lat": pd.to_numeric(pd.Series(lat), errors="coerce").to_numpy()
            if lat is not None
            else np.full(n, np.nan),
        }
    )
    if attrs is not None and len(attrs.columns):
        recs = attrs.astype(object).where(attrs.notna(), None).to_dict("records")
        df["attrs"] = [json.dumps(r, ensure_ascii=False, default=str) for r in recs]
    else:
        df["attrs"] = "{}"
    return df


def _edges(src: pd.Series, dst: pd.Series, kind: str) -> pd.DataFrame:
    e = pd.DataFrame(
        {
            "src": pd.Series(src).astype(object).to_numpy(),
            "dst": pd.Series(dst).astype(object).to_numpy(),
            "type": kind,
        }
    )
    e = e[e["src"].notna() & e["dst"].notna()]
    return e.astype({"src": str, "dst": str})


def admin_graph(
    gazetteer: pd.DataFrame, grids: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Address, Grid, Township and County nodes with their ``in`` edges.

    ``gazetteer``: address_id, std_text, grid_id, county, township, lon, lat (WGS-84).
    ``grids``: grid_id, name, township_code (9-digit; its first 6 digits are the county adcode).
    """
    g = gazetteer.drop_duplicates("address_id")
    nodes = [
        _nodes(
            g["address_id"],
            "Address",
            g.get("std_text"),
            g.get("lon"),
            g.get("lat"),
            g[[c for c in ("county", "township", "grid_id") if c in g.columns]],
        )
    ]
    edges = (
        [_edges(g["address_id"], "G:" + g["grid_id"].astype(str).where(g["grid_id"].notna()), "in")]
        if "grid_id" in g.columns
        else []
    )
    if grids is not None and len(grids):
        gr = grids.drop_duplicates("grid_id")
        tc = gr["township_code"].astype(str).where(gr["township_code"].notna())
        nodes.append(_nodes("G:" + gr["grid_id"].astype(str), "Grid", gr.get("name")))
        edges.append(_edges("G:" + gr["grid_id"].astype(str), "T:" + tc, "in"))
        towns = tc.dropna().drop_duplicates()
        nodes.append(_nodes("T:" + towns, "Township", towns))
        counties = towns.str[:6].drop_duplicates()
        nodes.append(_nodes("C:" + counties, "County", counties))
        edges.append(_edges("T:" + towns, "C:" + towns.str[:6], "in"))
    elif "grid_id" in g.columns:
        gid = g["grid_id"].dropna().drop_duplicates()
        nodes.append(_nodes("G:" + gid.astype(str), "Grid", gid))
    return pd.concat(nodes, ignore_index=True), pd.concat(
        edges, ignore_index=True
    ) if edges else pd.DataFrame(columns=EDGE_COLUMNS)


def build_graph(
    *,
    persons: pd.DataFrame | None = None,
    person_houses: pd.DataFrame | None = None,
    houses: pd.DataFrame | None = None,
    units: pd.DataFrame | None = None,
    vehicles: pd.DataFrame | None = None,
    ownership: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    involvement: pd.DataFrame | None = None,
    cameras: pd.DataFrame | None = None,
    gazetteer: pd.DataFrame | None = None,
    grids: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node and edge tables of the entity graph (every argument optional).

    persons: entity_id, address_id (+ public attrs: sex, birth_year). person_houses: entity_id,
    house_id. houses: entity_id, address_id, room. units: entity_id, name, address_id, uscc.
    vehicles: entity_id, plate_token (or label). ownership: person_id, vehicle_id.
    events: event_id, category, address_id, grid_id, lon, lat. involvement: event_id, node_id.
    cameras: camera_id, name, grid_id, lon, lat.
    """
    nodes: list[pd.DataFrame] = []
    edges: list[pd.DataFrame] = []
    if gazetteer is not None and len(gazetteer):
        n, e = admin_graph(gazetteer, grids)
        nodes.append(n)
        edges.append(e)
    if persons is not None and len(persons):
        pub = [c for c in ("sex", "birth_year", "n_records", "feeds") if c in persons.columns]
        nodes.append(_nodes(persons["entity_id"], "Person", None, attrs=persons[pub]))
        housed = (
            set(person_houses["entity_id"])
            if person_houses is not None and len(person_houses)
            else set()
        )
        if housed:
            edges.append(_edges(person_houses["entity_id"], person_houses["house_id"], "lives_at"))
        if "address_id" in persons.columns:
            p = persons[~persons["entity_id"].isin(housed)]
            edges.append(_edges(p["entity_id"], p["address_id"], "lives_at"))
    if houses is not None and len(houses):
        h = houses.drop_duplicates("entity_id")
        nodes.append(
            _nodes(h["entity_id"], "House", h.get("room"), attrs=h[["address_id", "room"]])
        )
        edges.append(_edges(h["entity_id"], h["address_id"], "located_at"))
    if units is not None and len(units):
        pub = [c for c in ("uscc", "address_id", "n_records", "feeds") if c in units.columns]
        nodes.append(_nodes(units["entity_id"], "Unit", units.get("name"), attrs=units[pub]))
        edges.append(_edges(units["entity_id"], units.get("address_id"), "located_at"))
    if vehicles is not None and len(vehicles):
        v = vehicles.drop_duplicates("entity_id")
        nodes.append(_nodes(v["entity_id"], "Vehicle", v.get("label")))
    if ownership is not None and len(ownership):
        edges.append(
            _edges(ownership["person_id"], ownership["vehicle_id"], "owns").drop_duplicates()
        )
    if events is not None and len(events):
        ev = events.drop_duplicates("event_id")
        eid = "E:" + ev["event_id"].astype(str)
        nodes.append(_nodes(eid, "Event", ev.get("category"), ev.get("lon"), ev.get("lat")))
        if "address_id" in ev.columns:
            edges.append(_edges(eid, ev["address_id"], "located_at"))
        if "grid_id" in ev.columns:
            edges.append(
                _edges(eid, "G:" + ev["grid_id"].astype(str).where(ev["grid_id"].notna()), "in")
            )
    if involvement is not None and len(involvement):
        edges.append(
            _edges(
                "E:" + involvement["event_id"].astype(str), involvement["node_id"], "involves"
            ).drop_duplicates()
        )
    if cameras is not None and len(cameras):
        cid = "K:" + cameras["camera_id"].astype(str)
        nodes.append(
            _nodes(cid, "Camera", cameras.get("name"), cameras.get("lon"), cameras.get("lat"))
        )
        if "grid_id" in cameras.columns:
            edges.append(
                _edges(
                    cid,
                    "G:" + cameras["grid_id"].astype(str).where(cameras["grid_id"].notna()),
                    "covers",
                )
            )
    n = (
        pd.concat(nodes, ignore_index=True).drop_duplicates("node_id")
        if nodes
        else pd.DataFrame(columns=NODE_COLUMNS)
    )
    e = (
        pd.concat(edges, ignore_index=True).drop_duplicates()
        if edges
        else pd.DataFrame(columns=EDGE_COLUMNS)
    )
    return n[NODE_COLUMNS].reset_index(drop=True), e[EDGE_COLUMNS].reset_index(drop=True)


def to_networkx(nodes: pd.DataFrame, edges: pd.DataFrame) -> nx.MultiDiGraph:
    """The graph in memory: node attributes type/label/lon/lat/attrs, edge attribute type."""
    g = nx.MultiDiGraph()
    g.add_nodes_from(
        (
            r.node_id,
            {"type": r.type, "label": r.label, "lon": r.lon, "lat": r.lat, "attrs": r.attrs},
        )
        for r in nodes.itertuples(index=False)
    )
    g.add_edges_from(
        (s, d, {"type": t}) for s, d, t in edges[["src", "dst", "type"]].itertuples(index=False)
    )
    return g


def neighbourhood(g: nx.MultiDiGraph, node_id: str, depth: int = 2) -> pd.DataFrame:
    """Edges within ``depth`` hops of ``node_id`` (both directions): src, dst, type, hop."""
    seen = {node_id}
    frontier = {node_id}
    rows = []
    for hop in range(1, depth + 1):
        nxt = set()
        for n in frontier:
            if n not in g:
                continue
            for s, d, data in list(g.out_edges(n, data=True)) + list(g.in_edges(n, data=True)):
                rows.append((s, d, data.get("type"), hop))
                other = d if s == n else s
                if other not in seen:
                    nxt.add(other)
        seen |= nxt
        frontier = nxt
    return pd.DataFrame(rows, columns=["src", "dst", "type", "hop"]).drop_duplicates(
        ["src", "dst", "type"]
    )
