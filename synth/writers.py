"""File writers of the synthetic feeds, byte-deterministic for the same input.

CSV (UTF-8 / UTF-8-BOM / GBK, CRLF for GBK as Windows exports do), XLSX (openpyxl, fixed
document properties and zip member dates), JSON lines, GeoJSON (RFC 7946, WGS-84) and Parquet.
Values are department cell values (str, int, float; '' = empty).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from openpyxl import Workbook
from shapely.geometry import mapping

FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = dt.datetime(2020, 1, 1, 0, 0, 0)


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if math.isnan(v) else repr(v)
    return str(v)


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]],
              encoding: str, raw: dict[int, dict[int, str]] | None = None) -> None:
    """Write a CSV with a header row; ``raw[row_index][col_index]`` cells are written verbatim
    (unquoted, for deliberately broken records).  GBK files use CRLF line ends."""
    buf = io.StringIO()
    term = "\r\n" if encoding.lower() == "gbk" else "\n"
    w = csv.writer(buf, lineterminator=term)
    w.writerow(headers)
    raw = raw or {}
    tokens: dict[str, str] = {}
    for i, r in enumerate(rows):
        cells = [_cell_text(v) for v in r]
        for j, v in raw.get(i, {}).items():
            tok = f"@@RAW{i}_{j}@@"
            tokens[tok] = v
            cells[j] = tok
        w.writerow(cells)
    text = buf.getvalue()
    for tok, v in tokens.items():
        text = text.replace(tok, v, 1)
    path.write_bytes(text.encode(encoding, errors="replace"))


def _fix_zip(data: bytes, sheet_data: bytes | None = None) -> bytes:
    """Rewrite an OOXML zip with fixed member dates and fixed core timestamps;
    ``sheet_data`` replaces the (empty) ``<sheetData>`` of the first worksheet."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if sheet_data is not None and info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<sheetData></sheetData>", sheet_data, 1)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>2020-01-01T00:00:00Z\g<3>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f]")
_EXCEL_ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def _col_letters(n: int) -> list[str]:
    out = []
    for j in range(1, n + 1):
        s = ""
        while j:
            j, r = divmod(j - 1, 26)
            s = chr(65 + r) + s
        out.append(s)
    return out


