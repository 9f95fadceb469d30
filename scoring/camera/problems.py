"""Problem lists (问题清单, 清单化) per township: the worst road segments and time bands per
violation type, with evidence references, for the monthly report and later work orders.

Ranking: within each township, (road segment, time band, violation) combinations with at
least ``min_passes`` passes are ordered by the number of violations (the seed's 多发 —
where and when violations happen most), ties broken by rate; a Gi* ``hot`` class of the
segment (from :func:`scoring.camera.hotspots.hotspots_road`) is attached as corroboration.
Evidence: up to ``n_evidence`` detection ids (and snapshot references when the feed has
them) of that violation on that segment in that band, highest confidence first.
"""

from __future__ import annotations

import pandas as pd

from data_contracts.vocab import VIOLATION_TYPES
from scoring.camera.indicators import TIME_BANDS, VIOLATIONS, CameraDB, time_band_sql
from scoring.camera.inputs import detections_select_sql

__all__ = ["attach_evidence", "problem_list", "segment_band_counts"]

_BAND_ZH = {b[0]: b[1] for b in TIME_BANDS}


def segment_band_counts(band_counts: pd.DataFrame, cameras: pd.DataFrame) -> pd.DataFrame:
    """Roll camera × band counts up to township × road segment × band, long by violation.
    Columns: township_code, road_id, road_name, band, violation, n_passes, n_violations, rate."""
    cams = cameras.assign(camera_id=cameras["camera_id"].astype(str))[
        ["camera_id", "township_code", "road_id", "road_name"]]
    cols = ["n_passes"] + [f"n_{v}" for v in VIOLATIONS]
    bc = band_counts.assign(camera_id=band_counts["camera_id"].astype(str)).merge(cams, on="camera_id")
    bc["road_id"] = bc["road_id"].astype(str)
    g = bc.groupby(["township_code", "road_id", "band"], as_index=False).agg(
        road_name=("road_name", "first"), **{c: (c, "sum") for c in cols})
    long = g.melt(id_vars=["township_code", "road_id", "road_name", "band", "n_passes"],
                  value_vars=[f"n_{v}" for v in VIOLATIONS], var_name="violation",
                  value_name="n_violations")
    long["violation"] = long["violation"].str.slice(2)
    long["rate"] = long["n_violations"] / long["n_passes"].where(long["n_passes"] > 0)
    return long


def problem_list(seg_counts: pd.DataFrame, road_hotspots: pd.DataFrame | None = None, *,
                 top_n: int = 5, min_passes: int = 100) -> pd.DataFrame:
    """Top ``top_n`` problems per township (see module docstring).

    Columns: township_code, rank, road_id, road_name, band, violation, n_violations,
    n_passes, rate, hotspot_class, hotspot_z, description_zh, description_en.
    """
    d = seg_counts[(seg_counts["n_passes"] >= min_passes) & (seg_counts["n_violations"] > 0)]
    d = d.sort_values(["township_code", "n_violations", "rate"], ascending=[True, False, False])
    d = d.groupby("township_code", sort=True).head(top_n).copy()
    d["rank"] = d.groupby("township_code").cumcount() + 1
    if road_hotspots is not None and len(road_hotspots):
        h = road_hotspots[["road_id", "violation", "band", "class", "z"]].rename(
            columns={"class": "hotspot_class", "z": "hotspot_z"})
        d = d.merge(h.assign(road_id=h["road_id"].astype(str)),
                    on=["road_id", "violation", "band"], how="left")
    else:
        d["hotspot_class"], d["hotspot_z"] = None, float("nan")
    vz = d["violation"].map(lambda v: VIOLATION_TYPES[v][0])
    ve = d["violation"].map(lambda v: VIOLATION_TYPES[v][1])
    bz = d["band"].map(_BAND_ZH)
    rn = d["road_name"].fillna(d["road_id"]).astype(str)
    d["description_zh"] = (rn + " " + bz + " " + vz + " " + d["n_violations"].astype(str)
                           + " 起，发生率 " + (100 * d["rate"]).round(1).astype(str) + "%")
    d["description_en"] = (rn + ", " + d["band"].str.replace("_", " ") + ": " +
                           d["n_violations"].astype(str) + " × " + ve + ", rate " +
                           (100 * d["rate"]).round(1).astype(str) + "%")
    cols = ["township_code", "rank", "road_id", "road_name", "band", "violation",
            "n_violations", "n_passes", "rate", "hotspot_class", "hotspot_z",
            "description_zh", "description_en"]
    return d[cols].reset_index(drop=True)


