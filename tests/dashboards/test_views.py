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


def test_routes_geometry_and_empty_pages(dash_app: Any, view_tables: dict, tmp_path) -> None:
    client = dash_app.server.test_client()
    r = client.get(maplayers.CELLS_URL)
    assert r.status_code == 200
    gj = json.loads(r.data)
    assert len(gj["features"]) == view_tables["cell_scores"]["h3_9"].nunique()
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
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/pingan/cells.geojson", timeout=10
        ) as r:
            assert (
                len(json.loads(r.read())["features"])
                == view_store.read("cell_scores")["h3_9"].nunique()
            )
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
