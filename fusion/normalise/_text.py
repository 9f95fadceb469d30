"""Text helpers shared by the normalisers: raw values → clean strings, blank detection."""

from __future__ import annotations

import numpy as np
import pandas as pd

_BLANKS = {"", "nan", "none", "null", "nat", "-", "—", "/", "无", "空"}


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


def is_blank(text: pd.Series) -> np.ndarray:
    """True where a cleaned text value means 'no value' (empty, 'null', '无', '-', ...)."""
    t = pd.Series(text, copy=False).astype(object)
    return t.str.lower().isin(_BLANKS).to_numpy() | t.isna().to_numpy()


def text_and_blank(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """:func:`as_text` and :func:`is_blank` together, computed once per distinct value."""
    s = pd.Series(values, copy=False)
    codes, uniq = pd.factorize(s, use_na_sentinel=False)
    txt_u = _as_text(pd.Series(uniq, dtype=object))
    blank_u = is_blank(txt_u)
    txt = pd.Series(txt_u.to_numpy(dtype=object)[codes], index=s.index, dtype=object)
    return txt, blank_u[codes]
