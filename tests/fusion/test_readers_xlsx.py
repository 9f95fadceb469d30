"""XLSX sheets: calamine's cells and openpyxl's (the fallback) make the same frame, and the
cell rules hold (content hashes of department rows are computed from these values, so a reload
must see the same ones)."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fusion import readers
from fusion.readers import BadFileError, _excel_cell, _excel_column, read_xlsx

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


SHARED = (
    f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="2" uniqueCount="2">'
    "<si><t>共享串</t></si>"
    "<si><r><t>富</t></r><r><rPr><i/></rPr><t>文本</t></r></si>"
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
    '<c r="B4"><v>430902900101123</v></c>'  # a 15-digit ID typed as a number
    '<c r="E4" t="d"><v>2026-07-01T08:00:00</v></c>'
    '<c r="G4" t="inlineStr"><is><t>header 外</t></is></c>'
    "</row>"
    "<row>"  # no r: row 5
    '<c r="A5" t="inlineStr"/>'
    '<c r="B5" t="inlineStr"><is><t/></is></c>'
    '<c r="C5"><v></v></c>'
    '<c r="D5" s="{D}"><v>0.25</v></c>'
    '<c r="E5" t="inlineStr"><is><t>1</t></is></c>'
    "</row>"
    '<row r="6"><c r="A6" t="inlineStr"><is><t></t></is></c></row>'  # blank row: dropped
    '<row r="7"><c r="B7" t="s"><v>0</v></c><c r="C7" t="s"><v>1</v></c></row>'
)


def _openpyxl_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path) -> list:
        raise RuntimeError("calamine refused (test)")

    monkeypatch.setattr(readers, "_xlsx_sheet", refuse)


def test_calamine_and_openpyxl_make_the_same_frame(tmp_path, monkeypatch):
    p = _workbook(tmp_path, ROWS)
    fast = read_xlsx(p).frame
    _openpyxl_only(monkeypatch)
    slow = read_xlsx(p).frame
    pd.testing.assert_frame_equal(fast, slow)
    assert list(fast.columns) == ["_row", "名称", "数量", "共享串", "日期", "备注"]
    assert fast["_row"].tolist() == [1, 3, 4, 6]  # sheet row - 1; rows 3 and 6 blank
    r1, r3, r4, r6 = (fast.iloc[i].tolist()[1:] for i in range(4))
    assert r1 == [1, 2.5, 1000, datetime(2026, 7, 1, 12, 0), True]
    assert [type(v) for v in r1[:3]] == [int, float, int]
    assert (
        r3[:2] == [0, 430902900101123]
        and type(r3[1]) is int
        and r3[4] == datetime(2026, 7, 1, 8, 0)
    )
    assert r4 == [None, None, None, time(6, 0), "1"]
    assert r6[1:3] == ["共享串", "富文本"]


def test_every_cell_is_read_whatever_the_dimension_claims(tmp_path):
    p = _workbook(tmp_path, ROWS, dimension="A1:C4")  # openpyxl would stop at row 4, column C
    df = read_xlsx(p).frame
    assert df["_row"].tolist() == [1, 3, 4, 6] and df.iloc[3]["共享串"] == "富文本"
    assert df.iloc[0]["备注"] is True


def test_cell_rules():
    assert _excel_cell("") is None and _excel_cell(None) is None
    assert _excel_cell(3.0) == 3 and type(_excel_cell(3.0)) is int
    assert type(_excel_cell(2.0**60)) is float  # beyond exact doubles: stays a float
    assert _excel_cell(2.5) == 2.5 and _excel_cell(-0.0) == 0
    assert _excel_cell(date(2026, 7, 1)) == datetime(2026, 7, 1)
    assert _excel_cell(True) is True and _excel_cell(" x ") == " x "
    col = np.array(["a", "", None, "b"], dtype=object)
    assert _excel_column(col).tolist() == ["a", None, None, "b"]
    assert col.tolist() == ["a", "", None, "b"]  # input untouched
    mixed = np.array(["a", 7.0, "", 1.5], dtype=object)
    assert _excel_column(mixed).tolist() == ["a", 7, None, 1.5]


def test_a_damaged_workbook_is_named_by_openpyxl(tmp_path):
    p = _workbook(tmp_path, ROWS)
    data = p.read_bytes()
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadFileError, match="cut.xlsx.*损坏|损坏"):
        read_xlsx(bad)
