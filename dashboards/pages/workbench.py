"""模型工作台 Model workbench: a model owner edits weights and thresholds and sees what changes
colour (what-if) on the map and in counts before publishing a new version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
import dash_leaflet as dl
import numpy as np
import pandas as pd
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from dashboards import maplayers, state
from dashboards.i18n import t
from scoring.rules.model import ModelFileError, RuleModel, parse_model
from scoring.rules.versions import ModelRegistry, models_in_force
from scoring.rules.whatif import whatif

dash.register_page(__name__, path="/workbench", name="workbench", title="模型工作台 · pingan")

TEMPLATES = Path(__file__).resolve().parents[2] / "scoring" / "models"
COLOUR_HEX = {
    "red": "#d7191c",
    "orange": "#fd8d3c",
    "yellow": "#fecc5c",
    "blue": "#2c7bb6",
    "none": "#bbbbbb",
}


def _registry() -> ModelRegistry:
    s = state.settings()
    return ModelRegistry(Path(getattr(s, "workdir", "var")) / "models")


def cell_models() -> dict[str, RuleModel]:
    """Cell-subject models in force (published versions, else the shipped templates)."""
    ms = models_in_force(_registry(), sorted(TEMPLATES.glob("*.yaml")))
    return {m.id: m for m in ms if m.subject == "cell"}


def latest_features() -> pd.DataFrame:
    """The latest period of the stored features (what the what-if scores)."""
    f = state.data().table("features")
    if f.empty or "period_start" not in f.columns:
        return f
    return f[f["period_start"] == f["period_start"].max()]


def edited_model(
    model: RuleModel, weights: dict[str, float | None], thresholds: dict[str, float | None]
) -> RuleModel:
    """A copy of ``model`` with new factor weights/points and thresholds, validated again.

    The version is bumped (minor for semver, +1 for integers) so the edit is a new version.
    Raises ModelFileError with the model's own message when the edit is invalid.
    """
    data = model.model_dump(mode="json", exclude_none=True)
    for f in data["factors"]:
        v = weights.get(f["id"])
        if v is None:
            continue
        if "points" in f and f.get("weight") is None:
            f["points"] = float(v)
        else:
            f["weight"] = float(v)
    for k, v in thresholds.items():
        if v is not None:
            data["thresholds"][k] = float(v)
    parts = str(model.version).split(".")
    if len(parts) == 3:
        data["version"] = f"{parts[0]}.{int(parts[1]) + 1}.0"
    else:
        data["version"] = str(int(parts[0]) + 1)
    return parse_model(data, where=f"workbench edit of {model.id}")


def layout(lang: str | None = None, **_: Any) -> Any:
    lang = lang or "zh"
    models = cell_models()
    if not models:
        return html.Div(t("no_data", lang), className="empty", id="workbench-empty")
    label = "name_en" if lang == "en" else "name_zh"
    opts = [
        {"label": f"{getattr(m, label) or m.name_zh} (v{m.version})", "value": m.id}
        for m in models.values()
    ]
    first = opts[0]["value"]
    return html.Div(
        [
            dcc.Store(id="wb-lang", data=lang),
            html.Div(
                [
                    html.Label(t("model", lang)),
                    dcc.Dropdown(id="wb-model", options=opts, value=first, clearable=False),
                ],
                className="controls",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(id="wb-form", className="panel"),
                            html.Button(t("publish", lang), id="wb-publish", n_clicks=0),
                            html.Div(id="wb-published"),
                        ],
                        className="side-col",
                    ),
                    html.Div(
                        [html.Div(id="wb-whatif", className="panel"), _map()], className="map-col"
                    ),
                ],
                className="row",
            ),
        ]
    )


def _map() -> Any:
    """Offline map of the cells that change colour, over the county boundaries."""
    areas = state.data().table("areas")
    counties = areas[areas["level"] == "county"] if not areas.empty else areas
    bounds = (
        maplayers.bounds_of(counties.geometry)
        if not counties.empty
        else [[28.0, 111.5], [29.5, 113.0]]
    )
    center = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    return dl.Map(
        id="wb-map",
        preferCanvas=True,
        style={"height": "55vh"},
        bounds=bounds,
        center=center,
        zoom=9,
        children=[
            dl.GeoJSON(
                id="wb-counties",
                data=maplayers.areas_geojson(areas, "county"),
                style={"variable": "pingan.areaStyle"},
            ),
            dl.GeoJSON(id="wb-changed", style={"variable": "pingan.changeStyle"}),
        ],
    )


@callback(Output("wb-form", "children"), Input("wb-model", "value"), State("wb-lang", "data"))
def form(model_id: str, lang: str) -> list[Any]:
    m = cell_models()[model_id]
    lab = "label_en" if lang == "en" else "label_zh"
    rows = [html.H4(t("weights", lang))]
    for f in m.factors:  # a model has a handful of factors
        val = f.weight if f.weight is not None else f.points
        rows.append(
            html.Div(
                [
                    html.Label(
                        f"{getattr(f, lab) or f.label_zh} ({f.expr})", style={"display": "block"}
                    ),
                    dcc.Input(
                        id={"type": "wb-w", "factor": f.id},
                        type="number",
                        value=val,
                        debounce=True,
                        step="any",
                    ),
                ]
            )
        )
    rows.append(html.H4(t("thresholds", lang)))
    for k in ("red", "orange", "yellow", "blue"):
        rows.append(
            html.Div(
                [
                    html.Label(t(k, lang), style={"display": "inline-block", "width": "40px"}),
                    dcc.Input(
                        id={"type": "wb-th", "colour": k},
                        type="number",
                        value=getattr(m.thresholds, k),
                        debounce=True,
                        step="any",
                    ),
                ]
            )
        )
    return rows


def _edited(model_id: str, w_vals: list, w_ids: list, th_vals: list, th_ids: list) -> RuleModel:
    m = cell_models()[model_id]
    weights = {i["factor"]: v for i, v in zip(w_ids, w_vals, strict=True)}
    ths = {i["colour"]: v for i, v in zip(th_ids, th_vals, strict=True)}
    return edited_model(m, weights, ths)


@callback(
    Output("wb-whatif", "children"),
    Output("wb-changed", "data"),
    Input({"type": "wb-w", "factor": ALL}, "value"),
    Input({"type": "wb-th", "colour": ALL}, "value"),
    State({"type": "wb-w", "factor": ALL}, "id"),
    State({"type": "wb-th", "colour": ALL}, "id"),
    State("wb-model", "value"),
    State("wb-lang", "data"),
)
def preview(w_vals: list, th_vals: list, w_ids: list, th_ids: list, model_id: str, lang: str):
    if not w_ids:
        return no_update, no_update
    frame = latest_features()
    if frame.empty:
        return html.Div(t("no_data", lang), className="empty"), maplayers.cells_geojson(
            np.zeros(0, np.int64)
        )
    try:
        new = _edited(model_id, w_vals, w_ids, th_vals, th_ids)
    except ModelFileError as e:
        return html.Div(str(e), className="empty", id="wb-error"), no_update
    old = cell_models()[model_id]
    counts, changes = whatif(old, new, frame)
    head = html.Tr(
        [
            html.Th(t("colour", lang)),
            html.Th(t("before", lang)),
            html.Th(t("after", lang)),
            html.Th("Δ"),
        ]
    )
    rows = [
        html.Tr(
            [
                html.Td(t(str(c), lang)),
                html.Td(int(r.old)),
                html.Td(int(r.new)),
                html.Td(f"{int(r.change):+d}"),
            ]
        )
        for c, r in counts.iterrows()
    ]
    key = new.key_column
    cells = changes[key].to_numpy(dtype=np.int64) if len(changes) else np.zeros(0, np.int64)
    gj = maplayers.cells_geojson(cells)
    for f, colour in zip(
        gj["features"], changes["new_colour"].tolist() if len(changes) else [], strict=True
    ):
        f["properties"]["colour"] = COLOUR_HEX.get(colour, "#bbbbbb")
    return [
        html.H4(f"{t('whatif', lang)} · v{old.version} → v{new.version}"),
        html.Table([head, *rows], className="simple", id="wb-counts"),
        html.Div(f"{t('changed_cells', lang)}: {len(changes)}", id="wb-nchanged"),
    ], gj


@callback(
    Output("wb-published", "children"),
    Input("wb-publish", "n_clicks"),
    State({"type": "wb-w", "factor": ALL}, "value"),
    State({"type": "wb-th", "colour": ALL}, "value"),
    State({"type": "wb-w", "factor": ALL}, "id"),
    State({"type": "wb-th", "colour": ALL}, "id"),
    State("wb-model", "value"),
    State("wb-lang", "data"),
    prevent_initial_call=True,
)
def publish(
    n: int, w_vals: list, th_vals: list, w_ids: list, th_ids: list, model_id: str, lang: str
):
    if not n:
        return no_update
    try:
        new = _edited(model_id, w_vals, w_ids, th_vals, th_ids)
        path = _registry().publish(new)
    except ModelFileError as e:
        return html.Div(str(e), className="empty")
    return html.Div(
        f"{t('published', lang)}: {new.id} v{new.version} → {path}", id="wb-published-msg"
    )
