"""``pingan ingest DIR``: load a folder of department feeds into the store."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from pingan.commands._common import ConfigOption, console, settings_or_exit

FolderArg = typer.Argument(..., help="Folder of feed files (e.g. a synthetic city).")
FeedOption = typer.Option(None, "--feed", "-f", help="Only these feeds (repeatable).")


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest_cmd(
        folder: Path = FolderArg, feed: list[str] = FeedOption, config: Path | None = ConfigOption
    ) -> None:
        """导入数据 Load every feed file of FOLDER matching a contract (idempotent)."""
        from fusion.ingest import ingest_folder
        from fusion.quality import store_quality
        from fusion.readers import BadFileError
        from geo.store import open_store

        s = settings_or_exit(config)
        if not folder.is_dir():
            console.print(f"[red]错误 error:[/red] not a folder: {folder}")
            raise typer.Exit(2)
        try:
            rep = ingest_folder(
                folder,
                s.store_url,
                secret=s.pseudonym_secret,
                city=s.city,
                h3_resolution=s.h3_resolution,
                feeds=feed or None,
                echo=console.print,
            )
        except BadFileError as e:
            console.print(f"[red]错误 error:[/red] {e}")
            console.print("未导入任何数据 nothing of this load was stored")
            raise typer.Exit(1) from None
        t = Table(
            "feed", "files", "rows_in", "accepted", "quarantined", "new_rows", title="导入 ingest"
        )
        for r in rep.summary().itertuples(index=False):
            t.add_row(
                r.feed,
                str(r.files),
                str(r.rows_in),
                str(r.accepted),
                str(r.quarantined),
                str(r.new_rows),
            )
        console.print(t)
        rate = rep.rows_in / rep.seconds if rep.seconds else 0.0
        console.print(
            f"{rep.rows_in} rows in {rep.seconds:.1f} s ({rate:,.0f} rows/s); "
            f"new rows {rep.new_rows}, new events {rep.events_new}"
        )
        store_quality(open_store(s.store_url, zone="analytic"), "data")
