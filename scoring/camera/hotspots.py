"""Violation hotspots: Getis-Ord Gi* over H3 cells and road segments, FDR-controlled, per
violation type and time band; emerging-hotspot classes across weeks.

违法热点：按 H3 网格与路段计算 Getis-Ord Gi*（esda），Benjamini–Hochberg 控制错误发现率，
分违法类型、分时段（早高峰 / 日间 / 晚高峰 / 夜间）；按周的新兴热点分类。

Gi* is esda's ``G_Local(y, w, transform='B', star=True)`` with the analytical normal
z-score (permutation inference is available with ``permutations > 0``, slow at city scale).
p-values are two-sided; ``p_fdr`` are Benjamini–Hochberg adjusted p-values (q-values,
:func:`scipy.stats.false_discovery_control`) over all units of one (violation, band[, week]).
A unit is ``hot`` when z > 0 and p_fdr < alpha, ``cold`` when z < 0 and p_fdr < alpha.

Weights: H3 cells are neighbours when within ``k`` grid steps (``h3.grid_disk``) *among the
cells that have cameras* (a cell without cameras is unobserved, not zero). Road segments
(``road_id``) are neighbours when their geometries share an endpoint (when a roads
GeoDataFrame is given) or when their camera centroids are within ``distance_m``.
Units without any neighbour keep only their self-weight (Gi* of an island is its own
standardised value).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from functools import lru_cache

import h3
import libpysal
import numpy as np
import pandas as pd
from esda.getisord import G_Local
from numpy.typing import ArrayLike, NDArray
from scipy import stats
from scipy.spatial import cKDTree

from scoring.camera.indicators import TIME_BANDS, VIOLATIONS

__all__ = [
    "EMERGING_CLASSES",
    "camera_cells",
    "classify_emerging",
    "distance_weights",
    "emerging_hotspots",
    "endpoint_weights",
    "gi_star",
    "h3_weights",
    "hotspots_h3",
    "hotspots_road",
    "mann_kendall",
    "road_weights",
]

BANDS: tuple[str, ...] = tuple(b[0] for b in TIME_BANDS) + ("all",)

#: Emerging-hotspot classes (code, 中文, English definition). ``hot`` in a week = Gi* z > 0
#: and p_fdr < alpha in that week; ``share`` = fraction of weeks hot; trend = Mann-Kendall
#: on the weekly z-scores at ``trend_alpha``.
EMERGING_CLASSES: dict[str, tuple[str, str]] = {
    "new": ("新增热点", "hot in the final week and in no earlier week"),
    "intensifying": ("加剧热点", "hot in ≥90 % of weeks incl. the final one; z trending up"),
    "persistent": ("持续热点", "hot in ≥90 % of weeks incl. the final one; no significant trend"),
    "diminishing": ("减弱热点", "hot in ≥90 % of weeks incl. the final one; z trending down"),
    "historical": ("历史热点", "hot in ≥90 % of weeks but not in the final week"),
    "sporadic": ("零星热点", "hot in some weeks (on and off), none of the above"),
    "no_pattern": ("无热点", "never hot"),
}


# ----------------------------------------------------------------------------- weights

class _StableW(libpysal.weights.W):
    """A W whose transform setter is a no-op when the transform does not change.

    esda's G_Local sets ``w.transform`` on every call and libpysal's W then drops its cached
    sparse matrix, rebuilding it in Python each time (~0.07 s per call for 9,000 cells: most
    of the hotspot time at city scale, 75 calls). Results are identical."""

    def set_transform(self, value: str = "B") -> None:
        if getattr(self, "_transform", None) is not None and value.upper() == self._transform.upper():
            return
        super().set_transform(value)

    transform = property(libpysal.weights.W.get_transform, set_transform)


def _stable(w: libpysal.weights.W) -> _StableW:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = _StableW(w.neighbors, w.weights, id_order=w.id_order, silence_warnings=True)
        out.transform = "B"
    return out


def _w_from_neighbours(neigh: dict[int, list[int]], ids: Sequence[int]) -> libpysal.weights.W:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands are expected and handled by Gi*'s self-weight
        return libpysal.weights.W(neigh, id_order=list(ids), silence_warnings=True)


def h3_weights(cells: ArrayLike, k: int = 1) -> libpysal.weights.W:
    """Binary weights between H3 cells (int64 ids) within ``k`` grid steps of each other,
    restricted to the given cells; ids are the positions 0..n-1 in ``cells``."""
    cells = np.asarray(cells, dtype=np.int64)
    pos = {int(c): i for i, c in enumerate(cells)}
    neigh: dict[int, list[int]] = {}
    for i, c in enumerate(cells):
        ring = h3.grid_disk(h3.int_to_str(int(c)), k)
        neigh[i] = [j for j in (pos.get(h3.str_to_int(r)) for r in ring) if j is not None and j != i]
    return _w_from_neighbours(neigh, range(len(cells)))


def _local_metres(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Equirectangular metres around the mean latitude (fine for city-sized extents)."""
    r = 6_371_008.8
    lat0 = np.deg2rad(np.nanmean(lat))
    return np.column_stack([np.deg2rad(lon) * r * np.cos(lat0), np.deg2rad(lat) * r])


