"""Lazy per-day streams: hazmat vehicle GPS (两客一危) and checkpoint passes (卡口过车)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from synth.world.geography import to_ll


def hazmat_routes(vehicles: pd.DataFrame, units: pd.DataFrame, roads: pd.DataFrame,
                  graph: nx.Graph, nodes: pd.DataFrame, rng: np.random.Generator
                  ) -> pd.DataFrame:
    """One fixed route (polyline in metres) per hazmat truck: its firm → a far destination."""
    trucks = vehicles[vehicles["kind"] == "hazmat_truck"].reset_index(drop=True)
    if len(trucks) == 0:
        return pd.DataFrame(columns=["plate", "xs", "ys", "cum"])
    from scipy.spatial import cKDTree

    used = np.array(sorted(graph.nodes))
    big = max(nx.connected_components(graph), key=len)
    used = np.array(sorted(big))
    tree = cKDTree(nodes[["lon", "lat"]].to_numpy()[used])
    firm = units.set_index("unit_id").loc[trucks["owner_unit_id"]]
    _, src = tree.query(firm[["lon", "lat"]].to_numpy())
    dst = rng.integers(0, len(used), len(trucks))
    rows = []
    for i in range(len(trucks)):  # loop over trucks (tens to a few hundred)
        path = nx.shortest_path(graph, int(used[src[i]]), int(used[dst[i]]), weight="length_m")
        xy = nodes[["x", "y"]].to_numpy()[path]
        if len(xy) < 2:
            xy = np.vstack([xy, xy + 10])
        cum = np.r_[0, np.cumsum(np.hypot(*np.diff(xy, axis=0).T))]
        rows.append((trucks["plate"].iloc[i], xy[:, 0], xy[:, 1], cum))
    return pd.DataFrame(rows, columns=["plate", "xs", "ys", "cum"])


def hazmat_gps_for_day(routes: pd.DataFrame, day: pd.Timestamp,
                       rng: np.random.Generator) -> pd.DataFrame:
    """30-s GPS fixes: each truck makes 0-2 round trips; ~5 % of trips run at night (ban
    22:00-06:00 violated) and some segments exceed the 80 km/h limit."""
    out = []
    for r in routes.itertuples(index=False):  # loop over trucks
        n_trips = rng.choice([0, 1, 2], p=[0.25, 0.5, 0.25])
        for _ in range(n_trips):
            night = rng.random() < 0.05
            h0 = rng.uniform(22, 26) if night else rng.uniform(6.5, 17)
            speed = np.clip(rng.normal(55, 12), 25, 95)  # km/h cruise
            total = r.cum[-1] * 2
            dur_s = total / (speed / 3.6)
            t = np.arange(0, dur_s, 30.0)
            if len(t) == 0:
                continue
            s = (t * speed / 3.6)
            s = np.where(s > r.cum[-1], 2 * r.cum[-1] - s, s)
            x = np.interp(s, r.cum, r.xs)
            y = np.interp(s, r.cum, r.ys)
            lon, lat = to_ll(x, y)
            v = np.clip(speed + rng.normal(0, 6, len(t)), 0, 120)
            hd = np.degrees(np.arctan2(np.gradient(x), np.gradient(y))) % 360
            out.append(pd.DataFrame({
                "plate": r.plate, "ts": day + pd.to_timedelta(h0 * 3600 + t, unit="s"),
                "lon": lon, "lat": lat, "speed_kmh": v.round(1), "heading": hd.round(0)}))
    if not out:
        return pd.DataFrame({"plate": pd.Series(dtype=str),
                             "ts": pd.Series(dtype="datetime64[ns, Asia/Shanghai]"),
                             "lon": pd.Series(dtype=float), "lat": pd.Series(dtype=float),
                             "speed_kmh": pd.Series(dtype=float), "heading": pd.Series(dtype=float)})
    return pd.concat(out, ignore_index=True).sort_values("ts", kind="stable").reset_index(
        drop=True)


def checkpoint_passes_for_day(checkpoints: pd.DataFrame, plates: np.ndarray, day: pd.Timestamp,
                              scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """Vehicle passes per checkpoint: ~3,000/day each at scale 1.0, commute-peaked."""
    if len(checkpoints) == 0 or len(plates) == 0:
        return pd.DataFrame(columns=["checkpoint_id", "ts", "plate", "direction"])
    lam = 3000 * scale ** 0.5
    n = rng.poisson(lam, len(checkpoints))
    ci = np.repeat(np.arange(len(checkpoints)), n)
    h = np.arange(24) + 0.5
    p = 0.1 + np.exp(-0.5 * ((h - 8) / 1.5) ** 2) + np.exp(-0.5 * ((h - 18) / 1.8) ** 2) + \
        0.5 * np.exp(-0.5 * ((h - 13) / 3) ** 2)
    p[:5] *= 0.2
    hour = rng.choice(24, len(ci), p=p / p.sum())
    ts = day + pd.to_timedelta(hour * 3600 + rng.integers(0, 3600, len(ci)), unit="s")
    # a regular commuter pool per checkpoint makes repeated plates (Zipf-like)
    pi = np.minimum((rng.pareto(1.2, len(ci)) * 50).astype(int), len(plates) - 1)
    perm_off = (ci * 7919) % len(plates)
    pl = plates[(pi + perm_off) % len(plates)]
    out = pd.DataFrame({"checkpoint_id": checkpoints["checkpoint_id"].to_numpy()[ci], "ts": ts,
                        "plate": pl, "direction": np.where(rng.random(len(ci)) < 0.5, "in",
                                                           "out")})
    return out.sort_values("ts", kind="stable").reset_index(drop=True)
