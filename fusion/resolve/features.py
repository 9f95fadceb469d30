"""Comparison columns for person records, precomputed once so any Splink backend can compare them.

人员比对特征列。Input (one row per source record; the columns resolution takes):

========== ==========================================================================
record_id  unique record key (str), e.g. ``hukou:hukou/hukou_20261028.xlsx:17``
feed       source feed id (``hukou``, ``floating_pop`` ...)
name       cleaned name (:func:`fusion.normalise.names.normalise_names`) or None
id_number  resident ID as it came (raw, 15/18 digits, or masked ``430902********1234``) or None
birth_date date of birth (datetime64 / date) or None
sex        ``M`` / ``F`` / None
phone      E.164 phone (``+8613812345678``) or None
address_id gazetteer address id (标准地址编码) or None
household_no 户号 or None
========== ==========================================================================

Added columns: ``id18`` (normal 18-character form, masked pattern for masked IDs), ``id_full``
(id18 when the ID is valid or upgraded — the over-merge guard's key), ``id_masked`` (bool),
``id_pre6`` / ``id_suf4`` (visible region prefix and last four incl. the sex digit), ``birth``
(``YYYY-MM-DD`` text: the record's birth date, else the one in its ID), ``sex`` (filled from the
ID when missing), ``name_py`` (spaced pinyin with surname readings), ``name_fz`` (fuzzy pinyin),
``name_ini`` (pinyin initials). All plain text columns: comparisons on them are portable SQL.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fusion.normalise.idcard import normalise_id_numbers
from fusion.resolve.chinese import fuzzy_pinyin, name_pinyin, pinyin_initials

PERSON_COLUMNS = (
    "record_id",
    "feed",
    "name",
    "id_number",
    "birth_date",
    "sex",
    "phone",
    "address_id",
    "household_no",
)


def person_features(records: pd.DataFrame) -> pd.DataFrame:
    """Return ``records`` (missing optional columns added as None) with the comparison columns."""
    df = records.copy()
    for c in PERSON_COLUMNS:
        if c not in df.columns:
            df[c] = None
    df = df.reset_index(drop=True)
    ids = normalise_id_numbers(df["id_number"].astype(object).where(df["id_number"].notna(), None))
    ids = ids.reset_index(drop=True)
    st = ids["status"]
    full = st.isin(["valid", "upgraded"]).to_numpy()
    masked = (st == "masked").to_numpy()
    id18 = ids["id18"].astype(object)
    df["id18"] = id18.where(full | masked, None)
    df["id_full"] = id18.where(full, None)
    df["id_masked"] = masked
    shown = id18.where(full | masked).astype("string")
    pre = shown.str[:6]
    pre = pre.where(pre.str.fullmatch(r"\d{6}").fillna(False).to_numpy(bool)).astype(object)
    df["id_pre6"] = pre.where(pre.notna(), None)
    suf = shown.str[-4:]
    suf = suf.where(suf.str.fullmatch(r"\d{3}[\dX]").fillna(False).to_numpy(bool)).astype(object)
    df["id_suf4"] = suf.where(suf.notna(), None)
    own = pd.to_datetime(df["birth_date"], errors="coerce")
    if getattr(own.dt, "tz", None) is not None:
        own = own.dt.tz_localize(None)
    from_id = pd.to_datetime(ids["birth_date"], errors="coerce")
    b = own.where(own.notna(), from_id)
    df["birth"] = b.dt.strftime("%Y-%m-%d").where(b.notna(), None).astype(object)
    sex = df["sex"].astype(object).where(df["sex"].isin(["M", "F"]), None)
    df["sex"] = sex.where(sex.notna(), ids["sex"].astype(object))
    name = df["name"].astype(object).where(df["name"].notna(), None)
    df["name"] = name
    df["name_py"] = name_pinyin(name)
    df["name_fz"] = fuzzy_pinyin(df["name_py"])
    df["name_ini"] = pinyin_initials(df["name_py"])
    for c in ("phone", "address_id", "household_no", "feed", "record_id"):
        v = df[c].astype(object)
        df[c] = v.where(v.notna(), None).map(lambda x: None if x is None else str(x))
    return df.replace({np.nan: None})