def distance_weights(lon: ArrayLike, lat: ArrayLike, distance_m: float) -> libpysal.weights.W:
    """Binary weights between points (WGS-84 degrees) closer than ``distance_m`` metres."""
    xy = _local_metres(np.asarray(lon, float), np.asarray(lat, float))
    pairs = cKDTree(xy).query_pairs(distance_m, output_type="ndarray")
    neigh: dict[int, list[int]] = {i: [] for i in range(len(xy))}
    for a, b in pairs:
        neigh[int(a)].append(int(b))
        neigh[int(b)].append(int(a))
    return _w_from_neighbours(neigh, range(len(xy)))


def endpoint_weights(geoms: Sequence, tolerance_m: float = 1.0) -> libpysal.weights.W:
    """Binary weights between line geometries (WGS-84) sharing an endpoint (within
    ``tolerance_m``)."""
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    starts = shapely.get_point(geoms, 0)
    ends = shapely.get_point(geoms, -1)
    pts = np.concatenate([starts, ends])
    xy = _local_metres(shapely.get_x(pts), shapely.get_y(pts))
    owner = np.concatenate([np.arange(n), np.arange(n)])
    pairs = cKDTree(xy).query_pairs(tolerance_m, output_type="ndarray")
    neigh: dict[int, set[int]] = {i: set() for i in range(n)}
    for a, b in pairs:
        i, j = int(owner[a]), int(owner[b])
        if i != j:
            neigh[i].add(j)
            neigh[j].add(i)
    return _w_from_neighbours({i: sorted(s) for i, s in neigh.items()}, range(n))


# ----------------------------------------------------------------------------- Gi*

def gi_star(y: ArrayLike, w: libpysal.weights.W, *, alpha: float = 0.05,
            permutations: int = 0, seed: int = 0) -> pd.DataFrame:
    """Getis-Ord Gi* of ``y`` (aligned with ``w.id_order``) with FDR control.

    Returns columns z, p (two-sided), p_fdr (BH-adjusted), class ('hot' | 'cold' | 'ns').
    A constant ``y`` gives z = 0, p = 1.
    """
    y = np.asarray(y, dtype=float)
    n = len(y)
    if n < 3 or np.allclose(y, y[0]) or y.sum() == 0:
        z, p = np.zeros(n), np.ones(n)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = G_Local(y, w, transform="B", star=True, permutations=permutations,
                        keep_simulations=False, n_jobs=1, seed=seed)
        z = np.nan_to_num(np.asarray(g.Zs, dtype=float))
        p = (np.asarray(g.p_sim, dtype=float) if permutations
             else np.clip(2 * stats.norm.sf(np.abs(z)), 0, 1))
    p_fdr = stats.false_discovery_control(p, method="bh") if n else p
    cls = np.where(p_fdr < alpha, np.where(z > 0, "hot", "cold"), "ns")
    return pd.DataFrame({"z": z, "p": p, "p_fdr": p_fdr, "class": cls})


def _value(df: pd.DataFrame, v: str, value: str) -> NDArray[np.float64]:
    if value == "count":
        return df[f"n_{v}"].to_numpy(float)
    if value == "rate":
        return (df[f"n_{v}"] / df["n_passes"].where(df["n_passes"] > 0)).fillna(0).to_numpy()
    raise ValueError("value must be 'count' or 'rate'")


