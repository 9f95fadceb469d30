"""Pure view functions (queries, map layers) and the app's HTTP routes, without a browser."""

from __future__ import annotations

import json
from typing import Any

import h3
import numpy as np
import pandas as pd

from dashboards import maplayers, queries
from dashboards.data import AppData


def test_child_ranking_and_change(view_tables: dict) -> None:
    a = view_tables["area_scores"]
    r = queries.child_ranking(
        a, {"level": "city", "code": None}, "composite", "2026-10-26", "2026-10-19"
    )
    assert len(r) == 6 and r["index"].is_monotonic_decreasing
    cur = a[(a["level"] == "county") & (a["theme"] == "composite")].set_index(["code", "period"])[
        "index"
    ]
    top = r.iloc[0]
    assert np.isclose(
        top["change"], cur[(top["code"], "2026-10-26")] - cur[(top["code"], "2026-10-19")]
    )
    towns = queries.child_ranking(
        a, {"level": "county", "code": top["code"]}, "composite", "2026-10-26", None
    )
    assert len(towns) > 0 and towns["change"].isna().all()
    assert (
        queries.previous_period(["2026-09-28", "2026-10-19", "2026-10-26"], "2026-10-19")
        == "2026-09-28"
    )
    assert queries.previous_period(["2026-09-28"], "2026-09-28") is None


def test_scores_counts_and_warning_shares(view_tables: dict) -> None:
    cs = view_tables["cell_scores"]
    s = queries.scores_for(cs, "composite", "2026-10-26", {"level": "county", "code": "430903"})
    assert len(s) and (s["county_adcode"] == "430903").all()
    counts = queries.colour_counts(s)
    assert sum(counts.values()) == len(s)
    w = queries.warning_shares(view_tables["warnings"], "2026-10-26", None, pd.DataFrame())
    assert np.isclose(w["share"].sum(), 1.0)
    assert queries.warning_shares(pd.DataFrame(), "2026-10-26", None, pd.DataFrame()).empty


def test_indexed_scores_match_scores_for(view_store: Any, view_tables: dict) -> None:
    d = AppData(view_store)
    cs = d.table("cell_scores")
    for theme, period, area in (
        ("composite", "2026-10-26", None),
        ("fire_risk", "2026-09-28", {"level": "county", "code": "430903"}),
        ("composite", "1999-01-04", None),
    ):
        want = queries.scores_for(cs, theme, period, area)
        got = d.scores(theme, period, area)
        pd.testing.assert_frame_equal(got, want)
    assert len(d.scores("composite", "2026-10-26")) == view_tables["cell_scores"]["h3_9"].nunique()


def test_cell_values_align_with_geometry_order(view_tables: dict) -> None:
    cs = view_tables["cell_scores"]
    s = queries.scores_for(cs, "fire_risk", "2026-10-19")
    cells = np.sort(cs["h3_9"].unique())
    extra = np.array(
        [h3.str_to_int(h3.latlng_to_cell(28.0, 111.0, 9))], dtype=np.int64
    )  # not scored
    allc = np.concatenate([cells[:50], extra])
    vals = maplayers.cell_values(allc, s)
    gj = maplayers.cells_geojson(allc)
    assert [f["properties"]["i"] for f in gj["features"]] == list(range(51))
    by = s.set_index("h3_9")["score"]
    assert vals[7] == round(float(by[allc[7]]), 1) and vals[-1] is None
    assert h3.str_to_int(gj["features"][7]["properties"]["h3"]) == allc[7]
    ho = maplayers.hideout(vals, highlight=[1, 2])
    assert ho["steps"] == [0.0, 25.0, 50.0, 75.0] and len(ho["colors"]) == 4 and ho["hl"] == [1, 2]


def test_hot_cells_use_the_gi_class(view_tables: dict) -> None:
    hot = view_tables["hotspots_h3"]
    cells = maplayers.hot_cells(hot)
    want = hot[(hot["class"] == "hot") & (hot["band"] == "all")]["h3"].unique()
    assert set(cells) == set(want)
    assert maplayers.hot_cells(pd.DataFrame()).size == 0
    assert (
        maplayers.roads_geojson(view_tables["roads"])["features"][0]["geometry"]["type"]
        == "LineString"
    )
    assert maplayers.roads_geojson(pd.DataFrame({"road_id": ["R1"]}))["features"] == []


