"""Mostly-distinct Parquet text (ids, paths) stays Arrow-backed through ingest: every result
must equal the one from plain ``str`` objects (the ``to_pandas`` path it replaced)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data_contracts.registry import get
from fusion.ingest import NormaliseContext, content_hash, map_columns, normalise_feed
from fusion.normalise._text import (
    arrow_text_objects,
    is_arrow_text,
    mostly_distinct,
    text_and_blank,
)
from fusion.readers import RawTable, read_parquet
from geo.store import open_store

N = 6000


def _ids(n: int, rng: np.random.Generator) -> list[str | None]:
    """Distinct ids with the mess departments send: padding, a full-width one, blanks, null."""
    v: list[str | None] = [f"D{i:012d}" for i in range(n)]
    for i in rng.choice(n, 40, replace=False):
        v[i] = f"  {v[i]}\t"
    v[5] = "Ｄ０００１２３"  # full width: NFKC in Python, not in Arrow
    v[6], v[7], v[8] = None, "null", "  "
    return v


def _detections(tmp_path: Path) -> Path:
    rng = np.random.default_rng(7)
    ts = pd.Timestamp("2026-07-01", tz="Asia/Shanghai") + pd.to_timedelta(
        rng.integers(0, 86_400, N), unit="s"
    )
    plates = [f"益阳A{i:05d}" for i in range(N)]  # distinct plates: a tokenised kind
    plates[3] = "非法号牌!!"
    plates[4] = None
    tbl = pa.table(
        {
            "抓拍编号": pa.array(_ids(N, rng), pa.string()),
            "设备编码": pa.array([None if i == 10 else f"43092100{i % 7}" for i in range(N)]),
            "抓拍时间": pa.array(ts),
            "车辆类型": pa.array(rng.choice(["电动自行车", "摩托车"], N).tolist()),
            "违法类型": pa.array(rng.choice(["未戴头盔", "闯红灯", ""], N).tolist()),
            "置信度": pa.array(rng.random(N)),
            "号牌": pa.array(plates, pa.string()),
            "是否外卖": pa.array(rng.choice(["是", "否"], N).tolist()),
            "平台": pa.array(rng.choice(["美团", "", "饿了么"], N).tolist()),
            "图片地址": pa.array([f"snap/D{i:012d}.jpg" for i in range(N)]),
        }
    )
    p = tmp_path / "ebike_detections_20260701.parquet"
    pq.write_table(tbl, p)
    return p


def _as_objects(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(**{c: arrow_text_objects(df[c]) for c in df.columns if is_arrow_text(df[c])})


def test_reader_keeps_distinct_text_in_arrow_and_the_values_of_to_pandas(tmp_path):
    p = _detections(tmp_path)
    raw = read_parquet(p).frame
    assert is_arrow_text(raw["抓拍编号"]) and is_arrow_text(raw["图片地址"])
    assert is_arrow_text(raw["号牌"])
    assert raw["设备编码"].dtype == object and raw["车辆类型"].dtype == object
    ref = pq.read_table(p).to_pandas()
    pd.testing.assert_frame_equal(_as_objects(raw).drop(columns="_row"), ref)
    assert raw["_row"].tolist() == list(range(1, N + 1))


def test_mostly_distinct_judges_a_sample():
    assert mostly_distinct(pa.array([f"x{i}" for i in range(5000)]))
    assert not mostly_distinct(pa.array([f"x{i % 100}" for i in range(5000)]))
    assert not mostly_distinct(pa.array([f"x{i}" for i in range(4000)]))  # too short to bother
    assert mostly_distinct(
        pa.chunked_array([[f"a{i}" for i in range(3000)], [f"b{i}" for i in range(3000)]])
    )


@pytest.mark.parametrize("arrow_ok", [False, True])
def test_text_and_blank_same_from_arrow_and_from_objects(arrow_ok):
    rng = np.random.default_rng(1)
    vals = _ids(N, rng)
    arrow = pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([vals[:2500], vals[2500:]])))
    obj = pd.Series(vals, dtype=object)
    t_a, b_a = text_and_blank(arrow, arrow_ok=arrow_ok)
    t_o, b_o = text_and_blank(obj)
    np.testing.assert_array_equal(b_a, b_o)
    assert t_o.dtype == object and not is_arrow_text(t_a)  # a full-width value: Python path
    assert t_a.tolist() == t_o.tolist()
    ascii_only = pd.Series(
        pd.arrays.ArrowExtensionArray(pa.array([v for i, v in enumerate(vals) if i != 5]))
    )
    t_a2, b_a2 = text_and_blank(ascii_only, arrow_ok=arrow_ok)
    t_o2, b_o2 = text_and_blank(arrow_text_objects(ascii_only))
    assert is_arrow_text(t_a2) is arrow_ok
    assert t_a2.tolist() == t_o2.tolist() and (b_a2 == b_o2).all()
    assert t_a2[5] == "" and b_a2[5] and b_a2[6] and b_a2[7]  # null, "null", spaces


def test_content_hash_same_from_arrow_and_from_objects(tmp_path):
    raw = read_parquet(_detections(tmp_path)).frame
    cols = [c for c in raw.columns if c != "_row"]
    np.testing.assert_array_equal(content_hash(raw, cols), content_hash(_as_objects(raw), cols))


def test_normalise_feed_same_from_arrow_and_from_objects(tmp_path):
    p = _detections(tmp_path)
    raw = read_parquet(p)
    contract = get("ebike_detections")
    ctx = NormaliseContext(secret="s" * 16, city=None, h3_resolution=9)
    fast = normalise_feed(map_columns(raw, contract), contract, p.name, ctx)
    ref_raw = RawTable(raw.path, raw.format, raw.encoding, _as_objects(raw.frame))
    slow = normalise_feed(map_columns(ref_raw, contract), contract, p.name, ctx)
    assert is_arrow_text(fast.analytic["snapshot_ref"])  # kept in Arrow end to end
    pd.testing.assert_frame_equal(_as_objects(fast.analytic), slow.analytic)
    pd.testing.assert_frame_equal(fast.raw, slow.raw)
    pd.testing.assert_frame_equal(fast.quarantine, slow.quarantine)
    reasons = set(fast.quarantine["reason"])
    assert reasons == {"missing_required", "bad_plate"}
    bad_plate = fast.quarantine[fast.quarantine["reason"] == "bad_plate"]
    assert bad_plate["raw_value"].tolist() == ["非法号牌!!"]  # str, not an Arrow scalar
    missing = fast.quarantine[fast.quarantine["field"] == "detection_id"]
    assert missing["raw_value"].tolist() == [None, "null", "  "]  # None, not pd.NA


def _write_read(target: str) -> None:
    df = pd.DataFrame(
        {
            "id": pd.Series(pd.arrays.ArrowExtensionArray(pa.array(["a", None, "c"]))),
            "n": [1, 2, 3],
        }
    )
    store = open_store(target, zone="analytic")
    store.write("t", df)
    back = store.read("t").sort_values("n")
    assert back["id"].tolist() == ["a", None, "c"] and back["id"].dtype == object
    assert dict(store.info("t").columns)["id"] == "str"


def test_store_writes_arrow_backed_text_as_str(tmp_path):
    _write_read(str(tmp_path / "s"))


@pytest.mark.postgis
def test_postgis_store_writes_arrow_backed_text_as_str(postgis_schema_url):
    _write_read(postgis_schema_url)
