"""Mess injection: each kind occurs at its configured rate (± binomial tolerance), is logged,
and transforms values the way real departments do."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from synth import _context
from synth.config import MALFORMED_KINDS, MESS_KINDS, MessConfig
from synth.mess import HOMOPHONES, address_variants, cn_numeral, inject, layout
from synth.render import RENDERERS
from synth.render._format import to_department_values
from synth.specs import FEEDS
from synth.world.ids import id_is_valid

RATE = 0.08
#: kind → a feed where it applies
FEED_FOR = {"broken_quoting": "calls_110", "bad_json": "hotel_lodging",
            "coords_outside": "calls_110", "id_legacy15": "hukou", "phone_format": "hukou",
            "address_variant": "hukou", "date_style": "calls_110", "bad_number": "std_units",
            "impossible_date": "calls_110", "bad_id_checksum": "hukou",
            "missing_required": "hukou", "name_homophone": "hukou", "fullwidth": "hukou",
            "stray_space": "hukou", "id_masked": "hotel_lodging"}


@pytest.fixture(scope="module")
def big(tiny_world) -> dict:
    """Canonical + department frames of a few feeds, replicated to ~6,000 records."""
    ctx = _context(tiny_world, 5)
    out = {}
    for feed in set(FEED_FOR.values()):
        canon = RENDERERS[feed](ctx)
        reps = int(np.ceil(6000 / max(len(canon), 1)))
        canon = pd.concat([canon] * reps, ignore_index=True)
        out[feed] = (canon, to_department_values(canon, FEEDS[feed]))
    return {"ctx": ctx, **out}


def _eligible(kind: str, feed: str, vals: pd.DataFrame, canon: pd.DataFrame) -> int:
    spec = FEEDS[feed]
    s = vals.astype(str)

    def any_of(kinds: tuple[str, ...], pat: str = r".+") -> int:
        cols = [c.field for c in spec.columns if c.kind in kinds]
        return int(np.logical_or.reduce([s[c].str.fullmatch(pat).to_numpy() for c in cols]).sum())

    return {
        "broken_quoting": lambda: any_of(("text", "address", "name")),
        "bad_json": lambda: len(vals),
        "coords_outside": lambda: any_of(("lon",)),
        "id_legacy15": lambda: any_of(("id_number",), r"\d{6}19\d{9}[\dX]"),
        "phone_format": lambda: any_of(("phone",), r"1\d{10}"),
        "address_variant": lambda: int(canon["_address_id"].notna().sum()),
        "date_style": lambda: any_of(("datetime", "date")),
        "bad_number": lambda: any_of(("int", "float")),
        "impossible_date": lambda: any_of(("datetime", "date")),
        "bad_id_checksum": lambda: any_of(("id_number",), r".{18}"),
        "missing_required": lambda: int(np.logical_or.reduce(
            [s[c.field].ne("").to_numpy() for c in spec.columns if c.required]).sum()),
        "name_homophone": lambda: any_of(("name",), ".*[" + "".join(HOMOPHONES) + "].*"),
        "fullwidth": lambda: any_of(("address", "phone", "id_number", "plate"),
                                    r".*[0-9A-Za-z].*"),
        "stray_space": lambda: any_of(("name", "address")),
        "id_masked": lambda: any_of(("id_number",), r".{18}"),
    }[kind]()


@pytest.mark.parametrize("kind", sorted(FEED_FOR))
def test_each_kind_occurs_at_its_rate_and_is_logged(big, kind: str) -> None:
    feed = FEED_FOR[kind]
    canon, vals = big[feed]
    ctx = big["ctx"]
    cfg = MessConfig(**{k: 0.0 for k in MESS_KINDS}, overrides={}).model_copy(
        update={kind: RATE})
    m = inject(vals, canon, FEEDS[feed], cfg, np.random.default_rng(11), ctx.addr,
               ctx.city_name)
    n_el = _eligible(kind, feed, vals, canon)
    got = m.log[m.log["kind"] == kind]
    assert set(m.log["kind"]) == {kind}
    sd = np.sqrt(n_el * RATE * (1 - RATE))
    assert abs(len(got) - n_el * RATE) < 4 * sd + 2, (kind, len(got), n_el)
    assert (got["expect"] == ("quarantine" if kind in MALFORMED_KINDS else "accept")).all()
    # the logged messy value is what the frame holds now; the clean one what it held before
    for e in got.head(200).itertuples():
        if e.field and "," not in e.field:
            assert str(m.values.at[e._1, e.field]) == e.messy_value
            before = vals.at[e._1, e.field]
            assert ("" if before is None else str(before)) == e.clean_value
            assert e.messy_value != e.clean_value


def test_kind_specific_shapes(big) -> None:
    canon, vals = big["hukou"]
    ctx = big["ctx"]
    cfg = MessConfig(**{k: 0.0 for k in MESS_KINDS}, overrides={}).model_copy(
        update={"id_masked": 0.1, "id_legacy15": 0.1, "phone_format": 0.2,
                "bad_id_checksum": 0.05})
    m = inject(vals, canon, FEEDS["hukou"], cfg, np.random.default_rng(2), ctx.addr,
               ctx.city_name)
    log = m.log
    masked = log[log["kind"] == "id_masked"]
    assert masked["messy_value"].str.fullmatch(r"\d{6}\*{8}\d{3}[\dX]").all()
    assert (masked["messy_value"].str[:6] == masked["clean_value"].str[:6]).all()
    assert (masked["messy_value"].str[-4:] == masked["clean_value"].str[-4:]).all()
    legacy = log[log["kind"] == "id_legacy15"]
    assert legacy["messy_value"].str.fullmatch(r"\d{15}").all()
    assert (legacy["clean_value"].str[6:8] == "19").all()  # born before 2000
    phones = log[log["kind"] == "phone_format"]
    assert (phones["messy_value"].str.replace(r"\D", "", regex=True).str[-11:]
            == phones["clean_value"]).all()
    assert phones["messy_value"].str.contains(r"\+86|^86|^0086|-| ").all()
    bad = log[log["kind"] == "bad_id_checksum"]
    assert not id_is_valid(bad["messy_value"].to_numpy()).any()
    assert id_is_valid(bad["clean_value"].to_numpy()).all()


def test_address_variants_are_a_dozen_styles(big) -> None:
    ctx = big["ctx"]
    full = ctx.addr[(ctx.addr["building"] != "") & (ctx.addr["unit"] != "")]
    comp = full.iloc[[0] * 13].assign(city="益阳市")
    out = address_variants(comp, ["502"] * 13, np.arange(13), "湖南省")
    assert len(set(out)) == 13
    joined = "".join(out)
    for token in ("號", "幢", "座", "湖南省", "号楼", " "):
        assert token in joined, token
    assert any(re.search("[一二三四五六七八九十百]+号", v) for v in out)
    assert cn_numeral(12) == "十二" and cn_numeral(105) == "一百零五"


def test_homophones_keep_the_reading_table_small_and_gbk_safe() -> None:
    assert HOMOPHONES["伟"] == "玮" and HOMOPHONES["芳"] == "方"
    assert all(k != v for k, v in HOMOPHONES.items())
    "".join(HOMOPHONES.values()).encode("gbk")


def test_layout_duplicates_and_late_records(big) -> None:
    canon, vals = big["calls_110"]
    cfg = MessConfig(**{k: 0.0 for k in MESS_KINDS}, overrides={}).model_copy(
        update={"duplicate_exact": 0.05, "duplicate_near": 0.05, "late": 0.05})
    from synth import _period_labels

    periods = _period_labels(canon, FEEDS["calls_110"], "20260831")
    out, log, labels = layout(vals, canon, periods, FEEDS["calls_110"], cfg,
                              np.random.default_rng(4), set())
    n = len(vals)
    assert len(labels) >= 2
    for kind in ("duplicate_exact", "duplicate_near"):
        k = int((log["kind"] == kind).sum())
        assert abs(k - 0.05 * n) < 4 * np.sqrt(n * 0.05) + 2
    copies = out[out.index >= n]
    exact = log.loc[log["kind"] == "duplicate_exact", "_rid"]
    fields = [c.field for c in FEEDS["calls_110"].columns]
    src = out.loc[exact, "_src"].to_numpy()
    assert (out.loc[exact, fields].to_numpy() == vals.loc[src, fields].to_numpy()).all()
    assert len(copies) == int(log["kind"].str.startswith("duplicate").sum())
    late = log[log["kind"] == "late"]
    last = labels[-1]
    eligible = int((periods != last).sum())
    assert abs(len(late) - 0.05 * eligible) < 4 * np.sqrt(eligible * 0.05) + 2
    moved = out.loc[late["_rid"].to_numpy()]
    nxt = {labels[i]: labels[i + 1] for i in range(len(labels) - 1)}
    assert all(nxt[p] == f for p, f in zip(periods[late["_rid"].to_numpy()],
                                           moved["_file_period"], strict=True))


def test_mess_config_yaml_roundtrip(tmp_path) -> None:
    p = tmp_path / "mess.yaml"
    p.write_text("name_homophone: 0.1\noverrides:\n  hukou:\n    id_legacy15: 0.5\n",
                 encoding="utf-8")
    cfg = MessConfig.from_yaml(p)
    assert cfg.rate("calls_110", "name_homophone") == 0.1
    assert cfg.rate("hukou", "id_legacy15") == 0.5
    assert cfg.rate("calls_110", "id_legacy15") == MessConfig().id_legacy15
    with pytest.raises(ValueError):
        MessConfig(typo_rate=0.1)
