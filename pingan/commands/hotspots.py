"""``pingan hotspots``: camera-derived e-bike violation analytics (seed 000).

Reads the cameras, e-bike detections, flow and audit tables from the store, runs
:func:`scoring.camera.pipeline.run_camera_analytics` and writes back ``camera_indicators``,
``camera_profiles``, ``camera_calibration``, ``hotspots_h3``, ``hotspots_road``,
``emerging_hotspots``, ``camera_health``, ``camera_health_area``, ``camera_maintenance``,
``site_selection`` and ``problem_lists`` (each replaced whole).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import typer
from rich.table import Table

from pingan.commands._common import ConfigOption, console, settings_or_exit

#: Logical input -> store tables tried in order (canonical name first, then the ingest's
#: ``feed_<feed id>`` table).
INPUT_TABLES: dict[str, tuple[str, ...]] = {
    "cameras": ("cameras", "feed_camera_registry"),
    "detections": ("ebike_detections", "feed_ebike_detections"),
    "flow": ("ebike_flow", "feed_ebike_flow"),
    "audits": ("detection_audit", "feed_detection_audit"),
    "audit_clips": ("detection_audit_clips", "feed_detection_audit_clips"),
    "grids": ("grids", "feed_grids"),
    "roads": ("roads", "feed_road_network"),
}
REQUIRED = ("cameras", "detections")

DETECTION_COLUMNS = ("detection_id", "camera_id", "ts", "vehicle_class", "violation",
                     "detected_violation", "is_delivery", "platform", "confidence",
                     "snapshot_ref")


def _find(store: Any, what: str) -> str | None:
    return next((t for t in INPUT_TABLES[what] if store.exists(t)), None)


def _read(store: Any, what: str, columns: tuple[str, ...] | None = None) -> pd.DataFrame | None:
    table = _find(store, what)
    if table is None:
        if what in REQUIRED:
            names = " / ".join(f"`{t}`" for t in INPUT_TABLES[what])
            console.print(f"[red]错误 error:[/red] 存储中没有 {names} 表 — the store has no "
                          f"{names} table (run `pingan ingest` on the camera feeds first)")
            raise typer.Exit(1)
        return None
    if columns:
        have = set(store.info(table).column_names)
        return store.read(table, columns=[c for c in columns if c in have])
    return store.read(table)


def for_store(df: pd.DataFrame) -> pd.DataFrame:
    """Store-friendly dtypes: int64 / float64 / bool / str, tz-aware timestamps."""
    out = df.copy()
    for c in out.columns:
        dt = out[c].dtype
        if pd.api.types.is_bool_dtype(dt):
            out[c] = out[c].astype(bool)
        elif pd.api.types.is_integer_dtype(dt):
            out[c] = out[c].astype("int64") if not out[c].isna().any() else out[c].astype("float64")
        elif pd.api.types.is_float_dtype(dt):
            out[c] = out[c].astype("float64")
        elif isinstance(dt, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dt):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
            out[c] = out[c].map(lambda x: x.item() if isinstance(x, np.generic) else x)
    return out


def _truthy(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip().str.lower().isin(["是", "true", "1", "yes", "y", "t"])


def register(app: typer.Typer) -> None:
    @app.command("hotspots")
    def hotspots_cmd(
        budget: int = typer.Option(0, "--budget", "-k",
                                   help="优化选点 K cameras to run the algorithms (0 = 20 %)."),
        value: str = typer.Option("count", "--value",
                                  help="Gi* on violation 'count' or per-pass 'rate'."),
        config: Path | None = ConfigOption,
    ) -> None:
        """违法热点 Camera e-bike violation indicators, calibration, hotspots, camera health,
        site selection and problem lists, from the store back into the store."""
        from geo.admin import load_counties
        from geo.store import open_store
        from pingan.commands._common import step
        from scoring.camera.inputs import enrich_cameras
        from scoring.camera.pipeline import CameraAnalyticsConfig, run_camera_analytics

        s = settings_or_exit(config)
        if value not in ("count", "rate"):
            console.print("[red]错误 error:[/red] --value must be 'count' or 'rate'")
            raise typer.Exit(2)
        store = open_store(s.store_url)
        cameras = _read(store, "cameras")
        detections = _read(store, "detections", DETECTION_COLUMNS)
        flow = _read(store, "flow", ("camera_id", "interval_start", "n_ebike", "n_tricycle",
                                     "n_motorcycle"))
        audits = _read(store, "audits")
        clips = _read(store, "audit_clips")
        for what, df in (("flow", flow), ("audits", audits)):
            if df is None:
                console.print(f"[yellow]注意 note:[/yellow] no {what} table "
                              f"({' / '.join(INPUT_TABLES[what])}): "
                              + ("passes = detections, no camera health" if what == "flow"
                                 else "calibration skipped"))
        if "has_ebike_algo" in cameras:
            cameras = cameras[_truthy(cameras["has_ebike_algo"])]
        seen = set(detections["camera_id"].astype(str))
        if flow is not None:
            seen |= set(flow["camera_id"].astype(str))
        cameras = cameras[cameras["camera_id"].astype(str).isin(seen)].reset_index(drop=True)
        if cameras.empty:
            console.print("[red]错误 error:[/red] no camera of the registry has detections or flow")
            raise typer.Exit(1)
        missing_area = any(c not in cameras or cameras[c].isna().any()
                           for c in ("township_code", "county_adcode", "road_id"))
        roads = _read(store, "roads")
        if missing_area:
            grids = _read(store, "grids")
            cameras = enrich_cameras(cameras, grids, load_counties(s.city), roads)
        cfg = CameraAnalyticsConfig(site_budget=budget or None, hotspot_value=value,
                                    hotspot_resolution=min(s.h3_resolution, 9))
        with step("违法分析 camera analytics"):
            out = run_camera_analytics(
                cameras, detections, flow, audits, clips,
                roads=roads if roads is not None and "geometry" in roads else None, config=cfg,
                on_step=lambda name, sec: console.print(f"  {name}: {sec:.1f} s"))
        t = Table("table", "rows", title="写入 written")
        for name, df in out.items():
            if df is None or df.empty:
                store.drop(name)
                t.add_row(name, "0")
                continue
            store.write(name, for_store(df), mode="replace")
            t.add_row(name, str(len(df)))
        console.print(t)
        ci = out["camera_indicators"]
        city = ci[(ci["level"] == "city") & (ci["period"] == "all")]
        if len(city):
            r = city.iloc[0]
            console.print(f"全市 city: 日均流量 daily flow {r['daily_flow']:.0f}, 违法率 violation rate "
                          f"{100 * r['rate_any']:.2f} %, 未戴头盔率 no-helmet {100 * r['rate_no_helmet']:.2f} %")
        h = out["hotspots_h3"]
        n_hot = int(((h["class"] == "hot") & (h["band"] == "all")).sum()) if len(h) else 0
        console.print(f"热点 H3 hot spots (all bands, all types): {n_hot}")
        if "camera_health_area" in out:
            a = out["camera_health_area"]
            c = a[a["level"] == "city"]
            if len(c):
                console.print(f"在线率 online rate {100 * c['online_rate'].iloc[0]:.2f} % "
                              f"(target 98 %), maintenance list {len(out['camera_maintenance'])}")
