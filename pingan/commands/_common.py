"""Helpers shared by the subcommands: settings loading with one-line errors, progress bars."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from pingan.settings import Settings, SettingsError, load_settings

console = Console(stderr=True)

ConfigOption = typer.Option(None, "--config", "-c", help="Settings file (default: ./pingan.toml).")


def settings_or_exit(config: Path | None = None) -> Settings:
    """Load settings; on a bad key print one line naming it and exit with status 2."""
    try:
        return load_settings(config)
    except SettingsError as e:
        console.print(f"[red]error:[/red] {e}")
        raise typer.Exit(2) from None


def progress() -> Progress:
    """A rich progress bar for steps longer than a second (writes to stderr)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@contextlib.contextmanager
def step(description: str) -> Iterator[None]:
    """Show a spinner with elapsed time while a single long step runs."""
    t0 = time.perf_counter()
    with progress() as p:
        task = p.add_task(description, total=1)
        yield
        p.update(task, completed=1)
    console.print(f"  {description}: {time.perf_counter() - t0:.1f} s")