def attach_evidence(db: CameraDB, problems: pd.DataFrame, n_evidence: int = 3,
                    recent_days: int | None = 7) -> pd.DataFrame:
    """Add ``evidence_detection_ids`` and ``evidence_snapshots`` (comma-separated, highest
    confidence first) from the detections of each problem's segment, band and violation.

    ``recent_days``: take evidence from the last N days of data only (recent cases are what
    a work order needs; and on Parquet the time filter skips the older row groups — a month
    at city scale is 50 M rows). None = all detections.
    """
    if problems.empty:
        return problems.assign(evidence_detection_ids="", evidence_snapshots="")
    src = "detections"
    if recent_days:
        last = db.con.execute("SELECT max(hour_start) FROM cube").fetchone()[0]
        if last is not None:
            cols = dict(db.con.execute(
                "SELECT column_name, column_type FROM (DESCRIBE detections_src)").fetchall())
            since = (pd.Timestamp(last) - pd.Timedelta(days=recent_days)).tz_convert("UTC")
            # Filter the raw column (pushed down into the Parquet scan), then normalise.
            raw = (f"(SELECT * FROM detections_src WHERE ts >= TIMESTAMPTZ '{since.isoformat()}')"
                   if "TIME ZONE" in cols.get("ts", "").upper() else
                   f"(SELECT * FROM detections_src WHERE CAST(ts AS TIMESTAMPTZ) >= "
                   f"TIMESTAMPTZ '{since.isoformat()}')")
            src = f"({detections_select_sql(cols, raw)})"
    keys = problems[["road_id", "band", "violation"]].drop_duplicates()
    db.con.register("_problem_keys", keys)
    ev = db.sql(f"""
    WITH d AS (
      SELECT CAST(c.road_id AS VARCHAR) AS road_id, d.violation,
             {time_band_sql('hour(CAST(d.ts AS TIMESTAMPTZ))')} AS band,
             CAST(d.detection_id AS VARCHAR) AS detection_id, d.snapshot_ref,
             coalesce(d.confidence, 0) AS confidence
      FROM {src} d JOIN cameras c ON c.camera_id = d.camera_id
      WHERE d.violation IN (SELECT DISTINCT violation FROM _problem_keys)
        AND CAST(c.road_id AS VARCHAR) IN (SELECT DISTINCT road_id FROM _problem_keys)),
    k AS (SELECT d.* FROM d JOIN _problem_keys p USING (road_id, band, violation)),
    r AS (SELECT *, row_number() OVER (PARTITION BY road_id, band, violation
                                       ORDER BY confidence DESC, detection_id) AS rn FROM k)
    SELECT road_id, band, violation,
           string_agg(detection_id, ',' ORDER BY rn) AS evidence_detection_ids,
           string_agg(snapshot_ref, ',' ORDER BY rn) AS evidence_snapshots
    FROM r WHERE rn <= {int(n_evidence)} GROUP BY ALL""")
    db.con.unregister("_problem_keys")
    out = problems.merge(ev, on=["road_id", "band", "violation"], how="left")
    out["evidence_detection_ids"] = out["evidence_detection_ids"].fillna("")
    out["evidence_snapshots"] = out["evidence_snapshots"].fillna("")
    return out
