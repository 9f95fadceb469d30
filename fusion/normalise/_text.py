"""Text helpers shared by the normalisers: raw values → clean strings, blank detection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

_BLANKS = {"", "nan", "none", "null", "nat", "-", "—", "/", "无", "空"}
#: the characters ``str.strip()`` removes (``str.isspace``), for pyarrow's trim
_PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def as_text(values: pd.Series) -> pd.Series:
    """See :func:`_as_text`; computed once per distinct value (columns repeat values a lot)."""
    s = pd.Series(values, copy=False)
    if len(s) < 64 or s.dtype.kind in "iuf":
        return _as_text(s)
    codes, uniq = pd.factorize(s, use_na_sentinel=False)
    if len(uniq) > 0.7 * len(s):
        return _as_text(s)
    out = _as_text(pd.Series(uniq, dtype=object)).to_numpy(dtype=object)[codes]
    return pd.Series(out, index=s.index, dtype=object)


def _as_text(values: pd.Series) -> pd.Series:
    """Raw values (any type) → NFKC-normalised, stripped ``str`` Series; missing → ``""``.

    NFKC turns full-width digits, letters and punctuation into half-width ones.
    Integral floats (``13812345678.0`` from a spreadsheet) lose their ``.0``.
    """
    s = pd.Series(values, copy=False)
    if s.dtype.kind == "f":
        out = s.map(
            lambda v: (
                ""
                if pd.isna(v)
                else (str(int(v)) if float(v).is_integer() and abs(v) < 1e18 else repr(v))
            )
        )
        return out.astype(object)
    if s.dtype.kind in "iu":
        return s.astype(str).astype(object)
    if s.dtype == object:
        fl = s.map(type) == float
        if fl.any():
            s = s.copy()
            s[fl] = _as_text(s[fl].astype(float))
    s = s.astype("string").fillna("")
    s = s.str.normalize("NFKC").str.strip()
    return s.astype(object)


def fullmatcher(text: pd.Series) -> Callable[[str], np.ndarray]:
    """For text values (``str``; None/NaN count as no match): a function ``pattern`` →
    ``text.str.fullmatch(pattern)`` as a bool array. When every value is ASCII the patterns
    run in Arrow's RE2 (C++, all values at once) instead of Python's ``re`` value by value;
    meant for the normalisers' ASCII patterns (digits, literal classes, counted repeats), on
    which the two engines agree for ASCII text (``\\d`` is ASCII-only in both there)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    s = pd.Series(text, copy=False)
    arr = None
    if s.dtype == object:
        try:
            arr = pa.array(s.to_numpy(), type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arr = None
        if arr is not None and pc.all(pc.string_is_ascii(arr)).as_py() is False:
            arr = None  # non-ASCII text: Python's re (Unicode digits, case rules)

    def match(pattern: str) -> np.ndarray:
        if arr is not None:
            m = pc.match_substring_regex(arr, f"^(?:{pattern})$").fill_null(False)
            return m.to_numpy(zero_copy_only=False).astype(bool)
        return s.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)

    return match


def is_blank(text: pd.Series) -> np.ndarray:
    """True where a cleaned text value means 'no value' (empty, 'null', '无', '-', ...)."""
    t = pd.Series(text, copy=False).astype(object)
    return t.str.lower().isin(_BLANKS).to_numpy() | t.isna().to_numpy()


def is_arrow_text(s: pd.Series) -> bool:
    """Whether ``s`` holds Arrow-backed text (``pd.ArrowDtype`` string, as the Parquet reader
    gives mostly-distinct text columns)."""
    import pyarrow as pa

    dt = s.dtype
    return isinstance(dt, pd.ArrowDtype) and (
        pa.types.is_string(dt.pyarrow_dtype) or pa.types.is_large_string(dt.pyarrow_dtype)
    )


