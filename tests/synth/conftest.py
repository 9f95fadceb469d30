"""Fixtures of the synth tests: a tiny hand-built World rendered once per session."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from synth_tiny_world import TinyWorld

from synth import render_world
from synth.config import MESS_KINDS, MessConfig


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
        return [str(h) for h in rows[0]], rows[1:]
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


@pytest.fixture(scope="session")
def tiny_world() -> TinyWorld:
    return TinyWorld()


@pytest.fixture(scope="session")
def messy_rates() -> MessConfig:
    """Elevated rates so that every kind occurs even in the tiny World."""
    rates = {k: 0.04 for k in MESS_KINDS}
    rates["address_variant"] = 0.3
    rates["id_legacy15"] = 0.3
    rates["bad_json"] = 0.1  # few JSONL records in the tiny World
    return MessConfig(**rates, overrides={})


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory, tiny_world: TinyWorld,
             messy_rates: MessConfig) -> Path:
    out = tmp_path_factory.mktemp("synth_tiny")
    render_world(tiny_world, out, seed=3, mess=messy_rates, streams_days=2)
    return out


@pytest.fixture(scope="session")
def rendered_clean(tmp_path_factory: pytest.TempPathFactory, tiny_world: TinyWorld) -> Path:
    out = tmp_path_factory.mktemp("synth_tiny_clean")
    render_world(tiny_world, out, seed=3, mess=MessConfig.clean(), streams_days=1)
    return out
