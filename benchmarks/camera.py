"""Benchmark: one month of 10,000 cameras (~50 million detection rows) → indicators and
hotspots (and the rest of the camera analytics), beside the same aggregation in plain pandas.

    .venv/bin/python benchmarks/camera.py [--cameras 10000] [--days 30] [--rows 50e6]
                                          [--dir /tmp/pingan_camera_bench] [--keep]

Phases run in separate child processes so that each peak memory (ru_maxrss) is its own:

1. ``generate``: numpy → Parquet, one file per day (detections: violations only, as the
   video-AI feed exports them; flow: 15-minute counts per camera = 2.9 M rows per day).
2. ``pingan``: :func:`scoring.camera.pipeline.run_camera_analytics` over the Parquet folder
   (DuckDB streams it; 2 threads, 4 GB DuckDB memory limit): camera × hour cube, indicators
   at 5 levels × 4 periods, hour × weekday profiles, Gi* over H3 cells and road segments per
   type × time band, emerging hot spots over weeks, camera health, greedy site selection,
   problem lists with evidence.
3. ``pandas``: the same first aggregation (detections → camera × hour × violation counts and
   flow → camera × hour passes, joined, rolled up to township × day) with plain pandas
   ``read_parquet`` + ``groupby``, on as many daily files as ``--pandas-days`` (default all).

Target: ≤ 60 s and ≤ 6 GB peak for phase 2 on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

VIOLS = ["no_helmet", "lane_mixing", "illegal_passenger", "red_light", "wrong_way"]
VIOL_P = np.array([0.52, 0.17, 0.09, 0.11, 0.11])


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_s() -> float:
    """CPU seconds (user + system) of this process: on a machine shared with other jobs the
    wall time overstates what 2 dedicated cores would take; CPU / 2 is the lower bound."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# ----------------------------------------------------------------------------- generate

def make_cameras(n: int, seed: int = 0):
    import h3
    import pandas as pd

    rng = np.random.default_rng(seed)
    # Clusters around a few town centres of the Yiyang area (WGS-84).
    centres = np.array([[112.355, 28.554], [112.33, 28.59], [112.41, 28.56], [112.17, 28.07],
                        [112.53, 29.38], [111.22, 28.38], [112.55, 28.84]])
    weights = np.array([0.35, 0.15, 0.12, 0.12, 0.1, 0.08, 0.08])
    c = rng.choice(len(centres), n, p=weights)
    lon = centres[c, 0] + rng.normal(0, 0.06, n)
    lat = centres[c, 1] + rng.normal(0, 0.05, n)
    cams = pd.DataFrame({
        "camera_id": [f"4309{c_:02d}0000131{i:07d}" for i, c_ in enumerate(c)],
        "lon": lon, "lat": lat,
        "road_id": [f"RD{c_}{int((la - 27) * 300):04d}" for c_, la in zip(c, lat, strict=True)],
        "direction": rng.choice(["N", "S", "E", "W"], n),
        "township_code": [f"4309{c_:02d}{int((lo - 110) * 10) % 20:03d}"
                          for c_, lo in zip(c, lon, strict=True)],
        "county_adcode": [f"4309{c_:02d}" for c_ in c],
        "status": "online",
    })
    cams["road_name"] = "路" + cams["road_id"]
    cams["h3_9"] = [h3.str_to_int(h3.latlng_to_cell(la, lo, 9)) for lo, la in zip(lon, lat, strict=True)]
    return cams


