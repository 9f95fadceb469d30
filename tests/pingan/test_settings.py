from pathlib import Path

import pytest
from typer.testing import CliRunner

from pingan.cli import app
from pingan.settings import SettingsError, load_settings


def test_defaults_without_file(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "missing.toml", environ={})
    assert s.city == "430900" and s.database_url is None
    assert s.store_url == str(Path("var") / "store")


def test_toml_then_env_override(tmp_path: Path) -> None:
    f = tmp_path / "pingan.toml"
    f.write_text('[pingan]\ncity = "430100"\nh3_resolution = 8\n', encoding="utf-8")
    s = load_settings(f, environ={"PINGAN_H3_RESOLUTION": "10", "PINGAN_WORKDIR": "/tmp/x"})
    assert s.city == "430100" and s.h3_resolution == 10 and s.workdir == Path("/tmp/x")


@pytest.mark.parametrize(
    ("text", "env", "key"),
    [
        ('[pingan]\ncity = "43090"\n', {}, "city"),
        ("[pingan]\nh3_resolution = 99\n", {}, "h3_resolution"),
        ("[pingan]\nunknown_key = 1\n", {}, "unknown_key"),
        ("", {"PINGAN_DATABASE_URL": "mysql://x"}, "PINGAN_DATABASE_URL"),
    ],
)
def test_bad_setting_names_the_key(tmp_path: Path, text: str, env: dict, key: str) -> None:
    f = tmp_path / "pingan.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as e:
        load_settings(f, environ=env)
    msg = str(e.value)
    assert key in msg and "\n" not in msg


def test_cli_bad_setting_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGAN_PORT", "0")
    r = CliRunner().invoke(app, ["config", "--config", str(tmp_path / "none.toml")])
    assert r.exit_code == 2
    assert "PINGAN_PORT" in r.output


def test_help_lists_subcommands() -> None:
    r = CliRunner().invoke(app, ["--help"])
    assert r.exit_code == 0 and "config" in r.output
