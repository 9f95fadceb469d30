"""The unified analytic ``events`` table, built from the event-type feeds.

事件库：110 警情、刑事/治安案件、火灾、交通事故/违法、矛盾纠纷、网格事件、12345、电诈报案
统一为一张事件表。Columns: ``event_id`` (token of feed + record number), ``feed``, ``category``
(:data:`data_contracts.vocab.EVENT_CATEGORIES` code), ``label`` (the source's own category
text), ``occurred_at`` (UTC, tz-aware; the occurrence time when the feed has one, else the
report time), ``period`` (YYYY-MM, Asia/Shanghai), ``lon``/``lat`` (WGS-84), ``h3_<res>``
(int64), ``county_adcode``, ``township_code``, ``grid_id``, ``address_id``, ``match_score``,
``geometry`` (Point, EPSG:4326; None when unlocated).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from data_contracts import FeedContract
from data_contracts.vocab import EVENT_CATEGORIES
from fusion.pseudonymise import tokenise

EVENTS_TABLE = "events"

#: Keyword → category, tried in order on the source label (after exact vocabulary labels).
_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("入室", "burglary"),
    ("盗抢", "vehicle_theft"),
    ("盗窃车", "vehicle_theft"),
    ("车辆被盗", "vehicle_theft"),
    ("电动车被盗", "vehicle_theft"),
    ("诈骗", "fraud"),
    ("盗", "theft"),
    ("扒窃", "theft"),
    ("抢", "theft"),
    ("殴打", "assault"),
    ("伤害", "assault"),
    ("斗殴", "assault"),
    ("打架", "assault"),
    ("纠纷", "dispute"),
    ("矛盾", "dispute"),
    ("噪音", "dispute"),
    ("邻里", "dispute"),
    ("欠薪", "dispute"),
    ("火", "fire"),
    ("烟", "fire"),
    ("事故", "traffic_accident"),
    ("违法", "traffic_violation"),
    ("违停", "traffic_violation"),
    ("秩序", "public_order"),
    ("滋事", "public_order"),
    ("赌", "public_order"),
    ("吸毒", "public_order"),
    ("醉酒", "public_order"),
)


def categorise(labels: pd.Series) -> pd.Series:
    """Source category labels (中文 or codes) → EVENT_CATEGORIES codes; unknown → ``other``."""
    s = pd.Series(labels, copy=False).astype(object)
    exact = {zh: code for code, (zh, _en) in EVENT_CATEGORIES.items()}
    exact.update({code: code for code in EVENT_CATEGORIES})
    exact.update({en: code for code, (_zh, en) in EVENT_CATEGORIES.items()})
    out = s.map(exact)
    todo = out.isna() & s.notna()
    if todo.any():
        uniq = pd.unique(s[todo].astype(str))
        lut = {}
        for u in uniq:  # loop over distinct labels, not rows
            lut[u] = next((code for kw, code in _KEYWORDS if kw in u), "other")
        out[todo] = s[todo].astype(str).map(lut)
    return out.fillna("other").astype(object)


def build_events(
    rows: pd.DataFrame,
    contract: FeedContract,
    secret: str,
    grids: pd.DataFrame | None,
    counties: gpd.GeoDataFrame | None,
    h3_resolution: int = 9,
) -> gpd.GeoDataFrame:
    """Events of one feed's accepted analytic rows (see module doc); ``grids`` (grid_id,
    township_code, geometry) and ``counties`` (adcode, geometry) are WGS-84 areas or None."""
    h3c = f"h3_{h3_resolution}"
    n = len(rows)
    ec = contract.event_category or "other"
    if ec in EVENT_CATEGORIES:
        cat = pd.Series([ec] * n, dtype=object)
        label = pd.Series([None] * n, dtype=object)
    else:
        label = rows[ec].astype(object) if ec in rows else pd.Series([None] * n, dtype=object)
        cat = categorise(label)
    names = {f.name for f in contract.fields}
    when = rows["occurred_at"] if "occurred_at" in names else rows[contract.record_time]
    rec = rows[contract.primary_key[0]].astype(str)
    eid = tokenise(contract.feed_id + ":" + rec, secret, "event")
    lon = rows["lon"].to_numpy(dtype=float) if "lon" in rows else np.full(n, np.nan)
    lat = rows["lat"].to_numpy(dtype=float) if "lat" in rows else np.full(n, np.nan)
    ok = np.isfinite(lon) & np.isfinite(lat)
    geom = np.full(n, None, dtype=object)
    if ok.any():
        geom[ok] = shapely.points(lon[ok], lat[ok])
    grid_id = np.full(n, None, dtype=object)
    township = np.full(n, None, dtype=object)
    county = np.full(n, None, dtype=object)
    if ok.any() and grids is not None and len(grids) and "geometry" in grids:
        from geo.admin import assign_areas

        g = gpd.GeoDataFrame(grids, geometry="geometry", crs="EPSG:4326")
        grid_id = assign_areas(lon, lat, g, "grid_id")
        if "township_code" in g:
            lut = dict(zip(g["grid_id"], g["township_code"], strict=False))
            township = np.array([lut.get(x) for x in grid_id], dtype=object)
    if ok.any() and counties is not None:
        from geo.admin import assign_areas

        county = assign_areas(lon, lat, counties, "adcode")
    from geo.h3cells import points_to_cells

    h3v = rows[h3c].to_numpy() if h3c in rows else points_to_cells(lon, lat, h3_resolution)
    df = pd.DataFrame(
        {
            "event_id": eid.to_numpy(),
            "feed": contract.feed_id,
            "category": cat.to_numpy(),
            "label": label.to_numpy(),
            "occurred_at": when.to_numpy(),
            "period": rows["period"].to_numpy(),
            "lon": lon,
            "lat": lat,
            h3c: np.asarray(h3v, dtype=np.int64),
            "county_adcode": county,
            "township_code": township,
            "grid_id": grid_id,
            "address_id": rows["address_id"].to_numpy() if "address_id" in rows else None,
            "match_score": rows["match_score"].to_numpy(dtype=float)
            if "match_score" in rows
            else np.where(ok, 1.0, 0.0),
        }
    )
    df["occurred_at"] = pd.to_datetime(df["occurred_at"], utc=True)
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geom, crs="EPSG:4326"), crs="EPSG:4326")
