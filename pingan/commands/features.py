"""``pingan features``: the spatiotemporal feature table per H3 cell and period from an event CSV."""

from __future__ import annotations

from pathlib import Path

import typer

from pingan.commands._common import console, step
from pingan.commands.forecast import EventFileError, load_events_csv, study_area


def register(app: typer.Typer) -> None:
    @app.command("features")
    def features_cmd(
        events: Path = typer.Option(..., "--events", exists=True, dir_okay=False, help="事件CSV / event CSV"),  # noqa: B008
        out: Path = typer.Option(..., "--out", help="输出 Parquet 或 CSV / output file"),  # noqa: B008
        time: str = typer.Option(..., "--time", help="时间列 / time column"),
        lon: str | None = typer.Option(None, "--lon"),
        lat: str | None = typer.Option(None, "--lat"),
        time_unit: str | None = typer.Option(None, "--time-unit", help="s|ms"),
        x: str | None = typer.Option(None, "--x"),
        y: str | None = typer.Option(None, "--y"),
        crs: str | None = typer.Option(None, "--crs"),
        type_col: str | None = typer.Option(None, "--type-col", help="类型列(作为事件类别) / category column"),
        res: int = typer.Option(9, "--res", min=5, max=12),
        period: str = typer.Option("week", "--period", help="day | week"),
        start: str = typer.Option(..., "--start", help="第一个时段起点 YYYY-MM-DD / first period start"),
        end: str = typer.Option(..., "--end", help="最后一个时段起点 YYYY-MM-DD / last period start"),
        area: Path | None = typer.Option(None, "--area", exists=True, help="研究区 / study area"),  # noqa: B008
    ) -> None:
        """按H3格与时段生成特征 / Build features per H3 cell and period (no feature sees its period or later)."""
        from scoring.features import (
            CellGrid,
            build_features,
            cells_to_str,
            period_starts,
            polygon_to_cells,
        )

        if period not in ("day", "week"):
            console.print("[red]错误 error:[/red] --period 只能是 day 或 week / must be day or week")
            raise typer.Exit(2)
        try:
            ev = load_events_csv(events, lon, lat, time, time_unit, x, y, crs, type_col)
        except EventFileError as e:
            console.print(f"[red]错误 error:[/red] {e}")
            raise typer.Exit(2) from None
        grid = CellGrid.from_cells(polygon_to_cells(study_area(ev, area), res))
        with step(f"特征 features: {grid.n} cells × periods"):
            df = build_features(ev, grid, period_starts(start, end, period), period=period)
        df["h3"] = cells_to_str(df["h3"].to_numpy())
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".csv":
            df.to_csv(out, index=False)
        else:
            df.to_parquet(out, index=False)
        console.print(f"写出 wrote {len(df)} rows × {df.shape[1]} columns → {out}")

