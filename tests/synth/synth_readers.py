"""Read a rendered feed file the way an ingest reader counts records (for the synth tests)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl


def read_records(path: Path, fmt: str, encoding: str | None) -> tuple[list[str], list[list]]:
    """Read a feed file the way a reader counts records: header + data records (row 1 = the
    first data record).  Truncated JSON lines come back as ``None``."""
    if fmt == "csv":
        text = path.read_bytes().decode(encoding or "utf-8")
        text = text.removeprefix("\ufeff")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        return rows[0], rows[1:]
    if fmt == "xlsx":
        ws = openpyxl.load_workbook(path, read_only=True).active
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        width = len(rows[0])
        return [str(h) for h in rows[0]], [r + [None] * (width - len(r)) for r in rows[1:]]
    if fmt == "jsonl":
        out, header = [], []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                d = json.loads(line)
            except json.JSONDecodeError:
                out.append(None)
                continue
            header = header or list(d)
            out.append([d[h] for h in header])
        return header, out
    if fmt == "geojson":
        doc = json.loads(path.read_text(encoding="utf-8"))
        feats = doc["features"]
        header = list(feats[0]["properties"]) if feats else []
        return header, [[f["properties"][h] for h in header] for f in feats]
    raise ValueError(fmt)
