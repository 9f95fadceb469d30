"""Phone numbers → E.164 (``+8613812345678``; landlines ``+867371234567``).

电话号码标准化。Accepts 11-digit mobiles with or without ``+86`` / ``86`` / ``0086``, spaces,
hyphens and full-width digits; landlines with a 0-prefixed area code (``0737-1234567``);
masked mobiles (``138****1234``) are kept masked (``+86138****1234``, status ``masked``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fusion.normalise._text import as_text, fullmatcher, is_blank

STATUSES = ("mobile", "landline", "masked", "invalid", "missing")


def normalise_phones(values: pd.Series) -> pd.DataFrame:
    """Return columns ``e164`` (str or None) and ``status`` (see :data:`STATUSES`), same index."""
    t = as_text(values).reset_index(drop=True)
    blank = is_blank(t)
    d = t.str.replace(r"[\s\-()（）.]", "", regex=True)
    d = d.str.replace(r"^(?:\+86|0086|86(?=1\d{10}$))", "", regex=True)
    fullmatch = fullmatcher(d)
    mobile = fullmatch(r"1[3-9]\d{9}")
    masked = fullmatch(r"1[3-9]\d[\d*]{4}\d{4}") & d.str.contains("*", regex=False).to_numpy()
    land = fullmatch(r"0[1-9]\d{1,2}\d{7,8}") & ~mobile
    status = np.full(len(t), "invalid", dtype=object)
    status[blank] = "missing"
    status[land & ~blank] = "landline"
    status[masked & ~blank] = "masked"
    status[mobile & ~blank] = "mobile"
    e164 = np.full(len(t), None, dtype=object)
    ok = (mobile | masked) & ~blank
    e164[ok] = ("+86" + d[ok]).to_numpy()
    ll = land & ~blank
    e164[ll] = ("+86" + d[ll].str[1:]).to_numpy()
    out = pd.DataFrame({"e164": e164, "status": status})
    out.index = pd.Series(values, copy=False).index
    return out
