"""Composite index per cell and its roll-ups, hand-computed."""

from __future__ import annotations

from pathlib import Path

import h3
import numpy as np
import pandas as pd
import pytest
import yaml

from scoring.composite import CompositeConfig, composite_index, read_composite, rollup
from scoring.rules import ModelFileError, composite_template_path, load_model, template_paths
from scoring.rules.model import Thresholds, parse_model

T = pd.Timestamp("2026-10-05", tz="Asia/Shanghai")


def config() -> CompositeConfig:
    return CompositeConfig.model_validate(
        {
            "id": "idx", "name_zh": "测试指数", "owner": "平安办", "version": "1",
            "components": [
                {"model": "a", "weight": 2},
                {"model": "b", "weight": 1, "scale": 10},
                {"forecast": "p_event_theft", "weight": 1},
            ],
            "thresholds": {"red": 60, "orange": 40, "yellow": 20, "blue": 5},
        }
    )


def model_a():
    return parse_model({
        "id": "a", "name_zh": "甲", "owner": "x", "version": "1", "subject": "cell",
        "factors": [{"id": "f", "label_zh": "因子", "expr": "cnt_theft_4w", "weight": 1}],
        "thresholds": {"red": 20, "orange": 12, "yellow": 6, "blue": 1},
    })


def scores(cells: list[int], values: list[float], period: pd.Timestamp = T) -> pd.DataFrame:
    return pd.DataFrame({"h3": np.array(cells, dtype="int64"), "period_start": period, "score": values})


def inputs() -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    old = scores([1, 2, 3], [99.0, 99.0, 99.0], T - pd.Timedelta(days=7))  # an older period is ignored
    a = pd.concat([old, scores([1, 2], [10.0, 40.0])])
    b = scores([1, 2, 3], [5.0, 0.0, 10.0])
    fc = pd.DataFrame({"h3": np.array([1, 2, 3, 4], dtype="int64"), "p_event_theft": [0.2, 0.5, 0.0, 0.9]})
    return {"a": a, "b": b}, fc


def test_cell_index_by_hand() -> None:
    ms, fc = inputs()
    out = composite_index(config(), ms, fc, {"a": model_a()})
    # cell1 (2*50 + 50 + 20)/4; cell2 (2*100 + 0 + 50)/4; cell3 (0 + 100 + 0)/4; cell4 90/4
    assert list(out["h3"]) == [1, 2, 3, 4]
    assert list(out["index"]) == [42.5, 62.5, 25.0, 22.5]
    assert list(out["colour"]) == ["orange", "red", "yellow", "yellow"]
    assert list(out["comp_a"]) == [50.0, 100.0, 0.0, 0.0]
    assert (out["period_start"] == T).all()
    assert out["index"].between(0, 100).all()


def test_missing_component_error_or_skip() -> None:
    ms, _ = inputs()
    with pytest.raises(KeyError, match="p_event_theft"):
        composite_index(config(), ms, None, {"a": model_a()})
    out = composite_index(config(), ms, None, {"a": model_a()}, missing="skip")
    # re-weighted over a (2) and b (1): cell1 (100 + 50)/3 = 50
    assert out.attrs["skipped"] == ["p_event_theft"]
    assert out.set_index("h3").loc[1, "index"] == pytest.approx(50.0)
    with pytest.raises(KeyError, match="give `scale`"):
        composite_index(config(), ms, None, None, missing="skip")


def areas() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "h3": np.array([1, 2, 3, 4], dtype="int64"),
            "grid_id": ["G1", "G2", "G3", "G3"],
            "township_code": ["T1", "T1", "T2", "T2"],
            "county_adcode": ["430902"] * 4,
            "area_km2": [1.0, 3.0, 2.0, 2.0],
            "population": [100.0, 100.0, 0.0, 300.0],
        }
    )


def test_rollup_area_weighted_by_hand() -> None:
    ms, fc = inputs()
    cells = composite_index(config(), ms, fc, {"a": model_a()})
    th = config().thresholds
    town = rollup(cells, areas(), "township", th).set_index("code")
    assert town.loc["T1", "index"] == pytest.approx((42.5 * 1 + 62.5 * 3) / 4)  # 57.5
    assert town.loc["T1", "share_red"] == pytest.approx(0.75)
    assert town.loc["T1", "share_orange"] == pytest.approx(0.25)
    assert town.loc["T1", "share_red_orange"] == pytest.approx(1.0)
    assert town.loc["T1", "colour"] == "orange"
    assert town.loc["T2", "index"] == pytest.approx(23.75) and town.loc["T2", "share_red_orange"] == 0
    assert list(town.index) == ["T1", "T2"]  # highest first
    county = rollup(cells, areas(), "county", th)
    assert county.loc[0, "index"] == pytest.approx(325 / 8)
    assert county.loc[0, "share_red"] == pytest.approx(3 / 8) and county.loc[0, "n_cells"] == 4
    grid = rollup(cells, areas(), "grid", th).set_index("code")
    assert grid.loc["G3", "index"] == pytest.approx(23.75) and grid.loc["G1", "index"] == 42.5


def test_rollup_population_weighted() -> None:
    ms, fc = inputs()
    cells = composite_index(config(), ms, fc, {"a": model_a()})
    town = rollup(cells, areas(), "township", config().thresholds, weight="population").set_index("code")
    assert town.loc["T1", "index"] == pytest.approx(52.5)
    assert town.loc["T2", "index"] == pytest.approx(22.5)  # the empty cell weighs nothing
    with pytest.raises(KeyError, match="population"):
        rollup(cells, areas().drop(columns="population"), "township", config().thresholds, weight="population")


