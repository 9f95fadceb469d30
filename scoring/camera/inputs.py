"""Canonical inputs of the camera analytics, tolerant of the feeds' own headers and labels.

The canonical columns are those of the module docstrings (``violation``, ``true_violation``,
codes of :mod:`data_contracts.vocab`). The feed contracts name some of them differently
(``detected_violation``, ``reviewed_violation``) and the video platform writes Chinese labels
(``未戴头盔``, ``是``/``否``, ``美团``); these functions accept either. Detections may be tens of
millions of rows, so their normalisation is SQL (:func:`detections_select_sql`) run inside
DuckDB's scan; the small tables are normalised in pandas.
"""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd

from data_contracts.vocab import DELIVERY_PLATFORMS, VEHICLE_CLASSES, VIOLATION_TYPES

__all__ = [
    "UNKNOWN",
    "canonical_audit_clips",
    "canonical_audits",
    "canonical_cameras",
    "code_of",
    "detections_select_sql",
    "enrich_cameras",
]

UNKNOWN = "unknown"
_TRUE = ("是", "true", "1", "yes", "y", "t")


def _lookup(vocab: dict[str, tuple[str, str]]) -> dict[str, str]:
    out = {}
    for code, (zh, en) in vocab.items():
        out[code] = code
        out[zh] = code
        out[en] = code
        out[en.lower()] = code
    return out


def code_of(values: pd.Series, vocab: dict[str, tuple[str, str]]) -> pd.Series:
    """Map codes, Chinese labels or English labels of ``vocab`` to codes (others kept)."""
    lk = _lookup(vocab)
    s = values.astype("string").str.strip()
    return s.map(lambda x: lk.get(x, x) if isinstance(x, str) else x).astype(object)


def _sql_case(col: str, vocab: dict[str, tuple[str, str]], default_null: str | None) -> str:
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _lookup(vocab).items() if k != v)
    null = f"'{default_null}'" if default_null else "NULL"
    return (f"CASE WHEN {col} IS NULL THEN {null} ELSE "
            f"(CASE trim(CAST({col} AS VARCHAR)) {whens} ELSE trim(CAST({col} AS VARCHAR)) END) END")


def detections_select_sql(columns: dict[str, str], source: str) -> str:
    """SELECT normalising a detections source with the given ``columns`` (name → DuckDB
    type) to: detection_id, camera_id, ts, vehicle_class, violation, is_delivery, platform,
    confidence, snapshot_ref."""
    vcol = "violation" if "violation" in columns else "detected_violation"
    parts = [
        "CAST(detection_id AS VARCHAR) AS detection_id",
        "CAST(camera_id AS VARCHAR) AS camera_id",
        "CAST(ts AS TIMESTAMPTZ) AS ts",
        (_sql_case("vehicle_class", VEHICLE_CLASSES, "ebike") if "vehicle_class" in columns
         else "'ebike'") + " AS vehicle_class",
        _sql_case(vcol, VIOLATION_TYPES, "none") + " AS violation",
    ]
    if "is_delivery" not in columns:
        parts.append("FALSE AS is_delivery")
    elif columns["is_delivery"].upper() == "BOOLEAN":
        parts.append("coalesce(is_delivery, FALSE) AS is_delivery")
    else:
        lst = ", ".join(f"'{t}'" for t in _TRUE)
        parts.append(f"coalesce(lower(trim(CAST(is_delivery AS VARCHAR))) IN ({lst}), FALSE)"
                     " AS is_delivery")
    parts.append((_sql_case("platform", DELIVERY_PLATFORMS, None) if "platform" in columns
                  else "NULL") + " AS platform")
    parts.append(("CAST(confidence AS DOUBLE)" if "confidence" in columns else "NULL")
                 + " AS confidence")
    parts.append(("CAST(snapshot_ref AS VARCHAR)" if "snapshot_ref" in columns else "NULL")
                 + " AS snapshot_ref")
    return f"SELECT {', '.join(parts)} FROM {source}"


def canonical_cameras(cameras: pd.DataFrame) -> pd.DataFrame:
    """Camera registry, one row per camera_id (the last), with camera_id, lon, lat, road_id,
    road_name, township_code,
    county_adcode (``unknown`` when absent), status and h3_9 (int64, computed from lon/lat
    when absent). A camera without ``road_id`` gets a pseudo-segment: its road name, or its
    H3 res-8 cell (``h3r8:<cell>``) when it has no road name either."""
    c = cameras.copy()
    c["camera_id"] = c["camera_id"].astype(str)
    c = c.dropna(subset=["lon", "lat"])
    # A registry re-exported over time lists a camera more than once: keep its last row.
    c = c.drop_duplicates("camera_id", keep="last").reset_index(drop=True)
    for col in ("township_code", "county_adcode"):
        c[col] = c[col].astype(object).where(c[col].notna(), UNKNOWN) if col in c else UNKNOWN
    if "h3_9" not in c or c["h3_9"].isna().any():
        c["h3_9"] = [h3.str_to_int(h3.latlng_to_cell(la, lo, 9))
                     for lo, la in zip(c["lon"], c["lat"], strict=True)]
    c["h3_9"] = c["h3_9"].astype("int64")
    if "road_name" not in c:
        c["road_name"] = None
    if "road_id" not in c:
        c["road_id"] = None
    r8 = pd.Series([f"h3r8:{h3.cell_to_parent(h3.int_to_str(int(x)), 8)}" for x in c["h3_9"]],
                   index=c.index)
    c["road_id"] = c["road_id"].where(c["road_id"].notna(), c["road_name"]).where(
        lambda s: s.notna(), r8).astype(str)
    if "status" not in c:
        c["status"] = None
    return c


