"""content_hash must keep its numbers: stores hold them, and a reload finds old rows by them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from fusion.ingest import content_hash


def _reference(df: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The definition (what the first stores were loaded with)."""
    parts = {}
    for c in columns:
        s = df[c]
        parts[c] = s.astype(str) if s.dtype == object or s.dtype.kind in "OSUb" else s
        if c == "geometry":
            parts[c] = pd.Series([g.wkb_hex if g is not None else "" for g in s], index=s.index)
    return pd.util.hash_pandas_object(pd.DataFrame(parts), index=False).to_numpy().view(np.int64)


def test_content_hash_is_hash_pandas_object_of_the_text_form():
    n = 5000
    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {
            "id": [f"D{i:012d}" for i in range(n)],  # all distinct: hashed without factorize
            "cat": rng.choice(["电动自行车", "三轮车", None], n).astype(object),
            "mixed": [i if i % 3 else (None if i % 2 else f"{i}号") for i in range(n)],
            "num": rng.normal(size=n),
            "flag": rng.random(n) > 0.5,
            "ts": pd.Timestamp("2026-07-01", tz="Asia/Shanghai")
            + pd.to_timedelta(rng.integers(0, 86_400, n), unit="s"),
            "cnt": pd.array([i if i % 7 else None for i in range(n)], dtype="Int64"),
            "txt": pd.array([None if i % 5 == 0 else f"t{i % 40}" for i in range(n)], "string"),
            "geometry": [shapely.Point(112 + i / n, 28.5) if i % 9 else None for i in range(n)],
        }
    )
    cols = list(df.columns)
    got = content_hash(df, cols)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, _reference(df, cols))
    np.testing.assert_array_equal(
        content_hash(df.iloc[:100], cols), _reference(df.iloc[:100], cols)
    )
    # known value: the numbers do not depend on the machine or the run
    one = pd.DataFrame({"a": ["x"], "b": [1]})
    assert int(content_hash(one, ["a", "b"])[0]) == -3823053568907211567
