"""Shared helpers of the feed renderers: per-feed RNG, lookups into the World, formatting.

Renderers return a *canonical frame*: one row per record, columns named by the canonical
fields of :mod:`synth.specs` holding typed, clean, true values (timestamps tz-aware
Asia/Shanghai, coordinates true WGS-84), plus truth columns prefixed ``_``:
``_entity_id`` (true id of what the record stands for), ``_person_ids`` (list of the persons
the record names, in field order), ``_true_lon``/``_true_lat`` (true WGS-84 position or NaN),
``_address_id``/``_room`` (standard address behind an ``address`` field, for address styles).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

TZ = "Asia/Shanghai"


def feed_rng(seed: int, feed_id: str, salt: str = "") -> np.random.Generator:
    """Deterministic generator of one feed (independent of render order)."""
    return np.random.default_rng([seed, zlib.crc32(f"{feed_id}/{salt}".encode())])


@dataclass
class RenderContext:
    """What every renderer needs besides the World."""

    world: Any
    seed: int
    start: pd.Timestamp  # first day of the world (tz-aware midnight)
    end: pd.Timestamp  # day after the last day (tz-aware midnight)
    snapshot_label: str  # YYYYMMDD of the last day: the label of snapshot files
    city_name: str
    addr: pd.DataFrame  # address components indexed by address_id
    #: feed → records the department delivers (synth.config.VolumeConfig); a renderer may
    #: sample its World table down to it early (saves work); absent = everything.
    caps: dict[str, int] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict)

    def persons(self) -> pd.DataFrame:
        """World persons indexed by person_id."""
        if "persons" not in self._cache:
            self._cache["persons"] = self.world.persons.set_index("person_id", drop=False)
        return self._cache["persons"]

    def houses(self) -> pd.DataFrame:
        if "houses" not in self._cache:
            self._cache["houses"] = self.world.houses.set_index("house_id", drop=False)
        return self._cache["houses"]

    def units(self) -> pd.DataFrame:
        if "units" not in self._cache:
            self._cache["units"] = self.world.units.set_index("unit_id", drop=False)
        return self._cache["units"]


def apply_volume(canon: pd.DataFrame, cap: int | None, rng: np.random.Generator,
                 by: str | None = None) -> pd.DataFrame:
    """A department's extract of a frame: at most ~``cap`` records, a uniform sample kept in
    the original order (index reset).  ``by``: sample whole groups of that column (e.g.
    households) until the cap is reached.  ``cap`` None or ≥ len: the frame unchanged."""
    n = len(canon)
    if cap is None or n <= cap:
        return canon
    if by is not None and by in canon:
        codes, uniq = pd.factorize(canon[by], sort=False)
        sizes = np.bincount(codes[codes >= 0], minlength=len(uniq))
        order = rng.permutation(len(uniq))
        k = int(np.searchsorted(np.cumsum(sizes[order]), cap, side="left")) + 1
        keep = np.isin(codes, order[:k])
    else:
        keep = np.zeros(n, dtype=bool)
        keep[rng.choice(n, cap, replace=False)] = True
    return canon[keep].reset_index(drop=True)


def build_address_components(world: Any) -> tuple[pd.DataFrame, str]:
    """Address components indexed by address_id (city, county, township names...), city name."""
    a = world.addresses
    counties = world.counties.set_index("adcode")["name"]
    towns = world.townships.set_index("township_code")["name"]
    comp = pd.DataFrame({
        "address_id": a["address_id"].to_numpy(),
        "county": a["county_adcode"].map(counties).fillna("").to_numpy(),
        "township": a["township_code"].map(towns).fillna("").to_numpy(),
        "road_name": a["road_name"].astype(str).to_numpy(),
        "road_no": a["road_no"].astype("int64").to_numpy(),
        "building": a["building"].fillna("").astype(str).to_numpy(),
        "unit": a["unit"].fillna("").astype(str).to_numpy(),
        "std_text": a["std_text"].astype(str).to_numpy(),
        "lon": a["lon"].to_numpy(float),
        "lat": a["lat"].to_numpy(float),
    }).set_index("address_id", drop=False)
    city = ""
    if len(comp):
        first = comp.iloc[0]
        cut = first["std_text"].find(first["county"]) if first["county"] else -1
        city = first["std_text"][:cut] if cut > 0 else ""
    city = str(getattr(world, "params", {}).get("city_name", city) or city)
    return comp, city


def house_address(ctx: RenderContext, house_ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    """address_id and room of houses (NaN where the house is unknown)."""
    h = ctx.houses()
    aid = house_ids.map(h["address_id"])
    room = house_ids.map(h["room"]).fillna("").astype(str)
    return aid, room


def std_address_text(ctx: RenderContext, address_ids: pd.Series,
                     rooms: pd.Series | None = None) -> pd.Series:
    """Standard full text of addresses (+ ``室`` room), '' where unknown."""
    txt = address_ids.map(ctx.addr["std_text"]).fillna("").astype(str)
    if rooms is not None:
        r = rooms.fillna("").astype(str)
        txt = txt.where(r.eq("") | txt.eq(""), txt + r + "室")
    return txt


def address_position(ctx: RenderContext, address_ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """True WGS-84 lon/lat of addresses (NaN where unknown)."""
    return (address_ids.map(ctx.addr["lon"]).to_numpy(float),
            address_ids.map(ctx.addr["lat"]).to_numpy(float))


def person_attr(ctx: RenderContext, person_ids: pd.Series, col: str) -> pd.Series:
    """Attribute ``col`` of persons (None where the id is missing)."""
    p = ctx.persons()
    return person_ids.map(p[col])


def to_list_column(*cols: pd.Series) -> list[list[str]]:
    """Zip several id columns into per-row lists, dropping missing ids."""
    out: list[list[str]] = []
    for vals in zip(*[c.tolist() for c in cols], strict=True):
        out.append([str(v) for v in vals if isinstance(v, str) and v])
    return out


def finish(df: pd.DataFrame, entity: pd.Series | np.ndarray, *,
           persons: list[list[str]] | None = None,
           lon: np.ndarray | None = None, lat: np.ndarray | None = None,
           address_id: pd.Series | None = None, room: pd.Series | None = None) -> pd.DataFrame:
    """Attach the truth columns to a canonical frame (index reset)."""
    df = df.reset_index(drop=True)
    n = len(df)
    df["_entity_id"] = np.asarray(entity, dtype=object)
    df["_person_ids"] = persons if persons is not None else [[] for _ in range(n)]
    df["_true_lon"] = np.asarray(lon, float) if lon is not None else np.full(n, np.nan)
    df["_true_lat"] = np.asarray(lat, float) if lat is not None else np.full(n, np.nan)
    df["_address_id"] = (address_id.to_numpy(object) if address_id is not None
                         else np.full(n, None, dtype=object))
    df["_room"] = (room.fillna("").astype(str).to_numpy(object) if room is not None
                   else np.full(n, "", dtype=object))
    return df


def numbered(prefix: str, n: int, width: int = 8) -> np.ndarray:
    """Department record numbers ``prefix`` + zero-padded sequence."""
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)


def in_window(ctx: RenderContext, ts: pd.Series) -> pd.Series:
    """True where a timestamp lies inside the world's window."""
    return (ts >= ctx.start) & (ts < ctx.end)
