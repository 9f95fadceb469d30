"""Pinyin keys with surname readings and code-point distances (fusion.resolve.chinese)."""

from __future__ import annotations

import duckdb
import jellyfish
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fusion.resolve.chinese import (
    fuzzy_pinyin,
    jaro_winkler,
    levenshtein,
    name_pinyin,
    pinyin_initials,
    register_duckdb_functions,
)


@pytest.mark.parametrize(
    ("name", "py"),
    [
        ("单雄信", "shan xiong xin"),
        ("曾国藩", "zeng guo fan"),
        ("解缙", "xie jin"),
        ("仇英", "qiu ying"),
        ("区志", "ou zhi"),
        ("查良镛", "zha liang yong"),
        ("朴树", "piao shu"),
        ("欧阳修", "ou yang xiu"),
        ("尉迟恭", "yu chi gong"),
        ("张伟", "zhang wei"),
        ("买买提·艾力", "mai mai ti ai li"),
    ],
)
def test_surname_readings(name: str, py: str) -> None:
    assert name_pinyin(pd.Series([name])).iloc[0] == py


def test_homophones_share_pinyin_and_none_stays_none() -> None:
    s = name_pinyin(pd.Series(["张伟", "张玮", None, "章伟"]))
    assert s.iloc[0] == s.iloc[1] == "zhang wei"
    assert s.iloc[2] is None
    assert s.iloc[3] == "zhang wei"
    assert pinyin_initials(s).iloc[0] == "zw"


def test_fuzzy_pinyin_folds_dialect_confusions() -> None:
    f = fuzzy_pinyin(pd.Series(["liu ying", "niu yin", "zhang san", "zan san", "wang wei"]))
    assert f.iloc[0] == f.iloc[1]
    assert f.iloc[2] == f.iloc[3]
    assert f.iloc[4] != f.iloc[0]


def test_levenshtein_counts_characters_not_bytes() -> None:
    # DuckDB 1.x's byte-wise distance said 3 (the reason this module exists); DuckDB 2 counts
    # characters. Ours must say 1 whatever DuckDB is installed.
    d = levenshtein(
        ["张伟", "kitten", "", "欧阳娜娜", "abc", None],
        ["张玮", "sitting", "ab", "欧阳娜", None, None],
    )
    assert d.tolist() == [1, 3, 2, 1, 3, 0]


def test_jaro_winkler_matches_reference_on_latin_and_counts_chars() -> None:
    a = ["MARTHA", "DIXON", "张三丰", "abc", "crate"]
    b = ["MARHTA", "DICKSONX", "张三", "xyz", "trace"]
    ref = [jellyfish.jaro_winkler_similarity(x, y) for x, y in zip(a, b, strict=True)]
    np.testing.assert_allclose(jaro_winkler(a, b), ref, atol=1e-12)
    assert jaro_winkler(["张伟"], ["张玮"])[0] == pytest.approx(2 / 3)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text("张王李伟玮三丰abc", max_size=7), st.text("张王李伟玮三丰abc", max_size=7)
        ),
        min_size=1,
        max_size=20,
    )
)
def test_distances_agree_with_jellyfish(pairs: list[tuple[str, str]]) -> None:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    assert levenshtein(a, b).tolist() == [jellyfish.levenshtein_distance(x, y) for x, y in pairs]
    ref = [jellyfish.jaro_winkler_similarity(x, y) if x and y else 0.0 for x, y in pairs]
    np.testing.assert_allclose(jaro_winkler(a, b), ref, atol=1e-9)


def test_duckdb_udfs() -> None:
    con = duckdb.connect()
    register_duckdb_functions(con)
    register_duckdb_functions(con)  # idempotent
    row = con.execute(
        "select zh_levenshtein('张伟','张玮'), zh_jaro_winkler('张伟','张玮'), zh_levenshtein(NULL,'a')"
    ).fetchone()
    assert row[0] == 1
    assert row[1] == pytest.approx(2 / 3)
    assert row[2] is None