def canonical_audits(audits: pd.DataFrame) -> pd.DataFrame:
    """Audit rows with detection_id, camera_id, detected_violation, true_violation as codes
    (``reviewed_violation`` is accepted for ``true_violation``), one row per detection: a
    detection reviewed again (a re-sent or corrected review) keeps its last row, in
    ``source_file``/``source_row`` order when the ingest recorded them, else in row order; a
    detection counted twice would weigh twice in the precision and narrow its interval."""
    a = audits.rename(columns={"reviewed_violation": "true_violation"}).copy()
    order = [c for c in ("source_file", "source_row") if c in a]
    if order:
        a = a.sort_values(order, kind="stable")
    if "detected_violation" not in a and "violation" in a:
        a = a.rename(columns={"violation": "detected_violation"})
    for col in ("detected_violation", "true_violation"):
        a[col] = code_of(a[col].fillna("none"), VIOLATION_TYPES)
    a["detection_id"] = a["detection_id"].astype(str)
    a["camera_id"] = a["camera_id"].astype(str)
    a = a.drop_duplicates("detection_id", keep="last")
    known = set(VIOLATION_TYPES)
    return a[a["detected_violation"].isin(known) & a["true_violation"].isin(known)].reset_index(
        drop=True)


def canonical_audit_clips(clips: pd.DataFrame | None) -> pd.DataFrame | None:
    """Reviewed-clip counts with camera_id, violation (code), reviewed_passes, found_count,
    missed_count; None when absent or without ``found_count`` (recall then needs it). One
    row per camera, review day (``clip_date``, when present) and violation: a review sent
    again keeps its last row (``source_file``/``source_row`` order when present)."""
    if clips is None or clips.empty or "found_count" not in clips:
        return None
    c = clips.copy()
    order = [x for x in ("source_file", "source_row") if x in c]
    if order:
        c = c.sort_values(order, kind="stable")
    c["violation"] = code_of(c["violation"], VIOLATION_TYPES)
    c["camera_id"] = c["camera_id"].astype(str)
    for col in ("reviewed_passes", "found_count", "missed_count"):
        c[col] = pd.to_numeric(c.get(col, 0), errors="coerce").fillna(0).astype(np.int64)
    if "clip_date" in c:
        day = pd.to_datetime(c["clip_date"], errors="coerce", utc=True)
        day = day.dt.tz_convert("Asia/Shanghai").dt.normalize()
        keep = ~pd.DataFrame({"k": c["camera_id"], "d": day, "v": c["violation"]}).duplicated(
            keep="last").to_numpy() | day.isna().to_numpy()
        c = c[keep]
    return c.reset_index(drop=True)


def enrich_cameras(
    cameras: pd.DataFrame,
    grids: pd.DataFrame | None = None,
    counties: pd.DataFrame | None = None,
    roads: pd.DataFrame | None = None,
    *,
    max_road_distance_m: float = 150.0,
) -> pd.DataFrame:
    """Fill township_code (from grid polygons with a township_code), county_adcode (from
    county polygons with an ``adcode``) and road_id / road_name (nearest road centreline
    within ``max_road_distance_m``) for cameras that lack them. All inputs WGS-84
    GeoDataFrames; existing non-null values are kept."""
    import geopandas as gpd

    from geo.admin import assign_areas

    c = cameras.copy()
    lon, lat = c["lon"].to_numpy(float), c["lat"].to_numpy(float)
    if grids is not None and len(grids) and "township_code" in grids:
        tw = assign_areas(lon, lat, gpd.GeoDataFrame(grids, crs=4326), "township_code")
        c["township_code"] = c["township_code"].where(c["township_code"].notna(), tw) \
            if "township_code" in c else tw
    if counties is not None and len(counties):
        co = assign_areas(lon, lat, gpd.GeoDataFrame(counties, crs=4326), "adcode")
        c["county_adcode"] = c["county_adcode"].where(c["county_adcode"].notna(), co) \
            if "county_adcode" in c else co
    if roads is not None and len(roads) and "road_id" in roads:
        need = c["road_id"].isna() if "road_id" in c else pd.Series(True, index=c.index)
        if need.any():
            r = gpd.GeoDataFrame(roads[["road_id", "name", "geometry"]], crs=4326)
            pts = gpd.GeoDataFrame(c.loc[need, []], geometry=gpd.points_from_xy(
                lon[need.to_numpy()], lat[need.to_numpy()]), crs=4326)
            utm = pts.estimate_utm_crs()
            j = gpd.sjoin_nearest(pts.to_crs(utm), r.to_crs(utm), how="left",
                                  max_distance=max_road_distance_m)
            j = j[~j.index.duplicated()]
            if "road_id" not in c:
                c["road_id"] = None
            if "road_name" not in c:
                c["road_name"] = None
            c.loc[need, "road_id"] = j["road_id"].to_numpy()
            c.loc[need, "road_name"] = c.loc[need, "road_name"].where(
                c.loc[need, "road_name"].notna(), j["name"].to_numpy())
    return c
