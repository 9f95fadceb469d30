"""Benchmark: ingest the whole synthetic city (rows/s end to end, peak memory).

Usage: ``.venv/bin/python benchmarks/ingest.py [--scale 0.05 1.0] [--days 30]``
Generates the city with ``synth.generate`` (not timed), then times ``fusion.ingest.ingest_folder``
into a fresh embedded store, twice (the second load must add nothing). Peak memory = peak RSS
of this process during the load (psutil, sampled every 50 ms). Rows per CPU-second is printed
too: on a shared machine it is the figure that does not depend on the other processes.
``--city DIR`` ingests an already generated city instead of generating one.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

# run as a script, sys.path[0] is benchmarks/ (which holds other benchmarks named like packages)
_ROOT = str(Path(__file__).resolve().parents[1])
sys.path[:] = [_ROOT] + [
    p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent
]


def _peak_rss(stop: threading.Event, out: list[int]) -> None:
    proc = psutil.Process()
    while not stop.is_set():
        out[0] = max(out[0], proc.memory_info().rss)
        time.sleep(0.05)


def run(scale: float, days: int, city: Path | None = None) -> None:
    import synth
    from fusion.ingest import ingest_folder

    work = Path(tempfile.mkdtemp(prefix=f"pingan_ingest_{scale}_"))
    try:
        if city is None:
            t = time.perf_counter()
            synth.generate(scale=scale, days=days, out=work / "city")
            print(f"scale {scale}: generated in {time.perf_counter() - t:.1f} s")
        else:
            (work / "city").symlink_to(city.resolve(), target_is_directory=True)
        for attempt in ("first load", "second load"):
            peak = [0]
            stop = threading.Event()
            th = threading.Thread(target=_peak_rss, args=(stop, peak), daemon=True)
            th.start()
            t = time.perf_counter()
            cpu0 = psutil.Process().cpu_times()
            rep = ingest_folder(
                work / "city", str(work / "store"), secret="benchmark-secret-0123", city="430900"
            )
            sec = time.perf_counter() - t
            cpu1 = psutil.Process().cpu_times()
            cpu = sum(
                getattr(cpu1, k) - getattr(cpu0, k)  # worker processes are joined: counted
                for k in ("user", "system", "children_user", "children_system")
            )
            stop.set()
            th.join()
            print(
                f"scale {scale} {attempt}: {rep.rows_in:,} rows in {sec:.1f} s = {rep.rows_in / sec:,.0f} rows/s; "
                f"new rows {rep.new_rows:,}; peak RSS {peak[0] / 2**20:,.0f} MiB; "
                f"CPU {cpu:.1f} s = {rep.rows_in / max(cpu, 1e-9):,.0f} rows per CPU-second; "
                f"load average {psutil.getloadavg()[0]:.1f}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=float, nargs="+", default=[0.05, 1.0])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--city", type=Path, default=None, help="an already generated city folder")
    a = ap.parse_args()
    if a.city is not None:
        run(a.scale[0], a.days, a.city)
        return
    for s in a.scale:
        run(s, a.days)


if __name__ == "__main__":
    main()
