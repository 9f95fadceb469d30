"""驾驶舱 Cockpit: city map of H3 cells coloured by the composite index or a theme, with admin
boundaries and camera hotspots, drill-down city → county → township → grid, side panels."""

from __future__ import annotations

from typing import Any

import dash
import dash_leaflet as dl
import numpy as np
from dash import (
    ALL,
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)

from dashboards import maplayers, queries, state
from dashboards.i18n import t

dash.register_page(__name__, path="/", name="cockpit", title="驾驶舱 · pingan")


ROAD_TABLES = ("roads", "road_network", "feed_road_network")


def _roads_geojson() -> dict | None:
    """Roads of the first stored road table with geometry as GeoJSON, or None."""
    d = state.data()
    for name in ROAD_TABLES:
        r = d.table(name)
        if not r.empty and "geometry" in r.columns:
            return maplayers.roads_geojson(r)
    return None


def _map(lang: str) -> Any:
    """Offline base: admin boundaries (and roads where stored); a tile layer only if set."""
    d = state.data()
    areas = d.table("areas")
    s = state.settings()
    layers: list[Any] = []
    tile = getattr(s, "tile_url", None) if s is not None else None
    if tile:
        layers.append(dl.TileLayer(url=tile))
    # the GeoJSON layers are built once per data load, not on every page load
    bounds = d.memo(
        "map:bounds",
        lambda: (
            maplayers.bounds_of(areas[areas["level"] == "county"].geometry)
            if not areas.empty
            else [[28.0, 111.5], [29.5, 113.0]]
        ),
    )
    center = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    overlays = [
        # The cells are not a GeoJSON layer (30,000 Leaflet polygons take seconds to build):
        # pingan.cellsAdd puts assets/pingan_map.js's own canvas renderer into this group, which
        # draws the cells from the binary geometry (/pingan/cells.bin) in the colours that
        # pingan.select fetches; the overlay still shows/hides them.
        dl.Overlay(
            dl.LayerGroup(id="cells", eventHandlers={"add": {"variable": "pingan.cellsAdd"}}),
            name=t("cells_layer", lang),
            checked=True,
        ),
        dl.Overlay(
            dl.GeoJSON(
                id="counties",
                data=d.areas_geojson("county"),
                style={"variable": "pingan.areaStyle"},
            ),
            name=t("boundaries", lang),
            checked=True,
        ),
        dl.Overlay(
            dl.GeoJSON(
                id="townships",
                url=maplayers.AREAS_URL.replace("<level>", "township"),
                style={"variable": "pingan.townStyle"},
            ),
            name=t("ranking_township", lang),
            checked=False,
        ),
        dl.Overlay(
            dl.GeoJSON(
                id="hotspots",
                data=d.memo(
                    "map:hotspots", lambda: maplayers.hotspot_geojson(d.table("hotspots_h3"))
                ),
                style={"variable": "pingan.hotStyle"},
            ),
            name=t("hotspots", lang),
            checked=True,
        ),
    ]
    roads = d.memo("map:roads", _roads_geojson)
    if roads is not None:
        overlays.insert(
            1,
            dl.Overlay(
                # Under the cells (their pane is at z-index 350, Leaflet's overlayPane at 400):
                # the dense urban road grid would otherwise grey out the city centres at city
                # zoom. A deployment's own tiles (also in tilePane) draw over these roads.
                dl.GeoJSON(
                    id="roads",
                    data=roads,
                    style={"variable": "pingan.roadStyle"},
                    pane="tilePane",
                    interactive=False,
                ),
                name=t("roads", lang),
                checked=True,
            ),
        )
    return dl.Map(
        id="cockpit-map",
        preferCanvas=True,
        bounds=bounds,
        center=center,
        zoom=9,
        style={"height": "78vh"},
        children=[*layers, dl.LayersControl(overlays)],
    )


