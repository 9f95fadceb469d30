"""The synthetic city: one coherent World (synth.world) rendered as every department feed of
``shared/FEEDS.md`` (synth.render, synth.mess, synth.writers), with ground truth.

Public entry point: :func:`generate`.  Output layout::

    OUT/<feed_id>/<feed_id>_<period>.<ext>     one file per period (see synth.specs.FeedSpec.split)
    OUT/_truth/records.parquet                 feed, file, row_number, entity_type, entity_id, ...
    OUT/_truth/positions.parquet               feed, file, row_number, lon, lat (true WGS-84)
    OUT/_truth/injected_errors.parquet         feed, file, row_number, field, kind, clean_value,
                                               messy_value, expect (accept | quarantine)
    OUT/_truth/intensity.parquet, persons.parquet, addresses.parquet, events.parquet,
    OUT/_truth/true_violation_rates.parquet, OUT/_truth/ebike_detections/*.parquet
    OUT/manifest.json                          files, row counts, seed, params, mess rates,
                                               volumes (synth.config.VolumeConfig)

Each department delivers an extract of the World (``VolumeConfig``: records per feed at scale
1.0, ≈ 520 k registry/event records in all; see ``synth/world/README.md`` "Volumes").

``row_number`` is 1-based, header excluded, counting records as a reader sees them (see
:mod:`synth.mess`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synth.config import MESS_KINDS, MessConfig, VolumeConfig
from synth.render._base import apply_volume
from synth.specs import FEEDS, FeedSpec

__all__ = ["GenerateResult", "MessConfig", "VolumeConfig", "apply_volume", "generate",
           "render_world"]

ProgressFn = Callable[[str, int, int], None]


@dataclass
class GenerateResult:
    """What :func:`generate` wrote."""

    out: Path
    files: list[dict[str, Any]] = field(default_factory=list)  # file, feed, period, rows
    rows_by_feed: dict[str, int] = field(default_factory=dict)
    n_errors: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows_by_feed.values())


def generate(city: str = "430900", days: int = 120, seed: int = 7, scale: float = 0.05,
             out: str | Path = "synth_out", start: dt.date | None = None,
             mess: MessConfig | None = None, *, streams_days: int | None = None,
             feeds: Sequence[str] | None = None, world: Any = None,
             progress: ProgressFn | None = None,
             volumes: VolumeConfig | None = None) -> GenerateResult:
    """Build the World (``synth.world.build_world``) and render every feed into ``out``.

    ``volumes``: records per feed at scale 1.0 (default :class:`synth.config.VolumeConfig`,
    ≈ 520 k registry/event records at scale 1.0; ``VolumeConfig.unlimited()`` = everything the
    World holds).

    ``streams_days`` limits the big streams (ebike_detections, checkpoint_passes,
    hazmat_vehicle_gps, ebike_flow) to their last N days (None = the whole window); ``feeds`` renders a
    subset; ``world`` renders a World built elsewhere instead of building one.
    Deterministic: the same arguments give byte-identical files.
    """
    import time

    t0 = time.perf_counter()
    if world is None:
        from synth.world import build_world

        kw: dict[str, Any] = {"city": city, "days": days, "seed": seed, "scale": scale}
        if start is not None:
            kw["start"] = start
        world = build_world(**kw)
    t_world = time.perf_counter() - t0
    res = render_world(world, out, seed=seed, mess=mess, streams_days=streams_days,
                       feeds=feeds, progress=progress, city=city, volumes=volumes)
    res.seconds["world"] = t_world
    return res


def _period_labels(canon: pd.DataFrame, spec: FeedSpec, snapshot: str) -> np.ndarray:
    if spec.split == "snapshot" or not spec.period_field or len(canon) == 0:
        return np.full(len(canon), snapshot, dtype=object)
    v = canon[spec.period_field]
    if spec.col(spec.period_field).kind == "month":
        return v.astype(str).str[:6].to_numpy(object)
    ts = pd.to_datetime(v)
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    ok = ts.notna().to_numpy()
    lab = np.full(len(ts), snapshot, dtype=object)
    unit = "M" if spec.split == "month" else "D"
    txt = np.datetime_as_string(ts.to_numpy("datetime64[s]")[ok].astype(f"datetime64[{unit}]"))
    lab[ok] = np.char.replace(txt, "-", "").astype(object)
    return lab


def _write_file(spec: FeedSpec, path: Path, part: pd.DataFrame, canon: pd.DataFrame,
                raw_cells: set[tuple[int, str]], truncated: set[int]) -> None:
    from synth.writers import write_csv, write_geojson, write_jsonl, write_xlsx

    fields = [c.field for c in spec.columns]
    headers = [c.header for c in spec.columns]
    rows = part[fields].to_numpy(object).tolist()
    rids = part.index.to_numpy()
    if spec.fmt == "csv":
        pos = {f: j for j, f in enumerate(fields)}
        raw: dict[int, dict[int, str]] = {}
        where = {int(r): i for i, r in enumerate(rids)} if raw_cells else {}
        for r, f in sorted(raw_cells):
            i = where.get(r)
            if i is not None:
                raw.setdefault(i, {})[pos[f]] = str(part.iloc[i][f])
        write_csv(path, headers, rows, spec.encoding or "utf-8", raw)
    elif spec.fmt == "xlsx":
        write_xlsx(path, headers, rows, sheet=spec.name_zh.split(" ")[0],
                   creator=spec.department)
    elif spec.fmt == "jsonl":
        trunc = {i for i, r in enumerate(rids) if int(r) in truncated}
        write_jsonl(path, headers, rows, trunc, spec.encoding or "utf-8")
    elif spec.fmt == "geojson":
        if "_geometry" in canon:
            geoms = canon["_geometry"].iloc[part["_src"].to_numpy(int)].tolist()
        else:
            from shapely import points

            src = part["_src"].to_numpy(int)
            geoms = list(points(canon["lon"].to_numpy(float)[src],
                                canon["lat"].to_numpy(float)[src]))
        write_geojson(path, headers, rows, geoms)
    else:  # parquet (non-stream)
        from synth.writers import write_parquet

        write_parquet(path, pd.DataFrame(rows, columns=headers).astype(str))


def render_feed(ctx: Any, spec: FeedSpec, out: Path, cfg: MessConfig, city: str,
                volumes: VolumeConfig | None = None
                ) -> tuple[list[dict[str, Any]], pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Render one (non-stream) feed: files + truth (records, positions, injected errors).
    ``volumes`` caps the records the department delivers (None: everything)."""
    from synth.mess import inject, layout
    from synth.render import RENDERERS
    from synth.render._base import feed_rng
    from synth.render._format import to_department_values

    cap = None
    if volumes is not None:
        scale = float((getattr(ctx.world, "params", {}) or {}).get("scale", 1.0))
        days = None if spec.split == "snapshot" else round((ctx.end - ctx.start).days)
        cap = volumes.cap(spec.feed_id, scale, days)
    if cap is None:
        ctx.caps.pop(spec.feed_id, None)
    else:
        ctx.caps[spec.feed_id] = cap
    canon = RENDERERS[spec.feed_id](ctx).reset_index(drop=True)
    if cap is not None:
        canon = apply_volume(canon, cap, feed_rng(ctx.seed, spec.feed_id, "volume"),
                             volumes.sample_by.get(spec.feed_id))
    vals = to_department_values(canon, spec)
    rng = feed_rng(ctx.seed, spec.feed_id, "mess")
    m = inject(vals, canon, spec, cfg, rng, ctx.addr, ctx.city_name, city)
    periods = _period_labels(canon, spec, ctx.snapshot_label)
    bad = set(m.log.loc[m.log["expect"] == "quarantine", "_rid"].astype(int).tolist())
    laid, log2, labels = layout(m.values, canon, periods, spec, cfg, rng, bad)
    # copies inherit the noise of the record they copy
    src = laid["_src"].to_numpy(int)
    copy_rids = laid.index.to_numpy()[laid.index.to_numpy() != src]
    inherited = []
    if len(copy_rids) and len(m.log):
        cmap = pd.Series(copy_rids, index=src[laid.index.to_numpy() != src])
        inh = m.log[m.log["_rid"].isin(cmap.index)]
        inh = inh.merge(pd.DataFrame({"_rid": cmap.index, "_copy": cmap.to_numpy()}), on="_rid")
        inh["_rid"] = inh.pop("_copy")
        inherited.append(inh)
    log = pd.concat([m.log, log2, *inherited], ignore_index=True)

    folder = out / spec.feed_id
    folder.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, Any]] = []
    placed = []
    for label in labels:
        part = laid[laid["_file_period"] == label].sort_values("_order", kind="stable")
        if len(part) == 0:
            continue
        name = spec.file_pattern.format(feed_id=spec.feed_id, period=label, ext=spec.ext)
        _write_file(spec, folder / name, part, canon, m.raw_cells, m.truncated)
        rel = f"{spec.feed_id}/{name}"
        files.append({"feed": spec.feed_id, "file": rel, "period": str(label),
                      "rows": len(part), "format": spec.fmt,
                      "encoding": spec.encoding, "coords": spec.coords})
        placed.append(pd.DataFrame({"_rid": part.index.to_numpy(), "_src": part["_src"].to_numpy(),
                                    "file": rel, "row_number": np.arange(1, len(part) + 1)}))
    where = (pd.concat(placed, ignore_index=True) if placed else
             pd.DataFrame(columns=["_rid", "_src", "file", "row_number"]))
    srcs = where["_src"].to_numpy(int)
    records = pd.DataFrame({
        "feed": spec.feed_id, "file": where["file"].to_numpy(object),
        "row_number": where["row_number"].to_numpy("int64"), "entity_type": spec.entity_type,
        "entity_id": canon["_entity_id"].to_numpy(object)[srcs].astype(str)
        if len(canon) else np.array([], dtype=object),
        "person_ids": canon["_person_ids"].to_numpy(object)[srcs] if len(canon)
        else np.array([], dtype=object),
        "is_duplicate": where["_rid"].to_numpy(int) != srcs,
    })
    lon = canon["_true_lon"].to_numpy(float)[srcs] if len(canon) else np.array([])
    lat = canon["_true_lat"].to_numpy(float)[srcs] if len(canon) else np.array([])
    ok = ~np.isnan(lon)
    positions = pd.DataFrame({"feed": spec.feed_id, "file": records["file"].to_numpy()[ok],
                              "row_number": records["row_number"].to_numpy()[ok],
                              "lon": lon[ok], "lat": lat[ok]})
    errors = log.merge(where[["_rid", "file", "row_number"]], on="_rid", how="inner")
    errors.insert(0, "feed", spec.feed_id)
    errors = errors[["feed", "file", "row_number", "field", "kind", "clean_value",
                     "messy_value", "expect"]].sort_values(["file", "row_number", "field",
                                                            "kind"], kind="stable")
    return files, records, positions, errors


