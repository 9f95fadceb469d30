"""数据质量 Data quality: per-feed quality and quarantine counts (from the ingest stage)."""

from __future__ import annotations

from typing import Any

import dash
from dash import dash_table, html

from dashboards import state
from dashboards.i18n import t

dash.register_page(__name__, path="/quality", name="quality", title="数据质量 · pingan")


def layout(lang: str | None = None, **_: Any) -> Any:
    lang = lang or "zh"
    q = state.data().table("quality")
    if q.empty:
        return html.Div(t("no_data", lang), className="empty", id="quality-empty")
    q = q.copy()
    for c in q.columns:
        if q[c].dtype.kind == "f":
            q[c] = q[c].round(4)
    return html.Div(
        [
            html.H3(t("nav_quality", lang)),
            dash_table.DataTable(
                id="quality-table",
                data=q.astype(str).to_dict("records"),
                columns=[{"name": c, "id": c} for c in q.columns],
                sort_action="native",
                filter_action="native",
                page_size=50,
                style_cell={"fontSize": 13, "textAlign": "left"},
            ),
        ],
        className="panel",
    )