def test_rollup_area_from_h3_when_not_given() -> None:
    a = h3.str_to_int(h3.latlng_to_cell(28.55, 112.35, 9))
    b = h3.str_to_int(h3.latlng_to_cell(60.0, 10.0, 9))  # far north: a different cell area
    cells = pd.DataFrame({"h3": np.array([a, b], dtype="uint64").view("int64"), "index": [10.0, 70.0],
                          "colour": ["blue", "red"]})
    mapping = pd.DataFrame({"h3": cells["h3"], "county_adcode": ["X", "X"]})
    wa, wb = h3.cell_area(h3.int_to_str(a), "km^2"), h3.cell_area(h3.int_to_str(b), "km^2")
    out = rollup(cells, mapping, "county", Thresholds(red=60, orange=40, yellow=20, blue=5))
    assert out.loc[0, "index"] == pytest.approx((10 * wa + 70 * wb) / (wa + wb))
    assert out.loc[0, "share_red"] == pytest.approx(wb / (wa + wb))


def test_shipped_composite_config_names_shipped_models() -> None:
    cfg = read_composite(composite_template_path())
    ids = {load_model(p).id for p in template_paths()}
    assert {c.model for c in cfg.components if c.model} <= ids
    assert all(c.forecast.startswith("p_event_") for c in cfg.components if c.forecast)


def test_bad_composite_config_names_the_file(tmp_path: Path) -> None:
    d = yaml.safe_load(composite_template_path().read_text("utf-8"))
    d["thresholds"] = {"red": 10, "orange": 50, "yellow": 30, "blue": 10}
    p = tmp_path / "c.yaml"
    p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ModelFileError, match=r"c\.yaml.*red > orange"):
        read_composite(p)


def test_forecaster_long_rows_are_accepted() -> None:
    ms, fc = inputs()
    long = pd.DataFrame({
        "h3": np.array([1, 2, 3, 4, 1, 2, 3, 4], dtype="int64"),
        "category": ["theft"] * 4 + ["burglary"] * 4,
        "period_start": T,
        "p_event": [0.2, 0.5, 0.0, 0.9, 0.1, 0.1, 0.1, 0.1],
        "expected_count": [0.3, 0.8, 0.0, 2.0, 0.1, 0.1, 0.1, 0.1],
    })
    a = composite_index(config(), ms, fc, {"a": model_a()})
    b = composite_index(config(), ms, long, {"a": model_a()})
    pd.testing.assert_series_equal(a["index"], b["index"])


def test_cell_area_mapping_and_rollup_all() -> None:
    import geopandas as gpd
    from shapely.geometry import box

    from scoring.composite import cell_area_mapping, rollup_all

    grids = gpd.GeoDataFrame(
        {"grid_id": ["G-west", "G-east"], "township_code": ["T1", "T2"], "county_adcode": ["C", "C"]},
        geometry=[box(112.0, 28.0, 112.5, 29.0), box(112.5, 28.0, 113.0, 29.0)],
        crs="EPSG:4326",
    )
    west = h3.str_to_int(h3.latlng_to_cell(28.5, 112.2, 9))
    east = h3.str_to_int(h3.latlng_to_cell(28.5, 112.8, 9))
    outside = h3.str_to_int(h3.latlng_to_cell(30.0, 112.2, 9))
    cells = np.array([east, west, outside, west], dtype="uint64").view("int64")
    m = cell_area_mapping(cells, grids).set_index("grid_id")
    assert sorted(m.index) == ["G-east", "G-west"]
    assert len(m) == 2  # the cell outside every grid is left out; duplicates collapse
    assert m.loc["G-west", "township_code"] == "T1"
    assert m.loc["G-west", "area_km2"] == pytest.approx(h3.cell_area(h3.int_to_str(west), "km^2"))
    scored = pd.DataFrame({"h3": m["h3"].to_numpy(), "index": [80.0, 10.0], "colour": ["red", "blue"]})
    allv = rollup_all(scored, m.reset_index(), Thresholds(red=60, orange=40, yellow=20, blue=5))
    assert sorted(allv["level"].unique()) == ["county", "grid", "township"]
    assert len(allv[allv["level"] == "county"]) == 1 and len(allv[allv["level"] == "township"]) == 2


def test_percentile_rank_normalisation() -> None:
    from scoring.composite import percentile_rank

    r = percentile_rank(np.array([0.0, 5.0, 1.0, np.nan, 5.0, 3.0]))
    # positives 1, 3, 5, 5 → ranks 1, 2, 3.5, 3.5 of 4
    assert r.tolist() == [0.0, 87.5, 25.0, 0.0, 87.5, 50.0]


def test_rank_composite_is_scale_free() -> None:
    from scoring.composite import Component, CompositeConfig, composite_index
    from scoring.rules.model import Thresholds

    cfg = CompositeConfig(id="x", name_zh="指数", owner="平安办", version="1",
                          components=[Component(model="a", weight=1, scale=1.0)],
                          thresholds=Thresholds(red=75, orange=50, yellow=25, blue=1), normalise="rank")
    cells = np.array([1, 2, 3, 4], dtype="int64")
    small = {"a": pd.DataFrame({"h3": cells, "score": [0.0, 0.1, 0.2, 0.4]})}
    big = {"a": pd.DataFrame({"h3": cells, "score": [0.0, 10.0, 20.0, 40.0]})}
    a = composite_index(cfg, small)
    b = composite_index(cfg, big)
    assert a["index"].tolist() == b["index"].tolist()
    assert a["colour"].tolist()[-1] == "red" and a["index"].iloc[0] == 0.0
