"""The fast XLSX writer is byte-identical to openpyxl's write-only writer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest

from synth.writers import _sheet_data_xml, _write_xlsx_openpyxl, write_xlsx

HEADERS = ["公民身份号码", "姓名", "出生日期", "人数", "备注"]


def _rows(seed: int) -> list[list[object]]:
    rng = np.random.default_rng(seed)
    pool = ["张伟", " 李娜", "王芳 ", "a<b&c>\"d'", "430902********1234", "  ", "１２号",
            "长春路\n12号", "", None, "46298.5", "-1", "=", "约5"]
    rows = []
    for _ in range(300):
        rows.append([str(pool[rng.integers(len(pool))] or "x"),
                     pool[rng.integers(len(pool))],
                     float(rng.uniform(20000, 47000)) if rng.random() < 0.8 else "",
                     int(rng.integers(-5, 10**12)),
                     pool[rng.integers(len(pool))]])
    return rows


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fast_writer_matches_openpyxl_bytes(tmp_path: Path, seed: int) -> None:
    rows = _rows(seed)
    assert _sheet_data_xml(HEADERS, rows) is not None  # the fast path is taken
    write_xlsx(tmp_path / "a.xlsx", HEADERS, rows, sheet="常住人口", creator="公安")
    _write_xlsx_openpyxl(tmp_path / "b.xlsx", HEADERS, rows, sheet="常住人口", creator="公安")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx").active
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert got[0] == HEADERS and len(got) == len(rows) + 1
    assert got[1][3] == rows[0][3]


@pytest.mark.parametrize("bad", ["=SUM(A1)", "#N/A", "bell\x07", float("nan")])
def test_values_openpyxl_treats_specially_fall_back(tmp_path: Path, bad: object) -> None:
    rows = [["1", "a", 1.0, 2, bad]]
    assert _sheet_data_xml(HEADERS, rows) is None
    if isinstance(bad, str) and "\x07" in bad:
        return  # openpyxl itself refuses illegal characters
    write_xlsx(tmp_path / "a.xlsx", HEADERS, rows)
    _write_xlsx_openpyxl(tmp_path / "b.xlsx", HEADERS, rows)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
