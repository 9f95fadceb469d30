"""Order in which ingest hands files to its workers (longest-processing-time first) and
writes the feeds."""

import threading
from concurrent.futures import Future
from pathlib import Path

import pandas as pd

from fusion.ingest import _cost, _Loader


def _file(folder: Path, name: str, size: int) -> Path:
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(b"x" * size)
    return p


def test_costliest_files_are_handed_out_first(tmp_path: Path) -> None:
    """A big file handed out last kept one worker busy alone at the end: the queue starts
    with the costliest files whatever their place in folder order (XLSX per MB dearer than
    CSV), std_address and grids stay out of it (read in the writing process)."""
    groups = {
        "std_address": [_file(tmp_path, "std_address/a.geojson", 5000)],
        "grids": [_file(tmp_path, "grids/g.geojson", 4000)],
        "calls_110": [_file(tmp_path, "calls_110/c.csv", 3000)],
        "hukou": [_file(tmp_path, "hukou/h.xlsx", 1000)],
        "ebike_flow": [_file(tmp_path, "ebike_flow/f.csv", 4000)],
        "ebike_detections": [_file(tmp_path, "ebike_detections/d.parquet", 2000)],
    }
    loader = _Loader(groups, tmp_path, ctx=None, n=1)  # type: ignore[arg-type]
    order = [fid for fid, _p in loader._queue]
    assert order == ["ebike_detections", "hukou", "ebike_flow", "calls_110"]
    assert (
        _cost(Path("h.xlsx"), 2**20) > _cost(Path("d.parquet"), 2**20) > _cost(Path("c.csv"), 2**20)
    )


def test_a_feeds_files_go_together_and_in_order(tmp_path: Path) -> None:
    """Feeds are written once their files are back, in order: a feed's files are handed out
    together, in file order, the costliest feed (all its files) first."""
    groups = {
        "calls_110": [_file(tmp_path, "calls_110/c.csv", 5000)],
        "ebike_flow": [_file(tmp_path, f"ebike_flow/f{i}.csv", 2000) for i in range(3)],
        "hukou": [_file(tmp_path, "hukou/h.xlsx", 1000)],
    }
    loader = _Loader(groups, tmp_path, ctx=None, n=1)  # type: ignore[arg-type]
    assert [p.name for _f, p in loader._queue] == ["f0.csv", "f1.csv", "f2.csv", "c.csv", "h.xlsx"]


def test_a_feed_bigger_than_the_files_ahead_starts_when_its_first_file_is_back(
    tmp_path: Path,
) -> None:
    """Bug: a feed whose files together exceed what may be ahead of the writer is never all
    back, so the writer waited for it file by file while the workers idled (a month of
    ebike_flow at scale 0.05: 1.2 of 2 cores busy). Its first file back is enough to start it."""
    flow = [_file(tmp_path, f"ebike_flow/f{i}.csv", 10) for i in range(3)]
    calls = _file(tmp_path, "calls_110/c.csv", 10)
    loader = _Loader({"calls_110": [calls], "ebike_flow": flow}, tmp_path, ctx=None, n=1)  # type: ignore[arg-type]
    loader._parallel = True
    back: Future = Future()
    back.set_result(None)
    loader._futures = {
        ("ebike_flow", str(flow[0])): back,
        ("ebike_flow", str(flow[1])): Future(),  # still running
        ("calls_110", str(calls)): Future(),
    }
    picked: list[str] = []
    t = threading.Thread(target=lambda: picked.append(next(loader.feed_order())), daemon=True)
    t.start()
    t.join(timeout=5)
    assert picked == ["ebike_flow"]


def test_only_address_feeds_wait_for_the_gazetteer() -> None:
    """Workers start on the other feeds while std_address loads in the writing process."""
    from fusion.ingest import _needs_gazetteer

    assert _needs_gazetteer("hukou")
    assert not _needs_gazetteer("ebike_detections")
    assert not _needs_gazetteer("std_address")


def test_parallel_address_matching_uses_the_gazetteer(tmp_path: Path) -> None:
    """With workers started before std_address is loaded, address feeds still match against
    it: address ids and scores as in a one-process load."""
    from fusion.ingest import ingest_folder
    from geo.store import open_store
    from tests.fusion.test_ingest_pipeline import SECRET, write_city

    folder = write_city(tmp_path / "city")
    one, two = str(tmp_path / "one"), str(tmp_path / "two")
    ingest_folder(folder, one, secret=SECRET, city="430900", workers=1)
    ingest_folder(folder, two, secret=SECRET, city="430900", workers=2)
    a, b = open_store(one), open_store(two)
    checked = 0
    for t in a.tables():
        names = [c for c, _k in a.info(t).columns]
        if not {"address_id", "match_score", "row_hash"} <= set(names):
            continue
        cols = ["row_hash", "address_id", "match_score"]
        x = a.read(t, columns=cols).sort_values("row_hash", ignore_index=True)
        y = b.read(t, columns=cols).sort_values("row_hash", ignore_index=True)
        pd.testing.assert_frame_equal(x, y)
        checked += int(x["address_id"].notna().sum())
    assert checked > 0  # some addresses were matched at all