def _context(world: Any, seed: int) -> Any:
    from synth.render._base import RenderContext, build_address_components

    params = getattr(world, "params", {}) or {}
    start = pd.Timestamp(params.get("start", world.events["occurred_at"].min().date()))
    start = start.tz_localize("Asia/Shanghai") if start.tzinfo is None else start
    start = start.normalize()
    days = int(params.get("days", 120))
    end = start + pd.Timedelta(days=days)
    addr, city_name = build_address_components(world)
    return RenderContext(world=world, seed=seed, start=start, end=end,
                         snapshot_label=(end - pd.Timedelta(days=1)).strftime("%Y%m%d"),
                         city_name=city_name, addr=addr)


def render_world(world: Any, out: str | Path, *, seed: int = 7, mess: MessConfig | None = None,
                 streams_days: int | None = None, feeds: Sequence[str] | None = None,
                 progress: ProgressFn | None = None, city: str = "430900",
                 volumes: VolumeConfig | None = None) -> GenerateResult:
    """Render the feeds of an already-built World into ``out`` (see :func:`generate`;
    ``volumes`` None = the default :class:`VolumeConfig`)."""
    import time

    from synth.render import STREAM_FEEDS
    from synth.render.streams import render_stream
    from synth.writers import write_parquet

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "_truth").mkdir(exist_ok=True)
    cfg = mess or MessConfig()
    vol = volumes or VolumeConfig()
    ctx = _context(world, seed)
    res = GenerateResult(out=out)
    wanted = list(feeds) if feeds is not None else list(FEEDS)
    recs, poss, errs = [], [], []
    for k, fid in enumerate(wanted):
        t0 = time.perf_counter()
        if progress:
            progress(fid, k, len(wanted))
        spec = FEEDS[fid]
        if fid in STREAM_FEEDS:
            sf = render_stream(ctx, fid, out, streams_days)
            res.files += [{"feed": fid, "file": f.file, "period": f.period, "rows": f.rows,
                           "format": spec.fmt, "encoding": None, "coords": spec.coords}
                          for f in sf]
            res.rows_by_feed[fid] = sum(f.rows for f in sf)
        else:
            files, r, p, e = render_feed(ctx, spec, out, cfg, city, vol)
            res.files += files
            res.rows_by_feed[fid] = len(r)
            recs.append(r)
            poss.append(p)
            errs.append(e)
        res.seconds[fid] = time.perf_counter() - t0
    if progress:
        progress("_truth", len(wanted), len(wanted))
    t0 = time.perf_counter()
    truth = out / "_truth"
    records = pd.concat(recs, ignore_index=True) if recs else pd.DataFrame()
    write_parquet(truth / "records.parquet", records)
    write_parquet(truth / "positions.parquet",
                  pd.concat(poss, ignore_index=True) if poss else pd.DataFrame())
    errors = (pd.concat(errs, ignore_index=True) if errs else
              pd.DataFrame(columns=["feed", "file", "row_number", "field", "kind",
                                    "clean_value", "messy_value", "expect"]))
    errors = errors.astype({"clean_value": str, "messy_value": str})
    write_parquet(truth / "injected_errors.parquet", errors)
    res.n_errors = len(errors)
    _write_world_truth(world, truth, write_parquet)
    manifest = {
        "generator": "pingan synth", "seed": seed, "city": city,
        "params": {k: (str(v) if not isinstance(v, int | float | str | bool | None) else v)
                   for k, v in (getattr(world, "params", {}) or {}).items()},
        "streams_days": streams_days,
        "mess": cfg.model_dump(),
        "volumes": vol.model_dump(),
        "mess_kinds": MESS_KINDS,
        "row_number": "1-based data record index as a reader counts it, header excluded "
                      "(CSV records not lines; XLSX sheet row - 1; JSONL line; GeoJSON "
                      "feature index + 1; Parquet row index + 1)",
        "files": res.files,
        "rows_by_feed": res.rows_by_feed,
        "truth": sorted(p.name for p in truth.iterdir()),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1,
                                                  default=str), encoding="utf-8")
    res.seconds["_truth"] = time.perf_counter() - t0
    return res


