"""Benchmark of the synthetic city: generation time and peak memory per scale.

Each run is a child process (``python -c``) so that its peak RSS
(``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``) is its own. Prints one line per run and
the slowest stages.

    .venv/bin/python benchmarks/synth.py                       # scale 0.05, streams 3 days
    .venv/bin/python benchmarks/synth.py --scale 0.05 --scale 1.0 --streams-days 1

The big streams (e-bike detections and flow, checkpoint passes, hazmat GPS) are limited to
``--streams-days`` days (0 = the whole window); the figures say so.  The e-bike detection
stream's rows and seconds for the rendered days are extrapolated to 30 days (one month of
10,000 cameras at scale 1.0), labelled as an extrapolation.  Wall and CPU time (user + system
of the child) are both printed: the machine is shared, so wall time depends on the load.
Registry/event rows are compared with the configured volumes (``synth.config.VolumeConfig``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STREAMS = ("ebike_detections", "ebike_flow", "checkpoint_passes", "hazmat_vehicle_gps")

CHILD = """
import json, sys, time
from synth import generate
from synth.config import VolumeConfig
from synth.specs import FEEDS
t = time.perf_counter()
r = generate(city={city!r}, days={days}, seed={seed}, scale={scale}, out={out!r},
             streams_days={streams})
total = time.perf_counter() - t
v = VolumeConfig()
caps = {{k: v.cap(k, {scale}, None if FEEDS[k].split == "snapshot" else {days})
        for k in v.records_at_scale_1}}
print(json.dumps({{"seconds": total, "rows": r.total_rows, "files": len(r.files),
                  "errors": r.n_errors, "stages": r.seconds, "rows_by_feed": r.rows_by_feed,
                  "caps": caps}}))
"""


def run_one(scale: float, days: int, seed: int, streams_days: int | None, city: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="synth_bench_") as tmp:
        code = CHILD.format(city=city, days=days, seed=seed, scale=scale, out=tmp,
                            streams=streams_days)
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        before = ru0.ru_maxrss
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=False)
        wall = time.perf_counter() - t0
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_kib = ru1.ru_maxrss
        cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
        if p.returncode != 0:
            raise SystemExit(p.stderr[-3000:])
        out = json.loads(p.stdout.strip().splitlines()[-1])
        size = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file())
    out.update(wall=wall, cpu=cpu, peak_rss_mib=max(peak_kib, before) / 1024, bytes=size, scale=scale,
               days=days, streams_days=streams_days)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, action="append")
    ap.add_argument("--days", type=int, default=120)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--city", default="430900")
    ap.add_argument("--streams-days", type=int, default=3, help="0 = all days")
    a = ap.parse_args()
    streams = a.streams_days or None
    print(f"synth benchmark: city {a.city}, {a.days} days, seed {a.seed}, big streams "
          f"{'all days' if streams is None else f'first {streams} day(s)'}")
    for scale in a.scale or [0.05]:
        r = run_one(scale, a.days, a.seed, streams, a.city)
        print(f"scale {scale}: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU (generate "
              f"{r['seconds']:.1f} s, world {r['stages'].get('world', 0):.1f} s), peak RSS "
              f"{r['peak_rss_mib']:.0f} MiB, {r['rows']:,} rows in {r['files']} files "
              f"({r['bytes'] / 2**20:.0f} MiB), {r['errors']:,} injected errors")
        slow = sorted(((k, v) for k, v in r["stages"].items()), key=lambda kv: -kv[1])[:6]
        print("   slowest: " + ", ".join(f"{k} {v:.1f} s" for k, v in slow))
        reg = {k: v for k, v in r["rows_by_feed"].items() if k not in STREAMS}
        print(f"   registry/event feeds: {sum(reg.values()):,} rows; streams: "
              f"{r['rows'] - sum(reg.values()):,} rows")
        capped = ", ".join(f"{k} {reg.get(k, 0):,}/{c:,}" for k, c in r["caps"].items())
        print(f"   capped feeds (rows/configured): {capped}")
        nd = streams or a.days
        det_rows = r["rows_by_feed"].get("ebike_detections", 0)
        det_s = r["stages"].get("ebike_detections", 0.0)
        print(f"   ebike_detections: {det_rows:,} rows in {det_s:.1f} s for {nd} day(s) → "
              f"extrapolated 30 days: {det_rows / nd * 30 / 1e6:.1f} M rows, "
              f"{det_s / nd * 30 / 60:.1f} min (linear extrapolation, not measured)")
        print("   rows by feed: " + json.dumps(r["rows_by_feed"], ensure_ascii=False))


if __name__ == "__main__":
    main()
