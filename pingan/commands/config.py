"""``pingan config``: print the effective settings (secrets hidden)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from pingan.commands._common import ConfigOption, console, settings_or_exit


def register(app: typer.Typer) -> None:
    @app.command("config")
    def config_cmd(config: Path | None = ConfigOption) -> None:
        """Show the settings in force (file + PINGAN_* environment), with secrets hidden."""
        s = settings_or_exit(config)
        t = Table("key", "value")
        for k, v in s.model_dump().items():
            if "secret" in k or (k == "database_url" and v and "@" in str(v)):
                v = "***"
            t.add_row(k, str(v))
        console.print(t)
