"""Resident ID numbers (居民身份证号, GB 11643-1999): check digit, 15→18 upgrade, masked IDs.

A pure module (no I/O, no pingan imports beyond the text helper) so entity resolution can use it.

- 18 characters: 6-digit region (GB/T 2260) + 8-digit birth date + 3-digit sequence (odd = male)
  + check character (ISO 7064 MOD 11-2; ``X`` = 10).
- Legacy 15 digits: region + ``YYMMDD`` (19YY) + sequence; upgraded by inserting ``19`` and
  computing the check character.
- Masked (``430902********1234``): visible prefix and suffix are kept, hidden positions become
  ``*`` in an 18-character form; the sex digit (17th) is known when visible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fusion.normalise._text import as_text, fullmatcher, is_blank

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = np.array(list("10X98765432"))

STATUSES = ("valid", "upgraded", "masked", "invalid", "missing")


def check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    d = np.frombuffer(first17.encode("ascii"), dtype=np.uint8).astype(np.int64) - 48
    return str(_CHECK[int((d * _WEIGHTS).sum() % 11)])


def upgrade_15(id15: str) -> str:
    """Upgrade a legacy 15-digit ID to 18 characters (births 1900-1999)."""
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_character(first17)


def _digits_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """Fixed-width ASCII strings → (n, width) int matrix of digit values (X → 10)."""
    b = np.asarray(values, dtype=f"S{width}")
    m = b.view(np.uint8).reshape(len(b), width).astype(np.int64)
    return np.where(m == ord("X"), 10, m - 48)


def _valid_birth(y: np.ndarray, mo: np.ndarray, d: np.ndarray) -> np.ndarray:
    dates = pd.to_datetime(
        pd.DataFrame({"year": y, "month": np.clip(mo, 1, 12), "day": np.clip(d, 1, 31)}),
        errors="coerce",
    )
    ok = (
        dates.notna().to_numpy()
        & (mo >= 1)
        & (mo <= 12)
        & (d >= 1)
        & (d <= 31)
        & (y >= 1900)
        & (y <= 2030)
    )
    return ok & (dates.dt.day.fillna(0).to_numpy() == d)


def clean_id_text(values: pd.Series) -> pd.Series:
    """Half-width, upper-case, without spaces/hyphens; mask characters unified to ``*``."""
    t = as_text(values).str.upper()
    t = t.str.replace(r"[\s\-_]", "", regex=True).str.replace(r"[×#●•]", "*", regex=True)
    return t.astype(object)


def normalise_id_numbers(values: pd.Series) -> pd.DataFrame:
    """Normalise resident ID numbers.

    Returns a DataFrame (same index) with columns:
    ``id18`` (18-character normal form; for masked IDs the 18-character pattern with ``*``;
    None when missing/invalid), ``status`` (valid | upgraded | masked | invalid | missing),
    ``region`` (6-digit adcode or None), ``birth_date`` (datetime64, naive date),
    ``sex`` (M/F/None), ``prefix`` and ``suffix`` (visible parts of a masked ID, else None).
    """
    t = clean_id_text(values).reset_index(drop=True)
    n = len(t)
    status = np.full(n, "invalid", dtype=object)
    id18 = np.full(n, None, dtype=object)
    blank = is_blank(t)
    status[blank] = "missing"
    lens = t.str.len().to_numpy()

    fullmatch = fullmatcher(t)
    is18 = ~blank & (lens == 18) & fullmatch(r"\d{17}[\dX]")
    is15 = ~blank & (lens == 15) & fullmatch(r"\d{15}")
    masked = ~blank & fullmatch(r"\d{0,17}\*{3,17}[\dX]{0,4}") & ((lens == 18) | (lens == 15))

    if is18.any():
        vals = t[is18].to_numpy()
        m = _digits_matrix(vals, 18)
        chk = _CHECK[(m[:, :17] * _WEIGHTS).sum(axis=1) % 11]
        last = np.array([v[17] for v in vals])
        y = m[:, 6] * 1000 + m[:, 7] * 100 + m[:, 8] * 10 + m[:, 9]
        mo = m[:, 10] * 10 + m[:, 11]
        d = m[:, 12] * 10 + m[:, 13]
        ok = (chk == last) & _valid_birth(y, mo, d) & (m[:, 0] >= 1) & (m[:, 0] <= 9)
        idx = np.flatnonzero(is18)
        status[idx[ok]] = "valid"
        id18[idx[ok]] = vals[ok]
    if is15.any():
        vals = t[is15].to_numpy()
        m = _digits_matrix(vals, 15)
        y = 1900 + m[:, 6] * 10 + m[:, 7]
        mo = m[:, 8] * 10 + m[:, 9]
        d = m[:, 10] * 10 + m[:, 11]
        ok = _valid_birth(y, mo, d) & (m[:, 0] >= 1)
        first17 = np.char.add(
            np.char.add(np.array([v[:6] for v in vals], dtype="U6"), "19"),
            np.array([v[6:] for v in vals], dtype="U9"),
        )
        m17 = _digits_matrix(first17, 17)
        chk = _CHECK[(m17 * _WEIGHTS).sum(axis=1) % 11]
        up = np.char.add(first17, chk)
        idx = np.flatnonzero(is15)
        status[idx[ok]] = "upgraded"
        id18[idx[ok]] = up[ok]
    if masked.any():
        vals = t[masked]
        # a masked 15-digit form: widen to 18 by inserting the century marker as hidden
        v18 = vals.where(vals.str.len() == 18, vals.str[:6] + "**" + vals.str[6:] + "*")
        status[masked] = "masked"
        id18[masked] = v18.to_numpy()

    out = pd.DataFrame({"id18": id18, "status": status})
    s18 = out["id18"].astype(object)
    has = s18.notna()
    region = np.full(n, None, dtype=object)
    sex = np.full(n, None, dtype=object)
    prefix = np.full(n, None, dtype=object)
    suffix = np.full(n, None, dtype=object)
    birth = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    if has.any():
        h = s18[has].astype(str)
        r = h.str[:6]
        region[has.to_numpy()] = r.where(r.str.fullmatch(r"\d{6}"), None).to_numpy()
        sd = h.str[16]
        isd = sd.str.fullmatch(r"\d").fillna(False).to_numpy(dtype=bool)
        odd = (
            pd.to_numeric(sd.where(isd), errors="coerce").fillna(0).astype(int).to_numpy() % 2 == 1
        )
        sx = np.where(isd, np.where(odd, "M", "F"), None)
        sex[has.to_numpy()] = sx
        bd = h.str[6:14]
        birth[has.to_numpy()] = pd.to_datetime(
            bd.where(bd.str.fullmatch(r"\d{8}"), None), format="%Y%m%d", errors="coerce"
        ).to_numpy()
        mk = (out["status"] == "masked").to_numpy()
        if mk.any():
            mv = s18[mk].astype(str)
            prefix[mk] = mv.str.extract(r"^([\dX]*)", expand=False).to_numpy()
            suffix[mk] = mv.str.extract(r"([\dX]*)$", expand=False).to_numpy()
    out["region"] = region
    out["birth_date"] = birth.to_numpy()
    out["sex"] = sex
    out["prefix"] = prefix
    out["suffix"] = suffix
    out.index = pd.Series(values, copy=False).index
    return out