def mostly_distinct(arr: Any) -> bool:
    """Whether 4096+ values (an Arrow array or chunked array, or a NumPy array) are (nearly)
    all distinct, judged on ~2048 evenly spaced values."""
    import pyarrow as pa

    n = len(arr)
    if n < 4096:
        return False
    at = np.arange(0, n, n // 2048)
    if isinstance(arr, np.ndarray):
        sample = arr[at]
    else:
        sample = arr.take(pa.array(at)).to_numpy(zero_copy_only=False)
    return len(pd.unique(sample)) > 0.95 * len(sample)


def _arrow_text(s: pd.Series) -> Any:
    """The one Arrow ``string`` array behind Arrow-backed text ``s`` (no copy when it is one
    chunk of ``string``)."""
    import pyarrow as pa

    arr = pa.array(s.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr.cast(pa.string()) if pa.types.is_large_string(arr.type) else arr


def arrow_text_objects(s: pd.Series) -> pd.Series:
    """Arrow-backed text as an object Series of ``str`` with None for missing values (what
    ``pyarrow.Table.to_pandas`` gives); repeating values share one object (dictionary)."""
    import pyarrow.compute as pc

    arr = _arrow_text(s)
    if mostly_distinct(arr):
        vals = arr.to_numpy(zero_copy_only=False)
    else:
        enc = pc.dictionary_encode(arr)
        uniq = np.append(enc.dictionary.to_numpy(zero_copy_only=False).astype(object), None)
        vals = uniq[enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)]
    return pd.Series(vals, index=s.index, dtype=object, name=s.name)


def text_and_blank(values: pd.Series, arrow_ok: bool = False) -> tuple[pd.Series, np.ndarray]:
    """:func:`as_text` and :func:`is_blank` together, computed once per distinct value.

    ``arrow_ok``: Arrow-backed text input (:func:`is_arrow_text`) may come back Arrow-backed
    (mostly-distinct ASCII values: no Python object per value; missing values as ``""``);
    otherwise the text is always an object Series of ``str``."""
    s = pd.Series(values, copy=False)
    if is_arrow_text(s):
        fast = _text_and_blank_arrow(s, arrow_ok)
        if fast is not None:
            return fast
        s = arrow_text_objects(s)
    fast = _text_and_blank_arrow(s)
    if fast is not None:
        return fast
    codes, uniq = pd.factorize(s, use_na_sentinel=False)
    txt_u = _as_text(pd.Series(uniq, dtype=object))
    blank_u = is_blank(txt_u)
    txt = pd.Series(txt_u.to_numpy(dtype=object)[codes], index=s.index, dtype=object)
    return txt, blank_u[codes]


def _text_and_blank_arrow(
    s: pd.Series, arrow_ok: bool = False
) -> tuple[pd.Series, np.ndarray] | None:
    """Fast path of :func:`text_and_blank` for columns of ``str`` / missing values (CSV and
    Parquet text): pyarrow dictionary-encodes the column, ASCII distinct values are trimmed and
    lower-cased in C++ (NFKC leaves ASCII unchanged; the trimmed characters are exactly those
    ``str.strip`` removes), and only the non-ASCII distinct values go through Python's
    ``unicodedata`` (pyarrow's utf8proc may follow another Unicode version). Same results as
    the pandas path; None when the column holds other types (numbers, dates from XLSX/JSON)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if is_arrow_text(s):
        arr = _arrow_text(s)
    elif s.dtype != object or len(s) < 64:
        return None
    else:
        vals = s.to_numpy()
        if mostly_distinct(vals):
            try:  # ids, paths: value by value, no dictionary
                arr = pa.array(vals, type=pa.string(), from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                return None
            return _text_and_blank_distinct(arr, s.index)
        # repeating text: pandas' factorize (str hashes are cached on the objects) beats
        # converting every row to Arrow; only the distinct values go to Arrow
        idx, uniq_o = pd.factorize(vals)  # None/NaN → -1
        try:
            uniq = pa.array(uniq_o, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
        return _dictionary_text_and_blank(uniq, idx, s.index)
    if mostly_distinct(arr):  # ids, paths: value by value, no dictionary
        return _text_and_blank_distinct(arr, s.index, arrow_ok)
    enc = pc.dictionary_encode(arr)
    idx = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return _dictionary_text_and_blank(enc.dictionary, idx, s.index)


def _dictionary_text_and_blank(
    uniq: Any, idx: np.ndarray, index: pd.Index
) -> tuple[pd.Series, np.ndarray]:
    """:func:`_text_and_blank_arrow` of the distinct values ``uniq`` (Arrow strings), spread
    to the rows by ``idx`` (-1 = missing: ``""`` and blank)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ascii_ = pc.string_is_ascii(uniq).to_numpy(zero_copy_only=False)
    trimmed = pc.ascii_trim(uniq, _PY_WHITESPACE[:10])
    txt_u = trimmed.to_numpy(zero_copy_only=False).astype(object)
    blank_u = pc.is_in(pc.ascii_lower(trimmed), pa.array(sorted(_BLANKS))).to_numpy(
        zero_copy_only=False
    )
    other = np.flatnonzero(~ascii_)
    if len(other):
        rest = _as_text(pd.Series(uniq.take(pa.array(other)).to_pylist(), dtype=object))
        txt_u[other] = rest.to_numpy(dtype=object)
        blank_u[other] = is_blank(rest)
    # the last slot stands for missing values: "" and blank
    txt_u = np.append(txt_u, "")
    blank_u = np.append(blank_u, True)
    return pd.Series(txt_u[idx], index=index, dtype=object), blank_u[idx]


def _text_and_blank_distinct(
    arr: Any, index: pd.Index, arrow_out: bool = False
) -> tuple[pd.Series, np.ndarray]:
    """:func:`_text_and_blank_arrow` without the dictionary, for columns of mostly distinct
    values (hashing them into a dictionary would cost more than it saves): the same steps
    on every value. ``arrow_out``: an all-ASCII column comes back Arrow-backed."""
    import pyarrow as pa
    import pyarrow.compute as pc

    valid = arr.is_valid().to_numpy(zero_copy_only=False)
    ascii_ = pc.string_is_ascii(arr).fill_null(True).to_numpy(zero_copy_only=False)
    trimmed = pc.ascii_trim(arr, _PY_WHITESPACE[:10])
    blank = pc.is_in(pc.ascii_lower(trimmed), pa.array(sorted(_BLANKS))).to_numpy(
        zero_copy_only=False
    )
    blank = np.asarray(blank, dtype=object)
    blank = np.where(valid, blank, True).astype(bool)
    if arrow_out and ascii_.all():  # nothing for unicodedata: no Python object per value
        txt_a = pd.arrays.ArrowExtensionArray(trimmed.fill_null(""))
        return pd.Series(txt_a, index=index, copy=False), blank
    txt = trimmed.fill_null("").to_numpy(zero_copy_only=False).astype(object, copy=False)
    other = np.flatnonzero(~ascii_ & valid)
    if len(other):  # non-ASCII values: unicodedata, once per distinct value
        codes, uniq = pd.factorize(arr.take(pa.array(other)).to_numpy(zero_copy_only=False))
        rest = _as_text(pd.Series(uniq, dtype=object))
        txt[other] = rest.to_numpy(dtype=object)[codes]
        blank[other] = is_blank(rest)[codes]
    return pd.Series(txt, index=index, dtype=object), blank
