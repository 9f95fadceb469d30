"""The fast XLSX sheet reader gives exactly openpyxl's values (it must: content hashes of
department rows are computed from them, and a reload must find the same hashes)."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from fusion import readers
from fusion.readers import _xlsx_rows, _xlsx_rows_openpyxl, read_xlsx

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


SHARED = (
    f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="2" uniqueCount="2">'
    "<si><t>共享串</t></si>"
    "<si><r><t>富</t></r><r><rPr><i/></rPr><t>文本_x005F_x</t></r></si>"
    "</sst>"
)
SHARED_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _workbook(tmp_path: Path, sheet_data: str, dimension: str | None = None) -> Path:
    """An openpyxl-made workbook (styles with a date format) plus a shared string table, whose
    sheet XML is replaced by ``sheet_data`` rows (``{D}`` = the date style id)."""
    import openpyxl

    src = tmp_path / "src.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["文本", datetime(2026, 7, 1, 8, 30)])
    wb.save(src)
    with zipfile.ZipFile(src) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        date_style = re.search(r'<c r="B1"[^>]*\bs="(\d+)"', sheet).group(1)
        files = {n: z.read(n) for n in z.namelist()}
    files["xl/sharedStrings.xml"] = SHARED.encode()
    files["[Content_Types].xml"] = (
        files["[Content_Types].xml"]
        .decode()
        .replace(
            "</Types>",
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_TYPE}"/></Types>',
        )
        .encode()
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    files["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">{dim}'
        f"<sheetData>{sheet_data.replace('{D}', date_style)}</sheetData></worksheet>"
    ).encode()
    out = tmp_path / "t.xlsx"
    with zipfile.ZipFile(out, "w") as z:
        for n, b in files.items():
            z.writestr(n, b)
    return out


ROWS = (
    '<row r="1">'
    '<c r="A1" t="inlineStr"><is><t>名称</t></is></c>'
    '<c r="B1" t="inlineStr"><is><r><t>数</t></r><r><rPr><b/></rPr><t>量</t></r></is></c>'
    '<c r="C1" t="s"><v>0</v></c>'
    '<c r="D1" t="str"><v>日期</v></c>'
    '<c r="E1" t="inlineStr"><is><t xml:space="preserve"> 备注 </t></is></c>'
    "</row>"
    '<row r="2">'
    '<c r="A2"><v>1</v></c><c r="B2"><v>2.5</v></c><c r="C2" t="n"><v>1E3</v></c>'
    '<c r="D2" s="{D}"><v>46204.5</v></c><c r="E2" t="b"><v>1</v></c>'
    "</row>"
    '<row r="4">'
    "<c><v>-0</v></c>"  # no r: next column
    '<c t="e"><v>#N/A</v></c>'
    '<c r="D4" s="{D}"><v>1e10</v></c>'  # a date out of range → "#VALUE!"
    '<c r="E4" t="d"><v>2026-07-01T08:00:00</v></c>'
    '<c r="G4" t="inlineStr"><is><t>header 外</t></is></c>'
    "</row>"
    "<row>"  # no r: row 5
    '<c r="A5" t="inlineStr"/>'
    '<c r="B5" t="inlineStr"><is><t/></is></c>'
    '<c r="C5"><v></v></c>'
    '<c r="D5" s="{D}"><v>0.25</v></c>'
    '<c r="E5" t="inlineStr"><is><t>1</t><rPh sb="0" eb="1"><t>ひ</t></rPh></is></c>'
    "</row>"
    '<row r="7"><c r="B7" t="s"><v>0</v></c><c r="C7" t="s"><v>1</v></c></row>'
)


def _same(a: list, b: list) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert tuple(x) == tuple(y)
        assert [type(v) for v in x] == [type(v) for v in y]


@pytest.mark.parametrize("dimension", [None, "A1:E7", "A1:C4", "A1"])
def test_fast_sheet_rows_are_openpyxls(tmp_path, dimension):
    p = _workbook(tmp_path, ROWS, dimension)
    fast = _xlsx_rows(p)
    _same(fast, list(_xlsx_rows_openpyxl(p)))
    if dimension is None:  # the cases above are really exercised
        assert fast[0] == ("名称", "数量", "共享串", "日期", " 备注 ")
        assert fast[1][:3] == (1, 2.5, 1000.0) and fast[1][3] == datetime(2026, 7, 1, 12, 0)
        assert fast[3][3] == "#VALUE!" and fast[3][1] == "#N/A"
        assert fast[4][:2] == (None, "")
        assert fast[6][1:3] == ("共享串", "富文本_x")  # openpyxl drops "x005F_" from shared strings


def test_read_xlsx_same_frame_with_and_without_the_fast_path(tmp_path, monkeypatch):
    p = _workbook(tmp_path, ROWS)
    fast = read_xlsx(p)

    def refuse(path: Path) -> list:
        raise readers._NotFast("test")

    monkeypatch.setattr(readers, "_xlsx_rows", refuse)
    slow = read_xlsx(p)
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    assert fast.frame["_row"].tolist() == [1, 3, 4, 6]


def test_fast_path_declines_what_it_does_not_know(tmp_path):
    rows = ROWS.replace('<c r="A2">', '<extLst/><c r="A2">')
    p = _workbook(tmp_path, rows)
    with pytest.raises(readers._NotFast):
        _xlsx_rows(p)
    assert len(read_xlsx(p).frame) == 4  # openpyxl read it
