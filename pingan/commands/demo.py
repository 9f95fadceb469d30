"""``pingan demo``: the whole pipeline on a freshly generated synthetic city, then the dashboard."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from pingan.commands._common import ConfigOption, console, settings_or_exit, step


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_cmd(
        config: Path | None = ConfigOption,
        serve: bool = typer.Option(True, "--serve/--no-serve", help="Start the dashboard at the end."),
        scale: float | None = typer.Option(None, help="Size of the synthetic city (default from settings: 0.05)."),
        days: int | None = typer.Option(None, help="Days the synthetic city covers (default 120)."),
    ) -> None:
        """Run everything on a synthetic city (Yiyang by default): synth → ingest → areas → fuse →
        hotspots → features → forecast → score → publish → report, then serve the dashboard."""
        from pingan import pipeline as pl

        s = settings_or_exit(config)
        upd = {k: v for k, v in {"synth_scale": scale, "synth_days": days}.items() if v is not None}
        if upd:
            s = s.model_copy(update=upd)
        s.workdir.mkdir(parents=True, exist_ok=True)
        echo = console.print
        t0 = time.perf_counter()
        timings: dict[str, float] = {}

        def run(name: str, fn) -> None:
            t = time.perf_counter()
            with step(name):
                fn()
            timings[name] = time.perf_counter() - t

        run("1 synth 生成合成城市", lambda: pl.stage_synth(s, echo))
        run("2 ingest 数据导入", lambda: pl.stage_ingest(s, echo))
        run("3 areas 行政区划", lambda: pl.stage_areas(s, echo))
        run("4 fuse 实体融合", lambda: pl.stage_fuse(s, echo))
        run("5 hotspots 视频违法分析", lambda: pl.stage_hotspots(s, echo))
        run("6 features 特征", lambda: pl.stage_features(s, echo))
        run("7 forecast 预测", lambda: pl.stage_forecast(s, echo))
        run("8 score 风险模型评分", lambda: pl.stage_score(s, echo))
        run("9 publish 发布视图", lambda: pl.stage_publish(s, echo))
        run("10 validate 模型验证", lambda: pl.stage_validate(s, echo))
        run("11 report 风险指数报告", lambda: pl.stage_report(s, echo))
        console.print("demo stages: " + ", ".join(f"{k.split()[1]} {v:.0f}s" for k, v in timings.items())
                      + f"; total {time.perf_counter() - t0:.0f} s")
        if serve:
            pl.stage_serve(s, echo)
