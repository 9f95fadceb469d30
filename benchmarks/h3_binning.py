"""Benchmark: points → H3 cells, our vectorised binning vs a plain h3-py Python loop.

H3 点落格基准：geo.h3cells（向量化）对比逐点调用 h3.latlng_to_cell 的 Python 循环。

Usage::

    .venv/bin/python benchmarks/h3_binning.py [--points 2000000] [--res 9]

Prints points/s (wall clock) and points/s per busy core (points / process CPU seconds) for
each path, on uniformly random points in Yiyang's (益阳) central-city bounding box, and checks
that both paths give identical cells.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import h3
import numpy as np

from geo.h3cells import backend, points_to_cells, points_to_cells_multi

# Yiyang central city (赫山区/资阳区), WGS-84 degrees.
BBOX = (112.25, 28.50, 112.45, 28.65)


def _timed(fn: Callable[[], object]) -> tuple[object, float, float]:
    wall0, cpu0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall0, time.process_time() - cpu0


def _line(label: str, n: int, wall: float, cpu: float) -> str:
    return (
        f"{label:<44} {n / wall / 1e6:8.2f} M points/s   "
        f"{n / max(cpu, 1e-9) / 1e6:8.2f} M points/s per busy core   ({wall:.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2_000_000)
    parser.add_argument("--res", type=int, default=9)
    parser.add_argument("--loop-points", type=int, default=None, help="points for the h3 loop")
    args = parser.parse_args()
    n, res = args.points, args.res
    n_loop = args.loop_points or n

    rng = np.random.default_rng(42)
    lon = rng.uniform(BBOX[0], BBOX[2], n)
    lat = rng.uniform(BBOX[1], BBOX[3], n)

    print(f"h3 binning benchmark: {n:,} random points in {BBOX}, resolution {res}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} logical CPUs, h3 {h3.__version__}")
    print(f"geo.h3cells backend: {backend()}")

    points_to_cells(lon[:1000], lat[:1000], res)  # warm-up (imports, thread pool)
    ours, wall, cpu = _timed(lambda: points_to_cells(lon, lat, res))
    print(_line("geo.h3cells.points_to_cells", n, wall, cpu))

    _, wall_m, cpu_m = _timed(lambda: points_to_cells_multi(lon, lat, [7, 8, 9]))
    print(_line("points_to_cells_multi [7,8,9] (exact)", n, wall_m, cpu_m))
    _, wall_h, cpu_h = _timed(lambda: points_to_cells_multi(lon, lat, [7, 8, 9], hierarchical=True))
    print(_line("points_to_cells_multi [7,8,9] (parents)", n, wall_h, cpu_h))

    lat_l, lon_l = lat[:n_loop].tolist(), lon[:n_loop].tolist()

    def loop_str() -> list[str]:
        return [h3.latlng_to_cell(y, x, res) for y, x in zip(lat_l, lon_l, strict=True)]

    cells_str, wall_l, cpu_l = _timed(loop_str)
    print(_line("plain loop: h3.latlng_to_cell (str ids)", n_loop, wall_l, cpu_l))

    import h3.api.numpy_int as h3i

    def loop_int() -> np.ndarray:
        return np.fromiter(
            (h3i.latlng_to_cell(y, x, res) for y, x in zip(lat_l, lon_l, strict=True)),
            dtype=np.uint64,
            count=n_loop,
        )

    cells_int, wall_i, cpu_i = _timed(loop_int)
    print(_line("plain loop: h3.api.numpy_int.latlng_to_cell", n_loop, wall_i, cpu_i))

    ours_arr = np.asarray(ours)
    same = np.array_equal(ours_arr[:n_loop].view(np.uint64), cells_int)
    same_str = all(h3.str_to_int(s) == int(c) for s, c in zip(cells_str[:10_000], ours_arr))
    print(f"identical cells to h3-py: {same and same_str}")
    print(f"speed-up over the plain str loop: {(n / wall) / (n_loop / wall_l):.1f}x")
    if not (same and same_str):
        raise SystemExit("cells differ from h3-py")


if __name__ == "__main__":
    main()
