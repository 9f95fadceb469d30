"""Read one department file into a raw table of the source's own values (I/O edge).

读取部门数据文件：CSV（UTF-8 / UTF-8 BOM / GBK·GB18030，自动检测编码）、XLSX、JSON lines、
GeoJSON、Parquet。Every row keeps its source row number ``_row``: the 1-based number of the
data record in the file (header excluded; for XLSX the sheet row minus the header row; for JSON
lines the line number; for GeoJSON the feature number; for Parquet the record number). This is
the definition the synthetic city's ``_truth/injected_errors.parquet`` uses (``row_number``).

Values are kept as the source gave them (CSV/XLSX text and cells, JSON scalars, Parquet
types): normalisation is :mod:`fusion.normalise`'s job. A file that cannot be read as a whole
raises :class:`BadFileError` naming the file; nothing of it is returned.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROW = "_row"

#: File name extensions → reader format.
EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".geojson": "geojson",
    ".parquet": "parquet",
}


class BadFileError(ValueError):
    """A whole file is unreadable (encoding, truncation, emptiness, columns); names the file."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"文件无法导入 bad file {self.path}: {problem}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # picklable across worker processes
        return (BadFileError, (self.path, self.problem))


@dataclass(frozen=True)
class RawTable:
    """What a reader returns: the rows (with ``_row``), the detected encoding and the format."""

    path: Path
    format: str
    encoding: str
    frame: pd.DataFrame
    #: records that could not be split into the header's fields: ``_row``, ``raw`` text
    malformed: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({ROW: np.array([], dtype=np.int64), "raw": []})
    )


def detect_encoding(data: bytes) -> str:
    """Detect the text encoding of a department file.

    BOM → ``utf-8-sig``; bytes that decode as UTF-8 → ``utf-8``; bytes that decode as GB18030
    (a superset of GBK and GB2312) → ``gb18030``. Only when neither decodes strictly is
    charset-normalizer asked, as a tie-breaker, and its answer is returned as is (the caller
    refuses encodings outside these three). Deterministic: the same bytes give the same answer.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best is not None else "unknown"


ACCEPTED_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    enc = detect_encoding(data)
    if enc not in ACCEPTED_ENCODINGS:
        raise BadFileError(
            path,
            f"编码无法识别 unreadable text encoding (detected {enc}; expected UTF-8, UTF-8 BOM or GBK/GB18030)",
        )
    return data.decode(enc), enc


def _read_csv_arrow(text: str) -> pd.DataFrame | None:
    """Fast path: pyarrow's multi-threaded CSV parser, every column as text. None when some
    record does not have the header's number of fields (the caller then reads record by record
    to quarantine exactly those)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        header = next(csv.reader(io.StringIO(text.split("\n", 1)[0].rstrip("\r"))))
    except (StopIteration, csv.Error):
        return None
    if len(set(header)) != len(header):
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    return table.to_pandas(split_blocks=True)  # no consolidation copy into 2-D blocks


def read_csv(path: str | Path) -> RawTable:
    """Read a CSV file (comma separated, RFC 4180 quoting, first record = header) with its
    encoding detected. Every cell comes back as ``str`` (empty cells as ``""``); no type
    guessing. Records with more or fewer fields than the header (e.g. a stray quote and an
    unescaped comma) are returned in ``malformed`` with their row number and text, not in
    ``frame``. Blank lines are not records.
    """
    p = Path(path)
    data = p.read_bytes()
    if not data.strip():
        raise BadFileError(p, "文件为空 empty file")
    text, enc = _decode(p, data)
    text = text.removeprefix("\ufeff")
    fast = _read_csv_arrow(text)
    if fast is not None:
        header = [h.strip() for h in fast.columns]
        if not any(header):
            raise BadFileError(p, "缺少表头 missing header line")
        if len(set(header)) != len(header):
            raise BadFileError(p, f"表头重复 duplicate column names {header}")
        fast.columns = header
        fast.insert(0, ROW, np.arange(1, len(fast) + 1, dtype=np.int64))
        empty = pd.DataFrame({ROW: np.array([], dtype=np.int64), "raw": []})
        return RawTable(p, "csv", enc, fast, empty)
    # slow path (records with the wrong number of fields): Python's C csv reader, record by record
    try:
        records = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    except csv.Error as e:
        raise BadFileError(p, f"CSV 格式错误 malformed CSV: {e}") from None
    if not records:
        raise BadFileError(p, "文件为空 empty file")
    header = [h.strip() for h in records[0]]
    if not any(header):
        raise BadFileError(p, "缺少表头 missing header line")
    if len(set(header)) != len(header):
        raise BadFileError(p, f"表头重复 duplicate column names {header}")
    body = records[1:]
    width = np.fromiter((len(r) for r in body), dtype=np.int64, count=len(body))
    good = width == len(header)
    numbers = np.arange(1, len(body) + 1, dtype=np.int64)
    if good.all():
        df = pd.DataFrame(body, columns=header, dtype=object)
    else:
        df = pd.DataFrame(
            [r for r, g in zip(body, good, strict=True) if g], columns=header, dtype=object
        )
    df.insert(0, ROW, numbers[good])
    bad_idx = np.flatnonzero(~good)
    malformed = pd.DataFrame({ROW: numbers[bad_idx], "raw": [",".join(body[i]) for i in bad_idx]})
    return RawTable(p, "csv", enc, df, malformed)


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class _NotFast(Exception):
    """The fast XLSX path met something it does not handle: openpyxl reads the file instead."""