def _with_bands(band_counts: pd.DataFrame, bands: Sequence[str]) -> pd.DataFrame:
    cols = ["n_passes"] + [f"n_{v}" for v in VIOLATIONS]
    allb = band_counts.groupby([c for c in band_counts.columns if c not in cols + ["band"]],
                               as_index=False)[cols].sum().assign(band="all")
    out = pd.concat([band_counts, allb], ignore_index=True)
    return out[out["band"].isin(bands)]


def camera_cells(cameras: pd.DataFrame, resolution: int = 9) -> pd.Series:
    """H3 cell (int64) of each camera at ``resolution`` (from ``h3_9`` or lon/lat)."""
    if "h3_9" in cameras.columns and resolution <= 9 and cameras["h3_9"].notna().all():
        c9 = cameras["h3_9"].astype("int64")
        if resolution == 9:
            return c9
        return c9.map(lambda c: h3.str_to_int(h3.cell_to_parent(h3.int_to_str(int(c)), resolution))
                      ).astype("int64")
    return pd.Series([h3.str_to_int(h3.latlng_to_cell(la, lo, resolution))
                      for lo, la in zip(cameras["lon"], cameras["lat"], strict=True)],
                     index=cameras.index, dtype="int64")


def _with_cells(band_counts: pd.DataFrame, cameras: pd.DataFrame, cell: pd.Series
                ) -> pd.DataFrame:
    """Attach each camera's cell (an inner join: int64 throughout — a float detour through
    ``Series.map`` with missing keys would corrupt 64-bit H3 ids)."""
    cc = pd.DataFrame({"camera_id": cameras["camera_id"].astype(str).to_numpy(),
                       "h3": cell.to_numpy(dtype=np.int64)})
    return band_counts.assign(camera_id=band_counts["camera_id"].astype(str)).merge(
        cc, on="camera_id", how="inner")


def _units_gi(agg: pd.DataFrame, unit: str, w: libpysal.weights.W, order: pd.Index,
              bands: Sequence[str], violations: Sequence[str], value: str, alpha: float,
              extra_keys: Sequence[str] = ()) -> pd.DataFrame:
    """Gi* per (extra keys, band, violation) over all units in ``order`` (missing = 0)."""
    # Self-weights added once here rather than by esda on every call (a W copy each time).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = _stable(libpysal.weights.fill_diagonal(w, 1.0))
    out = []
    for keys, g in agg.groupby(list(extra_keys) + ["band"], sort=True):
        cnt = ["n_passes"] + [f"n_{v}" for v in VIOLATIONS]
        g = g.set_index(unit)[cnt].reindex(order, fill_value=0)
        for v in violations:
            y = _value(g, v, value)
            r = gi_star(y, w, alpha=alpha)
            r.insert(0, unit, order.to_numpy())
            keys_t = keys if isinstance(keys, tuple) else (keys,)
            for k, kv in zip([*extra_keys, "band"], keys_t, strict=True):
                r[k] = kv
            r["violation"] = v
            r["value"] = y
            r["n_passes"] = g["n_passes"].to_numpy()
            out.append(r)
    cols = [unit, *extra_keys, "violation", "band", "value", "n_passes", "z", "p", "p_fdr",
            "class"]
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)


def hotspots_h3(
    band_counts: pd.DataFrame, cameras: pd.DataFrame, *, resolution: int = 9, k: int = 1,
    alpha: float = 0.05, value: str = "count", bands: Sequence[str] = BANDS,
    violations: Sequence[str] = VIOLATIONS,
) -> pd.DataFrame:
    """Gi* hotspots over the H3 cells that hold cameras.

    ``band_counts``: camera_id, band, n_passes, ``n_<violation>`` (weeks are summed), e.g.
    :func:`scoring.camera.indicators.band_week_counts`. ``value``: 'count' (violations in the
    cell over the period) or 'rate' (per pass). Columns: h3 (int64), violation, band, value,
    n_passes, n_cameras, z, p, p_fdr, class.
    """
    cell = camera_cells(cameras, resolution)
    cols = ["n_passes"] + [f"n_{v}" for v in VIOLATIONS]
    bc = _with_cells(band_counts, cameras, cell)
    agg = bc.groupby(["h3", "band"], as_index=False)[cols].sum()
    agg = _with_bands(agg, bands)
    order = pd.Index(np.sort(cell.unique()), name="h3")
    w = h3_weights(order.to_numpy(), k)
    res = _units_gi(agg, "h3", w, order, bands, violations, value, alpha)
    ncam = cell.value_counts()
    res.insert(res.columns.get_loc("n_passes") + 1, "n_cameras",
               res["h3"].map(ncam).fillna(0).astype(int))
    return res


