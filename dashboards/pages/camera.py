"""视频违法分析 Camera analytics: indicators by street, hour × weekday, delivery riders,
calibration, camera health and site selection (tables written by ``pingan hotspots``)."""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import dash_table, dcc, html

from dashboards import state
from dashboards.i18n import t

dash.register_page(__name__, path="/camera", name="camera", title="视频违法分析 · pingan")

SECTIONS = (
    ("indicators_street", "camera_indicators_township"),
    ("delivery", "camera_delivery"),
    ("calibration", "camera_calibration"),
    ("camera_health", "camera_health_area"),
    ("site_selection", "site_selection_summary"),
)


def _table(df: pd.DataFrame, tid: str, lang: str) -> Any:
    if df.empty:
        return html.Div(t("no_data", lang), className="empty")
    d = df.drop(columns=[c for c in ("geometry",) if c in df.columns]).copy()
    for c in d.columns:
        if d[c].dtype.kind == "f":
            d[c] = d[c].round(4)
    return dash_table.DataTable(id=tid, data=d.astype(str).to_dict("records"),
                                columns=[{"name": c, "id": c} for c in d.columns],
                                sort_action="native", page_size=15,
                                style_cell={"fontSize": 12, "textAlign": "left"},
                                style_table={"overflowX": "auto"})


def hour_weekday_figure(hw: pd.DataFrame, lang: str) -> go.Figure:
    """Heat map of violation rate by weekday (rows) and hour (columns)."""
    value = "violation_rate" if "violation_rate" in hw.columns else hw.columns[-1]
    m = hw.pivot_table(index="weekday", columns="hour", values=value, aggfunc="mean").sort_index()
    fig = go.Figure(go.Heatmap(z=m.to_numpy(), x=list(m.columns), y=[str(i) for i in m.index],
                               colorscale="YlOrRd"))
    fig.update_layout(height=300, margin=dict(l=40, r=10, t=10, b=30),
                      xaxis_title="hour" if lang == "en" else "小时",
                      yaxis_title="weekday" if lang == "en" else "星期")
    return fig


def layout(lang: str | None = None, **_: Any) -> Any:
    lang = lang or "zh"
    d = state.data()
    panels: list[Any] = []
    hw = d.table("camera_hour_weekday")
    panels.append(html.Div([html.H4(t("hour_weekday", lang)),
                            dcc.Graph(figure=hour_weekday_figure(hw, lang), id="camera-heatmap")
                            if not hw.empty else html.Div(t("no_data", lang), className="empty")],
                           className="panel"))
    for key, table in SECTIONS:
        panels.append(html.Div([html.H4(t(key, lang)), _table(d.table(table), f"camera-{table}", lang)],
                               className="panel"))
    return html.Div([html.H3(t("nav_camera", lang)), *panels], id="camera-page")
