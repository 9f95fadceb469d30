"""The big streams, written chunk by chunk (one file per day) from the World iterators, never
materialised whole: ebike_detections, checkpoint_passes, hazmat_vehicle_gps (Parquet) and the
15-minute ebike_flow (CSV UTF-8, as the video-AI platform exports it).

Machine-generated streams carry no injected mess.  Row-level truth is not duplicated into
``_truth/records.parquet``: the detection stream's hidden truth (true violation) goes to
``_truth/ebike_detections/<file>`` keyed by ``detection_id``; checkpoint passes and GPS points
carry their true entity (plate) and WGS-84 position in the feed itself.

The detection feed holds what the video-AI platform reports: the rows with a detected
violation. The World's rows of passes whose true violation the detector missed
(``detected_violation == "none"``) are hidden truth: they are in ``_truth/ebike_detections/``
(``row_number`` = the feed row, NA for such misses) and feed the manual reviews
(``detection_audit_clips``), never the feed itself.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data_contracts.vocab import DELIVERY_PLATFORMS, VEHICLE_CLASSES, VIOLATION_TYPES
from synth.render._base import RenderContext, feed_rng
from synth.render._format import format_datetimes
from synth.specs import FEEDS, FeedSpec
from synth.writers import write_csv_fast, write_parquet


@dataclass
class StreamFile:
    feed_id: str
    file: str  # relative to OUT
    rows: int
    period: str


def _wall_day(ts: pd.Series) -> pd.Series:
    """YYYYMMDD of the Asia/Shanghai wall date (formats the few distinct days only:
    ``dt.strftime`` on 1.7 M timestamps took 9 s)."""
    day = ts.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None).to_numpy("datetime64[D]")
    uniq, inv = np.unique(day, return_inverse=True)
    lab = np.char.replace(np.datetime_as_string(uniq, unit="D"), "-", "").astype(object)
    return pd.Series(lab[inv.ravel()], index=ts.index)


def _department(df: pd.DataFrame, spec: FeedSpec) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    for c in spec.columns:
        v = df[c.field]
        if c.kind == "datetime" and spec.fmt == "csv":
            v = format_datetimes(v, spec.date_style)
        elif c.kind == "datetime":
            v = pd.to_datetime(v)
            if spec.date_style == "epoch_ms":
                v = v.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ms]").astype(
                    "int64")
            else:
                v = v.dt.tz_convert("Asia/Shanghai").astype("datetime64[ms, Asia/Shanghai]")
        out[c.header] = v.to_numpy() if not hasattr(v, "dt") else v
    return out.reset_index(drop=True)


def _detections(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    vc = {k: v[0] for k, v in VEHICLE_CLASSES.items()}
    vt = {k: v[0] for k, v in VIOLATION_TYPES.items()}
    dp = {k: v[0] for k, v in DELIVERY_PLATFORMS.items()}
    df["vehicle_class"] = df["vehicle_class"].map(vc).fillna(df["vehicle_class"])
    df["detected_violation"] = df["detected_violation"].map(vt).fillna(df["detected_violation"])
    df["is_delivery"] = np.where(df["is_delivery"].fillna(False).astype(bool), "是", "否")
    df["platform"] = df["platform"].map(dp).fillna("")
    df["plate_partial"] = df["plate_partial"].fillna("")
    return df


def _ebike(df: pd.DataFrame) -> pd.DataFrame:
    """The e-bike rows (all rows when the frame has no vehicle class)."""
    return df[df["vehicle_class"] == "ebike"] if "vehicle_class" in df else df


def _collect_audit(ctx: RenderContext, df: pd.DataFrame, day: str) -> None:
    """Draw the manual-review sample (detection_audit) from the detections actually written:
    0.2 % of each day's flagged e-bike detections (at least 20; a simple random sample, the
    design the calibration assumes), true label = review result."""
    d = _ebike(df)
    flagged = d[d["detected_violation"] != "none"]
    if len(flagged) == 0:
        return
    rng = feed_rng(ctx.seed, "detection_audit", day)
    k = min(len(flagged), max(20, int(0.002 * len(flagged))))
    take = np.sort(rng.choice(len(flagged), k, replace=False))
    pool = ctx._cache.setdefault("audit_pool", [])
    pool.append(flagged.iloc[take][["detection_id", "camera_id", "detected_violation",
                                    "true_violation"]])


def _day_passes(ctx: RenderContext, day: str, cams: np.ndarray) -> pd.Series | None:
    """E-bike passes per camera on wall day ``day`` (YYYYMMDD) from ``World._day_flow``;
    None when the World has no such generator or the day is outside its window."""
    day_flow = getattr(ctx.world, "_day_flow", None)
    if day_flow is None:
        return None
    k = (pd.Timestamp(day) - ctx.start.tz_localize(None).normalize()).days
    if not 0 <= k < int(ctx.world.params["days"]):
        return None
    flow = day_flow(k)[0]
    return (flow.groupby("camera_id")["n_ebike"].sum()
            .reindex(cams, fill_value=0).astype(np.int64))


def _collect_audit_clips(ctx: RenderContext, df: pd.DataFrame, day: str) -> None:
    """Draw the reviewed-clip miss counts (detection_audit_clips) from one day's detection
    rows: ~1 % of that day's cameras (at least 5), every violation type; per camera and type
    ``found`` = true & detected == type, ``missed`` = true == type & detected != type (not
    reported, or reported as another type: either way the type's recall loses it). The
    reviewers count e-bikes only (tricycles and motorcycles are not the e-bike algorithm's
    passes), over the camera's whole day.
    ``reviewed_passes`` is the camera's e-bike flow that day (sum of the World's 15-min
    ``n_ebike`` for that day, recomputed from the World's deterministic per-day flow); for a
    World without per-day flow it falls back to the number of detection rows (violation rows
    only: an undercount of passes)."""
    df = _ebike(df)
    if len(df) == 0:
        return
    cams = np.unique(df["camera_id"].to_numpy(str))
    rng = feed_rng(ctx.seed, "detection_audit_clips", day)
    k = min(len(cams), max(5, round(0.01 * len(cams))))
    chosen = np.sort(rng.choice(cams, k, replace=False))
    d = df.loc[df["camera_id"].isin(chosen), ["camera_id", "true_violation",
                                               "detected_violation"]]
    passes = _day_passes(ctx, day, chosen)
    if passes is None:  # a World without per-day flow: the rows the camera produced
        passes = d.groupby("camera_id").size().reindex(chosen, fill_value=0)
    types = np.array([v for v in VIOLATION_TYPES if v != "none"], dtype=object)
    tv, dv = d["true_violation"].to_numpy(object), d["detected_violation"].to_numpy(object)
    found = d.loc[tv == dv].groupby(["camera_id", "true_violation"]).size()
    missed = d.loc[(tv != "none") & (dv != tv)].groupby(["camera_id", "true_violation"]).size()
    grid = pd.MultiIndex.from_product([chosen, types], names=["camera_id", "violation"])
    out = pd.DataFrame({
        "camera_id": grid.get_level_values(0).to_numpy(object),
        "clip_date": pd.Timestamp(day).tz_localize("Asia/Shanghai"),
        "violation": grid.get_level_values(1).to_numpy(object),
        "reviewed_passes": passes.reindex(grid.get_level_values(0)).to_numpy(np.int64),
        "found_count": found.reindex(grid, fill_value=0).to_numpy(np.int64),
        "missed_count": missed.reindex(grid, fill_value=0).to_numpy(np.int64),
    })
    ctx._cache.setdefault("audit_clips_pool", []).append(out)


def _iterators(ctx: RenderContext) -> dict[str, Callable[..., Iterator[pd.DataFrame]]]:
    w = ctx.world
    return {
        "ebike_detections": w.iter_ebike_detections,
        "checkpoint_passes": w.iter_checkpoint_passes,
        "hazmat_vehicle_gps": w.iter_hazmat_gps,
        "ebike_flow": w.iter_ebike_flow,
    }


def _chunks(fn: Callable[..., Iterator[pd.DataFrame]], days: list[int] | None) -> Iterator[pd.DataFrame]:
    """One-day chunks of a World stream: only ``days`` (indexes into the window) when the
    World can generate single days (every stream is deterministic per day), else all of it."""
    if days is not None and "days" in inspect.signature(fn).parameters:
        for d in days:
            yield from fn(days=[d])
    elif "chunk_days" in inspect.signature(fn).parameters:
        yield from fn(chunk_days=1)
    else:
        yield from fn()


def render_stream(ctx: RenderContext, feed_id: str, out: Path,
                  max_days: int | None = None) -> list[StreamFile]:
    """Write one big stream as day files ``OUT/<feed>/<feed>_<YYYYMMDD>.parquet``.

    ``max_days`` limits how many distinct days are written: the LAST days of the window, so
    the streams (camera detections and flow, checkpoint passes, hazmat GPS) cover the same
    recent weeks the risk scores and the report are about.
    """
    spec = FEEDS[feed_id]
    folder = out / feed_id
    folder.mkdir(parents=True, exist_ok=True)
    truth_dir = out / "_truth" / feed_id
    files: list[StreamFile] = []
    days_seen: list[str] = []
    pending: dict[str, list[pd.DataFrame]] = {}

    def flush(day: str) -> None:
        parts = pending.pop(day)
        df = pd.concat(parts, ignore_index=True)
        tcol = spec.period_field or "ts"
        if not df[tcol].is_monotonic_increasing:
            df = df.sort_values([tcol, spec.columns[0].field], kind="stable")
        df = df.reset_index(drop=True)
        name = spec.file_pattern.format(feed_id=feed_id, period=day, ext=spec.ext)
        if feed_id == "ebike_detections":
            truth_dir.mkdir(parents=True, exist_ok=True)
            keep = [c for c in ("detection_id", "camera_id", "vehicle_id", "true_violation",
                                "detected_violation", "vehicle_class", "is_delivery",
                                "platform") if c in df]
            t = df[keep].copy()
            _collect_audit(ctx, df, day)
            _collect_audit_clips(ctx, df, day)
            reported = (df["detected_violation"] != "none").to_numpy()
            rn = pd.array(np.cumsum(reported), dtype="Int64")  # the feed's row number
            rn[~reported] = pd.NA  # a miss: not in the feed
            t.insert(0, "row_number", rn)
            write_parquet(truth_dir / name, t)
            df = _detections(df.loc[reported].reset_index(drop=True))
        dep = _department(df, spec)
        if spec.fmt == "csv":
            write_csv_fast(folder / name, dep, spec.encoding or "utf-8")
        else:
            write_parquet(folder / name, dep)
        files.append(StreamFile(feed_id, f"{feed_id}/{name}", len(df), day))

    n_days = max(int((ctx.end - ctx.start) / pd.Timedelta(days=1)), 0)
    wanted = None if max_days is None else list(range(max(n_days - max_days, 0), n_days))
    first_day = "" if wanted is None or not wanted else (
        (ctx.start + pd.Timedelta(days=wanted[0])).strftime("%Y%m%d"))
    if wanted is not None and not wanted:
        return files
    for chunk in _chunks(_iterators(ctx)[feed_id], wanted):
        if chunk is None or len(chunk) == 0:
            continue
        tcol = spec.period_field or "ts"
        day = _wall_day(chunk[tcol])
        for d, part in chunk.groupby(day.to_numpy(), sort=True):
            if d < first_day:
                continue  # a World that cannot skip days: before the last max_days
            if d not in days_seen:
                if max_days is not None and len(days_seen) >= max_days:
                    continue
                days_seen.append(d)
            pending.setdefault(d, []).append(part)
        # a day is complete once a later day has started
        for d in sorted(pending):
            if d < max(pending):
                flush(d)
        if max_days is not None and len(days_seen) >= max_days:
            break  # the iterators yield one day per chunk, in order: nothing more to write
    for d in sorted(pending):
        flush(d)
    return files