def generate(out: Path, n_cams: int, days: int, rows: float, seed: int = 0) -> dict:
    import pyarrow as pa
    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    (out / "detections").mkdir(parents=True)
    (out / "flow").mkdir()
    cams = make_cameras(n_cams, seed)
    cams.to_parquet(out / "cameras.parquet")
    rng = np.random.default_rng(seed + 1)
    busy = rng.lognormal(0, 0.7, n_cams)
    busy /= busy.sum()
    per_day = int(rows / days)
    viol_rate = 0.12  # detected violations per e-bike pass -> passes per day
    hour_p = np.array([1, .5, .3, .3, .4, 1, 3, 8, 9, 5, 4, 5, 6, 5, 4, 4, 5, 8, 9, 6, 4, 3, 2, 1.5])
    hour_p /= hour_p.sum()
    cam_dict = pa.array(cams["camera_id"].to_numpy())
    viol_dict = pa.array(VIOLS)
    plat_dict = pa.array(["meituan", "eleme"])
    cls_dict = pa.array(["ebike", "tricycle", "motorcycle"])
    start = np.datetime64("2026-07-01T00:00:00") - np.timedelta64(8, "h")  # local midnight in UTC
    next_id = 0
    down = rng.random(n_cams) < 0.03  # 3 % of cameras have one multi-hour outage
    down_day = rng.integers(0, days, n_cams)
    down_q = rng.integers(20, 70, n_cams)
    for d in range(days):
        day0 = start + np.timedelta64(d, "D")
        cam = rng.choice(n_cams, per_day, p=busy)
        hour = rng.choice(24, per_day, p=hour_p)
        sec = hour * 3600 + rng.integers(0, 3600, per_day)
        ts = (day0 + sec.astype("timedelta64[s]")).astype("datetime64[us]").astype(np.int64)
        order = np.argsort(ts, kind="stable")
        cam, ts, sec = cam[order], ts[order], sec[order]
        q = sec // 900
        out_ok = ~(down & (down_day == d))[cam] | (q < down_q[cam]) | (q >= down_q[cam] + 24)
        cam, ts, q = cam[out_ok], ts[out_ok], q[out_ok]
        n = len(cam)
        deliv = rng.random(n) < 0.18
        plat = np.where(rng.random(n) < 0.6, 0, 1)
        vclass = np.where(deliv | (rng.random(n) < 0.9), 0, rng.integers(1, 3, n))
        tbl = pa.table({
            "detection_id": pa.array(np.arange(next_id, next_id + n, dtype=np.int64)),
            "camera_id": pa.DictionaryArray.from_arrays(pa.array(cam.astype(np.int32)), cam_dict),
            "ts": pa.array(ts, type=pa.timestamp("us", tz="UTC")),
            "vehicle_class": pa.DictionaryArray.from_arrays(pa.array(vclass.astype(np.int8)), cls_dict),
            "violation": pa.DictionaryArray.from_arrays(
                pa.array(rng.choice(5, n, p=VIOL_P).astype(np.int8)), viol_dict),
            "is_delivery": pa.array(deliv),
            "platform": pa.DictionaryArray.from_arrays(
                pa.array(plat.astype(np.int8), mask=~deliv), plat_dict),
            "confidence": pa.array(rng.uniform(0.5, 1, n).astype(np.float32)),
        })
        pq.write_table(tbl, out / "detections" / f"day_{d:02d}.parquet", row_group_size=1 << 20)
        next_id += n
        # Flow: passes per camera per 15 min ≈ violations / viol_rate, Poisson.
        counts = np.zeros((n_cams, 96), np.int32)
        np.add.at(counts, (cam, q), 1)
        lam = busy[:, None] * per_day / viol_rate * np.repeat(hour_p, 4)[None, :] / 4
        passes = np.maximum(rng.poisson(lam).astype(np.int32), counts)
        off = (down & (down_day == d))[:, None] & (np.arange(96)[None, :] >= down_q[:, None]) & (
            np.arange(96)[None, :] < down_q[:, None] + 24)
        passes[off] = 0
        ci, qi = np.nonzero(np.ones_like(passes, bool))
        its = (day0 + (qi * 900).astype("timedelta64[s]")).astype("datetime64[us]").astype(np.int64)
        ftbl = pa.table({
            "camera_id": pa.DictionaryArray.from_arrays(pa.array(ci.astype(np.int32)), cam_dict),
            "interval_start": pa.array(its, type=pa.timestamp("us", tz="UTC")),
            "n_ebike": pa.array(passes.ravel()),
            "n_tricycle": pa.array((passes.ravel() // 10).astype(np.int32)),
            "n_motorcycle": pa.array((passes.ravel() // 20).astype(np.int32)),
        })
        pq.write_table(ftbl, out / "flow" / f"day_{d:02d}.parquet", row_group_size=1 << 20)
    # Audits: 3,000 reviewed detections with 90 % precision.
    import pandas as pd

    rng2 = np.random.default_rng(seed + 2)
    ids = rng2.choice(next_id, 3000, replace=False)
    det_v = rng2.choice(VIOLS, 3000, p=VIOL_P)
    true_v = np.where(rng2.random(3000) < 0.9, det_v, "none")
    pd.DataFrame({"detection_id": ids.astype(str), "camera_id": cams["camera_id"].to_numpy()[
        rng2.integers(0, n_cams, 3000)], "detected_violation": det_v,
        "true_violation": true_v}).to_parquet(out / "audits.parquet")
    clips = pd.DataFrame({"camera_id": "*", "violation": VIOLS, "reviewed_passes": 20000,
                          "found_count": [850, 400, 150, 300, 250],
                          "missed_count": [150, 100, 50, 30, 55]})
    clips.to_parquet(out / "audit_clips.parquet")
    return {"phase": "generate", "seconds": time.perf_counter() - t0, "peak_mb": _peak_mb(),
            "detection_rows": int(next_id), "flow_rows": int(n_cams * 96 * days)}


# ----------------------------------------------------------------------------- phases

def run_pingan(out: Path) -> dict:
    import pandas as pd

    from scoring.camera.pipeline import CameraAnalyticsConfig, run_camera_analytics

    cams = pd.read_parquet(out / "cameras.parquet")
    audits = pd.read_parquet(out / "audits.parquet")
    clips = pd.read_parquet(out / "audit_clips.parquet")
    steps: dict[str, float] = {}
    steps_cpu: dict[str, float] = {}
    last_cpu = [_cpu_s()]

    def on_step(name: str, sec: float) -> None:
        steps[name] = round(sec, 2)
        now = _cpu_s()
        steps_cpu[name] = round(now - last_cpu[0], 2)
        last_cpu[0] = now

    t0 = time.perf_counter()
    res = run_camera_analytics(
        cams, str(out / "detections" / "*.parquet"), str(out / "flow" / "*.parquet"), audits,
        clips.assign(camera_id=lambda c: c["camera_id"]),
        config=CameraAnalyticsConfig(threads=2, memory_limit="4GB", site_budget=1000),
        on_step=on_step)
    total = time.perf_counter() - t0
    ci = res["camera_indicators"]
    city = ci[(ci["level"] == "city") & (ci["period"] == "all")].iloc[0]
    h = res["hotspots_h3"]
    return {"phase": "pingan", "seconds": total, "cpu_s": _cpu_s(), "peak_mb": _peak_mb(),
            "steps": steps, "steps_cpu": steps_cpu,
            "rows": {k: len(v) for k, v in res.items()},
            "city_n_det": int(city["n_det"]), "city_passes": int(city["n_passes"]),
            "hot_cells_all_bands": int(((h["class"] == "hot") & (h["band"] == "all")).sum())}


def run_pandas(out: Path, days: int | None) -> dict:
    import pandas as pd

    files = sorted((out / "detections").glob("*.parquet"))
    ffiles = sorted((out / "flow").glob("*.parquet"))
    if days:
        files, ffiles = files[:days], ffiles[:days]
    cams = pd.read_parquet(out / "cameras.parquet")[["camera_id", "township_code"]]
    t0 = time.perf_counter()
    det = pd.concat([pd.read_parquet(f, columns=["camera_id", "ts", "vehicle_class", "violation"])
                     for f in files], ignore_index=True)
    det = det[det["vehicle_class"] == "ebike"]
    det["hour"] = det["ts"].dt.tz_convert("Asia/Shanghai").dt.floor("h")
    cube = (det.groupby(["camera_id", "hour", "violation"], observed=True).size()
            .unstack("violation", fill_value=0).reset_index())
    n_det = len(det)
    del det
    flow = pd.concat([pd.read_parquet(f, columns=["camera_id", "interval_start", "n_ebike"])
                      for f in ffiles], ignore_index=True)
    flow["hour"] = flow["interval_start"].dt.tz_convert("Asia/Shanghai").dt.floor("h")
    fh = flow.groupby(["camera_id", "hour"], observed=True)["n_ebike"].sum().reset_index()
    del flow
    cube["camera_id"] = cube["camera_id"].astype(str)
    fh["camera_id"] = fh["camera_id"].astype(str)
    j = fh.merge(cube, on=["camera_id", "hour"], how="outer").fillna(0)
    j = j.merge(cams, on="camera_id")
    j["day"] = j["hour"].dt.floor("D")
    tw = j.groupby(["township_code", "day"])[["n_ebike", *VIOLS]].sum()
    tw["rate_any"] = tw[VIOLS].sum(axis=1) / tw["n_ebike"]
    return {"phase": "pandas", "seconds": time.perf_counter() - t0, "cpu_s": _cpu_s(),
            "peak_mb": _peak_mb(),
            "files": len(files), "detection_rows": int(n_det), "township_days": len(tw)}


def _child(args: list[str]) -> dict:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    r = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env,
                       check=False)
    if r.returncode != 0:
        raise SystemExit(f"phase {args[0]} failed:\n{r.stderr[-4000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("phase", nargs="?", default="all", choices=["all", "generate", "pingan", "pandas"])
    ap.add_argument("--cameras", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--rows", type=float, default=50e6)
    ap.add_argument("--pandas-days", type=int, default=0, help="0 = every file")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/pingan_camera_bench"))
    ap.add_argument("--keep", action="store_true", help="keep the generated Parquet files")
    ap.add_argument("--skip-generate", action="store_true")
    a = ap.parse_args()
    if a.phase == "generate":
        print(json.dumps(generate(a.dir, a.cameras, a.days, a.rows)))
        return
    if a.phase == "pingan":
        print(json.dumps(run_pingan(a.dir)))
        return
    if a.phase == "pandas":
        print(json.dumps(run_pandas(a.dir, a.pandas_days or None)))
        return
    base = ["--dir", str(a.dir), "--cameras", str(a.cameras), "--days", str(a.days),
            "--rows", str(a.rows), "--pandas-days", str(a.pandas_days)]
    print(f"camera benchmark: {a.cameras} cameras, {a.days} days, ~{a.rows / 1e6:.0f} M detection rows; "
          f"{os.cpu_count()} CPUs", flush=True)
    if not a.skip_generate:
        g = _child(["generate", *base])
        print(f"generate: {g['detection_rows']:,} detections + {g['flow_rows']:,} flow rows "
              f"in {g['seconds']:.1f} s (peak {g['peak_mb']:.0f} MB)", flush=True)
    p = _child(["pingan", *base])
    print(f"pingan (DuckDB + esda): {p['seconds']:.1f} s wall, {p.get('cpu_s', 0):.1f} s CPU, "
          f"peak {p['peak_mb']:.0f} MB; steps (wall s) {p['steps']}; "
          f"steps (CPU s) {p.get('steps_cpu')}")
    print(f"  rows out: {p['rows']}")
    print(f"  city detections {p['city_n_det']:,}, passes {p['city_passes']:,}, "
          f"hot H3 cells (all bands) {p['hot_cells_all_bands']}", flush=True)
    try:
        q = _child(["pandas", *base])
        print(f"pandas groupby (cube + township × day only): {q['seconds']:.1f} s wall, "
              f"{q.get('cpu_s', 0):.1f} s CPU, peak "
              f"{q['peak_mb']:.0f} MB on {q['detection_rows']:,} e-bike detection rows "
              f"({q['files']} daily files)")
        cube_s = p["steps"].get("cube", float("nan"))
        print(f"  same aggregation in pingan: cube {cube_s:.1f} s (+ indicators "
              f"{p['steps'].get('indicators', float('nan')):.1f} s for every level and period)")
    except SystemExit as e:
        print(f"pandas phase failed (likely out of memory): {str(e)[:300]}")
    if not a.keep:
        shutil.rmtree(a.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
