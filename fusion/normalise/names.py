"""Person names: trimmed, full-width → half-width, inner spaces between Chinese characters removed.

姓名标准化。``"  张　三 "`` → ``"张三"``; minority names keep their middle dot (``买买提·艾力``,
any of ``・•．`` becomes ``·``). Latin names keep single inner spaces.
"""

from __future__ import annotations

import pandas as pd

from fusion.normalise._text import as_text, is_blank

_HAN = r"\u3400-\u9fff"


def normalise_names(values: pd.Series) -> pd.Series:
    """Return the cleaned names (None where blank), same index."""
    t = as_text(values)
    t = t.str.replace(r"\s+", " ", regex=True)
    t = t.str.replace(
        rf"(?<=[{_HAN}])\s+(?=[{_HAN}·])|(?<=[{_HAN}·])\s+(?=[{_HAN}])", "", regex=True
    )
    t = t.str.replace(r"\s*[・•．\.]\s*(?=[\u3400-\u9fff])", "·", regex=True)
    t = t.str.replace(r"\s*·\s*", "·", regex=True)
    out = t.where(~is_blank(t), None).astype(object)
    out.index = pd.Series(values, copy=False).index
    return out
