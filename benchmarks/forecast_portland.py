"""NIJ Real-Time Crime Forecasting Challenge set-up on the shared Portland data.

Reads /work/shared/data/portland-nij/ (read-only): burglary (crimes_bur.csv) and vehicle
theft (crimes_veh.csv), x/y in EPSG:2913 (Oregon North, international feet), and the city
boundary (portland_coords.csv, 500-ft-buffered outer ring).

- Origin 2017-03-01; horizons 1 week, 2 weeks, 1 month (31 d), 2 months (61 d), 3 months (92 d).
- Cells: H3 resolution 10 cells whose centres fall inside the boundary. At Portland's latitude
  a res-10 cell is ≈ 13,825 m² ≈ 148,800 ft² (30,135 cells; printed below), inside the NIJ
  range 62,500–360,000 ft². Not the NIJ square grid: hexagons, one grid for every method.
- Flagged area: 0.25 mi² and 0.75 mi² (the NIJ bounds); PAI denominator A = the NIJ city
  area 4,117,777,129 ft².
- Methods from the same run: ours (XGBoost, score = expected count) and the three baselines
  (naive recent counts, KDE, prospective hotspotting). Burglary and vehicle-theft histories
  both feed the features of each forecast.

The forecaster set-up (:func:`config`) was chosen on earlier origins (2016-04-01, 2016-10-01,
2017-01-01; 1 week and 1 month), never on the 2017-03-01 test origin.

Run: ``.venv/bin/python benchmarks/forecast_portland.py`` (≈ 10 minutes on 2 shared cores).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer
from shapely.geometry import Polygon

from scoring.evaluate import backtest
from scoring.features import CellGrid, FeatureSpec, polygon_to_cells
from scoring.forecast import ForecasterConfig

DATA = Path("/work/shared/data/portland-nij")
FT2_PER_M2 = 10.763910416709722
MI2_FT2 = 27_878_400.0
CITY_AREA_FT2 = 4_117_777_129.0
HORIZONS = {"1w": 7, "2w": 14, "1m": 31, "2m": 61, "3m": 92}
FILES = {"burglary": "crimes_bur.csv", "vehicle_theft": "crimes_veh.csv"}


def load(data: Path = DATA) -> tuple[pd.DataFrame, Polygon]:
    """Events (lon, lat WGS-84, occurred_at, category) and the WGS-84 city boundary."""
    tr = Transformer.from_crs("EPSG:2913", "EPSG:4326", always_xy=True)
    frames = []
    for cat, f in FILES.items():
        d = pd.read_csv(data / f)
        lon, lat = tr.transform(d["x_coordina"].to_numpy(float), d["y_coordina"].to_numpy(float))
        frames.append(pd.DataFrame({"lon": lon, "lat": lat, "occurred_at": pd.to_datetime(d["occ_date"]),
                                    "category": cat}))
    b = pd.read_csv(data / "portland_coords.csv")
    blon, blat = tr.transform(b["x"].to_numpy(float), b["y"].to_numpy(float))
    return pd.concat(frames, ignore_index=True), Polygon(zip(blon, blat))


def config() -> ForecasterConfig:
    """The forecaster set-up used for Portland (sparse events: long windows and smoothing)."""
    spec = FeatureSpec(windows=(1, 2, 4, 13, 26, 52, 104), nbr_windows=(4, 13, 52, 104),
                       parent_windows=(13, 52), hotspot=True, kde_windows=(52, 104),
                       kde_bandwidth_m=250.0, calendar=False)
    return ForecasterConfig(n_origins=20, origin_step_days=14, calibration_origins=2, spec=spec,
                            neg_rate=0.2, n_estimators=150, learning_rate=0.05, max_depth=4,
                            min_child_weight=5.0, monotone=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--origin", default="2017-03-01")
    ap.add_argument("--pooled-origins", nargs="*", default=[],
                    help="also back-test these origins and print PAI pooled over them (Σn/ΣN)/(a/A)")
    ap.add_argument("--res", type=int, default=10)
    ap.add_argument("--categories", nargs="*", default=list(FILES))
    ap.add_argument("--horizons", nargs="*", default=list(HORIZONS))
    args = ap.parse_args()
    t0 = time.perf_counter()
    events, boundary = load()
    grid = CellGrid.from_cells(polygon_to_cells(boundary, args.res))
    area_ft2 = grid.area_m2 * FT2_PER_M2
    print(f"H3 res {args.res}: {grid.n} cells, mean {area_ft2.mean():,.0f} ft² "
          f"(min {area_ft2.min():,.0f}, max {area_ft2.max():,.0f}); grid area {area_ft2.sum():,.0f} ft², "
          f"A = {CITY_AREA_FT2:,.0f} ft²")
    budgets = (0.25 * MI2_FT2, 0.75 * MI2_FT2)
    res = backtest(events, grid, args.origin, args.categories, {h: HORIZONS[h] for h in args.horizons},
                   config(), budgets=budgets, shares=(), cell_area=area_ft2, total_area=CITY_AREA_FT2)
    res["budget"] = res["budget"].map(lambda b: f"{float(b) / MI2_FT2:.2f}mi2")
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 500)
    for budget, t in res.groupby("budget", sort=False):
        print(f"\n=== flagged area {budget} (origin {args.origin}) ===")
        pai = t.pivot_table(index=["category", "horizon"], columns="method", values="pai", sort=False)
        pei = t.pivot_table(index=["category", "horizon"], columns="method", values="pei_star", sort=False)
        tab = pd.concat({"PAI": pai, "PEI*": pei}, axis=1).round(3)
        best_base = pai[["naive", "kde", "hotspot"]].max(axis=1)
        tab["PAI ours/best baseline"] = (pai["xgboost"] / best_base).round(2)
        tab["N"] = t[t.method == "xgboost"].set_index(["category", "horizon"])["N"].astype(int)
        print(tab.to_string())
        ratio = pai["xgboost"] / best_base
        print(f"mean PAI ratio ours/best baseline: {ratio.mean():.2f}; ahead on "
              f"{int((ratio > 1).sum())}/{len(ratio)} (category, horizon); "
              f"mean ratio of sums: {pai['xgboost'].sum() / best_base.sum():.2f}")
    if args.pooled_origins:
        pooled = [res.assign(origin=args.origin)]
        for o in args.pooled_origins:
            r = backtest(events, grid, o, args.categories, {h: HORIZONS[h] for h in args.horizons},
                         config(), budgets=budgets, shares=(), cell_area=area_ft2, total_area=CITY_AREA_FT2)
            r["budget"] = r["budget"].map(lambda b: f"{float(b) / MI2_FT2:.2f}mi2")
            pooled.append(r.assign(origin=o))
        allr = pd.concat(pooled, ignore_index=True)
        g = allr.groupby(["budget", "category", "horizon", "method"], sort=False)[["n", "N", "area"]].sum()
        g["pai"] = (g["n"] / g["N"]) / (g["area"] / (CITY_AREA_FT2 * allr["origin"].nunique()))
        print(f"\n=== PAI pooled over origins {[args.origin, *args.pooled_origins]} ===")
        for budget, t in g.reset_index().groupby("budget", sort=False):
            pai = t.pivot_table(index=["category", "horizon"], columns="method", values="pai", sort=False)
            pai["ours/best"] = pai["xgboost"] / pai[["naive", "kde", "hotspot"]].max(axis=1)
            print(f"-- {budget}\n{pai.round(2).to_string()}\nmean ratio {pai['ours/best'].mean():.2f}")
    cal = res[res.method == "xgboost"].drop_duplicates(["category", "horizon"])
    print("\nour calibrated p_event: Brier / log loss per (category, horizon)")
    print(cal[["category", "horizon", "brier", "log_loss", "naive_weeks", "kde_bandwidth_m"]].to_string(index=False))
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")
    np.seterr(all="ignore")


if __name__ == "__main__":
    main()