def road_weights(cameras: pd.DataFrame, roads: pd.DataFrame | None = None,
                 distance_m: float = 400.0) -> tuple[pd.DataFrame, libpysal.weights.W]:
    """Road segments observed by cameras and their weights: shared endpoints when ``roads``
    (road_id, geometry) is given, else camera-centroid distance band. Returns the segment
    table (road_id, road_name, lon, lat, n_cameras) and the W aligned with it."""
    seg = (cameras.assign(road_id=cameras["road_id"].astype(str))
           .groupby("road_id", as_index=False)
           .agg(road_name=("road_name", "first") if "road_name" in cameras else ("road_id", "first"),
                lon=("lon", "mean"), lat=("lat", "mean"), n_cameras=("camera_id", "size"))
           .sort_values("road_id", ignore_index=True))
    if roads is not None and "geometry" in roads:
        g = roads.assign(road_id=roads["road_id"].astype(str)).drop_duplicates("road_id")
        g = g.set_index("road_id").reindex(seg["road_id"])
        if g["geometry"].notna().all():
            return seg, endpoint_weights(g["geometry"].to_numpy())
    return seg, distance_weights(seg["lon"].to_numpy(), seg["lat"].to_numpy(), distance_m)


def hotspots_road(
    band_counts: pd.DataFrame, cameras: pd.DataFrame, roads: pd.DataFrame | None = None, *,
    distance_m: float = 400.0, alpha: float = 0.05, value: str = "count",
    bands: Sequence[str] = BANDS, violations: Sequence[str] = VIOLATIONS,
) -> pd.DataFrame:
    """Gi* hotspots over road segments (``road_id``) with cameras. Columns: road_id,
    road_name, violation, band, value, n_passes, n_cameras, z, p, p_fdr, class."""
    seg, w = road_weights(cameras, roads, distance_m)
    cam_road = pd.Series(cameras["road_id"].astype(str).to_numpy(),
                         index=cameras["camera_id"].astype(str).to_numpy())
    cols = ["n_passes"] + [f"n_{v}" for v in VIOLATIONS]
    bc = band_counts.assign(road_id=band_counts["camera_id"].astype(str).map(cam_road))
    agg = bc.dropna(subset=["road_id"]).groupby(["road_id", "band"], as_index=False)[cols].sum()
    agg = _with_bands(agg, bands)
    order = pd.Index(seg["road_id"], name="road_id")
    res = _units_gi(agg, "road_id", w, order, bands, violations, value, alpha)
    s = seg.set_index("road_id")
    res.insert(1, "road_name", res["road_id"].map(s["road_name"]))
    res.insert(res.columns.get_loc("n_passes") + 1, "n_cameras", res["road_id"].map(s["n_cameras"]))
    return res


# ----------------------------------------------------------------------------- trends

@lru_cache(maxsize=64)
def _kendall_s_null(n: int) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Exact null distribution of Mann-Kendall S for n untied values: S = n(n−1)/2 − 2·inv,
    inversions counted by the Mahonian recursion."""
    counts = np.array([1.0])
    for m in range(2, n + 1):
        new = np.zeros(len(counts) + m - 1)
        for j in range(m):
            new[j:j + len(counts)] += counts
        counts = new
    inv = np.arange(len(counts))
    s = n * (n - 1) // 2 - 2 * inv
    return s, counts / counts.sum()


def mann_kendall(series: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Mann-Kendall trend test on each row of a (units × time) array.

    Returns (S, p): S = Σ_{i<j} sign(x_j − x_i) and the two-sided p-value, exact (no-ties
    null distribution) for n ≤ 30, normal approximation with continuity correction beyond.
    """
    x = np.atleast_2d(np.asarray(series, dtype=float))
    n = x.shape[1]
    i, j = np.triu_indices(n, 1)
    s = np.sign(x[:, j] - x[:, i]).sum(axis=1)
    if n < 3:
        return s, np.ones(len(s))
    if n <= 30:
        sv, pv = _kendall_s_null(n)
        m = n * (n - 1) // 2
        tail = np.array([pv[np.abs(sv) >= a].sum() for a in range(m + 1)])  # P(|S| >= a)
        p = tail[np.abs(s).astype(int)]
    else:
        var = n * (n - 1) * (2 * n + 5) / 18
        zz = (s - np.sign(s)) / np.sqrt(var)
        p = 2 * stats.norm.sf(np.abs(zz))
    return s, np.clip(p, 0, 1)


