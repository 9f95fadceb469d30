"""Normalisers: hand-made cases and hypothesis properties (round trips, idempotence, no raising)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from fusion.normalise.addresses import match_addresses, parse_addresses
from fusion.normalise.coords import normalise_coords
from fusion.normalise.dates import parse_dates, parse_datetimes, parse_months
from fusion.normalise.idcard import check_character, normalise_id_numbers, upgrade_15
from fusion.normalise.names import normalise_names
from fusion.normalise.phones import normalise_phones
from fusion.normalise.plates import normalise_plates
from fusion.normalise.uscc import normalise_uscc, uscc_check_character
from fusion.pseudonymise import tokenise, tokenise_id_numbers
from geo.coords import wgs84_to_bd09, wgs84_to_gcj02

ANY = st.lists(
    st.one_of(st.text(max_size=30), st.none(), st.integers(), st.floats(allow_nan=True)),
    max_size=20,
)
UTC = "datetime64[ns, UTC]"


def test_dates_every_form():
    s = pd.Series(
        [
            "2026-10-03 14:05:00",
            "2026-10-03T14:05:00+08:00",
            "2026年10月3日 14:05",
            "2026/10/3 14:05",
            "20261003140500",
            1791007500000,
            46298.586806,
            "２０２６-10-03 14:05:00",
        ],
        dtype=object,
    )
    got = parse_datetimes(s)
    assert (got == pd.Timestamp("2026-10-03 06:05:00", tz="UTC")).all()
    bad = parse_datetimes(
        pd.Series(["2026-02-30 10:20:00", "2026年13月5日 08:00", "20260703256100", "垃圾", ""])
    )
    assert bad.isna().all()
    assert parse_dates(pd.Series(["19850301"]))[0] == pd.Timestamp("1985-02-28 16:00", tz="UTC")
    assert (
        parse_months(pd.Series(["202607", "2026年7月", "2026-07"]))
        == pd.Timestamp("2026-06-30 16:00", tz="UTC")
    ).all()


@given(
    st.datetimes(
        min_value=pd.Timestamp("1950-01-01").to_pydatetime(),
        max_value=pd.Timestamp("2090-01-01").to_pydatetime(),
    )
)
@settings(max_examples=60, deadline=None)
def test_dates_round_trip(dt):
    ts = (
        pd.Timestamp(dt)
        .floor("s")
        .tz_localize("Asia/Shanghai", ambiguous=False, nonexistent="shift_forward")
    )
    forms = pd.Series(
        [
            ts.strftime("%Y-%m-%d %H:%M:%S"),
            ts.strftime("%Y%m%d%H%M%S"),
            f"{ts.year}年{ts.month}月{ts.day}日 {ts:%H:%M:%S}",
            ts.isoformat(),
        ]
        # epoch ms is read as such from 13 digits on (events after 1973-03)
        + ([int(ts.tz_convert("UTC").value // 1_000_000)] if ts.year >= 1975 else []),
        dtype=object,
    )
    got = parse_datetimes(forms)
    assert (got == ts.tz_convert("UTC")).all(), got
    assert (parse_datetimes(got) == got).all()  # idempotent


@given(ANY)
@settings(max_examples=80, deadline=None)
def test_normalisers_never_raise(values):
    s = pd.Series(values, dtype=object)
    for fn in (
        parse_datetimes,
        parse_dates,
        parse_months,
        normalise_id_numbers,
        normalise_phones,
        normalise_names,
        normalise_plates,
        normalise_uscc,
        parse_addresses,
    ):
        out = fn(s)
        assert len(out) == len(s)
    normalise_coords(s, s, "GCJ02")


def test_idcard_cases():
    b = "43090219850301123"
    good = b + check_character(b)
    r = normalise_id_numbers(
        pd.Series(
            [
                good,
                good[:-1] + ("1" if good[-1] == "0" else "0"),
                "430902850301123",
                "430902********1234",
                " 4309021985030112" + good[-2:].lower() + " ",
                None,
            ]
        )
    )
    assert r["status"].tolist() == ["valid", "invalid", "upgraded", "masked", "valid", "missing"]
    assert r["id18"][2] == good
    assert r.loc[3, ["prefix", "suffix", "sex"]].tolist() == ["430902", "1234", "M"]
    assert r["birth_date"][0] == pd.Timestamp("1985-03-01")
    assert r["region"][0] == "430902"


@given(
    st.integers(1, 8),
    st.integers(0, 99_999),
    st.dates(pd.Timestamp("1900-01-01").date(), pd.Timestamp("1999-12-31").date()),
    st.integers(0, 999),
)
@settings(max_examples=80, deadline=None)
def test_idcard_15_18_round_trip(p, region, birth, seq):
    id15 = f"{p}{region:05d}{birth:%y%m%d}{seq:03d}"
    id18 = upgrade_15(id15)
    r = normalise_id_numbers(pd.Series([id15, id18]))
    assert r["status"].tolist() == ["upgraded", "valid"]
    assert r["id18"][0] == r["id18"][1] == id18
    again = normalise_id_numbers(r["id18"])  # idempotent
    assert (again["id18"] == r["id18"]).all()
    t = tokenise_id_numbers(r["id18"], r["status"], "s" * 16)
    assert t[0] == t[1]


def test_phones():
    r = normalise_phones(
        pd.Series(
            [
                "13812345678",
                "+86 138 1234 5678",
                "86-13812345678",
                "0086138-1234-5678",
                "１３８１２３４５６７８",
                "138****5678",
                "0737-1234567",
                "12345",
            ]
        )
    )
    assert set(r["e164"][:5]) == {"+8613812345678"}
    assert r["status"].tolist()[5:] == ["masked", "landline", "invalid"]


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.integers(0, 5))
@settings(max_examples=60, deadline=None)
def test_phone_variants_same_e164(p, k):
    v = [
        f"+86{p}",
        f"+86 {p[:3]} {p[3:7]} {p[7:]}",
        f"86-{p}",
        f"{p[:3]}-{p[3:7]}-{p[7:]}",
        f"0086{p}",
        p,
    ][k]
    r = normalise_phones(pd.Series([v]))
    assert r["e164"][0] == "+86" + p
    assert normalise_phones(r["e164"])["e164"][0] == "+86" + p  # idempotent


@given(st.text(alphabet="张王李赵钱孙 　・", min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_names_idempotent(name):
    once = normalise_names(pd.Series([name]))
    assert normalise_names(once).tolist() == once.tolist()


def test_names_and_plates():
    assert normalise_names(pd.Series(["  张　三 ", "买买提・艾力"])).tolist() == [
        "张三",
        "买买提·艾力",
    ]
    r = normalise_plates(pd.Series(["湘H·12345", "湘h 12345", "益阳A1**45", "x"]))
    assert r["plate"].tolist()[:3] == ["湘H12345", "湘H12345", "益阳A1**45"]
    assert r["status"].tolist() == ["full", "full", "partial", "invalid"]


def test_uscc():
    first = "91430900MA4L1234"
    code = first + "5" + uscc_check_character(first + "5")
    r = normalise_uscc(pd.Series([code, code[:-1] + ("0" if code[-1] != "0" else "1"), ""]))
    assert r["status"].tolist() == ["valid", "invalid", "missing"]


@given(st.floats(111.9, 112.9), st.floats(28.0, 29.0))
@settings(max_examples=40, deadline=None)
def test_coords_round_trip(lon, lat):
    gx, gy = wgs84_to_gcj02(lon, lat)
    bx, by = wgs84_to_bd09(lon, lat)
    for x, y, crs in ((gx, gy, "GCJ02"), (bx, by, "BD09"), (lon, lat, "CGCS2000")):
        r = normalise_coords(pd.Series([str(x)]), pd.Series([y]), crs)
        assert abs(r["lon"][0] - lon) < 1e-5 and abs(r["lat"][0] - lat) < 1e-5
        assert r["status"][0] == "ok"


def test_coords_flags():
    import shapely

    city = shapely.box(111.9, 28.0, 112.9, 29.0)
    r = normalise_coords(
        pd.Series(["112.3", "", "abc", "120.0", "28.5"]),
        pd.Series([28.5, None, 28.5, 28.5, 112.3]),
        "WGS84",
        city,
    )
    assert r["status"].tolist() == ["ok", "missing", "invalid", "outside_city", "outside_city"]


def test_addresses_parse_and_match():
    gaz = pd.DataFrame(
        {
            "address_id": ["A1", "A2"],
            "county": ["赫山区", "资阳区"],
            "township": ["龙岭街道", "汽车路街道"],
            "road_name": ["康富路", "康富路"],
            "road_no": [12, 12],
            "building": ["3", ""],
            "unit": ["2", ""],
            "lon": [112.1, 112.3],
            "lat": [28.1, 28.3],
            "std_text": [
                "益阳市赫山区龙岭街道康富路12号3栋2单元",
                "益阳市资阳区汽车路街道康富路12号",
            ],
        }
    )
    r = match_addresses(
        pd.Series(
            [
                "湖南省益阳市赫山区康富路十二号3栋2单元502室",
                "资阳区 康富路 １２号",
                "康富路12号3-2-502",
                "乱写",
            ]
        ),
        gaz,
    )
    assert r["address_id"].tolist() == ["A1", "A2", "A1", None]
    assert r.loc[0, "room"] == "502" and r.loc[0, "county"] == "赫山区"
    assert r["match_score"].tolist() == [1.0, 1.0, 1.0, 0.0]
    assert np.isnan(r["lon"][3])


def test_tokens_are_keyed():
    s = pd.Series(["+8613812345678", None])
    a, b = tokenise(s, "secret-one-0123456", "phone"), tokenise(s, "secret-two-0123456", "phone")
    assert a[0] != b[0] and a[0].startswith("phone_") and a[1] is None


def test_tokenise_gives_token_of_each_value():
    """tokenise (batch, one-shot HMAC) and token (the definition) agree, values pinned."""
    from fusion.pseudonymise import token

    s = pd.Series(["+8613812345678", "湘H12345", None, "张三", "+8613812345678"])
    for kind in ("phone", "plate", "name"):
        got = tokenise(s, "secret-one-0123456", kind).tolist()
        assert got == [None if v is None else token(v, "secret-one-0123456", kind) for v in s]
    assert (
        token("+8613812345678", "secret-one-0123456", "phone")
        == "phone_"
        + (
            __import__("hmac")
            .new(b"secret-one-0123456", b"phone:+8613812345678", "sha256")
            .hexdigest()[:24]
        )
    )


def test_addresses_abbreviated_admin_names_and_rural_roads():
    from fusion.normalise.addresses import AdminTable

    gaz = pd.DataFrame(
        {
            "address_id": ["A1", "A2", "A3"],
            "county": ["资阳区", "赫山区", "资阳区"],
            "township": ["南银街道", "龙岭街道", "樟市街道"],
            "road_name": ["云树大道", "赫山东路", "秀高线"],
            "road_no": [248, 8, 279],
            "building": ["1", "", ""],
            "unit": ["2", "", ""],
            "lon": [112.3, 112.4, 112.2],
            "lat": [28.6, 28.5, 28.7],
            "std_text": [None, None, None],
        }
    )
    admin = AdminTable(
        county_names=("资阳区", "赫山区"), township_names=("南银街道", "龙岭街道", "樟市街道")
    )
    r = match_addresses(
        pd.Series(
            [
                "资阳南银云树大道248号1栋2单元602室",
                "赫山东路8号",
                "樟市街道秀高线279號",
                "云树大道248号1-2",
            ]
        ),
        gaz,
        admin,
    )
    assert r["address_id"].tolist() == ["A1", "A2", "A3", "A1"]
    assert r.loc[0, "county"] == "资阳区" and r.loc[0, "township"] == "南银街道"
    assert r["match_score"].tolist() == [1.0, 1.0, 1.0, 1.0]


@given(
    st.lists(
        st.one_of(
            st.text(max_size=12),
            st.sampled_from([" NULL ", "无", "—", "Nan", "\u3000１２\u3000", "\x1cab\x1f", "İ"]),
            st.none(),
            st.just(float("nan")),
        ),
        min_size=64,
        max_size=120,
    )
)
@settings(max_examples=60, deadline=None)
def test_text_arrow_fast_path_equals_pandas_path(values):
    from fusion.normalise._text import _as_text, _text_and_blank_arrow, is_blank

    s = pd.Series(values, dtype=object)
    fast = _text_and_blank_arrow(s)
    assert fast is not None
    ref = _as_text(s)
    assert fast[0].tolist() == ref.tolist()
    assert (fast[1] == is_blank(ref)).all()


def test_text_arrow_fast_path_declines_mixed_types():
    from fusion.normalise._text import _text_and_blank_arrow

    assert _text_and_blank_arrow(pd.Series(["a", 1.5, None] * 30, dtype=object)) is None
    assert _text_and_blank_arrow(pd.Series([1, 2, 3] * 30)) is None


def test_text_and_blank_distinct_values_path_matches_per_value_cleaning():
    """Columns of mostly distinct values skip the dictionary: same text and blanks as cleaning
    each value with _as_text/is_blank (NFKC, strip, blank words), non-ASCII included."""
    from fusion.normalise import _text

    special = ["ＡＢ１２", None, " null ", "无", "—", "", " - ", "湘H1234５", "\u3000湘A0001\u3000"]
    vals = [special[(i // 97) % len(special)] if i % 97 == 0 else f" ID{i}\t" for i in range(9000)]
    vals += [f"湘A{i}" for i in range(3000)]
    s = pd.Series(vals, dtype=object)
    n = len(s)
    sample = s.to_numpy()[:: n // 2048]
    assert len(pd.unique(sample)) > 0.95 * len(sample)  # the distinct path is the one taken
    txt, blank = _text.text_and_blank(s)
    filled = s.where(s.notna(), None)
    ref_txt = _text._as_text(filled)
    ref_blank = _text.is_blank(ref_txt) | s.isna().to_numpy()
    assert txt.tolist() == ref_txt.tolist()
    assert blank.tolist() == ref_blank.tolist()
    assert txt[1] == "ID1" and txt[0] == "AB12" and txt[n - 1] == "湘A2999"
    assert blank[97] and not blank[0]


_MATCHER_PATTERNS = [
    r"\d{17}[\dX]",
    r"\d{15}",
    r"\d{0,17}\*{3,17}[\dX]{0,4}",
    r"1[3-9]\d{9}",
    r"1[3-9]\d[\d*]{4}\d{4}",
    r"0[1-9]\d{1,2}\d{7,8}",
]


@given(
    st.lists(
        st.one_of(
            st.text(alphabet="0123456789X*x \n-", max_size=20),
            st.from_regex(r"1[3-9]\d{9}|\d{17}[\dX]|0737\d{7}", fullmatch=True),
            st.text(max_size=8),  # any Unicode (full-width and Arabic-Indic digits too)
        ),
        max_size=30,
    )
)
@settings(max_examples=200, deadline=None)
def test_fullmatcher_agrees_with_pythons_re(values):
    from fusion.normalise._text import fullmatcher

    s = pd.Series(values, dtype=object)
    match = fullmatcher(s)
    for p in _MATCHER_PATTERNS:
        want = s.str.fullmatch(p).fillna(False).to_numpy(dtype=bool)
        np.testing.assert_array_equal(match(p), want)


def test_fullmatcher_missing_values_do_not_match():
    from fusion.normalise._text import fullmatcher

    s = pd.Series(["13812345678", None, np.nan, "x"], dtype=object)
    assert fullmatcher(s)(r"1[3-9]\d{9}").tolist() == [True, False, False, False]
