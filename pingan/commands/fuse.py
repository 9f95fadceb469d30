"""``pingan fuse``: entity resolution, golden records and the entity graph (一数一源)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from pingan.commands._common import ConfigOption, console, settings_or_exit

GoldenOption = typer.Option(
    None, "--golden", help="Golden-record authorities YAML (default: the shipped one)."
)


def register(app: typer.Typer) -> None:
    @app.command("fuse")
    def fuse_cmd(config: Path | None = ConfigOption, golden: Path | None = GoldenOption) -> None:
        """实体融合 Resolve persons, units, vehicles and houses; golden records; entity graph."""
        from fusion.fuse import fuse_store
        from geo.store import open_store

        s = settings_or_exit(config)
        analytic = open_store(s.store_url, zone="analytic")
        if not analytic.tables():
            console.print("尚未导入数据 nothing ingested yet: run `pingan ingest DIR`")
            raise typer.Exit(1)
        rep = fuse_store(
            s.store_url, secret=s.pseudonym_secret, golden_config=golden, echo=console.print
        )
        t = Table("项目 item", "数量 count", title="实体融合 fusion")
        for k, v in rep.counts.items():
            t.add_row(k, f"{v:,}")
        console.print(t)
        console.print("耗时 seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in rep.seconds.items()))
