"""A small hand-made camera world for the camera-analytics tests (numpy, seeded)."""

from __future__ import annotations

from dataclasses import dataclass

import h3
import numpy as np
import pandas as pd
import pytest

VIOLS = ["no_helmet", "lane_mixing", "illegal_passenger", "red_light", "wrong_way"]


@dataclass
class ToyCity:
    cameras: pd.DataFrame
    detections: pd.DataFrame
    flow: pd.DataFrame
    audits: pd.DataFrame
    true_rates: dict[str, float]


def make_toy_city(seed: int = 0, ring: int = 3, days: int = 21, passes_per_hour: int = 6,
                  base_rates: tuple[float, ...] = (0.12, 0.04, 0.02, 0.03, 0.02),
                  miss: float = 0.25, fp: float = 0.01, hot_factor: float = 1.0,
                  n_audit_per_class: int = 150) -> ToyCity:
    """Cameras at the centres of the H3 res-9 cells of a disk (one per cell), one road per
    cell row, two townships; e-bike passes every hour of ``days`` days; true violations with
    ``base_rates`` (×``hot_factor`` for no_helmet in a planted cluster of 7 cells); the
    detector misses ``miss`` of the violations and reports ``fp`` of clean passes as
    no_helmet. Audits: ``n_audit_per_class`` random detections per detected class."""
    rng = np.random.default_rng(seed)
    c0 = h3.latlng_to_cell(28.56, 112.36, 9)
    cells = sorted(h3.grid_disk(c0, ring))
    ll = np.array([h3.cell_to_latlng(c) for c in cells])
    n = len(cells)
    far = min(c for c in cells if h3.grid_distance(c, c0) == ring - 1)
    cluster = set(h3.grid_disk(far, 1))
    cams = pd.DataFrame({
        "camera_id": [f"CAM{i:03d}" for i in range(n)],
        "lon": ll[:, 1], "lat": ll[:, 0],
        "road_id": [f"R{round((la - ll[:, 0].min()) * 1000):03d}" for la in ll[:, 0]],
        "direction": "N",
        "township_code": np.where(ll[:, 1] < np.median(ll[:, 1]), "430902001", "430902002"),
        "county_adcode": "430902",
        "status": "online",
        "h3_9": [h3.str_to_int(c) for c in cells],
    })
    cams["road_name"] = "路" + cams["road_id"]
    in_cluster = np.array([c in cluster for c in cells])
    hours = pd.date_range("2026-07-06", periods=24 * days, freq="h", tz="Asia/Shanghai")
    cam_idx = np.repeat(np.arange(n), len(hours) * passes_per_hour)
    hour_idx = np.tile(np.repeat(np.arange(len(hours)), passes_per_hour), n)
    m = len(cam_idx)
    ts = hours[hour_idx] + pd.to_timedelta(rng.integers(0, 3600, m), unit="s")
    rates = np.tile(np.asarray(base_rates), (n, 1))
    rates[in_cluster, 0] *= hot_factor
    u = rng.random(m)
    cum = np.cumsum(rates[cam_idx], axis=1)
    k = (u[:, None] < cum).argmax(axis=1)
    true = np.where(u < cum[:, -1], np.asarray(VIOLS)[k], "none")
    det = true.copy()
    det[(true != "none") & (rng.random(m) < miss)] = "none"
    det[(true == "none") & (rng.random(m) < fp)] = "no_helmet"
    deliv = rng.random(m) < 0.2
    platform = np.where(deliv, np.where(rng.random(m) < 0.6, "meituan", "eleme"), None)
    detections = pd.DataFrame({
        "detection_id": [f"D{i:07d}" for i in range(m)],
        "camera_id": cams["camera_id"].to_numpy()[cam_idx],
        "ts": ts,
        "vehicle_class": "ebike",
        "violation": det,
        "is_delivery": deliv,
        "platform": platform,
        "confidence": rng.uniform(0.5, 1.0, m).round(3),
        "snapshot_ref": [f"snap/{i:07d}.jpg" for i in range(m)],
    })
    fl = detections.assign(interval_start=detections["ts"].dt.floor("15min")).groupby(
        ["camera_id", "interval_start"], as_index=False).size().rename(columns={"size": "n_ebike"})
    fl["n_tricycle"] = 0
    fl["n_motorcycle"] = 0
    idx = np.concatenate([rng.choice(np.flatnonzero(det == d), min(n_audit_per_class,
                                                                   (det == d).sum()),
                                     replace=False)
                          for d in ["none", *VIOLS] if (det == d).any()])
    audits = pd.DataFrame({"detection_id": detections["detection_id"].to_numpy()[idx],
                           "camera_id": detections["camera_id"].to_numpy()[idx],
                           "detected_violation": det[idx], "true_violation": true[idx]})
    true_rates = {v: float((true == v).mean()) for v in VIOLS}
    return ToyCity(cams, detections, fl, audits, true_rates)


@pytest.fixture(scope="session")
def toy_city() -> ToyCity:
    return make_toy_city()
