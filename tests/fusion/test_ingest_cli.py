"""``pingan contracts|ingest|quality`` on the tiny hand-made city."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from citymaker import write_city

from data_contracts import get
from fusion.quality import feed_quality
from pingan.cli import app

runner = CliRunner()


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "PINGAN_WORKDIR": str(tmp_path / "var"),
        "PINGAN_CONFIG": str(tmp_path / "none.toml"),
        "PINGAN_DATABASE_URL": "",
        "COLUMNS": "250",
    }


def test_contracts_list_and_show():
    r = runner.invoke(app, ["contracts", "list"], env={"COLUMNS": "250"})
    assert r.exit_code == 0, r.output
    assert "calls_110" in r.output and "market_days" in r.output
    r = runner.invoke(app, ["contracts", "show", "hukou"], env={"COLUMNS": "250"})
    assert r.exit_code == 0
    assert "民族" in r.output and "protected" in r.output
    r = runner.invoke(app, ["contracts", "show", "nope"])
    assert r.exit_code == 2 and "unknown feed" in r.output


def test_ingest_then_quality(tmp_path):
    folder = write_city(tmp_path / "city")
    r = runner.invoke(app, ["ingest", str(folder)], env=_env(tmp_path))
    assert r.exit_code == 0, r.output
    assert "calls_110: 输入 in 6 = 接受 accepted 2 + 隔离 quarantined 4 ✓" in r.output
    r = runner.invoke(app, ["quality"], env=_env(tmp_path))
    assert r.exit_code == 0, r.output
    assert "bad_datetime=1" in r.output


def test_ingest_bad_file_exits_with_the_file_named(tmp_path):
    folder = write_city(tmp_path / "city")
    (folder / "calls_110_202609.csv").write_bytes(b"")
    r = runner.invoke(app, ["ingest", str(folder)], env=_env(tmp_path))
    assert r.exit_code == 1
    assert "calls_110_202609.csv" in r.output and "empty file" in r.output


def test_feed_quality_figures():
    c = get("weather")
    rows = pd.DataFrame(
        {
            "station_id": ["1", "1", "2"],
            "date": pd.to_datetime(["2026-07-01", "2026-07-01", None]).tz_localize("UTC"),
            "tmax": [30.0, None, 31.0],
        }
    )
    q = pd.DataFrame({"feed": ["weather"] * 2, "reason": ["bad_number", "bad_number"]})
    got = feed_quality(rows, c, q, pd.Timestamp("2026-07-02", tz="UTC"))
    assert got["rows"] == 3 and got["quarantined"] == 2
    assert got["validity"] == 3 / 5
    assert got["duplicates"] == 1  # (station_id, date) repeats
    assert got["age_hours"] == 24.0 and got["fresh"]  # daily feed, tolerance 48 h
    assert got["quarantine_by_reason"] == "bad_number=2"
    assert abs(got["completeness"] - 7 / 9) < 1e-9


def test_tables_take_the_width_of_the_command_not_of_an_earlier_environment():
    """Bug: the shared console kept the width of the environment it was made in (80 columns
    under pytest-xdist), so later commands cut feed names in their tables."""
    from pingan.commands import _common

    _common.console.width = 80  # as if made where COLUMNS=80
    r = runner.invoke(app, ["contracts", "list"], env={"COLUMNS": "250"})
    assert r.exit_code == 0, r.output
    assert "calls_110" in r.output and "market_days" in r.output
