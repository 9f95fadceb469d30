"""``pingan dossier person|house|unit|vehicle|address ID``: 一人一档 / 一屋一档 (pseudonymised)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from pingan.commands._common import ConfigOption, console, settings_or_exit

KindArg = typer.Argument(..., help="person | house | unit | vehicle | address")
IdArg = typer.Argument(
    ..., help="Canonical entity id (P000001, H000001, U000001, V000001) or an address id."
)
JsonOption = typer.Option(False, "--json", help="Print JSON instead of tables.")


def register(app: typer.Typer) -> None:
    @app.command("dossier")
    def dossier_cmd(
        kind: str = KindArg,
        entity_id: str = IdArg,
        as_json: bool = JsonOption,
        config: Path | None = ConfigOption,
    ) -> None:
        """档案 One-person-one-file / one-house-one-file view from the analytic zone (tokens only)."""
        from rich.console import Console

        from fusion.resolve.dossier import DossierNotFound, build_dossier, dossier_json
        from geo.store import open_store

        s = settings_or_exit(config)
        try:
            d = build_dossier(open_store(s.store_url, zone="analytic"), kind, entity_id)
        except (DossierNotFound, ValueError) as e:
            console.print(f"[red]错误 error:[/red] {e}")
            raise typer.Exit(1) from None
        out = Console()
        if as_json:
            out.print_json(dossier_json(d))
            return
        title = {
            "person": "一人一档 person",
            "house": "一屋一档 house",
            "unit": "一企一档 unit",
            "vehicle": "一车一档 vehicle",
            "address": "一址一档 address",
        }[d.kind]
        t = Table("字段 field", "值 value", title=f"{title} {d.entity_id}")
        for k, v in d.profile.items():
            t.add_row(str(k), str(v))
        out.print(t)
        r = Table(
            "关系 relation", "", "节点 node", "类型 type", "名称 label", "hop", title="关联 related"
        )
        for row in d.related.itertuples(index=False):
            r.add_row(
                row.relation,
                row.direction,
                row.node_id,
                str(row.type),
                str(row.label or ""),
                str(row.hop),
            )
        out.print(r)
        rec = Table(
            "来源 feed", "文件 file", "行 row", title=f"来源记录 source records ({len(d.records)})"
        )
        for row in d.records.head(50).itertuples(index=False):
            rec.add_row(row.feed, row.source_file, str(row.source_row))
        out.print(rec)
