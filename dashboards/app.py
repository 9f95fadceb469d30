"""The Dash multi-page app (Dash Pages). Pages only lay out and wire callbacks to pure functions.

Login and roles can be added later without touching pages: every page reads data through
``dashboards.state.data()``, which a role-aware wrapper can replace per request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, dcc, html

from dashboards import state
from dashboards.data import AppData
from dashboards.i18n import lang_of, t

HERE = Path(__file__).resolve().parent

NAV = (
    ("/", "nav_cockpit"),
    ("/detail", "nav_detail"),
    ("/workbench", "nav_workbench"),
    ("/camera", "nav_camera"),
    ("/quality", "nav_quality"),
)


def _navbar(lang: str, path: str) -> list[Any]:
    q = "?lang=en" if lang == "en" else ""
    other = "zh" if lang == "en" else "en"
    links = [
        dcc.Link(
            t(key, lang),
            href=f"{href}{q}",
            className="nav-link" + (" active" if href == path else ""),
        )
        for href, key in NAV
    ]
    return [
        html.Span(t("app_title", lang), className="brand"),
        *links,
        dcc.Link(
            t("lang_switch", lang),
            id="lang-switch",
            href=f"{path}?lang={other}",
            className="nav-link lang",
        ),
    ]


def create_app(data: AppData, settings: Any = None) -> dash.Dash:
    """Build the app over ``data`` (the store's view tables). Serves everything locally."""
    state.set_data(data, settings)
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="平安 pingan",
    )
    app.layout = html.Div(
        [
            dcc.Location(id="url"),
            html.Nav(id="navbar", className="navbar"),
            html.Main(dash.page_container, className="main"),
        ]
    )

    @app.callback(Output("navbar", "children"), Input("url", "pathname"), Input("url", "search"))
    def _nav(pathname: str | None, search: str | None) -> list[Any]:
        return _navbar(lang_of(search), pathname or "/")

    _add_report_download(app)
    _add_geometry_route(app)
    _add_classes_route(app)
    _add_areas_route(app)
    _add_map_data_links(app)
    # build the geometry and the city colours before the first visitor asks for them
    data.cells_binary_bytes()
    from dashboards.cellcolours import city_payloads

    city_payloads(data)
    for page in dash.page_registry.values():  # the cockpit's memoised map layers
        if page.get("path") == "/":
            page["layout"]()
    return app


def _map_data_head(cockpit_path: str = "/") -> str:
    """``<meta>`` tags naming the cockpit's map data (read by assets/pingan_map.js) and, on the
    cockpit page, ``<link rel=preload>`` of the geometry and the first filter's colours, so the
    browser fetches both while Dash's scripts load (same URL, mode and credentials as the
    script's own ``fetch``, so the preloaded responses are reused)."""
    import html as _html

    import flask

    from dashboards.cellcolours import filter_key
    from dashboards.maplayers import CLASSES_CITY_URL, CLASSES_URL, cells_url

    d = state.data()
    cells = d.cells()
    if not len(cells) or not d.periods():
        return ""
    geo = d.memo("map:cells_url", lambda: cells_url(cells))
    theme, period = str(d.themes()["theme"].iloc[0]), d.periods()[0]
    from urllib.parse import urlencode

    first = f"{CLASSES_URL}?" + urlencode(
        {"theme": theme, "period": period, "level": "city", "code": ""}
    )
    esc = _html.escape
    head = (
        f'<meta name="pingan-cells" content="{esc(geo)}">'
        f'<meta name="pingan-classes-first" content="{esc(first)}" '
        f'data-key="{esc(filter_key(theme, period))}">'
        f'<meta name="pingan-classes-city" content="{esc(CLASSES_CITY_URL)}">'
    )
    try:
        on_cockpit = flask.request.path.rstrip("/") == cockpit_path.rstrip("/")
    except RuntimeError:  # outside a request
        on_cockpit = False
    if on_cockpit:
        for url in (geo, first):
            head += (
                f'<link rel="preload" href="{esc(url)}" as="fetch" crossorigin="anonymous" '
                'data-pingan="1">'
            )
    return head