def test_camera_views_from_the_real_pipeline(view_tables: dict) -> None:
    st = queries.street_indicators(view_tables["camera_indicators"], view_tables["areas"])
    assert len(st) == 2 and st["rate_any"].is_monotonic_decreasing
    assert not st["name"].str.fullmatch(r"\d+").any()  # township names, not codes
    m = queries.hour_weekday_matrix(view_tables["camera_profiles"])
    assert m.shape == (7, 24) and ((m >= 0) & (m <= 1)).all().all()
    cal = queries.calibration_by_type(view_tables["camera_calibration"])
    assert set(cal["violation"]) >= {"no_helmet", "red_light"}
    assert queries.street_indicators(pd.DataFrame(), view_tables["areas"]).empty


def decode_cells_binary(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, lon/lat vertices in degrees) of :func:`maplayers.cells_binary`'s layout."""
    assert blob[:4] == maplayers.CELLS_MAGIC
    n, nv, _ = np.frombuffer(blob, dtype="<u4", count=3, offset=4)
    off = np.frombuffer(blob, dtype="<u4", count=n + 1, offset=16)
    xy = np.frombuffer(blob, dtype="<i4", count=2 * nv, offset=16 + 4 * (n + 1)).reshape(-1, 2)
    assert len(blob) == 16 + 4 * (n + 1) + 8 * nv
    return off, xy / maplayers.CELLS_COORD_SCALE


def test_cells_binary_holds_every_h3_boundary(view_tables: dict) -> None:
    cells = np.sort(view_tables["cell_scores"]["h3_9"].unique())[:300]
    off, lonlat = decode_cells_binary(maplayers.cells_binary(cells))
    assert len(off) == len(cells) + 1 and off[0] == 0 and off[-1] == len(lonlat)
    for i in (0, 7, 299):
        want = np.array(h3.cell_to_boundary(h3.int_to_str(int(cells[i]))))[:, ::-1]  # lon, lat
        got = lonlat[off[i] : off[i + 1]]
        assert got.shape == want.shape  # open ring: the first vertex is not repeated
        assert np.abs(got - want).max() < 1e-6
    off0, ll0 = decode_cells_binary(maplayers.cells_binary(np.zeros(0, dtype=np.int64)))
    assert off0.tolist() == [0] and len(ll0) == 0
    # a new cell set gets a new geometry URL (the browser caches the geometry for an hour)
    assert maplayers.cells_url(cells) != maplayers.cells_url(cells[1:])
    assert maplayers.cells_url(cells) == maplayers.cells_url(cells.copy())


def test_routes_geometry_and_empty_pages(dash_app: Any, view_tables: dict, tmp_path) -> None:
    client = dash_app.server.test_client()
    r = client.get(maplayers.CELLS_URL)
    assert r.status_code == 200 and r.mimetype == "application/octet-stream"
    off, _ = decode_cells_binary(r.data)
    assert len(off) - 1 == view_tables["cell_scores"]["h3_9"].nunique()
    # the cockpit page names the geometry and the first filter's colours and preloads both;
    # other pages only name them
    page = client.get("/").get_data(as_text=True)
    from dashboards import state

    cells_url = maplayers.cells_url(state.data().cells())
    assert f'<meta name="pingan-cells" content="{cells_url}">' in page
    assert f'<link rel="preload" href="{cells_url}" as="fetch"' in page
    assert 'data-key="composite|2026-10-26|city|"' in page
    first = page.split('name="pingan-classes-first" content="')[1].split('"')[0]
    body = client.get(first.replace("&amp;", "&")).get_json()
    assert len(body["c"]) == len(off) - 1
    other = client.get("/camera").get_data(as_text=True)
    assert 'name="pingan-cells"' in other and 'rel="preload"' not in other
    # the township boundaries (a hidden overlay) come from their own URL, not the page layout
    towns = client.get(maplayers.AREAS_URL.replace("<level>", "township")).get_json()
    areas = view_tables["areas"]
    assert len(towns["features"]) == (areas["level"] == "township").sum() > 0
    assert {f["properties"]["code"] for f in towns["features"]} == set(
        areas.loc[areas["level"] == "township", "code"]
    )
    assert client.get("/download/report/nothing.pdf").status_code == 404
    # pages render empty states over an empty store
    from dashboards import state
    from geo.store import open_store

    old = state.data(), state.settings()
    try:
        state.set_data(AppData(open_store(tmp_path / "empty")), old[1])
        import importlib

        for mod, eid in (
            ("cockpit", "cockpit-empty"),
            ("camera", "camera-empty"),
            ("quality", "quality-empty"),
            ("detail", "detail-empty"),
        ):
            page = importlib.import_module(f"pages.{mod}")
            out = page.layout()
            found = json.dumps(out.to_plotly_json(), default=str, ensure_ascii=False)
            assert eid in found
            assert ("本周期暂无数据" if mod != "detail" else "点击网格") in found
    finally:
        state.set_data(*old)


