"""Mess injection: turn a feed's clean department values into what the department really sends.

Works on the frame of clean cell values (:func:`synth.render._format.to_department_values`)
together with the canonical frame (true timestamps, birth years, address components) and logs
every injected mess as a row of ``_truth/injected_errors.parquet``.

Record addressing: every record carries an internal ``_rid`` (0..n-1 for the rendered records,
n.. for injected duplicates); :func:`layout` places records into period files and the caller
turns ``_rid`` into (file, row_number).  ``row_number`` is 1-based and counts *data records as a
reader sees them*, header excluded: CSV = the n-th record after the header row as parsed by an
RFC-4180 reader (a quoted field with an embedded newline stays in one record; a
``broken_quoting`` record is still exactly one physical line, because its stray quote is never at
the start of a field); XLSX = worksheet row − 1 (row 1 is the header); JSONL = line number;
GeoJSON = index in ``features`` + 1; Parquet = row index + 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synth.config import MESS_KINDS, MessConfig
from synth.render._format import format_datetimes
from synth.specs import FeedSpec

#: Homophone substitutions (same Mandarin reading or a common Xiang-dialect merger, 黄→王).
HOMOPHONES: dict[str, str] = dict(zip(
    "伟芳张王黄刘杨周吴徐孙胡朱高何郭马罗梁郑韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡丽敏静强磊军"
    "洋勇杰娟涛明超霞平刚桂英华红林玲建文斌辉鹏飞艳萍峰凤兰梅婷宇浩鑫俊颖秀",
    "玮方章汪王柳阳舟伍许荪湖珠郜和国玛萝良正寒汤封余懂成漕元登徐付审增鹏旅素芦姜菜莉闽靜墙垒君"
    "阳永洁鹃滔铭潮侠萍钢贵瑛化宏琳铃健雯彬晖朋菲燕平锋风岚玫亭雨皓欣骏影琇", strict=True))
_HOMO_RE = re.compile("[" + "".join(HOMOPHONES) + "]")
_FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
_CN_DIGITS = "零一二三四五六七八九"
_PROVINCE_BY_PREFIX = {"43": "湖南省", "42": "湖北省", "44": "广东省", "51": "四川省",
                       "33": "浙江省", "32": "江苏省", "52": "贵州省", "36": "江西省"}


def cn_numeral(n: int) -> str:
    """Integer 0..9999 in Chinese numerals as written in addresses (12 → 十二, 105 → 一百零五)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    out, zero = "", False
    for unit, div in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        d = (n // div) % 10
        if n < div:
            continue
        if d == 0:
            zero = True
            continue
        if zero and out:
            out += "零"
        zero = False
        out += _CN_DIGITS[d] + unit
    return out


@dataclass
class MessResult:
    values: pd.DataFrame  # messy department values (object), index = _rid
    log: pd.DataFrame  # _rid, field, kind, clean_value, messy_value, expect
    raw_cells: set[tuple[int, str]]  # CSV cells written unquoted (broken quoting)
    truncated: set[int]  # JSONL records written truncated (bad_json)


def _str(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def _bare(s: str, suffix: str) -> str:
    return s.removesuffix(suffix)


def address_variants(comp: pd.DataFrame, rooms: list[str], styles: np.ndarray,
                     province: str) -> list[str]:
    """Write addresses in one of 13 styles (index into the list below) from their components."""
    out = []
    for (city, county, town, road, no, bld, unit, std), room, st in zip(
            comp[["city", "county", "township", "road_name", "road_no", "building", "unit",
                  "std_text"]].itertuples(index=False), rooms, styles, strict=True):
        b, u = _bare(_bare(bld, "栋"), "幢"), _bare(unit, "单元")
        rm = f"{room}室" if room else ""
        bu = (f"{b}栋" if b else "") + (f"{u}单元" if u else "")
        tail = f"{road}{no}号{bu}{rm}"
        s = int(st)
        if s == 0:
            v = f"{county}{town}{tail}"
        elif s == 1:
            v = f"{town}{tail}"
        elif s == 2:
            v = tail
        elif s == 3:
            v = f"{city}{county}{town}{tail}".replace("号", "號")
        elif s == 4:
            v = f"{county}{road}{cn_numeral(int(no) % 10000)}号{bu}{rm}"
        elif s == 5:
            v = f"{city}{county}{town}{tail}".replace("栋", "幢")
        elif s == 6:
            v = f"{county}{town}{tail}".replace("栋", "座")
        elif s == 7:
            v = f"{city}{county}{road}{no}号" + (f"{b}栋" if b else "") + rm
        elif s == 8:
            v = f"{road}{no}号" + "-".join(x for x in (b, u, room) if x)
        elif s == 9:
            v = f"{province}{city}{county}{town}{tail}"
        elif s == 10:
            v = " ".join(x for x in (city, county, town, f"{road}{no}号", bu, rm) if x)
        elif s == 11:
            v = (f"{county[:-1] if len(county) > 2 else county}"
                 f"{re.sub('(街道|镇|乡)$', '', town)}{tail}")
        else:
            v = f"{county}{road}{no}号" + (f"{b}号楼" if b else "") + (f"{u}单元" if u else "") + rm
        out.append(v)
    return out


class _Log:
    def __init__(self) -> None:
        self.rows: list[tuple[int, str, str, str, str]] = []

    def add(self, rids: np.ndarray, field: str, kind: str, clean: list[str],
            messy: list[str]) -> None:
        self.rows.extend(zip(rids.tolist(), [field] * len(rids), [kind] * len(rids),
                             clean, messy, strict=True))

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=["_rid", "field", "kind", "clean_value",
                                              "messy_value"])
        df["expect"] = df["kind"].map(MESS_KINDS)
        return df


def _impossible(clean: str, style: str, rng: np.random.Generator) -> str:
    """An impossible date in (roughly) the feed's own style: Feb 30, hour 25, minute 61."""
    which = rng.integers(0, 3)
    y = "2026"
    if style == "cn":
        return [f"{y}年2月30日 10:20", f"{y}年13月5日 08:00", f"{y}年7月3日 25:61"][which]
    if style == "slash":
        return [f"{y}/2/30 10:20", f"{y}/13/5 08:00", f"{y}/7/3 25:61"][which]
    if style == "compact":
        return [f"{y}0230102000", f"{y}1305080000", f"{y}0703256100"][which]
    return [f"{y}-02-30 10:20:00", f"{y}-13-05 08:00:00", f"{y}-07-03 25:61:00"][which]


def _bad_number(clean: str, rng: np.random.Generator) -> str:
    k = rng.integers(0, 3)
    if k == 0 and re.search(r"\d", clean):
        return re.sub(r"\d", "O", clean, count=1) if clean[0] != "0" else "O" + clean[1:]
    return ["#VALUE!", "1.2.3", "--"][k]


def _phone_variant(p: str, k: int) -> str:
    return [f"+86{p}", f"+86 {p[:3]} {p[3:7]} {p[7:]}", f"86-{p}", f"{p[:3]}-{p[3:7]}-{p[7:]}",
            f"{p[:3]} {p[3:7]} {p[7:]}", f"0086{p}"][k % 6]


def inject(vals: pd.DataFrame, canon: pd.DataFrame, spec: FeedSpec, cfg: MessConfig,
           rng: np.random.Generator, addr: pd.DataFrame, city_name: str,
           adcode: str = "430900") -> MessResult:
    """Inject noise and malformed values into ``vals`` (index 0..n-1 = ``_rid``)."""
    vals = vals.copy()
    n = len(vals)
    log = _Log()
    raw_cells: set[tuple[int, str]] = set()
    truncated: set[int] = set()
    if n == 0 or spec.fmt == "geojson":
        return MessResult(vals, log.frame(), raw_cells, truncated)
    style = spec.date_style if (spec.date_style != "excel" or spec.fmt == "xlsx") else "iso"
    cols = {c.field: c for c in spec.columns}
    taken = {f: np.zeros(n, bool) for f in cols}
    bad_row = np.zeros(n, bool)
    rid = vals.index.to_numpy()

    def text(f: str) -> pd.Series:
        """Cell values as text ('' for missing)."""
        v = vals[f]
        return v.astype(str).where(v.notna(), "")

    def nonempty(f: str) -> np.ndarray:
        v = vals[f]
        return (v.notna() & (v.astype(str) != "") & (v.astype(str) != "nan")).to_numpy(bool)

    def fields_of(*kinds: str) -> list[str]:
        return [f for f, c in cols.items() if c.kind in kinds]

    def pick(kind: str, eligible_by_field: dict[str, np.ndarray], *, row_level: bool
             ) -> dict[str, np.ndarray]:
        """Select records at the kind's rate; each gets one eligible field (uniformly)."""
        rate = cfg.rate(spec.feed_id, kind)
        if rate <= 0 or not eligible_by_field:
            return {}
        fields = list(eligible_by_field)
        elig = np.stack([eligible_by_field[f] for f in fields], axis=1)
        elig &= ~bad_row[:, None]
        elig &= ~np.stack([taken[f] for f in fields], axis=1)
        anyel = elig.any(axis=1)
        sel = anyel & (rng.random(n) < rate)
        # choose a field per selected row among its eligible ones
        score = np.where(elig, rng.random(elig.shape), -1.0)
        which = score.argmax(axis=1)
        out = {}
        for j, f in enumerate(fields):
            m = sel & (which == j)
            if m.any():
                out[f] = m
                taken[f] |= m
        if row_level:
            bad_row[sel] = True
        return out

    def apply(kind: str, f: str, m: np.ndarray, fn) -> None:
        clean = [_str(x) for x in vals.loc[m, f]]
        messy = [fn(i, c) for i, c in zip(np.flatnonzero(m), clean, strict=True)]
        col = vals[f].to_numpy(object).copy()
        col[m] = messy
        vals[f] = col
        log.add(rid[m], f, kind, clean, messy)

    # ---------------- malformed (quarantine), at most one per record ----------------
    if spec.fmt == "csv":
        # only single-line values without quotes/commas: the broken record stays one line
        el = {f: nonempty(f) & ~text(f).str.contains(r'[\r\n",]').to_numpy(bool)
              for f in fields_of("text", "address", "name")}
        for f, m in pick("broken_quoting", el, row_level=True).items():
            apply("broken_quoting", f, m, lambda i, c: c[: max(1, len(c) // 2)] + '"'
                  + c[max(1, len(c) // 2):] + ",备注")
            raw_cells.update((int(r), f) for r in rid[m])
    if spec.fmt == "jsonl":
        first = spec.columns[0].field
        for m in pick("bad_json", {first: np.ones(n, bool)}, row_level=True).values():
            truncated.update(int(r) for r in rid[m])
            log.add(rid[m], "", "bad_json", [""] * int(m.sum()),
                    ["<JSON line truncated>"] * int(m.sum()))
    el = {f: nonempty(f) for f in fields_of("datetime", "date")}
    for f, m in pick("impossible_date", el, row_level=True).items():
        apply("impossible_date", f, m, lambda i, c: _impossible(c, style, rng))
    if "lon" in cols and "lat" in cols and spec.coords in ("W", "G", "B"):
        m = pick("coords_outside", {"lon": nonempty("lon") & nonempty("lat")}, row_level=True)
        if "lon" in m:
            mm = m["lon"]
            k = int(mm.sum())
            dlon = rng.choice([-1, 1], k) * rng.uniform(3, 12, k)
            kind_swap = rng.random(k) < 0.3
            lon0 = vals.loc[mm, "lon"].astype(float).to_numpy()
            lat0 = vals.loc[mm, "lat"].astype(float).to_numpy()
            new_lon = np.where(kind_swap, lat0, np.round(lon0 + dlon, 6))
            new_lat = np.where(kind_swap, lon0, lat0)
            clean = [f"{a},{b}" for a, b in zip(lon0, lat0, strict=True)]
            messy = [f"{a},{b}" for a, b in zip(new_lon, new_lat, strict=True)]
            c1, c2 = vals["lon"].to_numpy(object).copy(), vals["lat"].to_numpy(object).copy()
            c1[mm], c2[mm] = new_lon.tolist(), new_lat.tolist()
            vals["lon"], vals["lat"] = c1, c2
            taken["lat"] |= mm
            log.add(rid[mm], "lon,lat", "coords_outside", clean, messy)
    id_fields = fields_of("id_number")
    el = {f: (text(f).str.len() == 18).to_numpy(bool) for f in id_fields}
    for f, m in pick("bad_id_checksum", el, row_level=True).items():
        def wrong(i: int, c: str) -> str:
            good = c[-1]
            alts = [x for x in "0123456789X" if x != good]
            return c[:-1] + alts[int(rng.integers(0, len(alts)))]
        apply("bad_id_checksum", f, m, wrong)
    el = {f: nonempty(f) for f, c in cols.items() if c.required}
    for f, m in pick("missing_required", el, row_level=True).items():
        apply("missing_required", f, m, lambda i, c: "")
    el = {f: nonempty(f) for f in fields_of("int", "float")}
    for f, m in pick("bad_number", el, row_level=True).items():
        apply("bad_number", f, m, lambda i, c: _bad_number(c, rng))

    # ---------------- noise (accept) ----------------
    dt_fields = fields_of("datetime", "date")
    el = {f: nonempty(f) for f in dt_fields if f in canon}
    alt_styles = [s for s in ("iso", "iso_t", "cn", "slash", "compact", "epoch_ms")
                  + (("excel",) if spec.fmt == "xlsx" else ()) if s != style]
    for f, m in pick("date_style", el, row_level=False).items():
        idx = np.flatnonzero(m)
        chosen = rng.choice(np.array(alt_styles, dtype=object), len(idx))
        clean = [_str(x) for x in vals[f].to_numpy(object)[idx]]
        col = vals[f].to_numpy(object).copy()
        for st in np.unique(chosen):
            sub = idx[chosen == st]
            col[sub] = format_datetimes(canon[f].iloc[sub], str(st),
                                        date_only=cols[f].kind == "date").to_numpy(object)
        messy = [_str(x) for x in col[idx]]
        vals[f] = col
        log.add(rid[idx], f, "date_style", clean, messy)
    el = {f: text(f).str.contains(_HOMO_RE).to_numpy(bool)
          for f in fields_of("name")}
    for f, m in pick("name_homophone", el, row_level=False).items():
        def homo(i: int, c: str) -> str:
            pos = [k for k, ch in enumerate(c) if ch in HOMOPHONES]
            k = pos[int(rng.integers(0, len(pos)))]
            return c[:k] + HOMOPHONES[c[k]] + c[k + 1:]
        apply("name_homophone", f, m, homo)
    el = {f: text(f).str.contains(r"[0-9A-Za-z]").to_numpy(bool)
          for f in fields_of("address", "phone", "id_number", "plate")}
    for f, m in pick("fullwidth", el, row_level=False).items():
        apply("fullwidth", f, m, lambda i, c: c.translate(_FULLWIDTH))
    el = {f: nonempty(f) for f in fields_of("name", "address")}
    for f, m in pick("stray_space", el, row_level=False).items():
        def space(i: int, c: str) -> str:
            k = int(rng.integers(0, 3))
            if k == 0 or len(c) < 2:
                return " " + c
            if k == 1:
                return c + "  "
            return c[:1] + " " + c[1:]
        apply("stray_space", f, m, space)
    el = {f: (text(f).str.len() == 18).to_numpy(bool) for f in id_fields}
    for f, m in pick("id_masked", el, row_level=False).items():
        apply("id_masked", f, m, lambda i, c: c[:6] + "*" * 8 + c[-4:])
    if spec.legacy_ids:
        el = {f: ((text(f).str.len() == 18) & (text(f).str[6:8] == "19")).to_numpy(bool)
              for f in id_fields}
        for f, m in pick("id_legacy15", el, row_level=False).items():
            apply("id_legacy15", f, m, lambda i, c: c[:6] + c[8:17])
    el = {f: text(f).str.fullmatch(r"1\d{10}").to_numpy(bool)
          for f in fields_of("phone")}
    for f, m in pick("phone_format", el, row_level=False).items():
        apply("phone_format", f, m, lambda i, c: _phone_variant(c, int(rng.integers(0, 6))))
    if "address" in cols and "_address_id" in canon:
        has = canon["_address_id"].isin(addr.index)
        el = {"address": has.to_numpy(bool) & nonempty("address")}
        for f, m in pick("address_variant", el, row_level=False).items():
            idx = np.flatnonzero(m)
            comp = addr.loc[canon["_address_id"].iloc[idx].to_numpy()].assign(city=city_name)
            rooms = [_str(r) for r in canon["_room"].iloc[idx]]
            styles = rng.integers(0, 13, len(idx))
            province = _PROVINCE_BY_PREFIX.get(adcode[:2], "")
            variants = address_variants(comp, rooms, styles, province)
            clean = [_str(x) for x in vals[f].to_numpy(object)[idx]]
            # a style identical to the clean text (e.g. no building) falls back to road-only
            alt = address_variants(comp, rooms, np.full(len(idx), 2), province)
            variants = [v if v != c else (a if a != c else " " + c)
                        for v, c, a in zip(variants, clean, alt, strict=True)]
            col = vals[f].to_numpy(object).copy()
            col[idx] = variants
            vals[f] = col
            log.add(rid[idx], f, "address_variant", clean, variants)
    return MessResult(vals, log.frame(), raw_cells, truncated)


def layout(vals: pd.DataFrame, canon: pd.DataFrame, periods: np.ndarray, spec: FeedSpec,
           cfg: MessConfig, rng: np.random.Generator, bad_rids: set[int]
           ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Add duplicates and late records; return (values with ``_file_period``/``_order``/
    ``_src`` columns, log rows, the period labels in file order).

    ``_src`` is the rendered record a row copies (itself for originals).
    """
    n = len(vals)
    log = _Log()
    out = vals.copy()
    out["_src"] = np.arange(n)
    out["_file_period"] = periods.astype(object)
    out["_order"] = np.arange(n, dtype=float)
    labels = np.array(sorted(set(periods.tolist())), dtype=object)
    if n == 0:
        return out, log.frame(), labels
    ok = ~np.isin(np.arange(n), list(bad_rids))
    # late: period P → file P+1 (not for the last period)
    nxt = {labels[i]: labels[i + 1] for i in range(len(labels) - 1)}
    if spec.split != "snapshot" and len(labels) > 1:
        rate = cfg.rate(spec.feed_id, "late")
        elig = ok & np.array([p in nxt for p in periods])
        late = elig & (rng.random(n) < rate)
        idx = np.flatnonzero(late)
        newp = np.array([nxt[p] for p in periods[idx]], dtype=object)
        fp = out["_file_period"].to_numpy(object).copy()
        fp[idx] = newp
        out["_file_period"] = fp
        order = out["_order"].to_numpy().copy()
        order[idx] = n + rng.uniform(-n, n, len(idx))  # lands somewhere in the next file
        out["_order"] = order
        log.add(idx, spec.period_field or "", "late", [str(p) for p in periods[idx]],
                [str(p) for p in newp])
        ok &= ~late
    fields = [c.field for c in spec.columns]
    dt = [c.field for c in spec.columns if c.kind in ("datetime", "date") and c.field in canon]
    names = [c.field for c in spec.columns if c.kind in ("name", "address", "text")]
    next_rid = n
    parts = []
    for kind in ("duplicate_exact", "duplicate_near"):
        rate = cfg.rate(spec.feed_id, kind)
        sel = np.flatnonzero(ok & (rng.random(n) < rate))
        ok[sel] = False
        if len(sel) == 0:
            continue
        cp = out.iloc[sel].copy()
        new = np.arange(next_rid, next_rid + len(sel))
        next_rid += len(sel)
        cp.index = new
        cp["_order"] = cp["_order"].to_numpy(float) + rng.uniform(0.5, 40.0, len(sel))
        field, clean, messy = "", [""] * len(sel), [""] * len(sel)
        if kind == "duplicate_near":
            clean_col = cp[dt[0] if dt else (names[0] if names else fields[-1])]
            clean = [_str(x) for x in clean_col]
            if dt:  # the re-send comes from another export: same instant, other date style
                field = dt[0]
                st = "iso_t" if spec.date_style != "iso_t" else "cn"
                messy = [_str(x) for x in format_datetimes(
                    canon[field].iloc[sel], st,
                    date_only=spec.col(field).kind == "date").to_numpy(object)]
            else:  # a trailing space added by the re-keying clerk
                field = names[0] if names else fields[-1]
                messy = [c + " " for c in clean]
            cp[field] = np.array(messy, dtype=object)
        parts.append(cp)
        log.add(new, field, kind, clean, messy)
    if parts:
        out = pd.concat([out, *parts], axis=0)
    return out, log.frame(), labels