def _add_map_data_links(app: dash.Dash) -> None:
    """Put :func:`_map_data_head` into every page's ``<head>`` (built per request, so a new
    study area after ``AppData.refresh`` gets a new geometry URL)."""
    interpolate = app.interpolate_index

    def _index(**kw: Any) -> str:
        kw["css"] = _map_data_head(app.config.requests_pathname_prefix) + kw.get("css", "")
        return interpolate(**kw)

    app.interpolate_index = _index  # type: ignore[method-assign]


def _add_geometry_route(app: dash.Dash) -> None:
    """Serve the cell geometry once (binary, browser-cached, URL versioned by the cell set);
    colours travel separately."""
    import flask

    from dashboards.maplayers import CELLS_URL

    @app.server.route(CELLS_URL)
    def _cells():
        resp = flask.Response(
            state.data().cells_binary_bytes(), mimetype="application/octet-stream"
        )
        resp.headers["Cache-Control"] = "private, max-age=3600"
        return resp


def _add_classes_route(app: dash.Dash) -> None:
    """Serve the colour classes of one filter (theme, period, level, code) as compact JSON, and
    of the prefetched city views in one response."""
    import flask

    from dashboards.cellcolours import city_payloads, classes_payload
    from dashboards.maplayers import CLASSES_CITY_URL, CLASSES_URL

    @app.server.route(CLASSES_URL)
    def _classes():
        a = flask.request.args
        level = a.get("level") or "city"
        area = {"level": level, "code": a.get("code") or None}
        body = classes_payload(state.data(), a.get("theme", ""), a.get("period", ""), area)
        resp = flask.jsonify(body)
        resp.headers["Cache-Control"] = "no-cache"
        return resp

    @app.server.route(CLASSES_CITY_URL)
    def _classes_city():
        resp = flask.jsonify(city_payloads(state.data()))
        resp.headers["Cache-Control"] = "no-cache"
        return resp


def _add_areas_route(app: dash.Dash) -> None:
    """Serve the boundaries of one admin level as GeoJSON (built once per data load)."""
    import json

    import flask

    from dashboards.maplayers import AREAS_URL

    @app.server.route(AREAS_URL.replace("<level>", "<any(county, township, grid):level>"))
    def _areas(level: str):
        d = state.data()
        body = d.memo(f"areas_geojson:{level}:json", lambda: json.dumps(d.areas_geojson(level)))
        resp = flask.Response(body, mimetype="application/geo+json")
        resp.headers["Cache-Control"] = "no-cache"
        return resp


def _add_report_download(app: dash.Dash) -> None:
    """Serve the generated report files (HTML/PDF) from the workdir's reports folder.

    ``latest.pdf`` / ``latest.html`` are built on first request when no report exists yet (for
    the month of the newest scored period), so the cockpit's download link always works.
    """
    import flask

    @app.server.route("/download/report/<path:name>")
    def _report(name: str):
        s = state.settings()
        folder = (Path(getattr(s, "workdir", "var")) / "reports").resolve()
        target = (folder / name).resolve()
        if target.parent != folder:
            flask.abort(404)
        if (
            not target.is_file()
            and name in ("latest.pdf", "latest.html")
            and state.data().periods()
        ):
            from dashboards.report import build_report

            build_report(
                state.data(),
                state.data().periods()[0][:7],
                folder,
                lang=getattr(s, "language", "zh"),
            )
        if not target.is_file():
            flask.abort(404)
        return flask.send_file(target, as_attachment=True)


def serve(
    data: AppData,
    settings: Any = None,
    host: str = "127.0.0.1",
    port: int = 8050,
    debug: bool = False,
) -> None:
    """Run the app with its built-in server (analyst workstation / demo)."""
    app = create_app(data, settings)
    app.run(host=host, port=port, debug=debug)
