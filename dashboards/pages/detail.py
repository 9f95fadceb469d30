"""网格/区域详情 Cell detail: why this colour (top factors with values), warnings, trend."""

from __future__ import annotations

from typing import Any

import dash
import h3
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboards import state
from dashboards.i18n import t

dash.register_page(__name__, path="/detail", name="detail", title="详情 · pingan")


def cell_detail_frames(cell: int, d) -> dict[str, pd.DataFrame]:
    """The frames the detail page shows for one cell (pure filtering of the view tables)."""
    cs, cf, w = d.table("cell_scores"), d.table("cell_factors"), d.table("warnings")
    out = {
        "scores": cs[cs["h3_9"] == cell] if not cs.empty else cs,
        "factors": cf[cf["h3_9"] == cell] if not cf.empty else cf,
        "warnings": w[w["h3_9"] == cell] if not w.empty and "h3_9" in w.columns else pd.DataFrame(),
    }
    return out


def _table(df: pd.DataFrame, cols: list[tuple[str, str]], lang: str, tid: str) -> Any:
    if df.empty:
        return html.Div(t("no_data", lang), className="empty")
    head = html.Tr([html.Th(t(k, lang) if k else c) for c, k in cols])
    rows = [
        html.Tr([html.Td(f"{v:.3g}" if isinstance(v, float) else str(v)) for v in r])
        for r in df[[c for c, _ in cols]].itertuples(index=False)
    ]
    return html.Table([head, *rows], className="simple", id=tid)


def layout(cell: str | None = None, lang: str | None = None, **_: Any) -> Any:
    lang = lang or "zh"
    if not cell:
        return html.Div(t("select_cell", lang), className="empty", id="detail-empty")
    try:
        cid = h3.str_to_int(cell)
    except (ValueError, TypeError):
        return html.Div(t("no_data", lang), className="empty", id="detail-empty")
    f = cell_detail_frames(cid, state.data())
    if f["scores"].empty:
        return html.Div(f"{cell}: {t('no_data', lang)}", className="empty", id="detail-empty")
    latest = str(f["scores"]["period"].astype(str).max())
    now = f["scores"][f["scores"]["period"].astype(str) == latest]
    comp = now[now["theme"] == "composite"]
    head = comp.iloc[0] if len(comp) else now.iloc[0]
    label = "label_en" if lang == "en" else "label_zh"
    fac = f["factors"]
    if not fac.empty:
        fac = fac[fac["period"].astype(str) == latest].copy()
        fac["abs"] = fac["contribution"].abs()
        fac = fac.sort_values("abs", ascending=False).head(12)
        fac = fac.assign(factor_label=fac[label] if label in fac.columns else fac["factor"])
    trend = f["scores"][f["scores"]["theme"] == head["theme"]].sort_values("period")
    fig = go.Figure(
        go.Scatter(x=trend["period"].astype(str), y=trend["score"], mode="lines+markers")
    )
    fig.update_layout(
        height=240, margin={"l": 30, "r": 10, "t": 10, "b": 30}, yaxis_title=t("index", lang)
    )
    return html.Div(
        [
            html.Div(
                [
                    html.H3(
                        f"{cell} · {t(head['colour'], lang)} · {head['score']:.1f}",
                        id="detail-title",
                    ),
                    html.Div(f"{t('period', lang)}: {latest}"),
                ],
                className="panel",
            ),
            html.Div(
                [
                    html.H4(t("why_colour", lang)),
                    _table(
                        fac if not fac.empty else pd.DataFrame(),
                        [
                            ("theme", "model"),
                            ("factor_label", "factor"),
                            ("value", "value"),
                            ("contribution", "contribution"),
                        ],
                        lang,
                        "detail-factors",
                    ),
                ],
                className="panel",
            ),
            html.Div(
                [html.H4(t("trend", lang)), dcc.Graph(figure=fig, id="detail-trend")],
                className="panel",
            ),
            html.Div(
                [
                    html.H4(t("warnings", lang)),
                    _table(
                        f["warnings"],
                        [
                            ("period", "period"),
                            ("theme", "model"),
                            ("kind", ""),
                            ("colour", "colour"),
                            ("reasons", ""),
                        ],
                        lang,
                        "detail-warnings",
                    ),
                ],
                className="panel",
            ),
        ]
    )