def classify_emerging(z: NDArray[np.float64], hot: NDArray[np.bool_], *,
                      trend_alpha: float = 0.1, persistent_share: float = 0.9) -> pd.DataFrame:
    """Emerging-hotspot class per row from weekly Gi* z (units × weeks) and hot flags
    (see :data:`EMERGING_CLASSES`). Columns: n_weeks_hot, share_hot, mk_s, mk_p, class."""
    n_w = z.shape[1]
    s, p = mann_kendall(z)
    nhot = hot.sum(axis=1)
    share = nhot / max(n_w, 1)
    final = hot[:, -1] if n_w else np.zeros(len(z), bool)
    mostly = share >= persistent_share
    up, down = (p < trend_alpha) & (s > 0), (p < trend_alpha) & (s < 0)
    cls = np.select(
        [final & (nhot == 1) & (n_w > 1),
         mostly & final & up, mostly & final & down, mostly & final,
         mostly & ~final, nhot > 0],
        ["new", "intensifying", "diminishing", "persistent", "historical", "sporadic"],
        default="no_pattern")
    return pd.DataFrame({"n_weeks_hot": nhot, "share_hot": share, "mk_s": s, "mk_p": p,
                         "class": cls})


def emerging_hotspots(
    band_counts: pd.DataFrame, cameras: pd.DataFrame, *, resolution: int = 9, k: int = 1,
    alpha: float = 0.05, trend_alpha: float = 0.1, value: str = "count",
    bands: Sequence[str] = ("all",), violations: Sequence[str] = VIOLATIONS,
) -> pd.DataFrame:
    """Emerging-hotspot classes of H3 cells across ISO weeks.

    Gi* is computed per week (``band_counts`` must have ``week_start``), FDR-controlled
    within each week; the weekly z-series of each cell get a Mann-Kendall trend test. With
    four weeks the smallest exact two-sided MK p-value is 1/12 ≈ 0.083, hence the default
    ``trend_alpha`` = 0.1. Columns: h3, violation, band, n_weeks, n_weeks_hot, share_hot,
    z_first, z_last, mk_s, mk_p, class.
    """
    cell = camera_cells(cameras, resolution)
    cols = ["n_passes"] + [f"n_{v}" for v in VIOLATIONS]
    bc = _with_cells(band_counts, cameras, cell)
    agg = bc.groupby(["h3", "week_start", "band"], as_index=False)[cols].sum()
    agg = _with_bands(agg, bands)
    order = pd.Index(np.sort(cell.unique()), name="h3")
    w = h3_weights(order.to_numpy(), k)
    weekly = _units_gi(agg, "h3", w, order, bands, violations, value, alpha,
                       extra_keys=("week_start",))
    out = []
    for (v, b), g in weekly.groupby(["violation", "band"], sort=True):
        zt = g.pivot(index="h3", columns="week_start", values="z").reindex(order).fillna(0)
        ht = (g.assign(hot=g["class"].eq("hot"))
              .pivot(index="h3", columns="week_start", values="hot")
              .reindex(index=order, columns=zt.columns).fillna(False).astype(bool))
        c = classify_emerging(zt.to_numpy(), ht.to_numpy(), trend_alpha=trend_alpha)
        c.insert(0, "h3", order.to_numpy())
        c.insert(1, "violation", v)
        c.insert(2, "band", b)
        c.insert(3, "n_weeks", zt.shape[1])
        c["z_first"] = zt.iloc[:, 0].to_numpy()
        c["z_last"] = zt.iloc[:, -1].to_numpy()
        out.append(c)
    cols_out = ["h3", "violation", "band", "n_weeks", "n_weeks_hot", "share_hot", "z_first",
                "z_last", "mk_s", "mk_p", "class"]
    return pd.concat(out, ignore_index=True)[cols_out] if out else pd.DataFrame(columns=cols_out)
