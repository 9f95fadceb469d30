"""NIJ Real-Time Crime Forecasting Challenge set-up on the shared Portland data.

Reads /work/shared/data/portland-nij/ (read-only): burglary (crimes_bur.csv) and vehicle
theft (crimes_veh.csv), x/y in EPSG:2913 (Oregon North, international feet), and the city
boundary (portland_coords.csv, 500-ft-buffered outer ring).

- Test origin 2017-03-01; horizons 1 week, 2 weeks, 1 month (31 d), 2 months (61 d), 3 months (92 d).
- Cells: H3 resolution 10 cells whose centres fall inside the boundary. At Portland's latitude
  a res-10 cell is ≈ 13,825 m² ≈ 148,800 ft² (30,135 cells; printed below), inside the NIJ
  range 62,500–360,000 ft². Not the NIJ square grid: hexagons, one grid for every method.
- Flagged area: 0.25 mi² and 0.75 mi² (the NIJ bounds); PAI denominator A = the NIJ city
  area 4,117,777,129 ft².
- Methods from the same run: ours (XGBoost, score = expected count) and the three baselines
  (naive recent counts, KDE, prospective hotspotting). Burglary and vehicle-theft histories
  both feed the features of each forecast.
- Validation: the same back-test at 2016-03-01, 06-01, 09-01 and 12-01, PAI pooled over them
  ``(Σn/ΣN)/(Σa/ΣA)``. With one origin a 1-week burglary PAI moves by ≈ 30 per event caught.

How the set-up (:func:`config`, ``--config model``) was chosen, never looking at the
2017-03-01 outcome: on the 22 monthly origins 2015-03-01 … 2016-12-01 (only those whose
horizon ends by 2017-03-01), PAI pooled per (category, horizon) and divided by the best
baseline's. There, a space-time kernel of the category's own history (events weighted
``exp(-age/τ)``, Gaussian of bandwidth σ) beat every baseline at 0.25 mi², the XGBoost model
without it did not (its histogram bins cannot rank the top 0.15 % of cells), and XGBoost on
top of the kernel as an offset was best. The kernel (τ, σ) is not fixed here: the forecaster
picks it on its own training origins before each forecast origin (``prior=True``). Training
on a 92-day target window, a smaller feature set, depth 2 and pooling both categories into
one model changed little (within the noise) or made things worse (pooling). On the same 22
origins the implemented model gave mean ratios 1.16 (0.25 mi²) / 1.23 (0.75 mi²) with the
prior's log-scale fitted by a Poisson GLM and 1.21 / 1.21 with the kernel taken as it is
(``prior_fit_scale=False``, kept: the only set-up ≥ 1.2 at both areas; the prior alone gave
1.21 / 1.12). ``--config legacy`` runs the previous set-up for comparison,
``--config no-prior`` / ``prior-only`` the two halves of the model.

Result (this set-up, 2026-12): mean ratio ours/best baseline 0.56 (0.25 mi²) / 0.88 (0.75 mi²)
at the 2017-03-01 test origin, 0.89 / 1.17 pooled over the 4 validation origins (legacy: 0.78
/ 0.91 and 0.85 / 1.03). The target (≥ 1.2 at one origin) is mostly chance: burglary puts 0–5
events in 46 cells per horizon; over the 22 monthly origins ours is 1.21 / 1.21 pooled
(bootstrap over origins, 5–95 %: 1.04–1.32 / 1.10–1.30), yet a single origin's mean ratio
reaches 1.2 at 3 (0.25 mi²) and 6 (0.75 mi²) of those 22 origins (median 0.98 / 1.07): the
best of three noisy baselines, picked after the fact per row, is a high bar for one origin.
``forecast_ceiling.py`` measures that bar in a Portland-like world with a known intensity: the
truth itself meets the target at both areas in 4 % of 200 simulated origins, and a forecaster
that knows the world's form and estimates it from the history in 0 %.

Run: ``.venv/bin/python benchmarks/forecast_portland.py`` (test + 4 validation origins,
≈ 3 minutes on 2 cores; ``--validation-origins`` with no value for the test alone).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
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
BUDGETS_MI2 = (0.25, 0.75)
VALIDATION = ("2016-03-01", "2016-06-01", "2016-09-01", "2016-12-01")
BASELINES = ["naive", "kde", "hotspot"]


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


def config(prior_shares: tuple[float, ...] = (0.0015, 0.0046)) -> ForecasterConfig:
    """The forecaster set-up used for Portland (sparse events: a long-run kernel offset chosen on
    the training origins, XGBoost corrections from decayed intensities at three scales).

    ``prior_shares``: the flagged areas as shares of the grid's cells (0.25 and 0.75 mi² ≈ 46
    and 140 of 30,135 res-10 cells), where the prior kernel is chosen to catch most events.
    """
    spec = FeatureSpec(windows=(4, 13, 52), nbr_windows=(), parent_levels=0, hotspot=False,
                       decay_days=(30, 365, 1460), decay_bandwidths_m=(0.0, 150.0, 300.0), calendar=False)
    return ForecasterConfig(n_origins=36, origin_step_days=28, calibration_origins=2, spec=spec, neg_rate=0.05,
                            n_estimators=100, learning_rate=0.05, max_depth=3, min_child_weight=5.0,
                            monotone=True, target_days=92, level_offset=True, prior=True,
                            prior_shares=prior_shares, prior_fit_scale=False, min_history_days=365)


def legacy_config() -> ForecasterConfig:
    """The set-up before the prior (kept to show what moved what)."""
    spec = FeatureSpec(windows=(1, 2, 4, 13, 26, 52, 104), nbr_windows=(4, 13, 52, 104),
                       parent_windows=(13, 52), hotspot=True, kde_windows=(52, 104),
                       kde_bandwidth_m=250.0, calendar=False)
    return ForecasterConfig(n_origins=20, origin_step_days=14, calibration_origins=2, spec=spec,
                            neg_rate=0.2, n_estimators=150, learning_rate=0.05, max_depth=4,
                            min_child_weight=5.0, monotone=True)


def configs(shares: tuple[float, ...]) -> dict[str, ForecasterConfig]:
    """Named set-ups: ``model`` (ours), its halves, and ``legacy``."""
    model = config(shares)
    return {"model": model, "no-prior": replace(model, prior=False), "prior-only": replace(model, n_estimators=0),
            "legacy": legacy_config()}


def pai_table(res: pd.DataFrame) -> pd.DataFrame:
    """PAI and PEI* of every method per (budget, category, horizon), pooled over the origins in
    ``res``: PAI ``(Σn/ΣN)/(Σa/ΣA)``, PEI* ``Σn/Σn*``; plus ours over the best baseline."""
    n_orig = res["origin"].nunique()
    g = res.groupby(["budget", "category", "horizon", "method"], sort=False)[["n", "N", "area", "n_star"]].sum()
    g["pai"] = (g["n"] / g["N"]) / (g["area"] / (CITY_AREA_FT2 * n_orig))
    g["pei_star"] = g["n"] / g["n_star"]
    pai = g["pai"].unstack("method")
    pei = g["pei_star"].unstack("method")
    tab = pd.concat({"PAI": pai[["xgboost", *BASELINES]], "PEI*": pei[["xgboost", *BASELINES]]}, axis=1)
    best = pai[BASELINES].max(axis=1)
    # undefined (NaN) where no baseline caught anything: one event of ours would make it infinite
    tab[("ratio", "ours/best")] = (pai["xgboost"] / best).where(best > 0)
    tab[("ratio", "best is")] = pai[BASELINES].idxmax(axis=1)
    tab[("N", "")] = g["N"].unstack("method")["xgboost"].astype(int)
    return tab


def print_tables(res: pd.DataFrame, title: str) -> dict[str, float]:
    """Print the PAI/PEI* tables per budget; returns the mean ratio per budget."""
    tab = pai_table(res)
    out = {}
    for budget, t in tab.groupby(level="budget", sort=False):
        r = t[("ratio", "ours/best")]
        out[budget] = float(r.mean())
        print(f"\n=== {title}: flagged area {budget} ===")
        print(t.droplevel("budget").round(3).to_string())
        print(f"mean PAI ratio ours/best baseline: {r.mean():.2f} (over {int(r.notna().sum())} defined); "
              f"ahead on {int((r > 1).sum())}/{len(r)} (category, horizon); ratio of summed PAI "
              f"{t[('PAI', 'xgboost')].sum() / t['PAI'][BASELINES].max(axis=1).sum():.2f}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--origin", default="2017-03-01", help="test origin")
    ap.add_argument("--validation-origins", nargs="*", default=list(VALIDATION),
                    help="validation origins, PAI pooled over them (none: test only)")
    ap.add_argument("--config", default="model", choices=["model", "no-prior", "prior-only", "legacy"])
    ap.add_argument("--res", type=int, default=10)
    ap.add_argument("--categories", nargs="*", default=list(FILES))
    ap.add_argument("--horizons", nargs="*", default=list(HORIZONS))
    ap.add_argument("--save", type=Path, default=None, help="write the per-origin metrics table (parquet)")
    args = ap.parse_args()
    np.seterr(all="ignore")
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    events, boundary = load()
    grid = CellGrid.from_cells(polygon_to_cells(boundary, args.res))
    area_ft2 = grid.area_m2 * FT2_PER_M2
    print(f"H3 res {args.res}: {grid.n} cells, mean {area_ft2.mean():,.0f} ft² "
          f"(min {area_ft2.min():,.0f}, max {area_ft2.max():,.0f}); grid area {area_ft2.sum():,.0f} ft², "
          f"A = {CITY_AREA_FT2:,.0f} ft²")
    budgets = tuple(b * MI2_FT2 for b in BUDGETS_MI2)
    shares = tuple(float(b / area_ft2.mean() / grid.n) for b in budgets)
    cfg = configs(shares)[args.config]
    horizons = {h: HORIZONS[h] for h in args.horizons}
    runs = []
    for o in [args.origin, *args.validation_origins]:
        t1 = time.perf_counter()
        r = backtest(events, grid, o, args.categories, horizons, cfg, budgets=budgets, shares=(),
                     cell_area=area_ft2, total_area=CITY_AREA_FT2)
        r["budget"] = r["budget"].map(lambda b: f"{float(b) / MI2_FT2:.2f}mi2")
        runs.append(r.assign(origin=o))
        print(f"origin {o}: {time.perf_counter() - t1:.0f} s", flush=True)
    allr = pd.concat(runs, ignore_index=True)
    if args.save is not None:
        allr.to_parquet(args.save)
    print(f"\nconfig {args.config}")
    test = print_tables(allr[allr.origin == args.origin], f"test origin {args.origin}")
    val = {}
    if args.validation_origins:
        val = print_tables(allr[allr.origin != args.origin], f"validation, pooled over {args.validation_origins}")
        # one origin at a time (like the test): how much a single origin's mean ratio moves
        per = {o: pai_table(r)[("ratio", "ours/best")].groupby(level="budget").mean()
               for o, r in allr.groupby("origin")}
        print("\nmean PAI ratio ours/best baseline, each origin alone:")
        print(pd.DataFrame(per).T.round(2).to_string())
    cal = allr[allr.method == "xgboost"].drop_duplicates(["origin", "category", "horizon"])
    print("\nour calibrated p_event (Brier / log loss), the baselines' chosen windows and our chosen prior")
    cols = ["origin", "category", "horizon", "brier", "log_loss", "naive_weeks", "kde_bandwidth_m",
            "prior_tau_days", "prior_bandwidth_m"]
    print(cal[cols].round(4).to_string(index=False))
    print("\nsummary: mean PAI ratio ours/best baseline "
          + "; ".join(f"test {b} {v:.2f}" for b, v in test.items())
          + "".join(f"; validation {b} {v:.2f}" for b, v in val.items()))
    print(f"total {time.perf_counter() - t0:.0f} s wall, {time.process_time() - cpu0:.0f} s CPU")


if __name__ == "__main__":
    main()
