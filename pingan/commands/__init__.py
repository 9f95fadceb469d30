"""One module per ``pingan`` subcommand; each defines ``register(app: typer.Typer)``."""
