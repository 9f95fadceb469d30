"""Video platform and video-AI feeds: camera registry, 15-minute e-bike flow, audit sample,
delivery riders (platform filings)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_contracts.vocab import DELIVERY_PLATFORMS, VIOLATION_TYPES
from synth.render._base import RenderContext, finish, to_list_column

_DIR = {"N": "北向", "S": "南向", "E": "东向", "W": "西向", "NE": "东北向", "NW": "西北向",
        "SE": "东南向", "SW": "西南向"}


def camera_registry(ctx: RenderContext) -> pd.DataFrame:
    c = ctx.world.cameras.sort_values("camera_id", kind="stable")
    df = pd.DataFrame({
        "camera_id": c["camera_id"].to_numpy(), "name": c["name"].to_numpy(),
        "lon": c["lon"].to_numpy(float), "lat": c["lat"].to_numpy(float),
        "direction": c["direction"].map(_DIR).fillna(c["direction"]).to_numpy(),
        "install_date": pd.to_datetime(c["install_date"]).to_numpy(),
        "has_ebike_algo": np.where(c["has_ebike_algo"].astype(bool), "是", "否"),
    })
    return finish(df, c["camera_id"], lon=df["lon"].to_numpy(), lat=df["lat"].to_numpy())


def _vio_zh(v: pd.Series) -> np.ndarray:
    return v.map(lambda x: VIOLATION_TYPES.get(x, (x,))[0]).to_numpy(object)


def detection_audit(ctx: RenderContext) -> pd.DataFrame:
    """Review sample of the detections rendered in this run (collected by the stream writer);
    ``World.audit_sample`` when the detections stream was not rendered."""
    pool = ctx._cache.get("audit_pool")
    if pool:
        a = pd.concat(pool, ignore_index=True)
    else:
        n = max(50, int(2000 * float(ctx.world.params.get("scale", 0.05))))
        a = ctx.world.audit_sample(n)
    a = a.sort_values("detection_id", kind="stable")
    df = pd.DataFrame({
        "detection_id": a["detection_id"].to_numpy(), "camera_id": a["camera_id"].to_numpy(),
        "detected_violation": _vio_zh(a["detected_violation"]),
        "reviewed_violation": _vio_zh(a["true_violation"]),
    })
    return finish(df, a["detection_id"])


def detection_audit_clips(ctx: RenderContext) -> pd.DataFrame:
    """Reviewed-clip miss counts per camera, review day and violation type, collected by the
    stream writer from the detections it wrote (see ``streams._collect_audit_clips``); when
    the detections stream was not rendered, the same draw on the World's first 3 days."""
    from synth.render.streams import _collect_audit_clips, _wall_day  # no cycle: streams
    # does not import this module

    pool = ctx._cache.get("audit_clips_pool")
    if not pool:
        for k, d in enumerate(ctx.world.iter_ebike_detections(chunk_days=1)):
            if k >= 3:
                break
            if len(d) == 0:
                continue
            lab = _wall_day(d["ts"])
            for day, part in d.groupby(lab.to_numpy(), sort=True):
                _collect_audit_clips(ctx, part, day)
        pool = ctx._cache.get("audit_clips_pool", [])
    if pool:
        a = pd.concat(pool, ignore_index=True)
        # a day split over two World days is collected twice: add the halves up
        a = a.groupby(["camera_id", "clip_date", "violation"], as_index=False, sort=True).agg(
            reviewed_passes=("reviewed_passes", "sum"), found_count=("found_count", "sum"),
            missed_count=("missed_count", "sum"))
    else:
        a = pd.DataFrame({"camera_id": pd.Series([], dtype=object),
                          "clip_date": pd.Series([], dtype="datetime64[ns, Asia/Shanghai]"),
                          "violation": pd.Series([], dtype=object),
                          "reviewed_passes": pd.Series([], dtype=np.int64),
                          "found_count": pd.Series([], dtype=np.int64),
                          "missed_count": pd.Series([], dtype=np.int64)})
    df = pd.DataFrame({
        "camera_id": a["camera_id"].to_numpy(object), "clip_date": a["clip_date"],
        "violation": _vio_zh(a["violation"]),
        "reviewed_passes": a["reviewed_passes"].to_numpy(np.int64),
        "found_count": a["found_count"].to_numpy(np.int64),
        "missed_count": a["missed_count"].to_numpy(np.int64),
    })
    return finish(df, a["camera_id"])


def delivery_riders(ctx: RenderContext) -> pd.DataFrame:
    p = ctx.world.persons
    p = p[p["delivery_platform"].notna()].sort_values("person_id", kind="stable")
    v = ctx.world.vehicles
    eb = v[(v["kind"] == "ebike") & v["owner_person_id"].notna()].drop_duplicates(
        "owner_person_id").set_index("owner_person_id")["plate"]
    df = pd.DataFrame({
        "name": p["name"].to_numpy(), "phone": p["phone"].to_numpy(),
        "id_number": p["id_number"].to_numpy(),
        "platform": p["delivery_platform"].map(
            lambda k: DELIVERY_PLATFORMS.get(k, (k,))[0]).to_numpy(),
        "plate": p["person_id"].map(eb).fillna("").to_numpy(),
    })
    return finish(df, p["person_id"], persons=to_list_column(p["person_id"]))