def _write_world_truth(world: Any, truth: Path, write_parquet: Callable[..., None]) -> None:
    """World tables useful for scoring (person ids only; no personal attributes)."""
    p = world.persons
    keep = [c for c in ("person_id", "household_id", "current_house_id", "is_floating",
                        "delivery_platform", "smi", "community_correction",
                        "released_prisoner", "low_income", "elderly_alone") if c in p]
    write_parquet(truth / "persons.parquet", p[keep].copy())
    a = pd.DataFrame(world.addresses).drop(columns=["geometry"], errors="ignore")
    write_parquet(truth / "addresses.parquet", a)
    h = world.houses
    write_parquet(truth / "houses.parquet", pd.DataFrame(h).drop(columns=["geometry"],
                                                                errors="ignore"))
    u = pd.DataFrame(world.units).drop(columns=["geometry"], errors="ignore")
    write_parquet(truth / "units.parquet", u)
    ev = pd.DataFrame(world.events).drop(columns=["geometry"], errors="ignore").copy()
    for c in ("person_ids", "channels"):
        if c in ev:
            ev[c] = ev[c].map(lambda x: [str(v) for v in x] if x is not None else [])
    write_parquet(truth / "events.parquet", ev)
    write_parquet(truth / "intensity.parquet", pd.DataFrame(world.intensity))
    tvr = getattr(world, "true_violation_rates", None)
    if tvr is not None:
        write_parquet(truth / "true_violation_rates.parquet", pd.DataFrame(tvr))
    cams = pd.DataFrame(world.cameras).drop(columns=["geometry"], errors="ignore")
    write_parquet(truth / "cameras.parquet", cams)
    outages = getattr(world, "camera_outages", None)
    if outages is not None:
        write_parquet(truth / "camera_outages.parquet", pd.DataFrame(outages))