def test_pingan_serve_starts_the_app(view_store: Any, workdir, tmp_path) -> None:
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cfg = tmp_path / "pingan.toml"
    cfg.write_text(f'[pingan]\nworkdir = "{workdir}"\n', encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "pingan.cli", "serve", "--port", str(port), "--config", str(cfg)],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        end = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    assert r.status == 200 and b"_dash-config" in r.read()
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < end, "pingan serve did not answer within 60 s"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/pingan/cells.bin", timeout=10) as r:
            off, _ = decode_cells_binary(r.read())
            assert len(off) - 1 == view_store.read("cell_scores")["h3_9"].nunique()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_cell_classes_step_on_the_theme_thresholds() -> None:
    steps = (10.0, 40.0, 60.0, 90.0)
    vals = [None, 5.0, 10.0, 39.9, 40.0, 59.9, 60.0, 89.9, 90.0, 100.0]
    assert maplayers.cell_classes(vals, steps) == "0011223344"
    assert maplayers.cell_classes(np.array([np.nan, 95.0]), steps) == "04"


def test_classes_route_matches_scores_and_highlights_area(dash_app: Any, view_tables: dict) -> None:
    from dashboards import state

    d = state.data()
    theme, period = "composite", d.periods()[0]
    client = dash_app.server.test_client()
    r = client.get(maplayers.CLASSES_URL, query_string={"theme": theme, "period": period})
    assert r.status_code == 200
    body = r.get_json()
    cells = d.cells()
    assert len(body["c"]) == len(cells) and body["hl"] == []
    steps = queries.theme_steps(d.themes(), theme)
    s = queries.scores_for(view_tables["cell_scores"], theme, period).set_index("h3_9")["score"]
    i = int(np.searchsorted(cells, int(s.index[0])))
    want = int(np.searchsorted(np.asarray(steps), round(float(s.iloc[0]), 1), side="right"))
    assert body["c"][i] == str(want)
    county = str(view_tables["cell_scores"]["county_adcode"].iloc[0])
    r = client.get(
        maplayers.CLASSES_URL,
        query_string={"theme": theme, "period": period, "level": "county", "code": county},
    )
    hl = r.get_json()["hl"]
    inside = queries.scores_for(
        view_tables["cell_scores"], theme, period, {"level": "county", "code": county}
    )["h3_9"]
    assert 0 < len(hl) < len(cells) and set(cells[hl].tolist()) == set(inside.tolist())


def test_city_classes_of_every_theme_and_recent_period(dash_app: Any) -> None:
    from dashboards import cellcolours, state

    d = state.data()
    client = dash_app.server.test_client()
    allc = client.get(maplayers.CLASSES_CITY_URL).get_json()
    themes = d.themes()["theme"].tolist()
    assert set(allc) == {cellcolours.filter_key(th, p) for th in themes for p in d.periods()[:6]}
    for key in (f"fire_risk|{d.periods()[-1]}|city|", f"composite|{d.periods()[0]}|city|"):
        th, p, _, _ = key.split("|")
        one = client.get(maplayers.CLASSES_URL, query_string={"theme": th, "period": p})
        assert allc[key] == one.get_json()
    assert cellcolours.prefetch_filters(d, 1) == [(th, d.periods()[0]) for th in themes]


def test_cell_click_opens_the_cells_detail(dash_app: Any) -> None:
    import importlib

    from dashboards import state

    cockpit = importlib.import_module("pages.cockpit")  # Dash Pages' module name

    cells = state.data().cells()
    assert (
        cockpit.cell_href({"i": 3, "n": 1}, "zh") == f"/detail?cell={h3.int_to_str(int(cells[3]))}"
    )
    assert cockpit.cell_href({"i": 0, "n": 2}, "en").endswith("&lang=en")
    assert cockpit.cell_href({"i": len(cells)}, "zh") is None
    assert cockpit.cell_href(None, "zh") is None