def _inline_text(el: Any, t_tag: str, r_tag: str, skip: frozenset[str]) -> str:
    """openpyxl's ``Text.from_tree(el).content`` of an ``<is>`` element: the plain ``<t>`` (the
    last one) then each rich-text run's ``<t>``, formatting and phonetic runs dropped."""
    plain = None
    runs: list[str | None] = []
    for ch in el:
        tag = ch.tag
        if tag == t_tag:
            plain = ch.text
        elif tag == r_tag:
            rt = None
            for g in ch:
                if g.tag == t_tag:
                    rt = g.text
            runs.append(rt)
        elif tag not in skip:
            raise _NotFast(f"inline string child {tag}")
    parts = ([plain] if plain is not None else []) + [r for r in runs if r is not None]
    return "".join(parts)


def _xlsx_rows(p: Path) -> list[tuple[Any, ...] | list[Any]]:
    """Every row of the first worksheet, as ``openpyxl`` read-only ``iter_rows(values_only=True)``
    yields them (same values, types, widths and empty rows), ~20x faster.

    openpyxl reads the workbook part, shared strings and styles (date formats, epoch); the sheet
    XML is parsed here in one lean pass instead of openpyxl's per-cell objects. The rules are
    openpyxl's ``WorkSheetParser.parse_cell`` / ``ReadOnlyWorksheet._cells_by_row`` with
    ``data_only=True``: numbers with ``.``/``E`` are float else int, date-formatted numbers
    become datetimes (``from_excel``), ``<dimension>`` bounds the rows and columns. Raises
    :class:`_NotFast` (or any error) where it would have to guess; the caller then uses openpyxl.
    """
    from xml.etree.ElementTree import iterparse

    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.worksheet._reader import _cast_number

    ns = _SHEET_NS
    row_tag, c_tag, v_tag, is_tag = ns + "row", ns + "c", ns + "v", ns + "is"
    t_tag, r_tag, dim_tag = ns + "t", ns + "r", ns + "dimension"
    skip = frozenset({ns + "rPh", ns + "phoneticPr"})
    reader = ExcelReader(p, read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        wb = reader.parser.wb
        apply_stylesheet(reader.archive, wb)
        target = None
        for _sheet, rel in reader.parser.find_sheets():
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                target = rel.target
                break
        if target is None:
            raise _NotFast("no worksheet")
        shared = reader.shared_strings
        dates, tds, epoch = wb._date_formats, wb._timedelta_formats, wb.epoch
        max_col = max_row = None
        out: list[tuple[Any, ...] | list[Any]] = []
        empty_row: tuple[Any, ...] | list[Any] = []
        counter = 1  # next sheet row to hand out (openpyxl's min_row=1)
        row_counter = 0
        idx = 1
        seen_rows = False
        columns: dict[str, int] = {}  # column letters → number (cells repeat a few columns)
        with reader.archive.open(target) as src:
            for _ev, el in iterparse(src):
                tag = el.tag
                if tag == dim_tag and not seen_rows and max_row is None and max_col is None:
                    ref = el.get("ref")
                    if ref:
                        _c0, _r0, max_col, max_row = range_boundaries(ref)
                        if max_col is not None:
                            empty_row = (None,) * max_col
                    continue
                if tag != row_tag:
                    continue
                seen_rows = True
                r = el.get("r")
                if r is not None:
                    try:
                        row_counter = int(r)
                    except ValueError:
                        val = float(r)
                        if not val.is_integer():
                            raise _NotFast(f"row number {r!r}") from None
                        row_counter = int(val)
                else:
                    row_counter += 1
                col_counter = 0
                cells: list[tuple[int, Any]] = []
                for c in el:
                    if c.tag != c_tag:
                        raise _NotFast(f"row child {c.tag}")
                    dtype = c.get("t", "n")
                    coord = c.get("r")
                    style = c.get("s", 0)
                    if style:
                        style = int(style)
                    value: Any = None if dtype == "inlineStr" else (c.findtext(v_tag, None) or None)
                    if coord:
                        letters = coord.rstrip("0123456789")
                        col = columns.get(letters)
                        if col is None:
                            col = coordinate_to_tuple(coord)[1]
                            if letters.isalpha() and letters.isupper() and letters.isascii():
                                columns[letters] = col
                        col_counter = col
                    else:
                        col_counter += 1
                    if value is not None:
                        if dtype == "n":
                            value = _cast_number(value)
                            if style in dates:
                                try:
                                    value = from_excel(value, epoch, timedelta=style in tds)
                                except (OverflowError, ValueError):
                                    value = "#VALUE!"
                        elif dtype == "s":
                            value = shared[int(value)]
                        elif dtype == "b":
                            value = bool(int(value))
                        elif dtype == "d":
                            value = from_ISO8601(value)
                    elif dtype == "inlineStr":
                        child = c.find(is_tag)
                        if child is not None:
                            if len(child) == 1 and child[0].tag == t_tag:  # the usual <is><t>
                                value = child[0].text or ""
                            else:
                                value = _inline_text(child, t_tag, r_tag, skip)
                    cells.append((col_counter, value))
                el.clear()
                idx = row_counter
                if max_row is not None and idx > max_row:
                    break
                while counter < idx:  # rows missing from the XML
                    counter += 1
                    out.append(empty_row)
                if counter <= idx:
                    counter += 1
                    if not cells and not max_col:
                        out.append(())
                        continue
                    width = max_col or cells[-1][0]
                    vals: list[Any] = [None] * width
                    for col, v in cells:
                        if 1 <= col <= width:
                            vals[col - 1] = v
                    out.append(tuple(vals))
        if max_row is not None and max_row < idx:
            out.extend(empty_row for _ in range(counter, max_row + 1))
        return out
    finally:
        reader.archive.close()


def _xlsx_rows_openpyxl(p: Path) -> Iterator[tuple[Any, ...]]:
    """The first worksheet's rows through openpyxl (read-only, cached formula values)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise BadFileError(
            p, f"XLSX 文件损坏或被截断 truncated or corrupt workbook ({type(e).__name__}: {e})"
        ) from None
    try:
        yield from wb.worksheets[0].iter_rows(values_only=True)
    finally:
        wb.close()


def read_xlsx(path: str | Path) -> RawTable:
    """Read the first sheet of an XLSX workbook (first row = header).

    Cells keep openpyxl's values: str, int, float (Excel serial dates stay numbers when the
    cell is not date-formatted), ``datetime`` for date-formatted cells, None for empty. The
    sheet is parsed by :func:`_xlsx_rows` (same values, ~20x faster); openpyxl itself reads
    what that one declines, and every damaged file (so the errors are openpyxl's).
    """
    p = Path(path)
    if p.stat().st_size == 0:
        raise BadFileError(p, "文件为空 empty file")
    try:
        rows: Iterator[Any] = iter(_xlsx_rows(p))
    except Exception:  # noqa: BLE001 - anything odd: openpyxl decides (and names the damage)
        rows = _xlsx_rows_openpyxl(p)
    try:
        try:
            header_row = next(rows)
        except StopIteration:
            raise BadFileError(p, "文件为空 empty workbook (no header row)") from None
        header = [str(h).strip() if h is not None else "" for h in header_row]
        while header and header[-1] == "":
            header.pop()
        if not header:
            raise BadFileError(p, "缺少表头 missing header row")
        if len(set(header)) != len(header):
            raise BadFileError(p, f"表头重复 duplicate column names {header}")
        n = len(header)
        body = []
        numbers = []
        for i, r in enumerate(rows, start=1):
            vals = tuple(r[:n]) + (None,) * (n - len(r))
            if all(v is None for v in vals):
                continue
            body.append(vals)
            numbers.append(i)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as e:
        raise BadFileError(
            p, f"XLSX 文件损坏或被截断 truncated or corrupt workbook ({type(e).__name__})"
        ) from None
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    df = pd.DataFrame(body, columns=header, dtype=object)
    df.insert(0, ROW, np.asarray(numbers, dtype=np.int64))
    return RawTable(p, "xlsx", "binary", df)


def read_jsonl(path: str | Path) -> RawTable:
    """Read JSON lines (one object per line; blank lines skipped but counted in ``_row``)."""
    p = Path(path)
    data = p.read_bytes()
    if not data.strip():
        raise BadFileError(p, "文件为空 empty file")
    text, enc = _decode(p, data)
    records = []
    numbers = []
    bad_rows: list[int] = []
    bad_text: list[str] = []
    for i, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):  # json.loads per line
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            obj = None
        if not isinstance(obj, dict):
            bad_rows.append(i)
            bad_text.append(line)
            continue
        records.append(obj)
        numbers.append(i)
    if not records and bad_rows and len(bad_rows) == len(text.splitlines()):
        raise BadFileError(p, "没有一行是 JSON 对象 no line is a JSON object (not JSON lines?)")
    df = pd.DataFrame.from_records(records)
    df = df.astype(object).where(df.notna(), None) if len(df) else df
    df.insert(0, ROW, np.asarray(numbers, dtype=np.int64))
    malformed = pd.DataFrame({ROW: np.asarray(bad_rows, dtype=np.int64), "raw": bad_text})
    return RawTable(p, "jsonl", enc, df, malformed)


def read_geojson(path: str | Path) -> RawTable:
    """Read a GeoJSON FeatureCollection: properties as columns plus ``geometry`` (shapely)."""
    import shapely

    p = Path(path)
    data = p.read_bytes()
    if not data.strip():
        raise BadFileError(p, "文件为空 empty file")
    text, enc = _decode(p, data)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise BadFileError(
            p, f"GeoJSON 无法解析 not valid JSON ({e.msg}, line {e.lineno})"
        ) from None
    feats = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(feats, list):
        raise BadFileError(p, "不是 FeatureCollection not a GeoJSON FeatureCollection")
    props = pd.DataFrame.from_records([ft.get("properties") or {} for ft in feats])
    props = props.astype(object).where(props.notna(), None) if len(props) else props
    geoms = [json.dumps(ft.get("geometry")) if ft.get("geometry") else None for ft in feats]
    props["geometry"] = (
        shapely.from_geojson(np.asarray(geoms, dtype=object), on_invalid="ignore") if geoms else []
    )
    props.insert(0, ROW, np.arange(1, len(props) + 1, dtype=np.int64))
    return RawTable(p, "geojson", enc, props)


def read_parquet(path: str | Path) -> RawTable:
    """Read a Parquet file with its own column types."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = Path(path)
    if p.stat().st_size == 0:
        raise BadFileError(p, "文件为空 empty file")
    try:
        df = pq.read_table(p).to_pandas(split_blocks=True)  # no consolidation copy
    except (pa.ArrowInvalid, OSError) as e:
        raise BadFileError(p, f"Parquet 文件损坏 corrupt or truncated parquet ({e})") from None
    df.insert(0, ROW, np.arange(1, len(df) + 1, dtype=np.int64))
    return RawTable(p, "parquet", "binary", df)


_READERS = {
    "csv": read_csv,
    "xlsx": read_xlsx,
    "jsonl": read_jsonl,
    "geojson": read_geojson,
    "parquet": read_parquet,
}


def read_file(path: str | Path, fmt: str | None = None) -> RawTable:
    """Read ``path`` with the reader for ``fmt`` (default: from the extension)."""
    p = Path(path)
    fmt = fmt or EXTENSIONS.get(p.suffix.lower())
    if fmt not in _READERS:
        raise BadFileError(p, f"不支持的文件类型 unsupported file type {p.suffix!r}")
    if not p.exists():
        raise BadFileError(p, "文件不存在 file not found")
    return _READERS[fmt](p)
