"""A plausible road network: dense grids in urban cores, arterials between county seats,
county roads to township seats, rural roads to villages (Albers metres inside, WGS-84 out).

Roads are built as named polylines split into segments between nodes; a segment is one
``road_id`` and one edge of ``road_graph``.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import Delaunay

from synth.world.geography import TO_M, Geography, to_ll
from synth.world.names import road_name_parts, unique_road_names

KINDS = ("arterial", "secondary", "local", "rural")


@dataclass
class RoadNet:
    roads: gpd.GeoDataFrame   # road_id, name, kind, county_adcode, township_code, lighting,
    #                           geometry + x0,y0,x1,y1 (metres), length_m, urban, line_id,
    #                           offset_m (distance of segment start along its named road)
    graph: nx.Graph
    nodes: pd.DataFrame       # node_id, x, y, lon, lat


class _Builder:
    """Collect polylines (lists of metric points) with a kind; snap endpoints to nodes."""

    def __init__(self, snap: float = 5.0) -> None:
        self.snap = snap
        self.lines: list[tuple[np.ndarray, str, bool]] = []

    def add(self, pts: np.ndarray, kind: str, urban: bool) -> None:
        if len(pts) >= 2:
            self.lines.append((np.asarray(pts, float), kind, urban))


def _subdivide(a: np.ndarray, b: np.ndarray, step: float, rng: np.random.Generator,
               jitter: float) -> np.ndarray:
    """Points from a to b every ~step metres with perpendicular jitter (not at the ends)."""
    d = float(np.hypot(*(b - a)))
    k = max(int(d // step), 1)
    t = np.linspace(0, 1, k + 1)
    pts = a + np.outer(t, b - a)
    if k > 1 and jitter > 0:
        nrm = np.array([-(b - a)[1], (b - a)[0]]) / max(d, 1e-9)
        off = rng.normal(0, jitter, k + 1)
        off[0] = off[-1] = 0
        pts = pts + np.outer(off, nrm)
    return pts


def build_roads(geo: Geography, rng: np.random.Generator) -> tuple[RoadNet, pd.DataFrame]:
    """Generate the road network and the village centres (x, y, township_code) it serves."""
    b = _Builder()
    counties = geo.counties
    # 1. Urban core grids (rotated), spacing 400 m; every 3rd line secondary, every 6th arterial.
    for _, c in counties.iterrows():  # loop over counties
        poly = geo.county_m[str(c["adcode"])]
        r = float(c["core_r"])
        cx, cy = float(c["core_x"]), float(c["core_y"])
        ang = rng.uniform(0, np.pi / 2)
        u = np.array([np.cos(ang), np.sin(ang)])
        v = np.array([-u[1], u[0]])
        spacing = 400.0
        n = int(r // spacing)
        for axis, other in ((u, v), (v, u)):
            for i in range(-n, n + 1):
                off = i * spacing
                half = np.sqrt(max(r * r - off * off, 0.0))
                if half < spacing:
                    continue
                a = np.array([cx, cy]) + off * other - half * axis
                e = np.array([cx, cy]) + off * other + half * axis
                ts = np.arange(-n, n + 1) * spacing
                ts = ts[np.abs(ts) <= half]
                pts = np.array([cx, cy]) + off * other + np.outer(ts, axis)
                pts = np.vstack([a, pts, e]) if len(pts) == 0 else pts
                inside = shapely.contains_xy(poly, pts[:, 0], pts[:, 1])
                pts = _longest_run(pts, inside)
                kind = "arterial" if i % 6 == 0 else ("secondary" if i % 3 == 0 else "local")
                b.add(pts, kind, True)
    # 2. Arterials between county cores (Delaunay) with jittered bends every 2 km.
    cores = counties[["core_x", "core_y"]].to_numpy()
    for i, j in _delaunay_edges(cores):
        b.add(_subdivide(cores[i], cores[j], 2000.0, rng, 300.0), "arterial", False)
    # 3. County roads linking township seats (MST + short Delaunay edges), 1.5 km bends.
    tw = geo.townships
    seats = np.vstack([tw[["seat_x", "seat_y"]].to_numpy(), cores])
    edges = _delaunay_edges(seats)
    if len(edges):
        lens = np.hypot(*(seats[edges[:, 0]] - seats[edges[:, 1]]).T)
        g = nx.Graph()
        g.add_weighted_edges_from([(int(a), int(c), float(w)) for (a, c), w in
                                   zip(edges, lens, strict=True)])
        mst = {tuple(sorted(e)) for e in nx.minimum_spanning_edges(g, data=False)}
        keep = [k for k, (a, c) in enumerate(edges)
                if (min(a, c), max(a, c)) in mst or lens[k] < np.median(lens) * 0.9]
        for k in keep:
            a, c = edges[k]
            b.add(_subdivide(seats[a], seats[c], 1500.0, rng, 200.0), "secondary", False)
    # 4. Villages: 3-9 per township, each linked to its township seat by a rural road, and a
    #    short village street (local) through the village centre.
    vil_rows = []
    for k in range(len(tw)):  # loop over townships
        if bool(tw["is_core"].iloc[k]):
            continue
        poly = shapely.transform(tw.geometry.iloc[k],
                                 lambda xy: np.column_stack(TO_M.transform(xy[:, 0], xy[:, 1])))
        nv = int(np.clip(round(tw["area_km2"].iloc[k] / 12), 3, 9))
        xmin, ymin, xmax, ymax = poly.bounds
        xy = rng.uniform((xmin, ymin), (xmax, ymax), size=(nv * 8, 2))
        xy = xy[shapely.contains_xy(poly, xy[:, 0], xy[:, 1])][:nv]
        seat = tw[["seat_x", "seat_y"]].iloc[k].to_numpy(float)
        code = str(tw["township_code"].iloc[k])
        # town seat mini grid (local)
        for d in (np.array([1.0, 0]), np.array([0, 1.0])):
            b.add(np.vstack([seat - 600 * d, seat - 300 * d, seat, seat + 300 * d, seat + 600 * d]),
                  "local", False)
        for p in xy:
            b.add(_subdivide(seat, p, 1200.0, rng, 150.0), "rural", False)
            ang = rng.uniform(0, np.pi)
            d = np.array([np.cos(ang), np.sin(ang)])
            b.add(np.vstack([p - 350 * d, p, p + 350 * d]), "local", False)
            vil_rows.append((p[0], p[1], code))
    villages = pd.DataFrame(vil_rows, columns=["x", "y", "township_code"])
    net = _assemble(b, geo, rng)
    return net, villages


def _longest_run(pts: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Longest consecutive run of points that are inside the polygon."""
    if not inside.any():
        return pts[:0]
    idx = np.flatnonzero(np.diff(np.r_[0, inside.astype(int), 0]))
    starts, ends = idx[0::2], idx[1::2]
    k = np.argmax(ends - starts)
    return pts[starts[k]:ends[k]]


