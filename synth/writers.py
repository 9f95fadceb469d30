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


def _fix_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed member dates and fixed core timestamps."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>2020-01-01T00:00:00Z\g<3>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def write_xlsx(path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]],
               sheet: str = "Sheet1", creator: str = "") -> None:
    """Write one worksheet (header in row 1); str cells as text, int/float as numbers."""
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
