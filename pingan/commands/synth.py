"""``pingan synth``: generate the synthetic city and render every department feed with truth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from pingan.commands._common import console, progress

OutOption = typer.Option(Path("synth_out"), "--out", help="输出目录 / output folder")
MessOption = typer.Option(None, "--mess", help="脏数据比例 YAML / mess rates (synth.config)")


def register(app: typer.Typer) -> None:
    @app.command("synth")
    def synth_cmd(
        city: str = typer.Option("430900", "--city", help="城市行政区划代码 / city adcode"),
        days: int = typer.Option(120, "--days", help="模拟天数 / days simulated"),
        seed: int = typer.Option(7, "--seed", help="随机种子 / random seed"),
        scale: float = typer.Option(0.05, "--scale", help="规模 (1.0 = 全市) / scale"),
        out: Path = OutOption,
        start: str | None = typer.Option(None, "--start", help="起始日期 YYYY-MM-DD / first day"),
        mess: Path | None = MessOption,
        streams_days: int = typer.Option(
            3, "--streams-days",
            help="大流量数据 (抓拍/流量/卡口/GPS) 只生成最近 N 天, 0 = 全部 / render the big streams "
                 "for the last N days only, 0 = all days"),
        clean: bool = typer.Option(False, "--clean", help="不注入脏数据 / no mess at all"),
    ) -> None:
        """生成合成城市及全部部门数据 / Generate the synthetic city and all department feeds."""
        from synth import generate
        from synth.config import MessConfig
        from synth.specs import FEEDS

        cfg = MessConfig.clean() if clean else (MessConfig.from_yaml(mess) if mess else None)
        first = dt.date.fromisoformat(start) if start else None
        with progress() as p:
            world_task = p.add_task("构建城市 / building world", total=1)
            feed_task = p.add_task("渲染数据 / rendering feeds", total=len(FEEDS) + 1,
                                   visible=False)

            def on_feed(feed: str, k: int, n: int) -> None:
                p.update(world_task, completed=1)
                p.update(feed_task, visible=True, completed=k,
                         description=f"渲染 / rendering {feed}")

            res = generate(city=city, days=days, seed=seed, scale=scale, out=out, start=first,
                           mess=cfg, streams_days=streams_days or None, progress=on_feed)
            p.update(feed_task, completed=len(FEEDS) + 1, description="完成 / done")
        t = Table("feed", "rows", "files", "s")
        nfiles: dict[str, int] = {}
        for f in res.files:
            nfiles[f["feed"]] = nfiles.get(f["feed"], 0) + 1
        for feed, rows in res.rows_by_feed.items():
            t.add_row(feed, f"{rows:,}", str(nfiles.get(feed, 0)),
                      f"{res.seconds.get(feed, 0):.1f}")
        console.print(t)
        console.print(f"世界 / world {res.seconds.get('world', 0):.1f} s · "
                      f"{len(res.files)} files · {res.total_rows:,} rows · "
                      f"{res.n_errors:,} injected errors → {res.out}")
