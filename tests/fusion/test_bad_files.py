"""A corpus of bad files: each gives one clear error naming the file, and nothing is loaded."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from citymaker import write_city

from data_contracts import get
from fusion.ingest import ingest_folder, map_columns
from fusion.readers import BadFileError, detect_encoding, read_file
from geo.store import open_store

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad_files"
EXPECTED: dict[str, str] = json.loads((BAD / "expected_errors.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_error_names_file_and_problem(name):
    path = BAD / name
    feed = (
        "calls_110"
        if name.startswith("calls_110")
        else name.split("_")[0]
        if name.startswith("hukou")
        else "hotel_lodging"
    )
    with pytest.raises(BadFileError) as ei:
        raw = read_file(path)
        map_columns(raw, get(feed))
    msg = str(ei.value)
    assert name in msg
    assert EXPECTED[name] in msg


@pytest.mark.parametrize("name", ["calls_110_wrong_encoding.csv", "hukou_truncated.xlsx"])
def test_bad_file_in_a_folder_loads_nothing(tmp_path, name):
    folder = write_city(tmp_path / "city")
    target = name.split("_")[0] if name.startswith("hukou") else "calls_110"
    shutil.copy(BAD / name, folder / f"{target}_202609{Path(name).suffix}")
    store = tmp_path / "store"
    with pytest.raises(BadFileError, match=f"{target}_202609"):
        ingest_folder(folder, str(store), secret="test-secret-0123456789", city="430900")
    assert open_store(str(store)).tables() == []
    assert open_store(str(store), zone="raw").tables() == []


def test_detect_encoding():
    text = "警情编号,地址\nJ1,康富路\n"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(text.encode("utf-8-sig")) == "utf-8-sig"
    assert detect_encoding(text.encode("gbk")) == "gb18030"
    assert detect_encoding(text.encode("gb18030")) == "gb18030"


def test_csv_reader_row_numbers_and_malformed(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes('a,b\n1,"multi\nline"\n2,x"y,extra\n\n3,z\n'.encode("gbk"))
    raw = read_file(p)
    assert raw.encoding == "utf-8"
    assert raw.frame["_row"].tolist() == [1, 3]
    assert raw.frame["b"].tolist() == ["multi\nline", "z"]
    assert raw.malformed["_row"].tolist() == [2]


@pytest.mark.postgis
def test_bad_file_loads_nothing_on_postgis(tmp_path, postgis_schema_url):
    folder = write_city(tmp_path / "city")
    (folder / "hukou_202609.xlsx").write_bytes((BAD / "hukou_truncated.xlsx").read_bytes())
    with pytest.raises(BadFileError, match="hukou_202609"):
        ingest_folder(folder, postgis_schema_url, secret="test-secret-0123456789", city="430900")
    assert open_store(postgis_schema_url).tables() == []
    assert open_store(postgis_schema_url, zone="raw").tables() == []
