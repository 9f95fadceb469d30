"""Benchmark: ingest the whole synthetic city (rows/s end to end, CPU, peak memory).

Usage: ``.venv/bin/python benchmarks/ingest.py [--scale 0.05 1.0] [--days 30]``
Generates the city with ``synth.generate`` (not timed), then times ``fusion.ingest.ingest_folder``
into a fresh embedded store, twice (the second load must add nothing). Printed per load:
rows/s (wall clock), CPU seconds of every process involved (this one, its joined children and
the worker fork server with the workers it reaped; ``resource.getrusage`` and psutil) and rows
per CPU-second (the figure that depends least on the other processes of a shared machine),
peak RSS of this process and peak total RSS of this process and all its descendants (fork
server, workers; psutil, sampled every 250 ms), the 1-minute load average and the CPU time the
hypervisor took from this virtual machine during the load (steal: on a shared host the same
load can take 15 % more or less from one run to the next; compare runs side by side).
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
    """out[0] = peak RSS of this process, out[1] = peak summed RSS of it and its descendants."""
    proc = psutil.Process()
    while not stop.is_set():
        own = proc.memory_info().rss
        total = own
        for c in proc.children(recursive=True):
            try:
                total += c.memory_info().rss
            except psutil.Error:
                pass
        out[0], out[1] = max(out[0], own), max(out[1], total)
        time.sleep(0.25)  # sampling must not cost the load much CPU


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process, its joined children (resource.getrusage) and
    its live children with the children they reaped (the worker fork server: its workers are
    not this process' children)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    total = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    for c in psutil.Process().children():
        try:
            t = c.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def reference_loop() -> float:
    """CPU seconds of a fixed pure-Python loop: how fast the shared host runs at the moment
    (0.43 s on a quiet host here; 0.6-0.7 s when neighbours load it, and every figure below
    slows with it)."""
    t = time.process_time()
    sum(i * i for i in range(10**7))
    return time.process_time() - t


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
        print(f"reference loop {reference_loop():.2f} s (see reference_loop)")
        for attempt in ("first load", "reload"):
            peak = [0, 0]
            stop = threading.Event()
            th = threading.Thread(target=_peak_rss, args=(stop, peak), daemon=True)
            th.start()
            t = time.perf_counter()
            steal0 = getattr(psutil.cpu_times(), "steal", 0.0)
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
                f"new rows {rep.new_rows:,}; peak RSS {peak[0] / 2**20:,.0f} MiB "
                f"(all processes {peak[1] / 2**20:,.0f} MiB); "
                f"CPU {cpu:.1f} s = {rep.rows_in / max(cpu, 1e-9):,.0f} rows per CPU-second; "
                f"load average {psutil.getloadavg()[0]:.1f}; "
                f"CPU stolen by the host {getattr(psutil.cpu_times(), 'steal', 0.0) - steal0:.1f} s; "
                f"store {sum(f.stat().st_size for f in (work / 'store').rglob('*') if f.is_file()) / 2**20:,.0f} MiB"
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
