"""Frames encoded ahead of a write (``geo.store._frames.Encoded``, made in ingest workers) are
stored exactly like the DataFrames they come from, on both backends."""

from __future__ import annotations

import json
import pickle

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from shapely.geometry import Point, Polygon

from geo.store import StoreSchemaError, open_store
from geo.store import _frames as fr
from geo.store.geoparquet import _partition_rows


def _frame(n: int = 7, *, empty_note: bool = False) -> gpd.GeoDataFrame:
    t = pd.Timestamp("2026-07-01 08:00", tz="Asia/Shanghai")
    sq = Polygon([(112.30, 28.50), (112.31, 28.50), (112.31, 28.51)])
    return gpd.GeoDataFrame(
        {
            "row_hash": np.arange(n, dtype=np.int64) * 7919,
            "period": (["2026-07", "2026-06", None] * n)[:n],
            "ts": [t + pd.Timedelta(minutes=i) for i in range(n)],
            "n": pd.array([i if i % 3 else None for i in range(n)], dtype="Int64"),
            "note": [None] * n if empty_note else [f"第{i}条" if i % 2 else None for i in range(n)],
            "h3_9": np.arange(n, dtype=np.uint64) + 617700169958293503,
        },
        geometry=[Point(112.3 + i / 100, 28.5) if i % 4 else (sq if i else None) for i in range(n)],
        crs="EPSG:4326",
    )


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("row_hash", ignore_index=True)


def test_write_encoded_equals_write_frame(target):
    a = open_store(target, batch_rows=3)
    b = open_store(target, "raw", batch_rows=3)
    df = _frame()
    a.write("t", df, partition_by=["period"])
    enc = pickle.loads(pickle.dumps(fr.encode(df)))  # as it comes back from a worker
    b.write("t", enc, partition_by=["period"])
    # appends: an all-NULL column takes the table's type; then a row subset
    more = _frame(5, empty_note=True).assign(row_hash=lambda d: d["row_hash"] + 1)
    a.write("t", more)
    b.write("t", fr.encode(more))
    a.write("t", more.iloc[[1, 3]].assign(row_hash=[-1, -2]))
    b.write("t", fr.encode(more.assign(row_hash=-more["row_hash"] - 9)).take(np.array([1, 3])))
    x, y = _sorted(a.read("t")), _sorted(b.read("t"))
    y["row_hash"] = y["row_hash"].where(y["row_hash"] > -9, [-2, -1] + [0] * (len(y) - 2))
    pd.testing.assert_frame_equal(_sorted(x), _sorted(y))
    assert a.info("t").columns == b.info("t").columns
    a.close()
    b.close()


def test_encoded_needing_a_cast_goes_through_conform(tmp_path):
    s = open_store(tmp_path / "w")
    s.write("t", pd.DataFrame({"k": [1, 2], "v": [1.5, 2.5]}))
    s.write("t", fr.encode(pd.DataFrame({"k": [3], "v": [4]})))  # int64 into float64
    assert s.read("t")["v"].tolist() == [1.5, 2.5, 4.0]
    with pytest.raises(StoreSchemaError, match="columns differ"):
        s.write("t", fr.encode(pd.DataFrame({"k": [3]})))
    with pytest.raises(StoreSchemaError, match="no NULLs"):  # all-NULL into int64
        s.write("t", fr.encode(pd.DataFrame({"k": [None], "v": [1.0]}, dtype=object)))


def test_geoparquet_metadata_per_file_from_encoded(tmp_path):
    s = open_store(tmp_path / "w")
    df = _frame(8)
    s.write("t", fr.encode(df), partition_by=["period"])
    cat = json.loads((tmp_path / "w" / "analytic" / "_catalogue.json").read_text())
    for f in cat["tables"]["t"]["files"]:
        meta = json.loads(pq.read_schema(tmp_path / "w" / "analytic" / f["path"]).metadata[b"geo"])
        part = df[df["period"].fillna("__none__") == (f["partition"]["period"] or "__none__")]
        geoms = part.geometry
        want = fr.geo_metadata(part.reset_index(drop=True), s.info("t"))
        assert meta == want
        if geoms.notna().any():
            assert meta["columns"]["geometry"]["bbox"] == list(geoms.total_bounds)


def test_partition_rows_are_groupby_indices():
    df = pd.DataFrame({"p": ["b", None, "a", "b", None, "c", "a"], "q": [1, 1, 2, 2, 1, 1, 2]})
    full = df.assign(p=df["p"].fillna("2026-07"))  # no NULL: factorized in Arrow
    for frame, cols in ((df, ["p"]), (df, ["p", "q"]), (full, ["p"]), (df, ["q"])):
        enc = fr.encode(frame)
        info = fr.new_info("t", "analytic", enc.kinds, None, partition_by=cols)
        got = _partition_rows(enc, info)
        want = frame.groupby(cols, dropna=False, sort=True).indices

        def norm(groups: dict) -> list:
            return [
                (
                    tuple(None if pd.isna(x) else x for x in (k if isinstance(k, tuple) else (k,))),
                    list(v),
                )
                for k, v in groups.items()
            ]

        assert norm(got) == norm(want)


def test_encoded_factorize_is_sorted_pandas_factorize():
    df = pd.DataFrame({"period": ["2026-07", "2026-05", "2026-07", "snapshot", "2026-05"]})
    codes, uniq = fr.encode(df).factorize("period")
    c2, u2 = pd.factorize(df["period"], sort=True)
    assert codes.tolist() == c2.tolist() and list(uniq) == list(u2)


def test_dictionary_pages_for_repeating_text_only(tmp_path):
    import pyarrow as pa

    from geo.store.geoparquet import _dictionary_columns, _write_file

    n = 5000
    tbl = pa.table(
        {
            "id": [f"D{i:09d}" for i in range(n)],
            "camera": [f"C{i % 300}" for i in range(n)],
            "period": ["2026-07"] * n,
            "row_hash": list(range(n)),
        }
    )
    assert _dictionary_columns(tbl) == ["camera", "period"]
    assert _dictionary_columns(tbl.slice(0, 10)) == ["id", "camera", "period"]  # small: all text
    _write_file(tbl, tmp_path / "x.parquet")
    meta = pq.read_metadata(tmp_path / "x.parquet").row_group(0)
    enc = {meta.column(i).path_in_schema: meta.column(i).encodings for i in range(4)}
    assert "RLE_DICTIONARY" in enc["camera"] and "RLE_DICTIONARY" not in enc["id"]
    assert pq.read_table(tmp_path / "x.parquet").equals(tbl)


def test_repeating_text_encodes_as_pyarrow_does():
    import pyarrow as pa

    from geo.store._frames import _repeating_text

    cases = [
        np.array(["a", "b", None, np.nan, "电动自行车"] * 2000, dtype=object),  # nulls both ways
        np.array(["ebike_detections/ebike_detections_20260701.parquet"] * 5000, dtype=object),
        np.array([f"u{i}" for i in range(5000)], dtype=object),  # distinct: plain path
        np.array([None] * 5000, dtype=object),
    ]
    for vals in cases:
        got = _repeating_text(vals, pa.string())
        assert got.equals(pa.array(vals, type=pa.string(), from_pandas=True))
