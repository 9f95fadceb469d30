"""``pingan quality``: the per-feed data-quality report (also stored as table ``quality``)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from pingan.commands._common import ConfigOption, console, settings_or_exit

AsOfOption = typer.Option(
    "data",
    "--as-of",
    help="Freshness reference: 'data' (latest record of all feeds), 'now', or an ISO time.",
)


def register(app: typer.Typer) -> None:
    @app.command("quality")
    def quality_cmd(config: Path | None = ConfigOption, as_of: str = AsOfOption) -> None:
        """数据质量 Completeness, validity, duplicates, freshness and quarantine reasons per feed."""
        from fusion.quality import store_quality
        from geo.store import open_store

        s = settings_or_exit(config)
        df = store_quality(open_store(s.store_url, zone="analytic"), as_of)
        if df.empty:
            console.print("尚未导入数据 nothing ingested yet: run `pingan ingest DIR`")
            raise typer.Exit(1)
        t = Table(
            "feed",
            "中文",
            "rows",
            "quarantined",
            "validity",
            "completeness",
            "duplicates",
            "age_h",
            "fresh",
            "quarantine reasons",
            title="数据质量 data quality",
        )
        for r in df.itertuples(index=False):
            t.add_row(
                r.feed,
                r.name_zh,
                str(r.rows),
                str(r.quarantined),
                f"{r.validity:.3f}",
                f"{r.completeness:.3f}",
                str(r.duplicates),
                "" if r.age_hours != r.age_hours else f"{r.age_hours:.0f}",
                "✓" if r.fresh else "✗",
                r.quarantine_by_reason,
            )
        console.print(t)
