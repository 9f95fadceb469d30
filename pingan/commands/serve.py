"""``pingan serve``: start the dashboard on the configured store."""

from __future__ import annotations

from pathlib import Path

import typer

from pingan.commands._common import ConfigOption, console, settings_or_exit


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(
        config: Path | None = ConfigOption,
        host: str | None = typer.Option(
            None, help="Address to listen on (default from settings: 127.0.0.1)."
        ),
        port: int | None = typer.Option(None, help="Port (default from settings: 8050)."),
    ) -> None:
        """Start the dashboard (驾驶舱, details, model workbench, camera analytics, data quality)."""
        from dashboards.app import serve
        from dashboards.data import AppData
        from geo.store import open_store

        s = settings_or_exit(config)
        store = open_store(s.store_url)
        h, p = host or s.host, port or s.port
        console.print(f"dashboard: http://{h}:{p}  (store: {store.backend})")
        serve(AppData(store), s, host=h, port=p)