def layout(lang: str | None = None, **_: Any) -> Any:
    lang = lang or "zh"
    d = state.data()
    periods = d.periods()
    themes = d.themes()
    if not periods:
        return html.Div(t("no_data", lang), className="empty", id="cockpit-empty")
    label = "name_en" if lang == "en" else "name_zh"
    theme_opts = [{"label": r[label], "value": r["theme"]} for _, r in themes.iterrows()]
    return html.Div(
        [
            dcc.Store(id="sel-area", data={"level": "city", "code": None}),
            dcc.Store(id="lang", data=lang),
            dcc.Store(id="cell-restyled"),
            dcc.Store(id="cell-click"),
            dcc.Store(id="panel-filter"),
            html.Div(
                [
                    html.Div(
                        [
                            html.Label(t("theme", lang)),
                            dcc.Dropdown(
                                id="theme",
                                options=theme_opts,
                                value=theme_opts[0]["value"],
                                clearable=False,
                            ),
                        ]
                    ),
                    html.Div(
                        [
                            html.Label(t("period", lang)),
                            dcc.Dropdown(
                                id="period", options=periods, value=periods[0], clearable=False
                            ),
                        ]
                    ),
                    html.A(
                        t("download_report", lang),
                        href="/download/report/latest.pdf",
                        id="report-link",
                    ),
                ],
                className="controls",
            ),
            html.Div(
                [
                    html.Div(_map(lang), className="map-col"),
                    html.Div(id="side-panel", className="side-col"),
                ],
                className="row",
            ),
        ]
    )


# Theme, period and selected area go straight to the browser: pingan.select takes that
# filter's colour classes from the browser cache (or fetches them once from /pingan/cellclass)
# and redraws the cell canvas; no Dash round trip for a filter seen before. Once that frame is
# painted it puts the filter into the store panel-filter, which updates the side panel (so the
# panel's server round trip and re-render never delay the map).
clientside_callback(
    ClientsideFunction(namespace="pingan", function_name="select"),
    Output("cell-restyled", "data"),
    Input("theme", "value"),
    Input("period", "value"),
    Input("sel-area", "data"),
)


@callback(Output("cockpit-map", "viewport"), Input("sel-area", "data"), prevent_initial_call=True)
def zoom_to(area: dict) -> dict:
    """Fly to the selected area (the whole city for ``city``)."""
    areas = state.data().table("areas")
    if areas.empty:
        return no_update
    if not area or area.get("level", "city") == "city":
        sel = areas[areas["level"] == "county"]
    else:
        sel = areas[
            (areas["level"] == area["level"]) & (areas["code"].astype(str) == str(area["code"]))
        ]
    if sel.empty:
        return no_update
    return {"bounds": maplayers.bounds_of(sel.geometry), "transition": "flyToBounds"}


@callback(
    Output("sel-area", "data"),
    Input({"type": "drill", "level": ALL, "code": ALL}, "n_clicks"),
    Input("counties", "clickData"),
    Input("back-city", "n_clicks"),
    State("sel-area", "data"),
    prevent_initial_call=True,
)
def drill(_clicks: list, county_click: dict | None, _back: int | None, area: dict) -> dict:
    # The side panel re-renders its buttons on every filter change, which fires this callback
    # with n_clicks None: only a real click (a truthy value) may change the selection.
    if not any(t.get("value") for t in ctx.triggered):
        return no_update
    trig = ctx.triggered_id
    if trig == "back-city":
        new = {"level": "city", "code": None}
        return new if area != new else no_update
    if trig == "counties" and county_click:
        return {"level": "county", "code": str(county_click["properties"]["code"])}
    if isinstance(trig, dict) and trig.get("type") == "drill":
        if not any(c for c in _clicks if c):
            return no_update
        return {"level": trig["level"], "code": trig["code"]}
    return no_update


