"""Chinese-aware comparison primitives for entity resolution: pinyin keys and code-point distances.

中文实体比对基础：姓名拼音键（含姓氏读音表：单→shan，曾→zeng，解→xie ...）与按字符（Unicode 码位）
计算的编辑距离 / Jaro-Winkler。

Why not Splink's / DuckDB's own string distances: DuckDB 1.x's ``levenshtein`` and
``jaro_winkler_similarity`` work on UTF-8 *bytes*. A Chinese character is 3 bytes, so
``levenshtein('张伟', '张玮')`` is 3 (not 1) there: one wrong character in a two-character name
looks like a different person, and thresholds tuned on Latin names mean nothing. DuckDB 2.0
counts characters, but ``pyproject.toml`` admits DuckDB ≥ 1.0, so the distance must not depend
on which one is installed. Here strings become arrays of code points (``numpy`` ``U`` dtype viewed as
``uint32``) and the dynamic programme runs vectorised over all pairs at once.

On other Splink backends the code-point distance already exists natively: PostgreSQL's
``fuzzystrmatch.levenshtein`` and Spark's ``levenshtein`` count characters, not bytes — see
:mod:`fusion.resolve.splink_settings` for how the same settings run there.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
from pypinyin import Style, lazy_pinyin

# 姓氏读音 — polyphonic surnames read as surnames (pypinyin reads the common-word sound).
SURNAME_READINGS: dict[str, str] = {
    # compound surnames first (matched before single characters)
    "欧阳": "ou yang",
    "司马": "si ma",
    "上官": "shang guan",
    "诸葛": "zhu ge",
    "东方": "dong fang",
    "皇甫": "huang fu",
    "尉迟": "yu chi",
    "长孙": "zhang sun",
    "万俟": "mo qi",
    "单于": "chan yu",
    "令狐": "ling hu",
    "慕容": "mu rong",
    "夏侯": "xia hou",
    "公孙": "gong sun",
    "澹台": "tan tai",
    # single-character surnames
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "尉": "yu",
    "乐": "yue",
    "缪": "miao",
    "繁": "po",
    "员": "yun",
    "覃": "qin",
    "召": "shao",
    "种": "chong",
    "秘": "bi",
    "冼": "xian",
    "莘": "shen",
    "华": "hua",
    "任": "ren",
    "沈": "shen",
    "折": "she",
    "翟": "zhai",
    "句": "gou",
    "阚": "kan",
    "能": "nai",
    "朝": "chao",
    "车": "che",
    "过": "guo",
    "隗": "wei",
    "黑": "he",
    "厍": "she",
    "宓": "mi",
    "重": "chong",
    "郇": "xun",
    "逄": "pang",
    "相": "xiang",
    "柏": "bai",
    "薄": "bo",
    "贲": "ben",
    "蕃": "pi",
    "祭": "zhai",
    "藏": "zang",
    "长": "chang",
    "参": "can",
    "俞": "yu",
    "纪": "ji",
    "褚": "chu",
    "乜": "nie",
    "塔": "ta",
    "牟": "mou",
    "尹": "yin",
    "应": "ying",
    "弗": "fu",
    "都": "du",
    "费": "fei",
    "哈": "ha",
    "吕": "lv",
    "闵": "min",
    "隋": "sui",
    "蔺": "lin",
    "洗": "xian",
}
_COMPOUND = tuple(k for k in SURNAME_READINGS if len(k) == 2)

# Dialect confusions (湘方言/西南官话: n/l, 前后鼻音, 平翘舌, f/h) folded for the fuzzy key.
_FUZZY_RULES: tuple[tuple[str, str], ...] = (
    (r"\bzh", "z"),
    (r"\bch", "c"),
    (r"\bsh", "s"),
    (r"\bl(?=[aeiouv])", "n"),
    (r"\bh(?=u)", "f"),
    (r"ang\b", "an"),
    (r"eng\b", "en"),
    (r"ing\b", "in"),
    (r"iang\b", "ian"),
    (r"uang\b", "uan"),
)
_NON_LETTER = re.compile(r"[^a-z ]")


@functools.lru_cache(maxsize=200_000)
def name_pinyin_one(name: str) -> str:
    """Toneless pinyin of one name, syllables separated by spaces, surname read as a surname.

    ``name_pinyin_one('单雄信') == 'shan xiong xin'``; Latin letters are lower-cased and kept;
    the middle dot of minority names (``买买提·艾力``) is dropped.
    """
    if not name:
        return ""
    head, rest = "", name
    if name[:2] in _COMPOUND:
        head, rest = SURNAME_READINGS[name[:2]], name[2:]
    elif name[0] in SURNAME_READINGS:
        head, rest = SURNAME_READINGS[name[0]], name[1:]
    body = " ".join(lazy_pinyin(rest, style=Style.NORMAL, v_to_u=False, errors=lambda s: list(s)))
    py = f"{head} {body}".lower().replace("ü", "v")
    return " ".join(_NON_LETTER.sub(" ", py).split())


def _map_unique(values: pd.Series, fn) -> pd.Series:
    """Apply a Python function once per distinct non-null value (names repeat a lot)."""
    s = pd.Series(values, copy=False)
    ok = s.notna().to_numpy()
    out = np.full(len(s), None, dtype=object)
    if ok.any():
        codes, uniq = pd.factorize(s[ok].astype(str))
        out[ok] = np.array([fn(u) for u in uniq], dtype=object)[codes]
    return pd.Series(out, index=s.index, dtype=object)


def name_pinyin(names: pd.Series) -> pd.Series:
    """Pinyin keys (``'zhang wei'``) of cleaned names; None stays None."""
    return _map_unique(names, name_pinyin_one)


def fuzzy_pinyin_one(py: str) -> str:
    """Fold dialect confusions (zh/z, n/l, -ng/-n ...) out of a spaced pinyin key."""
    for pat, rep in _FUZZY_RULES:
        py = re.sub(pat, rep, py)
    return py


def fuzzy_pinyin(pinyin: pd.Series) -> pd.Series:
    """Fuzzy pinyin keys from :func:`name_pinyin` output (spaces removed)."""
    return _map_unique(pinyin, lambda p: fuzzy_pinyin_one(p).replace(" ", ""))


def pinyin_initials(pinyin: pd.Series) -> pd.Series:
    """Initials of a spaced pinyin key (``'zhang wei'`` → ``'zw'``) — a cheap blocking key."""
    return _map_unique(pinyin, lambda p: "".join(w[0] for w in p.split()))


# ---------------------------------------------------------------------------------------------
# code-point distances, vectorised over pairs


def _codepoints(values: np.ndarray | pd.Series | list) -> tuple[np.ndarray, np.ndarray]:
    """Strings → (n, L) uint32 code-point matrix (0-padded) and lengths; None counts as ''."""
    arr = np.asarray(pd.Series(values, dtype=object).fillna("").astype(str).to_numpy(), dtype=str)
    if arr.dtype.itemsize == 0 or len(arr) == 0:
        return np.zeros((len(arr), 1), dtype=np.uint32), np.zeros(len(arr), dtype=np.int64)
    width = arr.dtype.itemsize // 4
    m = arr.view(np.uint32).reshape(len(arr), width)
    return m, np.char.str_len(arr).astype(np.int64)


def levenshtein(a: np.ndarray | pd.Series | list, b: np.ndarray | pd.Series | list) -> np.ndarray:
    """Pairwise Levenshtein distance counted in characters (code points), element by element.

    ``levenshtein(['张伟'], ['张玮']) == [1]``. Returns int64 array.
    """
    A, la = _codepoints(a)
    B, lb = _codepoints(b)
    n, wa = A.shape
    wb = B.shape[1]
    prev = np.tile(np.arange(wb + 1, dtype=np.int64), (n, 1))
    for i in range(1, wa + 1):
        cur = np.empty_like(prev)
        cur[:, 0] = i
        ai = A[:, i - 1 : i]
        cost = (ai != B).astype(np.int64)  # (n, wb)
        for j in range(1, wb + 1):
            cur[:, j] = np.minimum(
                np.minimum(prev[:, j] + 1, cur[:, j - 1] + 1), prev[:, j - 1] + cost[:, j - 1]
            )
        # rows whose string a is shorter than i keep the previous row
        done = (i > la)[:, None]
        prev = np.where(done, prev, cur)
    return prev[np.arange(n), lb]


def jaro_winkler(
    a: np.ndarray | pd.Series | list, b: np.ndarray | pd.Series | list, prefix_scale: float = 0.1
) -> np.ndarray:
    """Pairwise Jaro-Winkler similarity on code points (0..1; 0 when either side is empty);
    the prefix boost applies when Jaro > 0.7."""
    A, la = _codepoints(a)
    B, lb = _codepoints(b)
    n, wa = A.shape
    wb = B.shape[1]
    window = np.maximum(np.maximum(la, lb) // 2 - 1, 0)
    ma = np.zeros((n, wa), dtype=bool)
    mb = np.zeros((n, wb), dtype=bool)
    for i in range(wa):
        for j in range(wb):
            c = (
                (i < la)
                & (j < lb)
                & (abs(i - j) <= window)
                & ~ma[:, i]
                & ~mb[:, j]
                & (A[:, i] == B[:, j])
            )
            ma[:, i] |= c
            mb[:, j] |= c
    m = ma.sum(axis=1)
    # matched characters in order, compared position by position → transpositions
    oa = np.take_along_axis(A, np.argsort(~ma, axis=1, kind="stable"), axis=1)
    ob = np.take_along_axis(B, np.argsort(~mb, axis=1, kind="stable"), axis=1)
    w = min(wa, wb)
    pos = np.arange(w)[None, :]
    t = ((oa[:, :w] != ob[:, :w]) & (pos < m[:, None])).sum(
        axis=1
    ) // 2  # half-transpositions, floored (as jellyfish)
    with np.errstate(divide="ignore", invalid="ignore"):
        jaro = np.where(
            m > 0,
            (m / np.maximum(la, 1) + m / np.maximum(lb, 1) + (m - t) / np.maximum(m, 1)) / 3.0,
            0.0,
        )
    same = (
        np.cumprod(
            (A[:, :4][:, :w] == B[:, :4][:, :w])
            & (np.arange(min(4, w))[None, :] < np.minimum(la, lb)[:, None]),
            axis=1,
        )
        if w
        else np.zeros((n, 0))
    )
    pref = same.sum(axis=1) if w else np.zeros(n)
    # Winkler's boost only above the usual 0.7 threshold (as jellyfish / the reference algorithm)
    return np.where(jaro > 0.7, jaro + pref * prefix_scale * (1.0 - jaro), jaro)


def register_duckdb_functions(con) -> None:
    """Register ``zh_levenshtein(a, b) → INTEGER`` and ``zh_jaro_winkler(a, b) → DOUBLE`` on a
    DuckDB connection (vectorised Arrow UDFs; NULL in → NULL out). Idempotent."""
    import pyarrow as pa

    try:
        from duckdb import sqltypes as types
    except ImportError:  # duckdb < 1.4
        from duckdb import typing as types

    def _wrap(fn, out_type):
        def udf(x, y):
            xs = x.to_pandas()
            ys = y.to_pandas()
            null = (xs.isna() | ys.isna()).to_numpy()
            res = fn(xs.to_numpy(dtype=object), ys.to_numpy(dtype=object))
            return pa.array(res, type=out_type, mask=null)

        return udf

    for name, fn, sql_t, pa_t in (
        ("zh_levenshtein", levenshtein, "INTEGER", pa.int32()),
        ("zh_jaro_winkler", jaro_winkler, "DOUBLE", pa.float64()),
    ):
        try:
            con.remove_function(name)
        except Exception:  # noqa: BLE001, S110 - not registered yet
            pass
        con.create_function(
            name,
            _wrap(fn, pa_t),
            [types.VARCHAR, types.VARCHAR],
            getattr(types, sql_t),
            type="arrow",
            null_handling="special",
        )
