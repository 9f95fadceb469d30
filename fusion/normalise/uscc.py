"""Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters, check character."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fusion.normalise._text import as_text, is_blank

_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(_CHARS)}
_WEIGHTS = np.array(
    [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64
)


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHARS[(31 - total % 31) % 31]


def normalise_uscc(values: pd.Series) -> pd.DataFrame:
    """Return ``uscc`` (upper-case normal form or None) and ``status`` (valid|invalid|missing)."""
    t = as_text(values).str.upper().str.replace(r"[\s\-]", "", regex=True).reset_index(drop=True)
    blank = is_blank(t)
    shape = t.str.fullmatch(f"[{_CHARS}]{{18}}").to_numpy() & ~blank
    status = np.full(len(t), "invalid", dtype=object)
    status[blank] = "missing"
    if shape.any():
        vals = t[shape].to_numpy()
        lut = np.zeros(128, dtype=np.int64)
        for c, i in _VALUE.items():
            lut[ord(c)] = i
        m = lut[np.asarray(vals, dtype="S18").view(np.uint8).reshape(len(vals), 18)]
        chk = (31 - (m[:, :17] * _WEIGHTS).sum(axis=1) % 31) % 31
        ok = chk == m[:, 17]
        idx = np.flatnonzero(shape)
        status[idx[ok]] = "valid"
    out = pd.DataFrame(
        {"uscc": np.where(status == "valid", t.to_numpy(dtype=object), None), "status": status}
    )
    out.index = pd.Series(values, copy=False).index
    return out
