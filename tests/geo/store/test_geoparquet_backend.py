"""GeoParquet-specific parts of the store: files any GeoParquet reader opens, layout, vacuum."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geo.store import open_store


def test_files_are_standard_geoparquet_in_hive_folders(tmp_path) -> None:
    store = open_store(tmp_path / "wh")
    gdf = gpd.GeoDataFrame(
        {"feed": ["calls_110", "fire_119"], "name": ["益阳市赫山区龙岭街道", "资阳区"]},
        geometry=[Point(112.35, 28.55), Point(112.36, 28.56)],
        crs=4326,
    )
    store.write("events", gdf, partition_by=["feed"])
    files = sorted((tmp_path / "wh" / "analytic" / "events").rglob("*.parquet"))
    assert [f.parent.name for f in files] == ["feed=calls_110", "feed=fire_119"]
    one = gpd.read_parquet(files[0])
    assert one.crs.to_epsg() == 4326 and one["name"].tolist() == ["益阳市赫山区龙岭街道"]
    cat = json.loads((tmp_path / "wh" / "analytic" / "_catalogue.json").read_text(encoding="utf-8"))
    rec = cat["tables"]["events"]
    assert rec["partition_columns"] == ["feed"] and rec["geometry_column"] == "geometry"
    assert sorted(f["partition"]["feed"] for f in rec["files"]) == ["calls_110", "fire_119"]
    assert open_store(tmp_path / "wh", "raw").tables() == []
    assert (tmp_path / "wh" / "raw").is_dir()


def test_replace_removes_old_files_and_vacuum_removes_orphans(tmp_path) -> None:
    store = open_store(tmp_path / "wh")
    store.write("t", pd.DataFrame({"a": [1, 2]}))
    old = set((tmp_path / "wh" / "analytic" / "t").rglob("*.parquet"))
    store.write("t", pd.DataFrame({"a": [3]}), mode="replace")
    new = set((tmp_path / "wh" / "analytic" / "t").rglob("*.parquet"))
    assert not (old & new) and len(new) == 1
    orphan = tmp_path / "wh" / "analytic" / "t" / "part-crashed.parquet"
    orphan.write_bytes(next(iter(new)).read_bytes())
    assert store.read("t")["a"].tolist() == [3]  # orphans are invisible
    assert store.vacuum() == 1 and not orphan.exists()
    assert store.read("t")["a"].tolist() == [3]


def test_files_rewritten_by_upsert_stay_geoparquet(tmp_path) -> None:
    store = open_store(tmp_path / "wh")
    gdf = gpd.GeoDataFrame(
        {"k": [1, 2, 3], "v": ["a", "b", "c"]},
        geometry=[Point(112.35, 28.55), Point(112.36, 28.56), Point(112.37, 28.57)],
        crs=4326,
    )
    store.write("t", gdf)
    assert store.upsert("t", gdf.iloc[[0]].assign(v="z"), key=["k"]) == 1
    for f in (tmp_path / "wh" / "analytic" / "t").rglob("*.parquet"):
        assert gpd.read_parquet(f).crs.to_epsg() == 4326
    assert sorted(store.read("t")["v"]) == ["b", "c", "z"]


def test_compact_merges_small_files(tmp_path) -> None:
    store = open_store(tmp_path / "wh")
    for i in range(4):
        store.write("t", pd.DataFrame({"p": ["a", "b"], "i": [i, i]}), partition_by=["p"])
    before = store.read("t").sort_values(["p", "i"]).reset_index(drop=True)
    assert len(store._load()["tables"]["t"]["files"]) == 8
    assert store.compact("t") == 6
    assert len(store._load()["tables"]["t"]["files"]) == 2
    after = store.read("t").sort_values(["p", "i"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)
    assert len(list((tmp_path / "wh" / "analytic" / "t").rglob("*.parquet"))) == 2
