"""``pingan contracts list|show FEED``: the declared data contracts."""

from __future__ import annotations

import typer
from rich.table import Table

from pingan.commands._common import console


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="数据契约 Data contracts of the department feeds.", no_args_is_help=True)

    @sub.command("list")
    def list_cmd() -> None:
        """列出全部数据源 List every feed contract."""
        from data_contracts import all_contracts

        t = Table(
            "feed",
            "中文",
            "department",
            "format",
            "encoding",
            "crs",
            "every",
            "fields",
            "personal",
            title="数据契约 contracts",
        )
        for c in all_contracts():
            t.add_row(
                c.feed_id,
                c.name_zh,
                c.department,
                c.format,
                c.encoding,
                c.crs,
                c.frequency,
                str(len(c.fields)),
                ",".join(c.personal_fields),
            )
        console.print(t)

    @sub.command("show")
    def show_cmd(feed: str = typer.Argument(..., help="Feed id, e.g. calls_110.")) -> None:
        """显示一个数据源的契约 Show one feed's contract."""
        from data_contracts import UnknownFeedError, get
        from data_contracts._model import sensitivity_label

        try:
            c = get(feed)
        except UnknownFeedError as e:
            console.print(f"[red]错误 error:[/red] {e}")
            raise typer.Exit(2) from None
        console.print(f"[bold]{c.feed_id}[/bold] {c.name_zh} — {c.name_en}")
        console.print(
            f"部门 department: {c.department}; 类别 category: {c.category}; 更新 every: {c.frequency}; "
            f"格式 format: {c.format} {c.encoding}; 坐标 crs: {c.crs}; 主键 key: {', '.join(c.primary_key)}"
            + (f"; 记录时间 record time: {c.record_time}" if c.record_time else "")
        )
        t = Table(
            "field",
            "source 来源列",
            "kind",
            "meaning 含义",
            "unit",
            "sensitivity 敏感级别",
            "req",
            "scoring",
        )
        for f in c.fields:
            t.add_row(
                f.name,
                " / ".join(f.source),
                f.kind,
                f.meaning,
                f.unit or "",
                sensitivity_label(f.sensitivity),
                "✓" if f.required else "",
                "✗ protected" if f.protected else ("✓" if f.usable_for_scoring else "✗"),
            )
        console.print(t)

    app.add_typer(sub, name="contracts")
