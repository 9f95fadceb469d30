"""Compose the camera analytics: inputs in, named tables out (no store, no files written).

``run_camera_analytics(cameras, detections, flow, audits, ...)`` returns a dict of tables:
``camera_indicators``, ``camera_profiles``, ``camera_calibration``, ``hotspots_h3``,
``hotspots_road``, ``emerging_hotspots``, ``camera_health``, ``camera_health_area``,
``camera_maintenance``, ``site_selection``, ``problem_lists``. ``detections`` and ``flow`` may
be DataFrames or Parquet globs that DuckDB streams (the only reading done here).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from scoring.camera import calibration, health, hotspots, indicators, inputs, problems, siting

__all__ = ["DEFAULT_COMBOS", "CameraAnalyticsConfig", "run_camera_analytics"]

#: (level, period) indicator tables stored by default. Camera × day (300,000 rows a month at
#: 10,000 cameras) and camera × hour are left to on-demand queries.
DEFAULT_COMBOS: tuple[tuple[str, str], ...] = (
    ("camera", "week"), ("camera", "all"),
    ("road", "day"), ("road", "week"), ("road", "all"),
    ("township", "day"), ("township", "week"), ("township", "month"), ("township", "all"),
    ("county", "hour"), ("county", "day"), ("county", "week"), ("county", "month"), ("county", "all"),
    ("city", "hour"), ("city", "day"), ("city", "week"), ("city", "month"), ("city", "all"),
)


class CameraAnalyticsConfig(BaseModel):
    """Parameters of the camera analytics (defaults suit a city; all are data)."""

    model_config = ConfigDict(extra="forbid")

    combos: list[tuple[str, str]] = Field(default_factory=lambda: list(DEFAULT_COMBOS),
                                          description="(level, period) indicator tables")
    profile_levels: list[str] = Field(default_factory=lambda: ["township", "county", "city"])
    hotspot_resolution: int = Field(9, ge=5, le=12)
    hotspot_k: int = Field(2, ge=1, description="H3 k-ring of the Gi* neighbourhood (2 ≈ 0.5 km at res 9: cameras are sparse, k = 1 leaves half the cells without neighbours)")
    hotspot_alpha: float = Field(0.05, gt=0, lt=1, description="FDR level")
    hotspot_value: str = Field("count", pattern="^(count|rate)$")
    road_distance_m: float = Field(400.0, gt=0)
    trend_alpha: float = Field(0.1, gt=0, lt=1)
    health_n_silent: int = Field(4, ge=1, description="silent 15-min intervals before offline")
    health_min_expected: float = Field(8.0, ge=0, description="expected vehicles over the silence")
    health_k: int = Field(5, ge=1)
    health_min_neighbour_share: float = Field(0.5, ge=0, le=1)
    online_target: float = Field(0.98, gt=0, le=1)
    min_camera_audits: int = Field(30, ge=1)
    site_budget: int | None = Field(None, ge=1, description="K; default 20 % of cameras")
    site_k_ring: int = Field(1, ge=0)
    site_exact_max_candidates: int = Field(400, ge=0)
    site_solver: str = Field("auto", pattern="^(auto|spopt|scipy)$")
    problems_top_n: int = Field(5, ge=1)
    problems_min_passes: int = Field(100, ge=0)
    problems_n_evidence: int = Field(3, ge=1)
    problems_evidence_days: int | None = Field(7, ge=1, description="evidence from the last N days")
    threads: int | None = None
    memory_limit: str | None = None


def _expected_violations(cal: pd.DataFrame, counts: pd.DataFrame) -> pd.Series:
    """Expected true violations per camera: Σ_types calibrated rate × passes (raw rate where
    no calibration is possible)."""
    if cal is None or cal.empty:
        cols = [f"n_{v}" for v in indicators.VIOLATIONS]
        return counts.set_index("camera_id")[cols].sum(axis=1).astype(float)
    c = cal[cal["scope"] == "camera"]
    rate = c["calibrated_rate"].fillna(c["raw_rate"]).fillna(0)
    return (rate * c["n_passes"]).groupby(c["camera_id"]).sum()


def run_camera_analytics(
    cameras: pd.DataFrame,
    detections: pd.DataFrame | str,
    flow: pd.DataFrame | str | None,
    audits: pd.DataFrame | None = None,
    audit_clips: pd.DataFrame | None = None,
    roads: pd.DataFrame | None = None,
    config: CameraAnalyticsConfig | None = None,
    on_step: Callable[[str, float], None] | None = None,
) -> dict[str, pd.DataFrame]:
    """Run every camera analysis; see the module docstring for the returned tables.

    ``on_step(name, seconds)`` is called after each step (progress reporting).
    """
    cfg = config or CameraAnalyticsConfig()
    out: dict[str, pd.DataFrame] = {}
    t0 = time.perf_counter()

    def done(name: str) -> None:
        nonlocal t0
        if on_step:
            on_step(name, time.perf_counter() - t0)
        t0 = time.perf_counter()

    cams = inputs.canonical_cameras(cameras)
    if audits is not None and len(audits):
        audits = inputs.canonical_audits(audits)
    audit_clips = inputs.canonical_audit_clips(audit_clips)
    db = indicators.connect(cams, detections, flow, threads=cfg.threads,
                            memory_limit=cfg.memory_limit)
    done("cube")
    out["camera_indicators"] = indicators.many_indicators(db, cfg.combos)
    out["camera_profiles"] = pd.concat(
        [indicators.hour_weekday_profile(db, lv) for lv in cfg.profile_levels], ignore_index=True)
    counts = indicators.camera_type_counts(db)
    bwc = indicators.band_week_counts(db)
    done("indicators")

    if audits is not None and len(audits):
        out["camera_calibration"] = calibration.calibrate(
            counts, audits, audit_clips, min_camera_audits=cfg.min_camera_audits)
    else:
        out["camera_calibration"] = pd.DataFrame()
    done("calibration")

    hk: dict = {"alpha": cfg.hotspot_alpha, "value": cfg.hotspot_value}
    out["hotspots_h3"] = hotspots.hotspots_h3(bwc, cams, resolution=cfg.hotspot_resolution,
                                              k=cfg.hotspot_k, **hk)
    out["hotspots_road"] = hotspots.hotspots_road(bwc, cams, roads,
                                                  distance_m=cfg.road_distance_m, **hk)
    out["emerging_hotspots"] = hotspots.emerging_hotspots(
        bwc, cams, resolution=cfg.hotspot_resolution, k=cfg.hotspot_k,
        trend_alpha=cfg.trend_alpha, **hk)
    done("hotspots")

    if db.has_flow:
        act = indicators.activity_matrix_db(db, pd.Index(cams["camera_id"]))
        h = health.camera_health(cams, activity=act, n_silent=cfg.health_n_silent,
                                 k=cfg.health_k,
                                 min_neighbour_share=cfg.health_min_neighbour_share,
                                 min_expected=cfg.health_min_expected,
                                 target=cfg.online_target)
        out["camera_health"] = h["cameras"]
        out["camera_health_area"] = h["areas"]
        out["camera_maintenance"] = h["maintenance"]
    done("health")

    exp = _expected_violations(out["camera_calibration"], counts)
    cand = cams[["camera_id"]].assign(
        h3=hotspots.camera_cells(cams, cfg.hotspot_resolution).to_numpy(),
        n_passes=cams["camera_id"].map(counts.set_index("camera_id")["n_passes"]).fillna(0)
        .to_numpy())
    demand = (cand.assign(weight=cand["camera_id"].map(exp).fillna(0))
              .groupby("h3", as_index=False)["weight"].sum())
    k = cfg.site_budget or max(1, round(0.2 * len(cand)))
    out["site_selection"] = siting.site_selection(
        cand, demand, min(k, len(cand)), k_ring=cfg.site_k_ring,
        exact_max_candidates=cfg.site_exact_max_candidates, solver=cfg.site_solver)
    done("siting")

    seg = problems.segment_band_counts(bwc, cams)
    road_all = out["hotspots_road"]
    pl = problems.problem_list(seg, road_all, top_n=cfg.problems_top_n,
                               min_passes=cfg.problems_min_passes)
    out["problem_lists"] = problems.attach_evidence(db, pl, cfg.problems_n_evidence,
                                                    cfg.problems_evidence_days)
    done("problems")
    db.con.close()
    return out
