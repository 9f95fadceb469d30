"""Cameras (视频点位) on the road network, their outages, and checkpoints (卡口).

Camera count rule: ``n = max(60, round(10_000 * scale ** 0.537))`` — 10,000 at scale 1.0,
≈2,000 at the demo scale 0.05, ≈850 at 0.01 (cameras are infrastructure, they shrink
slower than the population).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from synth.world.geography import h3_cells, to_ll
from synth.world.ids import random_dates

DIRECTIONS = np.array(["E", "NE", "N", "NW", "W", "SW", "S", "SE"])
DIR_NAMES = {"E": "东向西", "W": "西向东", "N": "北向南", "S": "南向北", "NE": "东北向西南",
             "NW": "西北向东南", "SE": "东南向西北", "SW": "西南向东北"}


def n_cameras(scale: float) -> int:
    """Number of cameras for a scale (see module docstring)."""
    return max(60, round(10_000 * scale ** 0.537))


def build_cameras(roads: pd.DataFrame, units: pd.DataFrame, rng: np.random.Generator,
                  scale: float, start: dt.date) -> pd.DataFrame:
    """Place cameras on road segments (weights: kind, urban, schools and venues nearby)."""
    n = n_cameras(scale)
    kind = roads["kind"].to_numpy()
    kw = np.select([kind == "arterial", kind == "secondary", kind == "local"], [6.0, 3.0, 1.2],
                   0.25)
    w = kw * np.where(roads["urban"].to_numpy(), 3.0, 1.0) * np.sqrt(roads["length_m"].to_numpy())
    seg = rng.choice(len(roads), n, p=w / w.sum())
    t = rng.uniform(0.05, 0.95, n)
    x0, y0, x1, y1 = (roads[c].to_numpy()[seg] for c in ("x0", "y0", "x1", "y1"))
    x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
    lon, lat = to_ll(x, y)
    bearing = np.degrees(np.arctan2(y1 - y0, x1 - x0))  # from east, counter-clockwise
    flip = rng.random(n) < 0.5
    bearing = np.where(flip, bearing + 180, bearing) % 360
    d = DIRECTIONS[np.round(bearing / 45).astype(int) % 8]
    cty = roads["county_adcode"].to_numpy()[seg]
    serial = np.arange(1, n + 1)
    cam_id = np.char.add(np.char.add(np.char.add(cty.astype(str), "00"), "001310"),
                         np.char.zfill(serial.astype(str), 6))
    rname = roads["name"].to_numpy()[seg]
    cross = roads["name"].to_numpy()[rng.integers(0, len(roads), n)]
    name = np.where(rng.random(n) < 0.6, np.char.add(np.char.add(np.char.add(
        rname.astype(str), "与"), cross.astype(str)), "交叉口"),
        np.char.add(rname.astype(str), np.char.add(np.char.zfill(
            rng.integers(1, 999, n).astype(str), 1), "号附近")))
    name = np.char.add(name, np.char.add("_", np.array([DIR_NAMES[k] for k in d])))
    urban = roads["urban"].to_numpy()[seg]
    algo = rng.random(n) < np.where(urban, 0.8, 0.45)
    cams = pd.DataFrame({
        "camera_id": cam_id, "name": name, "lon": lon, "lat": lat,
        "road_id": roads["road_id"].to_numpy()[seg], "direction": d,
        "township_code": roads["township_code"].to_numpy()[seg], "county_adcode": cty,
        "install_date": pd.to_datetime(random_dates(rng, dt.date(2014, 1, 1),
                                                    start - dt.timedelta(days=30), n)).date,
        "has_ebike_algo": algo, "urban": urban, "road_kind": kind[seg],
        "x": x, "y": y,
    })
    cams["h3_9"] = h3_cells(lon, lat, 9)
    # hidden per-camera traffic factor (a busy junction vs a quiet one)
    cams["flow_factor"] = rng.lognormal(0, 0.5, n).round(3)
    return cams


def build_outages(cams: pd.DataFrame, rng: np.random.Generator, start: dt.date,
                  days: int) -> pd.DataFrame:
    """Outage intervals: rural and older cameras fail more; 1 % of cameras stay dark for
    weeks; target online rate ≈ 97-98 %."""
    n = len(cams)
    age_y = (pd.Timestamp(start) - pd.to_datetime(cams["install_date"])).dt.days.to_numpy() / 365
    rate = (0.015 + 0.01 * ~cams["urban"].to_numpy() + 0.002 * age_y) * days  # per period
    k = rng.poisson(rate)
    cam = np.repeat(np.arange(n), k)
    t0 = pd.Timestamp(start).tz_localize("Asia/Shanghai")
    s = rng.uniform(0, days * 24, len(cam))
    dur = np.minimum(rng.lognormal(np.log(5), 1.0, len(cam)), 24 * 6)
    long_ = rng.random(n) < 0.01
    lc = np.flatnonzero(long_)
    s = np.r_[s, rng.uniform(0, days * 24 * 0.7, len(lc))]
    dur = np.r_[dur, rng.uniform(24 * 10, 24 * 30, len(lc))]
    cam = np.r_[cam, lc]
    end_h = np.minimum(s + dur, days * 24)
    o = pd.DataFrame({
        "camera_id": cams["camera_id"].to_numpy()[cam],
        "start": t0 + pd.to_timedelta(np.round(s * 60), unit="min"),
        "end": t0 + pd.to_timedelta(np.round(end_h * 60), unit="min"),
    }).sort_values(["camera_id", "start"], kind="stable").reset_index(drop=True)
    return o


def build_checkpoints(roads: pd.DataFrame, rng: np.random.Generator,
                      scale: float) -> pd.DataFrame:
    """卡口 on arterials: where an arterial crosses a county boundary, plus core entries."""
    art = roads[roads["kind"] == "arterial"]
    cross = art[art["county_adcode"].ne(art.groupby("line_id")["county_adcode"].transform(
        "first"))].groupby("line_id").head(1)
    n_extra = max(6, round(60 * scale ** 0.5))
    extra = art[art["urban"]].sample(min(n_extra, int(art["urban"].sum())),
                                     random_state=int(rng.integers(0, 2**31)))
    cp = pd.concat([cross, extra]).drop_duplicates("road_id")
    lon = (cp["x0"] + cp["x1"]).to_numpy() / 2
    lat = (cp["y0"] + cp["y1"]).to_numpy() / 2
    lon, lat = to_ll(lon, lat)
    m = len(cp)
    return pd.DataFrame({
        "checkpoint_id": np.char.add(np.char.add(cp["county_adcode"].to_numpy().astype(str),
                                                 "KK"), np.char.zfill(np.arange(1, m + 1
                                                                                ).astype(str), 4)),
        "name": np.char.add(cp["name"].to_numpy().astype(str), "治安卡口"),
        "lon": lon, "lat": lat, "road_id": cp["road_id"].to_numpy(),
        "county_adcode": cp["county_adcode"].to_numpy(),
    })