def _ranking_table(rank, level: str, lang: str) -> Any:
    if rank.empty:
        return html.Div(t("no_data", lang), className="empty")
    head = html.Tr(
        [
            html.Th("#"),
            html.Th(t("name", lang)),
            html.Th(t("index", lang)),
            html.Th(t("red_share", lang)),
            html.Th(t("change_prev", lang)),
        ]
    )
    rows = []
    for i, r in enumerate(rank.itertuples(index=False), start=1):  # ≤ a few hundred areas
        ch = "" if np.isnan(r.change) else f"{r.change:+.1f}"
        name = (
            html.Button(
                str(r.name),
                id={"type": "drill", "level": level, "code": str(r.code)},
                className="link",
            )
            if level != "cell"
            else str(r.name)
        )
        rows.append(
            html.Tr(
                [
                    html.Td(i),
                    html.Td(name),
                    html.Td(f"{r.index:.1f}"),
                    html.Td(f"{r.share_red:.0%}"),
                    html.Td(ch),
                ]
            )
        )
    return html.Table([head, *rows], className="simple", id=f"ranking-{level}")


@callback(
    Output("side-panel", "children"),
    Input("panel-filter", "data"),
    State("lang", "data"),
    prevent_initial_call=True,
)
def update_side_panel(filt: dict | None, lang: str) -> list[Any]:
    """The side panel of the filter pingan.select has drawn (theme, period, area)."""
    if not filt or not filt.get("theme") or not filt.get("period"):
        return no_update
    area = filt.get("area") or {"level": "city", "code": None}
    return side_panel(area, filt["theme"], filt["period"], lang)


def side_panel(area: dict, theme: str, period: str, lang: str) -> list[Any]:
    """Colour counts, child ranking and warning shares of ``area`` for one theme and period."""
    d = state.data()
    areas = d.table("areas")
    prev = queries.previous_period(d.periods(), period)
    level = queries.CHILD_LEVEL.get(area.get("level", "city"), "county")
    rank = queries.child_ranking(d.table("area_scores"), area, theme, period, prev)
    scores = d.scores(theme, period, area)
    counts = queries.colour_counts(scores)
    shares = queries.warning_shares(d.table("warnings"), period, area, d.themes())
    title = queries.area_label(areas, area, lang, t("area_city", lang))
    colour_row = html.Div(
        [
            html.Span(
                [
                    html.Span(className="swatch", style={"background": c}),
                    f"{t(k, lang)} {counts[k]}  ",
                ]
            )
            for k, c in (
                ("red", "#d7191c"),
                ("orange", "#fd8d3c"),
                ("yellow", "#fecc5c"),
                ("blue", "#2c7bb6"),
            )
        ]
    )
    names = d.themes().set_index("theme")["name_en" if lang == "en" else "name_zh"]
    share_rows = [
        html.Tr(
            [
                html.Td(str(names.get(r.theme, r.theme))),
                html.Td(int(r.n)),
                html.Td(f"{r.share:.0%}"),
            ]
        )
        for r in shares.itertuples(index=False)
    ]
    key = {"county": "ranking_county", "township": "ranking_township", "grid": "ranking_grid"}.get(
        level, "ranking_grid"
    )
    return [
        html.Div(
            [
                html.H4(title, id="side-title"),
                html.Button(t("back_city", lang), id="back-city", className="link"),
                colour_row,
            ],
            className="panel",
        ),
        html.Div([html.H4(t(key, lang)), _ranking_table(rank, level, lang)], className="panel"),
        html.Div(
            [
                html.H4(t("warning_share", lang)),
                html.Table(share_rows, className="simple")
                if share_rows
                else html.Div(t("no_data", lang), className="empty"),
            ],
            className="panel",
        ),
    ]


def cell_href(click: dict | None, lang: str | None) -> str | None:
    """Detail page of the clicked cell (``click["i"]``: its index in geometry order, as
    assets/pingan_map.js reports it), or None for no/unknown cell."""
    cells = state.data().cells()
    if not click or not isinstance(click.get("i"), int) or not 0 <= click["i"] < len(cells):
        return None
    from geo.h3cells import cells_to_str

    q = "&lang=en" if lang == "en" else ""
    return f"/detail?cell={cells_to_str(cells[click['i'] : click['i'] + 1])[0]}{q}"


@callback(
    Output("url", "href", allow_duplicate=True),
    Input("cell-click", "data"),
    State("lang", "data"),
    prevent_initial_call=True,
)
def open_cell(click: dict | None, lang: str) -> str:
    href = cell_href(click, lang)
    return href if href is not None else no_update
