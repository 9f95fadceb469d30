"""Benchmark of the synthetic city: generation time and peak memory per scale.

Each run is a child process (``python -c``) so that its peak RSS
(``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``) is its own. Prints one line per run and
the slowest stages.

    .venv/bin/python benchmarks/synth.py                       # scale 0.05, streams 3 days
    .venv/bin/python benchmarks/synth.py --scale 0.05 --scale 1.0 --streams-days 1

The big streams (e-bike detections and flow, checkpoint passes, hazmat GPS) are limited to
``--streams-days`` days (0 = the whole window); the figures say so.
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

CHILD = """
import json, sys, time
from synth import generate
t = time.perf_counter()
r = generate(city={city!r}, days={days}, seed={seed}, scale={scale}, out={out!r},
             streams_days={streams})
total = time.perf_counter() - t
print(json.dumps({{"seconds": total, "rows": r.total_rows, "files": len(r.files),
                  "errors": r.n_errors, "stages": r.seconds, "rows_by_feed": r.rows_by_feed}}))
"""


def run_one(scale: float, days: int, seed: int, streams_days: int | None, city: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="synth_bench_") as tmp:
        code = CHILD.format(city=city, days=days, seed=seed, scale=scale, out=tmp,
                            streams=streams_days)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=False)
        wall = time.perf_counter() - t0
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if p.returncode != 0:
            raise SystemExit(p.stderr[-3000:])
        out = json.loads(p.stdout.strip().splitlines()[-1])
        size = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file())
    out.update(wall=wall, peak_rss_mib=max(peak_kib, before) / 1024, bytes=size, scale=scale,
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
        print(f"scale {scale}: {r['wall']:.1f} s wall (generate {r['seconds']:.1f} s, world "
              f"{r['stages'].get('world', 0):.1f} s), peak RSS {r['peak_rss_mib']:.0f} MiB, "
              f"{r['rows']:,} rows in {r['files']} files ({r['bytes'] / 2**20:.0f} MiB), "
              f"{r['errors']:,} injected errors")
        slow = sorted(((k, v) for k, v in r["stages"].items()), key=lambda kv: -kv[1])[:6]
        print("   slowest: " + ", ".join(f"{k} {v:.1f} s" for k, v in slow))
        reg = {k: v for k, v in r["rows_by_feed"].items()
               if k not in ("ebike_detections", "ebike_flow", "checkpoint_passes",
                            "hazmat_vehicle_gps")}
        print(f"   registry/event feeds: {sum(reg.values()):,} rows; streams: "
              f"{r['rows'] - sum(reg.values()):,} rows")


if __name__ == "__main__":
    main()
