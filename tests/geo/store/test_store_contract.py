"""Contract suite of the store: every test runs on both backends (GeoParquet folder, PostGIS).

The PostGIS runs use a fresh schema per test (``postgis_schema_url``); the store puts its zones
in ``<schema>_analytic`` / ``<schema>_raw``, which the ``target`` fixture drops afterwards.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from geo.store import StoreSchemaError, TableNotFoundError, open_store

YIYANG = "益阳市赫山区龙岭街道"


@pytest.fixture()
def store(target: str):
    # batch_rows=2: every multi-row write spans several Parquet files / COPY chunks.
    s = open_store(target, batch_rows=2)
    yield s
    s.close()


def _places() -> gpd.GeoDataFrame:
    square = Polygon([(112.30, 28.50), (112.31, 28.50), (112.31, 28.51), (112.30, 28.51)])
    multi = MultiPolygon([square, Polygon([(112.40, 28.60), (112.41, 28.60), (112.41, 28.61)])])
    return gpd.GeoDataFrame(
        {"id": [1, 2, 3, 4], "name": [YIYANG, "资阳区", None, "桃江县"]},
        geometry=[Point(112.355, 28.553), square, multi, None],
        crs="EPSG:4326",
    )


def _events() -> gpd.GeoDataFrame:
    t = pd.Timestamp("2026-10-03 14:05:00", tz="Asia/Shanghai")
    return gpd.GeoDataFrame(
        {
            "event_id": [1, 2, 3, 4, 5, 6],
            "feed": ["calls_110", "calls_110", "calls_110", "fire_119", "fire_119", "calls_110"],
            "period": ["2026-10", "2026-10", "2026-11", "2026-10", "2026-10", "2026-10"],
            "at": [t + pd.Timedelta(hours=i) for i in range(6)],
            "h3_9": np.array([617700169958293503 + i for i in range(6)], dtype=np.uint64),
            "score": [0.5, 1.5, 2.5, 3.5, 4.5, 5.5],
            "note": [YIYANG, "a", "b", "c", "d", "e"],
        },
        geometry=gpd.points_from_xy([112.3 + i / 100 for i in range(6)], [28.5] * 6),
        crs="EPSG:4326",
    )


def _sorted(df: pd.DataFrame, by: str) -> pd.DataFrame:
    return df.sort_values(by, kind="stable").reset_index(drop=True)


def _assert_same(a: pd.DataFrame, b: pd.DataFrame, by: str) -> None:
    a, b = _sorted(a, by), _sorted(b, by)
    assert list(a.columns) == list(b.columns)
    for c in a.columns:
        if isinstance(a[c].dtype, gpd.array.GeometryDtype):
            na = a[c].isna().to_numpy()
            assert (na == b[c].isna().to_numpy()).all()
            assert shapely.equals_exact(
                np.asarray(a[c].values)[~na], np.asarray(b[c].values)[~na], 1e-12
            ).all()
        else:
            pd.testing.assert_series_equal(a[c], b[c], check_names=True)


# ---- geometry, CRS, dtypes, text, NULLs -------------------------------------------------------
def test_geometry_and_crs_round_trip(store) -> None:
    places = _places()
    assert store.write("places", places) == 4
    back = store.read("places")
    assert isinstance(back, gpd.GeoDataFrame)
    assert back.crs.to_epsg() == 4326 and back.geometry.name == "geometry"
    back = _sorted(back, "id")
    assert back.geometry.isna().tolist() == [False, False, False, True]
    assert shapely.equals_exact(
        np.asarray(back.geometry.values[:3]), np.asarray(places.geometry.values[:3]), 0
    ).all()
    assert back.geom_type.tolist()[:3] == ["Point", "Polygon", "MultiPolygon"]


def test_other_crs_is_reprojected_and_missing_crs_rejected(store) -> None:
    pts = gpd.GeoDataFrame(
        {"id": [1, 2]}, geometry=[Point(112.355, 28.553), Point(112.5, 28.6)], crs=4326
    )
    store.write("pts", pts.to_crs(3857))
    back = _sorted(store.read("pts"), "id")
    assert back.crs.to_epsg() == 4326
    np.testing.assert_allclose(back.geometry.x, pts.geometry.x, atol=1e-9)
    np.testing.assert_allclose(back.geometry.y, pts.geometry.y, atol=1e-9)
    with pytest.raises(StoreSchemaError, match="CRS"):
        store.write("nocrs", gpd.GeoDataFrame({"id": [1]}, geometry=[Point(1, 2)]))
    assert not store.exists("nocrs")


def test_dtypes_round_trip(store) -> None:
    shanghai = pd.to_datetime(
        ["2026-10-03 14:05:00.123456", None, "2026-01-01 00:00:00.000000"]
    ).tz_localize("Asia/Shanghai")
    df = pd.DataFrame(
        {
            "i": np.array([1, -2, 2**62], dtype=np.int64),
            "i32": np.array([1, 2, 3], dtype=np.int32),
            "f": [1.25, np.nan, -3e-300],
            "b": [True, False, True],
            "s": ["x", None, ""],
            "ss": pd.array(["甲", None, "丙"], dtype="string"),
            "ni": pd.array([7, None, 9], dtype="Int64"),
            "nb": pd.array([True, None, False], dtype="boolean"),
            "ts": shanghai,
            "utc": pd.to_datetime(["2026-10-03T06:05:00Z"] * 3),
            "cat": pd.Categorical(["红", "橙", None]),
            "h3_9": np.array([617700169958293503, 617700169958293504, 2**63 + 1], dtype=np.uint64),
            "day": [dt.date(2026, 10, 3), None, dt.date(2026, 1, 1)],
        }
    )
    store.write("types", df)
    back = _sorted(store.read("types"), "i")
    exp = _sorted(df, "i")
    assert isinstance(back, pd.DataFrame) and not isinstance(back, gpd.GeoDataFrame)
    assert back.dtypes.astype(str).to_dict() == {
        "i": "int64",
        "i32": "int64",
        "f": "float64",
        "b": "bool",
        "s": "object",
        "ss": "string",
        "ni": "Int64",
        "nb": "boolean",
        "ts": "datetime64[ns, UTC]",
        "utc": "datetime64[ns, UTC]",
        "cat": "object",
        "h3_9": "uint64",
        "day": "object",
    }
    assert back["i"].tolist() == exp["i"].tolist()
    assert back["i32"].tolist() == exp["i32"].tolist()
    np.testing.assert_array_equal(back["f"].to_numpy(), exp["f"].to_numpy())
    assert back["b"].tolist() == exp["b"].tolist()
    assert back["s"].tolist() == exp["s"].tolist()  # None stays None, "" stays ""
    pd.testing.assert_series_equal(back["ss"], exp["ss"])
    pd.testing.assert_series_equal(back["ni"], exp["ni"])
    pd.testing.assert_series_equal(back["nb"], exp["nb"])
    # Same instants, returned in UTC (microsecond precision), NaT stays NaT.
    pd.testing.assert_series_equal(
        back["ts"], exp["ts"].dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    )
    assert back.loc[back.i == 1, "ts"].item() == pd.Timestamp(
        "2026-10-03 06:05:00.123456", tz="UTC"
    )
    assert (
        back["cat"].tolist() == exp["cat"].astype(object).where(exp["cat"].notna(), None).tolist()
    )
    assert back["h3_9"].tolist() == exp["h3_9"].tolist()
    assert back["day"].tolist() == exp["day"].tolist()


def test_chinese_text_and_awkward_strings(store) -> None:
    text = [YIYANG, 'quote " and, comma', "line\nbreak", "", None, "NULL", "\\N", "NA"]
    df = pd.DataFrame({"k": range(len(text)), "街道": text})
    store.write("text", df)
    back = _sorted(store.read("text"), "k")
    assert list(back.columns) == ["k", "街道"]
    assert back["街道"].tolist() == text
    assert store.read("text", filters={"街道": YIYANG})["k"].tolist() == [0]


def test_nulls_in_every_kind_and_all_null_batches(store) -> None:
    first = pd.DataFrame(
        {"k": [1], "n": pd.array([None], dtype="Int64"), "s": [None], "x": [np.nan]}
    )
    store.write("nulls", first)
    assert store.info("nulls").kinds == {"k": "int64", "n": "Int64", "s": "str", "x": "float64"}
    # A later batch whose text column is all NULL, or whose Int64 column has values: same table.
    store.write(
        "nulls",
        pd.DataFrame({"k": [2], "n": pd.array([5], dtype="Int64"), "s": ["有"], "x": [1.0]}),
    )
    store.write("nulls", pd.DataFrame({"k": [3], "n": [None], "s": [None], "x": [None]}))
    back = _sorted(store.read("nulls"), "k")
    assert back["n"].tolist() == [pd.NA, 5, pd.NA]
    assert back["s"].tolist() == [None, "有", None]
    assert np.isnan(back["x"].to_numpy()[[0, 2]]).all() and back["x"].iloc[1] == 1.0
    assert back["n"].dtype == "Int64"


def test_schema_mismatch_is_rejected(store) -> None:
    store.write("t", pd.DataFrame({"a": [1], "b": ["x"]}))
    with pytest.raises(StoreSchemaError, match="columns differ"):
        store.write("t", pd.DataFrame({"a": [1], "b": ["x"], "c": [1]}))
    with pytest.raises(StoreSchemaError, match="holds int64"):
        store.write("t", pd.DataFrame({"a": ["not a number"], "b": ["x"]}))
    with pytest.raises(StoreSchemaError, match="naive"):
        store.write("u", pd.DataFrame({"t": pd.to_datetime(["2026-10-03 14:05"])}))
    with pytest.raises(StoreSchemaError, match="H3"):
        store.write("u", pd.DataFrame({"h3_9": ["89283082803ffff"]}))
    assert store.count("t") == 1
    # replace may change the schema
    store.write("t", pd.DataFrame({"z": [1.5, 2.5]}), mode="replace")
    assert store.info("t").column_names == ["z"] and store.count("t") == 2


# ---- upsert ------------------------------------------------------------------------------------
def test_upsert_by_key_is_idempotent(store) -> None:
    ev = _events()
    assert store.upsert("events", ev.iloc[:4], key=["event_id"]) == 4
    change = ev.iloc[2:].copy()
    change.loc[change.event_id == 3, "score"] = 99.0
    change.loc[change.event_id == 4, "geometry"] = Point(113.0, 29.0)
    # rows 3 and 4 changed, 5 and 6 new
    assert store.upsert("events", change, key=["event_id"]) == 4
    once = store.read("events")
    assert store.upsert("events", change, key=["event_id"]) == 0
    assert store.upsert("events", change.iloc[::-1], key=["event_id"]) == 0
    twice = store.read("events")
    _assert_same(once, twice, "event_id")
    assert store.count("events") == 6
    got = _sorted(twice, "event_id")
    assert got.loc[got.event_id == 3, "score"].item() == 99.0
    assert got.loc[got.event_id == 4].geometry.item().equals(Point(113.0, 29.0))
    assert got.loc[got.event_id == 1, "note"].item() == YIYANG
    assert store.info("events").key_columns == ("event_id",)


def test_upsert_duplicates_last_wins_and_bad_keys(store) -> None:
    df = pd.DataFrame({"k": [1, 1, 2], "v": ["old", "new", "x"]})
    assert store.upsert("kv", df, key=["k"]) == 2
    assert _sorted(store.read("kv"), "k")["v"].tolist() == ["new", "x"]
    with pytest.raises(StoreSchemaError, match="NULL"):
        store.upsert(
            "kv", pd.DataFrame({"k": pd.array([None], dtype="Int64"), "v": ["y"]}), key=["k"]
        )
    with pytest.raises(StoreSchemaError, match="key"):
        store.upsert("kv", pd.DataFrame({"k": [3], "v": ["y"]}), key=["v"])
    # composite key on a table first written without one
    store.write("ck", pd.DataFrame({"a": [1, 1], "b": ["x", "y"], "v": [1.0, 2.0]}))
    assert (
        store.upsert(
            "ck", pd.DataFrame({"a": [1, 2], "b": ["y", "y"], "v": [5.0, 6.0]}), key=["a", "b"]
        )
        == 2
    )
    got = _sorted(store.read("ck"), "v")
    assert got[["a", "b", "v"]].values.tolist() == [[1, "x", 1.0], [1, "y", 5.0], [2, "y", 6.0]]


# ---- partitions, atomicity, transactions ---------------------------------------------------------
def test_replace_partition_replaces_only_that_partition(store) -> None:
    ev = _events()
    store.write("events", ev, partition_by=["feed", "period"])
    new = ev.iloc[[0]].copy()
    new["score"] = 100.0
    part = {"feed": "calls_110", "period": "2026-10"}
    assert store.replace_partition("events", new, part) == 1
    got = _sorted(store.read("events"), "event_id")
    assert got["event_id"].tolist() == [1, 3, 4, 5]
    assert got.loc[0, "score"] == 100.0
    with pytest.raises(StoreSchemaError, match="outside partition"):
        store.replace_partition("events", ev.iloc[[3]], part)
    # a partition on a column that is not a partition column of the table still works
    assert store.replace_partition("events", ev.iloc[[4]].assign(note="换"), {"score": 4.5}) == 1
    got = _sorted(store.read("events"), "event_id")
    assert got.loc[got.event_id == 5, "note"].item() == "换" and len(got) == 4
    # a new table takes the partition's columns as its partition columns
    store.replace_partition("by_feed", ev[ev.feed == "fire_119"], {"feed": "fire_119"})
    assert store.info("by_feed").partition_columns == ("feed",)
    assert store.count("by_feed") == 2


def test_replace_partition_failure_mid_write_keeps_previous_version(store, target) -> None:
    ev = _events()
    store.write("events", ev, partition_by=["feed", "period"])
    before = store.read("events")
    part = {"feed": "calls_110", "period": "2026-10"}
    bad = ev[(ev.feed == "calls_110") & (ev.period == "2026-10")].copy()
    # The first batch (2 rows) encodes fine; the third row's lone surrogate cannot be encoded
    # to UTF-8, so the write fails after the old rows were deleted / new files were staged.
    bad["note"] = ["ok", "ok", "bad \ud800"]
    with pytest.raises(UnicodeError):
        store.replace_partition("events", bad, part)
    _assert_same(store.read("events"), before, "event_id")
    assert store.count("events") == 6
    reopened = open_store(target)
    _assert_same(reopened.read("events"), before, "event_id")
    if store.backend == "geoparquet":  # the staged files were removed
        live = {f["path"] for f in store._load()["tables"]["events"]["files"]}
        on_disk = {str(p.relative_to(store.dir)) for p in store.dir.rglob("*.parquet")}
        assert on_disk == live


def test_transaction_all_or_nothing(store) -> None:
    ev = _events()
    store.write("events", ev, partition_by=["feed"])
    before = store.read("events")
    with pytest.raises(RuntimeError, match="boom"), store.transaction() as tx:
        tx.replace_partition(
            "events", ev[ev.feed == "fire_119"].assign(score=0.0), {"feed": "fire_119"}
        )
        tx.write("log", pd.DataFrame({"msg": ["写入"]}))
        assert tx.count("log") == 1  # the block sees its own writes
        raise RuntimeError("boom")
    assert not store.exists("log")
    _assert_same(store.read("events"), before, "event_id")
    with store.transaction() as tx:
        tx.replace_partition(
            "events", ev[ev.feed == "fire_119"].assign(score=0.0), {"feed": "fire_119"}
        )
        tx.write("log", pd.DataFrame({"msg": ["写入"]}))
        tx.upsert("kv", pd.DataFrame({"k": [1], "v": [2]}), key=["k"])
    assert store.read("log")["msg"].tolist() == ["写入"]
    assert store.read("events", filters={"feed": "fire_119"})["score"].tolist() == [0.0, 0.0]
    assert store.count("kv") == 1


# ---- reads ---------------------------------------------------------------------------------------
def test_read_with_filters_and_columns(store) -> None:
    ev = _events()
    ev.loc[5, "note"] = None
    store.write("events", ev, partition_by=["feed"])
    ids = lambda df: sorted(df["event_id"].tolist())
    assert ids(store.read("events", filters={"feed": "fire_119"})) == [4, 5]
    assert ids(store.read("events", filters={"feed": "calls_110", "period": "2026-10"})) == [
        1,
        2,
        6,
    ]
    assert ids(store.read("events", filters={"event_id": [1, 3, 99]})) == [1, 3]
    assert ids(store.read("events", filters={"note": None})) == [6]
    assert ids(store.read("events", filters={"note": [YIYANG, None]})) == [1, 6]
    assert ids(store.read("events", filters={"h3_9": [np.uint64(617700169958293505)]})) == [3]
    assert ids(
        store.read("events", filters={"at": pd.Timestamp("2026-10-03 07:05", tz="UTC")})
    ) == [2]
    assert ids(store.read("events", filters={"event_id": []})) == []
    plain = store.read("events", columns=["event_id", "score"], filters={"feed": "fire_119"})
    assert type(plain) is pd.DataFrame and list(plain.columns) == ["event_id", "score"]
    geo = store.read("events", columns=["geometry", "event_id"])
    assert isinstance(geo, gpd.GeoDataFrame) and list(geo.columns) == ["geometry", "event_id"]
    with pytest.raises(StoreSchemaError):
        store.read("events", filters={"nope": 1})
    with pytest.raises(TableNotFoundError):
        store.read("missing")


def test_empty_frames(store) -> None:
    empty = _events().iloc[:0]
    assert store.write("events", empty) == 0
    assert store.exists("events") and store.count("events") == 0
    back = store.read("events")
    assert isinstance(back, gpd.GeoDataFrame) and len(back) == 0 and back.crs.to_epsg() == 4326
    assert back.dtypes.astype(str).to_dict()["at"] == "datetime64[ns, UTC]"
    assert back["h3_9"].dtype == np.uint64
    assert store.write("events", _events()) == 6
    assert store.write("events", empty) == 0
    assert store.upsert("events", empty, key=["event_id"]) == 0
    assert store.replace_partition("events", empty, {"feed": "fire_119"}) == 0
    assert store.count("events") == 4
    assert len(store.read("events", filters={"feed": "nowhere"})) == 0


def test_tables_drop_and_zones_are_separate(store, target) -> None:
    raw = open_store(target, "raw")
    store.write("people", pd.DataFrame({"pid": ["h1"], "n": [1]}))
    raw.write("people", pd.DataFrame({"id_number": ["430902199001011234"]}))
    assert store.tables() == ["people"] and raw.tables() == ["people"]
    assert store.read("people").columns.tolist() == ["pid", "n"]
    assert raw.read("people")["id_number"].tolist() == ["430902199001011234"]
    store.drop("people")
    assert store.tables() == [] and not store.exists("people")
    assert raw.count("people") == 1
    store.drop("people")  # no error
    with pytest.raises(ValueError, match="zone"):
        open_store(target, "secret")
    with pytest.raises(Exception, match="table name"):
        store.write("Bad-Name", pd.DataFrame({"a": [1]}))
    raw.close()


def test_upsert_on_partitioned_table_moves_rows_between_partitions(store) -> None:
    ev = _events()
    store.write("events", ev, partition_by=["feed"])
    # key includes the partition column: only that partition's files are touched
    one = ev.iloc[[3]].assign(score=-1.0)
    assert store.upsert("events", one, key=["feed", "event_id"]) == 1
    assert store.read("events", filters={"event_id": 4})["score"].tolist() == [-1.0]
    # a table keyed by event_id alone: an event that changes feed leaves its old partition
    store.write("by_id", ev, partition_by=["feed"])
    moved = ev.iloc[[0]].assign(feed="fire_119")
    assert store.upsert("by_id", moved, key=["event_id"]) == 1
    assert sorted(store.read("by_id", filters={"feed": "fire_119"})["event_id"]) == [1, 4, 5]
    assert store.count("by_id") == 6


def test_uncommitted_writes_are_invisible_to_other_threads(store) -> None:
    import threading

    seen: list[bool] = []
    with store.transaction() as tx:
        tx.write("pending", pd.DataFrame({"a": [1]}))
        t = threading.Thread(target=lambda: seen.append(store.exists("pending")))
        t.start()
        t.join()
        assert tx.exists("pending")
    assert seen == [False]
    assert store.exists("pending")


def test_random_frames_round_trip(store) -> None:
    """Random text (CSV/COPY-hostile characters, CJK, astral plane), ints, floats and NULLs."""
    # NUL is excluded: PostgreSQL text cannot hold it.
    alphabet = np.array(list("ab ,\"'\\\n\r\t;|NULna") + list(YIYANG) + ["😀", "é", "\u3000"])
    rng = np.random.default_rng(11)
    for _ in range(12):
        n = int(rng.integers(0, 7))
        words = ["".join(rng.choice(alphabet, size=rng.integers(0, 12))) for _ in range(n)]
        ints = rng.integers(-(2**63), 2**63 - 1, size=n, dtype=np.int64, endpoint=True)
        floats = rng.choice(
            [0.0, -0.0, np.inf, -np.inf, 5e-324, 1.7976931348623157e308, 0.1], size=n
        )
        nulls = rng.random((3, n)) < 0.3
        df = pd.DataFrame(
            {
                "k": np.arange(n, dtype=np.int64),
                "s": pd.Series(
                    [None if z else w for w, z in zip(words, nulls[0], strict=True)], dtype=object
                ),
                "n": pd.array(
                    [None if z else int(v) for v, z in zip(ints, nulls[1], strict=True)],
                    dtype="Int64",
                ),
                "f": np.where(nulls[2], np.nan, floats),
            }
        )
        store.write("rand", df, mode="replace")
        back = _sorted(store.read("rand"), "k")
        assert back["s"].tolist() == df["s"].tolist()
        pd.testing.assert_series_equal(back["n"], df["n"])
        np.testing.assert_array_equal(back["f"].to_numpy(), df["f"].to_numpy())
