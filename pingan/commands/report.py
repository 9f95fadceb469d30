"""``pingan report``: write the periodic risk-index report (HTML + PDF)."""

from __future__ import annotations

from pathlib import Path

import typer

from pingan.commands._common import ConfigOption, console, settings_or_exit, step


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report_cmd(
        period: str = typer.Option(..., help="Month to report on, YYYY-MM (e.g. 2026-10)."),
        out: Path | None = typer.Option(None, help="Output folder (default: WORKDIR/reports)."),  # noqa: B008
        lang: str = typer.Option("zh", help="Language: zh or en."),
        config: Path | None = ConfigOption,
    ) -> None:
        """Write 全域社会治安风险指数报告 for a month as one self-contained HTML file and a PDF."""
        from dashboards.data import AppData
        from dashboards.report import build_report
        from dashboards.report.build import ReportError
        from geo.store import open_store

        s = settings_or_exit(config)
        target = out or (s.workdir / "reports")
        try:
            with step(f"report {period}"):
                r = build_report(AppData(open_store(s.store_url)), period, target, lang=lang)
        except ReportError as e:
            console.print(f"[red]error:[/red] {e}")
            raise typer.Exit(2) from None
        console.print(
            f"HTML: {r.html_path}\nPDF:  {r.pdf_path} ({r.pages} pages, {r.seconds:.1f} s)"
        )
