"""Order in which ingest hands files to its workers (longest-processing-time first)."""

from pathlib import Path

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
    assert _cost(Path("h.xlsx"), 2**20) > _cost(Path("d.parquet"), 2**20) > _cost(
        Path("c.csv"), 2**20
    )
