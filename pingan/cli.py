"""The ``pingan`` command line (typer + rich).

Subcommands live one per module in :mod:`pingan.commands`; each module has a
``register(app)`` function. They are discovered here so adding a stage never means editing
this file.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

from pingan import commands as _commands
from pingan.commands import _common

app = typer.Typer(
    name="pingan",
    help="pingan 平安 — offline geospatial data fusion and risk scoring for city public safety. "
    "Settings come from pingan.toml and PINGAN_* environment variables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """pingan 平安: run `pingan demo` for the whole pipeline on a synthetic city."""
    # the shared console was made at import; its width is taken again for every command (from
    # COLUMNS as it is now, else the terminal), so a width fixed by an earlier environment
    # (another command in the same process, a test runner) does not cut this command's tables
    _common.console.width = None  # type: ignore[assignment]


def _register_all() -> None:
    for mod in sorted(pkgutil.iter_modules(_commands.__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"pingan.commands.{mod.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


_register_all()


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
