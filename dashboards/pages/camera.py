"""视频违法分析 Camera analytics (seed 000): indicators by street, hour × weekday heat map,
delivery riders, calibration, camera health, site selection, road hotspots and problem lists.

Reads the tables ``pingan hotspots`` writes (``scoring.camera.pipeline.run_camera_analytics``):
``camera_indicators``, ``camera_profiles``, ``camera_calibration``, ``camera_health_area``,
``camera_maintenance``, ``site_selection``, ``hotspots_road``, ``problem_lists``.
"""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import dash_table, dcc, html

from dashboards import queries, state
from dashboards.i18n import TEXT, t

dash.register_page(__name__, path="/camera", name="camera", title="视频违法分析 · pingan")

#: Column → label key (columns without one are shown by name).
COLUMN_LABELS = {
    "code": "code",
    "n_violations": "n_violations",
    "n_delivery": "n_delivery",
    "share_meituan": "share_meituan",
    "share_eleme": "share_eleme",
    "rate_any_meituan": "rate_any_meituan",
    "rate_any_eleme": "rate_any_eleme",
    "name": "township",
    "daily_flow": "daily_flow",
    "rate_any": "violation_rate",
    "helmet_nonwearing_rate": "helmet_rate",
    "red_light_rate": "red_light_rate",
    "delivery_share": "delivery_share",
    "delivery_violation_share": "delivery_viol_share",
    "online_rate": "online_rate",
    "violation": "violation",
    "precision": "precision",
    "recall": "recall",
    "raw_rate": "raw_rate",
    "calibrated_rate": "calibrated_rate",
    "method": "method",
    "share_covered": "share_covered",
    "road_name": "roads",
}
PERCENT = {
    "rate_any",
    "helmet_nonwearing_rate",
    "red_light_rate",
    "delivery_share",
    "share_meituan",
    "share_eleme",
    "rate_any_meituan",
    "rate_any_eleme",
    "delivery_violation_share",
    "online_rate",
    "raw_rate",
    "calibrated_rate",
    "cal_lo",
    "cal_hi",
    "precision",
    "recall",
    "share_covered",
    "rate",
}


def display_frame(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Format for display: rates as percentages, other floats to 2 decimals, violation codes
    and column names translated."""
    d = df.drop(columns=[c for c in ("geometry",) if c in df.columns]).copy()
    for c in d.columns:
        if c in PERCENT and d[c].dtype.kind == "f":
            d[c] = (100 * d[c]).round(2).astype(str) + "%"
        elif d[c].dtype.kind == "f":
            d[c] = d[c].round(2)
    if "violation" in d.columns:
        d["violation"] = d["violation"].map(lambda v: t(v, lang) if v in TEXT else v)
    return d.rename(columns={c: t(k, lang) for c, k in COLUMN_LABELS.items() if c in d.columns})


def _table(df: pd.DataFrame, tid: str, lang: str, page_size: int = 12) -> Any:
    if df.empty:
        return html.Div(t("no_data", lang), className="empty", id=f"{tid}-empty")
    d = display_frame(df, lang)
    return dash_table.DataTable(
        id=tid,
        data=d.astype(str).to_dict("records"),
        columns=[{"name": c, "id": c} for c in d.columns],
        sort_action="native",
        page_size=page_size,
        style_cell={"fontSize": 12, "textAlign": "left"},
        style_table={"overflowX": "auto"},
    )


def hour_weekday_figure(matrix: pd.DataFrame, lang: str) -> go.Figure:
    """Heat map of the violation rate (%) by weekday (rows, 1 = Monday) and hour (columns)."""
    fig = go.Figure(
        go.Heatmap(
            z=(100 * matrix.to_numpy()).round(2),
            x=list(matrix.columns),
            y=[str(i) for i in matrix.index],
            colorscale="YlOrRd",
            colorbar={"title": "%"},
        )
    )
    fig.update_layout(
        height=300,
        margin={"l": 40, "r": 10, "t": 10, "b": 30},
        xaxis_title="hour" if lang == "en" else "小时",
        yaxis_title="weekday" if lang == "en" else "星期",
    )
    return fig


def layout(lang: str | None = None, **_: Any) -> Any:
    lang = lang or "zh"
    d = state.data()
    areas = d.table("areas")
    ind = d.table("camera_indicators")
    if ind.empty:
        return html.Div(
            [
                html.H3(t("nav_camera", lang)),
                html.Div(t("no_data", lang), className="empty", id="camera-empty"),
            ]
        )
    hw = queries.hour_weekday_matrix(d.table("camera_profiles"))
    health = d.table("camera_health_area")
    if not health.empty:
        health = health.assign(unit_id=health["unit_id"].astype(str))
    sections = [
        (
            "indicators_street",
            _table(queries.street_indicators(ind, areas), "camera-streets", lang),
        ),
        (
            "hour_weekday",
            dcc.Graph(figure=hour_weekday_figure(hw, lang), id="camera-heatmap")
            if not hw.empty
            else html.Div(t("no_data", lang), className="empty"),
        ),
        (
            "delivery",
            _table(
                queries.street_indicators(ind, areas, queries.DELIVERY_COLUMNS),
                "camera-delivery",
                lang,
            ),
        ),
        (
            "hotspots_road",
            _table(queries.hot_roads(d.table("hotspots_road")), "camera-hotroads", lang),
        ),
        (
            "problem_lists",
            _table(_problems(d.table("problem_lists"), areas, lang), "camera-problems", lang),
        ),
        (
            "calibration",
            _table(
                queries.calibration_by_type(d.table("camera_calibration")),
                "camera-calibration",
                lang,
            ),
        ),
        (
            "camera_health",
            html.Div(
                [
                    _table(health, "camera-health", lang),
                    html.H5(t("maintenance", lang)),
                    _table(d.table("camera_maintenance"), "camera-maintenance", lang),
                ]
            ),
        ),
        ("site_selection", _table(d.table("site_selection"), "camera-sites", lang)),
    ]
    return html.Div(
        [
            html.H3(t("nav_camera", lang)),
            *[html.Div([html.H4(t(k, lang)), body], className="panel") for k, body in sections],
        ],
        id="camera-page",
    )


def _problems(pl: pd.DataFrame, areas: pd.DataFrame, lang: str) -> pd.DataFrame:
    if pl.empty:
        return pl
    desc = "description_en" if lang == "en" else "description_zh"
    p = queries.with_area_name(pl, areas, "township_code", "township")
    keep = [
        c
        for c in (
            "name",
            "rank",
            desc,
            "n_violations",
            "rate",
            "hotspot_class",
            "evidence_detection_ids",
        )
        if c in p.columns
    ]
    return p[keep]
