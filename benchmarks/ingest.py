"""Benchmark: ingest the whole synthetic city (rows/s end to end, peak memory).

Usage: ``.venv/bin/python benchmarks/ingest.py [--scale 0.05 1.0] [--days 30]``
Generates the city with ``synth.generate`` (not timed), then times ``fusion.ingest.ingest_folder``
into a fresh embedded store, twice (the second load must add nothing). Peak memory = peak RSS
of this process during the load (psutil, sampled every 50 ms) and of the largest worker
(getrusage). CPU = user + system of this process and its workers (resource.getrusage).
Rows per CPU-second is printed too: on a shared machine it is the figure that does not depend
on the other processes.
``--city DIR`` ingests an already generated city instead of generating one.
"""

from __future__ import annotations

import argparse
import resource
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


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and its joined children (resource.getrusage)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _children_peak_mib() -> float:
    """Largest peak RSS of any joined child (worker) process so far (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


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
            cpu0 = _cpu_seconds()
            rep = ingest_folder(
                work / "city", str(work / "store"), secret="benchmark-secret-0123", city="430900"
            )
            sec = time.perf_counter() - t
            cpu = _cpu_seconds() - cpu0  # worker processes are joined: counted
            stop.set()
            th.join()
            print(
                f"scale {scale} {attempt}: {rep.rows_in:,} rows in {sec:.1f} s = {rep.rows_in / sec:,.0f} rows/s; "
                f"new rows {rep.new_rows:,}; peak RSS {peak[0] / 2**20:,.0f} MiB; "
                f"worker peak RSS {_children_peak_mib():,.0f} MiB; "
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
