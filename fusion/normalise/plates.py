"""Vehicle plates: ``湘H·12345`` / ``湘H 12345`` / ``湘h12345`` → ``湘H12345``; e-bike plates
(``益阳A12345``) and partial plates from cameras (``益阳A1**45``) are kept as they are read.

号牌标准化。Status: ``full``, ``partial`` (contains ``*``), ``invalid``, ``missing``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fusion.normalise._text import as_text, is_blank

_PLATE = r"[\u4e00-\u9fff]{1,3}[A-Z][A-Z0-9]{4,6}[挂学警港澳领试超]?"
_PARTIAL = r"[\u4e00-\u9fff]{0,3}[A-Z*][A-Z0-9*]{3,6}[挂学警港澳领试超]?"


def normalise_plates(values: pd.Series) -> pd.DataFrame:
    """Return columns ``plate`` (normal form or None) and ``status``, same index.

    A cell listing several plates separated by ``;`` is valid when every plate is; the normal
    form keeps them ``;``-separated."""
    t0 = as_text(values).reset_index(drop=True)
    multi = t0.str.contains(";", regex=False).to_numpy()
    if multi.any():
        parts = t0[multi].str.split(";").explode()
        r = _normalise_single(parts[parts.str.strip() != ""])
        ok = r.groupby(level=0)["status"].agg(
            lambda s: (
                "full"
                if (s == "full").all()
                else ("partial" if s.isin(["full", "partial"]).all() else "invalid")
            )
        )
        joined = r.groupby(level=0)["plate"].agg(lambda s: ";".join(x for x in s if x))
        single = _normalise_single(t0.where(~multi, ""))
        single.loc[ok.index, "status"] = ok.to_numpy()
        good = ok.index[ok.to_numpy() != "invalid"]
        single.loc[good, "plate"] = joined.loc[good].to_numpy()
        single.index = pd.Series(values, copy=False).index
        return single
    out = _normalise_single(t0)
    out.index = pd.Series(values, copy=False).index
    return out


def _normalise_single(values: pd.Series) -> pd.DataFrame:
    t = as_text(values).str.upper().reset_index(drop=True)
    blank = is_blank(t)
    p = t.str.replace(r"[\s·•・\.\-_]", "", regex=True)
    full = p.str.fullmatch(_PLATE).to_numpy() & ~blank
    partial = (
        p.str.fullmatch(_PARTIAL).to_numpy()
        & p.str.contains("*", regex=False).to_numpy()
        & ~blank
        & ~full
    )
    status = np.full(len(t), "invalid", dtype=object)
    status[blank] = "missing"
    status[partial] = "partial"
    status[full] = "full"
    plate = np.where(full | partial, p.to_numpy(dtype=object), None)
    out = pd.DataFrame({"plate": plate, "status": status})
    out.index = pd.Series(values, copy=False).index
    return out
