"""End to end on a tiny synthetic city: every demo stage runs on the embedded store and the
dashboard's view tables and the report come out consistent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pingan import pipeline as pl
from pingan.settings import load_settings


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    work = tmp_path_factory.mktemp("demo")
    s = load_settings(Path("/nonexistent.toml"), environ={
        "PINGAN_WORKDIR": str(work), "PINGAN_SYNTH_SCALE": "0.005", "PINGAN_SYNTH_DAYS": "49",
        "PINGAN_SYNTH_STREAMS_DAYS": "3", "PINGAN_SYNTH_SEED": "11"})
    lines: list[str] = []
    figures = {}
    for name in ("synth", "ingest", "areas", "fuse", "hotspots", "features", "forecast", "score", "publish",
                 "validate", "report"):
        figures[name] = getattr(pl, f"stage_{name}")(s, lines.append)
    return s, figures, lines


def test_every_stage_ran(demo_run: tuple) -> None:
    s, figures, _lines = demo_run
    from geo.store import open_store

    st = open_store(s.store_url)
    for t in ("events", "areas", "grids", "features", "forecasts", "rule_scores", "cell_scores", "area_scores",
              "warnings", "themes", "camera_indicators", "hotspots_h3", "quality", "model_validation"):
        assert st.exists(t), t
    assert figures["areas"]["county"] == 6  # Yiyang's six county-level divisions
    # the two non-cell subject tables: SMI care outreach (restricted) and 两客一危 vehicles,
    # whose GPS stream (the window's last days) falls inside the latest period's 4 weeks
    assert st.exists("persons_agg") and len(st.read("persons_agg")) > 0
    v = st.read("vehicles")
    assert len(v) > 0 and v["period_start"].max() == st.read("features", columns=["period_start"])["period_start"].max()


def test_views_are_consistent(demo_run: tuple) -> None:
    s, _figures, _ = demo_run
    from geo.store import open_store

    st = open_store(s.store_url)
    cs = st.read("cell_scores")
    feats = st.read("features", columns=["h3", "period_start"])
    # every published period × theme covers the same cells, which are the features' cells
    per = cs.groupby(["period", "theme"])["h3_9"].nunique()
    assert per.nunique() == 1
    assert set(cs["h3_9"].unique()) <= set(feats["h3"].unique())
    assert cs["period"].nunique() == feats["period_start"].nunique() >= 2
    assert cs["score"].between(0, 100).all()
    a = st.read("area_scores")
    comp = a[(a["theme"] == "composite") & (a["level"] == "county")]
    assert set(comp["parent_code"]) == {"city"}
    # a county's index is the area-weighted mean of its cells: bounded by its cells' range
    c = cs[cs["theme"] == "composite"]
    for (period, code), idx in comp.set_index(["period", "code"])["index"].items():
        v = c[(c["period"] == period) & (c["county_adcode"] == code)]["score"]
        assert v.min() - 1e-9 <= idx <= v.max() + 1e-9
    themes = st.read("themes")
    assert "composite" in set(themes["theme"]) and set(cs["theme"]) <= set(themes["theme"])


def test_report_written(demo_run: tuple) -> None:
    s, figures, _ = demo_run
    month = figures["report"]["month"]
    pdf = s.workdir / "reports" / f"risk_index_{month}.pdf"
    html = s.workdir / "reports" / f"risk_index_{month}.html"
    assert pdf.stat().st_size > 10_000 and html.stat().st_size > 10_000
    assert pdf.read_bytes()[:5] == b"%PDF-"
    # the report is about the month of the latest data, not the coming week's forecast month
    from geo.store import open_store

    last = open_store(s.store_url).read("events", columns=["occurred_at"])["occurred_at"].max()
    assert month == f"{last.tz_convert('Asia/Shanghai'):%Y-%m}"


def test_forecast_never_sees_its_week(demo_run: tuple) -> None:
    s, _figures, _ = demo_run
    from geo.store import open_store

    fc = open_store(s.store_url).read("forecasts")
    assert fc["p_event"].between(0, 1).all()
    assert np.isfinite(fc["expected_count"]).all()