def _delaunay_edges(pts: np.ndarray) -> np.ndarray:
    if len(pts) < 2:
        return np.empty((0, 2), dtype=int)
    if len(pts) < 3:
        return np.array([[0, 1]])
    tri = Delaunay(pts)
    s = tri.simplices
    e = np.vstack([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]])
    e = np.sort(e, axis=1)
    return np.unique(e, axis=0)


def _assemble(b: _Builder, geo: Geography, rng: np.random.Generator) -> RoadNet:
    """Snap polyline vertices to shared nodes, split into segments, name and light them."""
    all_pts = np.vstack([p for p, _, _ in b.lines])
    line_of = np.concatenate([np.full(len(p), i) for i, (p, _, _) in enumerate(b.lines)])
    key = np.round(all_pts / b.snap).astype(np.int64)
    _, node_idx, inv = np.unique(key[:, 0] * 10_000_000_000 + key[:, 1], return_index=True,
                                 return_inverse=True)
    node_xy = all_pts[node_idx]
    # segments = consecutive vertices of the same line
    same = line_of[1:] == line_of[:-1]
    a = inv[:-1][same]
    c = inv[1:][same]
    seg_line = line_of[:-1][same]
    ok = a != c
    a, c, seg_line = a[ok], c[ok], seg_line[ok]
    # drop duplicate segments (two lines over the same node pair): keep the first
    pair = np.sort(np.column_stack([a, c]), axis=1)
    _, first = np.unique(pair[:, 0] * 10_000_000 + pair[:, 1], return_index=True)
    first = np.sort(first)
    a, c, seg_line = a[first], c[first], seg_line[first]
    kinds = np.array([k for _, k, _ in b.lines])
    urban_l = np.array([u for _, _, u in b.lines])
    stem_l, suffix_l = road_name_parts(rng, kinds)
    x0, y0 = node_xy[a, 0], node_xy[a, 1]
    x1, y1 = node_xy[c, 0], node_xy[c, 1]
    length = np.hypot(x1 - x0, y1 - y0)
    # offset along the named line (cumulative within each line, in order)
    df = pd.DataFrame({"line_id": seg_line, "length_m": length})
    offset = df.groupby("line_id")["length_m"].cumsum().to_numpy() - length
    kind = kinds[seg_line]
    base_light = np.select([kind == "arterial", kind == "secondary", kind == "local"],
                           [0.9, 0.75, 0.6], 0.2)
    light = np.clip(base_light + rng.normal(0, 0.12, len(kind)), 0.02, 1.0)
    # a hidden share of poorly lit urban local streets (alleys, urban villages)
    dark = (kind == "local") & urban_l[seg_line] & (rng.random(len(kind)) < 0.2)
    light = np.where(dark, rng.uniform(0.05, 0.3, len(kind)), light)
    lon0, lat0 = to_ll(x0, y0)
    lon1, lat1 = to_ll(x1, y1)
    geoms = shapely.linestrings(np.stack([np.column_stack([lon0, lat0]),
                                          np.column_stack([lon1, lat1])], axis=1))
    mx, my = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    from geo.admin import assign_areas

    tw = assign_areas(mx, my, geo.townships, "township_code")
    keep = np.array([t is not None for t in tw])
    n = int(keep.sum())
    # a line's county is that of its first kept segment; names are unique per county
    seg_cty = np.array([t[:6] if t is not None else "" for t in tw])
    line_cty = pd.Series(seg_cty[keep]).groupby(seg_line[keep]).first()
    lc = line_cty.reindex(np.arange(len(b.lines))).fillna("").to_numpy().astype(str)
    names_l = unique_road_names(stem_l, suffix_l, lc)
    road_id = np.char.add("R", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    roads = gpd.GeoDataFrame({
        "road_id": road_id,
        "name": names_l[seg_line][keep],
        "kind": kind[keep],
        "county_adcode": np.array([t[:6] for t in tw[keep]]),
        "township_code": tw[keep].astype(str),
        "lighting": light[keep].round(3),
        "length_m": length[keep],
        "urban": urban_l[seg_line][keep],
        "line_id": seg_line[keep],
        "offset_m": offset[keep],
        "x0": x0[keep], "y0": y0[keep], "x1": x1[keep], "y1": y1[keep],
        "u": a[keep], "v": c[keep],
    }, geometry=geoms[keep], crs="EPSG:4326")
    nlon, nlat = to_ll(node_xy[:, 0], node_xy[:, 1])
    nodes = pd.DataFrame({"node_id": np.arange(len(node_xy)), "x": node_xy[:, 0],
                          "y": node_xy[:, 1], "lon": nlon, "lat": nlat})
    g = nx.Graph()
    used = np.unique(np.r_[roads["u"].to_numpy(), roads["v"].to_numpy()])
    g.add_nodes_from((int(i), {"lon": float(nlon[i]), "lat": float(nlat[i])}) for i in used)
    g.add_edges_from((int(u), int(v), {"road_id": r, "length_m": float(L)}) for u, v, r, L in
                     zip(roads["u"], roads["v"], roads["road_id"], roads["length_m"],
                         strict=True))
    return RoadNet(roads, g, nodes)
