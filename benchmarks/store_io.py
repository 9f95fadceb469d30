"""Rows/s written and read by the store, GeoParquet and PostGIS side by side.

    .venv/bin/python benchmarks/store_io.py [--rows 1000000] [--peer-rows 200000]

Data: point events (WGS-84) with an int64 id, a tz-aware timestamp, a Chinese category, a float
score and an ``h3_9`` cell (uint64), like the platform's event library. For each backend:
``write`` (new table), ``read`` (whole table back into a GeoDataFrame), ``read filtered`` (one
``feed`` partition of 1/8 of the rows) and ``upsert`` (10 % of the rows changed, 10 % new).
Peers, what a user would otherwise write: ``GeoDataFrame.to_parquet`` / ``geopandas.read_parquet``
and ``GeoDataFrame.to_postgis`` / ``geopandas.read_postgis`` (on ``--peer-rows`` rows; figures are
rows/s so they compare). PostGIS from ``PINGAN_TEST_DATABASE_URL`` or ``scripts/ensure_postgis.sh``.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.store import open_store
from geo.store.postgis import drop_store, sqlalchemy_url

CATEGORIES = np.array(
    ["盗窃", "诈骗", "纠纷", "交通事故", "火灾", "噪音扰民", "涉水", "其他"], dtype=object
)


def make_events(n: int, seed: int = 7) -> gpd.GeoDataFrame:
    """``n`` synthetic point events around Yiyang (WGS-84)."""
    rng = np.random.default_rng(seed)
    lon = 112.0 + rng.random(n) * 0.8
    lat = 28.2 + rng.random(n) * 0.6
    # H3 cells of a 20k-point sample, spread over the rows (the benchmark measures the store,
    # not binning; benchmarks/h3_binning.py measures that).
    sample = rng.integers(0, n, size=min(n, 20_000))
    cells = np.array(
        [h3.str_to_int(h3.latlng_to_cell(lat[i], lon[i], 9)) for i in sample], dtype=np.uint64
    )
    t0 = pd.Timestamp("2026-10-01", tz="Asia/Shanghai")
    return gpd.GeoDataFrame(
        {
            "event_id": np.arange(n, dtype=np.int64),
            "feed": np.array([f"feed_{i}" for i in range(8)], dtype=object)[np.arange(n) % 8],
            "at": t0 + pd.to_timedelta(rng.integers(0, 90 * 86400, n), unit="s"),
            "category": CATEGORIES[rng.integers(0, len(CATEGORIES), n)],
            "score": rng.random(n),
            "h3_9": cells[rng.integers(0, len(cells), n)],
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def postgis_url() -> str:
    url = os.environ.get("PINGAN_TEST_DATABASE_URL", "")
    if url:
        return url
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure_postgis.sh")],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def bench_store(store, ev: gpd.GeoDataFrame) -> dict[str, float]:
    n = len(ev)
    r: dict[str, float] = {}
    r["write"] = n / timed(lambda: store.write("events", ev, mode="replace", partition_by=["feed"]))
    r["read"] = n / timed(lambda: store.read("events"))
    part = int((ev["feed"] == "feed_3").sum())
    r["read filtered"] = part / timed(lambda: store.read("events", filters={"feed": "feed_3"}))
    m = n // 10
    changed = ev.iloc[:m].assign(score=-1.0)
    new = ev.iloc[:m].assign(event_id=ev["event_id"].iloc[:m] + n)
    up = pd.concat([changed, new], ignore_index=True)
    r["upsert"] = len(up) / timed(lambda: store.upsert("events", up, key=["event_id"]))
    assert store.count("events") == n + m
    return r


def bench_peers(
    ev: gpd.GeoDataFrame, folder: Path, url: str, schema: str
) -> dict[str, dict[str, float]]:
    n = len(ev)
    path = folder / "peer.parquet"
    pq = {
        "write": n / timed(lambda: ev.to_parquet(path)),
        "read": n / timed(lambda: gpd.read_parquet(path)),
    }
    eng = sa.create_engine(sqlalchemy_url(url))
    pg = {
        "write": n
        / timed(
            lambda: ev.assign(h3_9=ev["h3_9"].astype(np.int64)).to_postgis(
                "peer_events",
                eng,
                schema=schema,
                if_exists="replace",
                index=False,
                chunksize=50_000,
            )
        ),
        "read": n
        / timed(
            lambda: gpd.read_postgis(
                f'select * from "{schema}".peer_events', eng, geom_col="geometry"
            )
        ),
    }
    eng.dispose()
    return {"geoparquet": pq, "postgis": pg}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--peer-rows", type=int, default=200_000, help="rows for the peers (0 = skip)")
    args = ap.parse_args()
    url = postgis_url()
    schema = f"bench_store_{uuid.uuid4().hex[:8]}"
    eng = sa.create_engine(sqlalchemy_url(url))
    with eng.begin() as c:
        c.exec_driver_sql(f'create schema "{schema}"')
    sep = "&" if "?" in url else "?"
    pg_url = f"{url}{sep}options=-csearch_path%3D{schema},public"
    ev = make_events(args.rows)
    results: dict[str, dict[str, float]] = {}
    peers: dict[str, dict[str, float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results["geoparquet"] = bench_store(open_store(Path(tmp) / "wh"), ev)
            pg = open_store(pg_url)
            results["postgis"] = bench_store(pg, ev)
            pg.close()
            if args.peer_rows:
                peers = bench_peers(ev.iloc[: args.peer_rows], Path(tmp), url, schema)
    finally:
        drop_store(pg_url)
        with eng.begin() as c:
            c.exec_driver_sql(f'drop schema if exists "{schema}" cascade')
        eng.dispose()

    print(
        f"store_io — {args.rows:,} point rows (id, feed, tz timestamp, Chinese text, float, h3_9, geometry)"
    )
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()}"
    )
    print(f"{'rows/s':<28}{'GeoParquet':>14}{'PostGIS':>14}")
    for op in results["geoparquet"]:
        print(
            f"{'pingan store ' + op:<28}{results['geoparquet'][op]:>14,.0f}{results['postgis'][op]:>14,.0f}"
        )
    if peers:
        print(f"peers on {args.peer_rows:,} rows:")
        print(
            f"{'to_parquet / to_postgis':<28}{peers['geoparquet']['write']:>14,.0f}{peers['postgis']['write']:>14,.0f}"
        )
        print(
            f"{'read_parquet / read_postgis':<28}{peers['geoparquet']['read']:>14,.0f}{peers['postgis']['read']:>14,.0f}"
        )


if __name__ == "__main__":
    main()