def _sheet_data_xml(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes | None:
    """``<sheetData>`` exactly as openpyxl's write-only writer serialises it (inline strings,
    ``%.16g`` numbers, '' / None cells omitted, ``xml:space="preserve"`` on padded text),
    built column by column.  openpyxl spends ~0.5 ms per row in its per-cell XML tree; this
    is ~20× faster.  None when a value needs openpyxl's own handling (formulas, error codes,
    illegal characters, NaN, other types, empty rows): the caller falls back to openpyxl."""
    grid = pd.DataFrame([list(headers), *[list(r) for r in rows]], dtype=object)
    n = len(grid)
    rnum = np.arange(1, n + 1).astype(str).astype(object)
    cells = []
    present = np.zeros(n, dtype=bool)
    for j, letter in enumerate(_col_letters(grid.shape[1])):
        v = grid[j]
        kind = v.map(type)
        is_str = kind.eq(str).to_numpy()
        is_num = kind.isin([int, float, np.int64, np.float64, np.int32, np.float32]).to_numpy()
        empty = v.isna().to_numpy() & ~is_num | (is_str & v.eq("").to_numpy())
        if not (is_str | is_num | empty).all():
            return None
        txt = v[is_str & ~empty].astype(str)
        if len(txt) and (txt.str.len().gt(32767).any() or txt.str.contains(_ILLEGAL_XML).any()
                         or (txt.str.startswith("=") & txt.str.len().gt(1)).any()
                         or txt.isin(_EXCEL_ERRORS).any()):
            return None
        num = v[is_num]
        if len(num) and not np.isfinite(num.to_numpy(float)).all():
            return None
        ref = "<c r=\"" + letter + rnum
        col = np.full(n, "", dtype=object)
        if len(txt):
            esc = txt.str.replace("&", "&amp;", regex=False).str.replace(
                "<", "&lt;", regex=False).str.replace(">", "&gt;", regex=False)
            stripped = txt.str.strip()
            pad = stripped.ne("") & stripped.ne(txt)
            open_t = np.where(pad.to_numpy(), "<t xml:space=\"preserve\">", "<t>")
            ok = np.flatnonzero(is_str & ~empty)
            col[ok] = (ref[ok] + "\" t=\"inlineStr\"><is>" + open_t.astype(object)
                       + esc.to_numpy(object) + "</t></is></c>")
        if len(num):
            ok = np.flatnonzero(is_num)
            col[ok] = (ref[ok] + "\" t=\"n\"><v>"
                       + np.array([format(x, ".16g") for x in num.tolist()], dtype=object)
                       + "</v></c>")
        present |= ~empty
        cells.append(col)
    if not present.all():
        return None
    body = "<row r=\"" + rnum + "\">"
    for col in cells:
        body = body + col
    return ("<sheetData>" + "</row>".join(body.tolist()) + "</row></sheetData>").encode("utf-8")


def write_xlsx(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]],
               sheet: str = "Sheet1", creator: str = "") -> None:
    """Write one worksheet (header in row 1); str cells as text, int/float as numbers.
    The cells are serialised by :func:`_sheet_data_xml` (byte-identical to openpyxl's
    write-only output, much faster) and openpyxl writes everything else."""
    rows = list(rows)
    wb = Workbook(write_only=True)
    wb.properties.creator = creator or "pingan-synth"
    wb.properties.created = FIXED_DOC_TIME
    wb.properties.modified = FIXED_DOC_TIME
    wb.properties.lastModifiedBy = creator or "pingan-synth"
    ws = wb.create_sheet(sheet[:31])
    data = _sheet_data_xml(headers, rows)
    if data is None:
        ws.append(list(headers))
        for r in rows:
            ws.append([None if (v == "" or v is None) else v for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_fix_zip(buf.getvalue(), data))


def _write_xlsx_openpyxl(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]],
                         sheet: str = "Sheet1", creator: str = "") -> None:
    """Reference writer (openpyxl cell by cell); tests compare :func:`write_xlsx` with it."""
    wb = Workbook(write_only=True)
    wb.properties.creator = creator or "pingan-synth"
    wb.properties.created = FIXED_DOC_TIME
    wb.properties.modified = FIXED_DOC_TIME
    wb.properties.lastModifiedBy = creator or "pingan-synth"
    ws = wb.create_sheet(sheet[:31])
    ws.append(list(headers))
    for r in rows:
        ws.append([None if (v == "" or v is None) else v for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_fix_zip(buf.getvalue()))


def _json_value(v: object) -> object:
    if v is None or (isinstance(v, str) and v == ""):
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def write_jsonl(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]],
                truncate: set[int] | None = None, encoding: str = "utf-8") -> None:
    """One JSON object per line keyed by the department's headers ('' → null); the records
    whose index is in ``truncate`` are cut in half (malformed).  pandas' JSON writer (C) is
    used for speed; like many exporters it escapes ``/`` as ``\\/``."""
    df = pd.DataFrame(list(rows), columns=list(headers), dtype=object)
    df = df.where(df.ne("") & df.notna(), None)
    text = df.to_json(orient="records", lines=True, force_ascii=False) if len(df) else ""
    if truncate:
        lines = text.rstrip("\n").split("\n")
        for i in truncate:
            lines[i] = lines[i][: max(1, len(lines[i]) // 2)]
        text = "\n".join(lines) + "\n"
    elif text and not text.endswith("\n"):
        text += "\n"
    path.write_bytes(text.encode(encoding))


def write_geojson(path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]],
                  geometries: Sequence[object]) -> None:
    """FeatureCollection (RFC 7946, WGS-84); geometries are shapely objects."""
    feats = []
    for r, g in zip(rows, geometries, strict=True):
        props = {h: _json_value(v) for h, v in zip(headers, r, strict=True)}
        feats.append({"type": "Feature", "properties": props,
                      "geometry": mapping(g) if g is not None else None})
    doc = {"type": "FeatureCollection", "features": feats}
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")


def write_parquet(path: Path, df: pd.DataFrame) -> None:
    """Parquet (zstd) without the pandas index."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def write_csv_fast(path: Path, df: pd.DataFrame, encoding: str = "utf-8") -> None:
    """Large machine-made CSV (streams) through pyarrow: ids, times and counts need no quoting
    (pyarrow raises if a value would), LF line ends."""
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        path.write_bytes(df.to_csv(index=False, lineterminator="\n").encode(encoding))
        return
    table = pa.Table.from_pandas(df, preserve_index=False)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="none"))
