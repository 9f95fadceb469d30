"""`pingan score` end to end on a real embedded store: preview, compare, publish, score all."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from geo.store import open_store
from pingan.cli import app
from scoring.rules import template_paths

T = [pd.Timestamp("2026-09-28", tz="Asia/Shanghai"), pd.Timestamp("2026-10-05", tz="Asia/Shanghai")]


@pytest.fixture()
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PINGAN_DATABASE_URL", raising=False)
    monkeypatch.setenv("PINGAN_WORKDIR", str(tmp_path / "var"))
    monkeypatch.setenv("PINGAN_CONFIG", str(tmp_path / "absent.toml"))
    return tmp_path / "var"


def features() -> pd.DataFrame:
    n = 40
    rng = np.random.default_rng(3)
    parts = []
    for t in T:
        parts.append(pd.DataFrame({
            "h3": np.arange(1000, 1000 + n, dtype="int64"),
            "period_start": t,
            "cnt_burglary_4w": rng.poisson(2.0, n).astype(float),
            "cnt_burglary_1w": rng.poisson(0.6, n).astype(float),
            "cnt_theft_4w": rng.poisson(3.0, n).astype(float),
            "nbr_theft_4w": rng.poisson(3.0, n).astype(float),
            "ctx_rentals": rng.poisson(10.0, n).astype(float),
            "ctx_cameras": rng.poisson(1.0, n).astype(float),
            "nr_burglary": rng.poisson(0.5, n).astype(float),
            "cnt_dispute_4w": rng.poisson(2.0, n).astype(float),
            "cnt_dispute_1w": rng.poisson(1.0, n).astype(float),
            "p_event_burglary": rng.uniform(0, 1, n),
        }))
    return pd.concat(parts, ignore_index=True)


def burglary_file(tmp_path: Path, version: str, weight: float) -> Path:
    d = yaml.safe_load(next(p for p in template_paths() if p.stem == "burglary_theft").read_text("utf-8"))
    d["version"] = version
    d["factors"][0]["weight"] = weight
    p = tmp_path / f"burglary_{version}.yaml"
    p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    return p


def test_no_features_table_exits_1(workdir: Path) -> None:
    r = CliRunner().invoke(app, ["score"])
    assert r.exit_code == 1
    assert "features" in r.output


def test_invalid_model_exits_1(workdir: Path, tmp_path: Path) -> None:
    p = burglary_file(tmp_path, "1.0.0", 4)
    d = yaml.safe_load(p.read_text("utf-8"))
    d["factors"][0]["expr"] = "cnt_burglry_4w"
    p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    r = CliRunner().invoke(app, ["score", "--model", str(p)])
    assert r.exit_code == 1 and "did you mean cnt_burglary_4w" in r.output


def test_preview_compare_publish(workdir: Path, tmp_path: Path) -> None:
    store = open_store(workdir / "store")
    store.write("features", features())
    runner = CliRunner()
    v1 = burglary_file(tmp_path, "1.0.0", 4)
    r = runner.invoke(app, ["score", "--model", str(v1)])
    assert r.exit_code == 0, r.output
    assert "未发布" in r.output and not (workdir / "models").exists()
    r = runner.invoke(app, ["score", "--model", str(v1), "--publish"])
    assert r.exit_code == 0, r.output
    assert (workdir / "models" / "burglary_theft" / "v1.0.0.yaml").exists()
    rows = store.read("rule_scores")
    assert len(rows) == 40 and set(rows["model_version"]) == {"1.0.0"}
    # a heavier burglary weight: preview against the published v1, nothing published
    v2 = burglary_file(tmp_path, "1.1.0", 8)
    r = runner.invoke(app, ["score", "--model", str(v2), "--compare", "1.0.0", "--limit", "100"])
    assert r.exit_code == 0, r.output
    assert "v1.0.0 → v1.1.0" in r.output and "变色对象" in r.output
    assert not (workdir / "models" / "burglary_theft" / "v1.1.0.yaml").exists()
    assert set(store.read("rule_scores")["model_version"]) == {"1.0.0"}
    r = runner.invoke(app, ["score", "--model", str(v2), "--compare", "7"])
    assert r.exit_code == 1 and "published: 1.0.0" in r.output


def test_score_all_stores_scores_warnings_composite(workdir: Path) -> None:
    store = open_store(workdir / "store")
    store.write("features", features())
    r = CliRunner().invoke(app, ["score"])
    assert r.exit_code == 0, r.output
    assert "smi_followup_gap" in r.output and "persons_agg" in r.output  # skipped, said so
    scores = store.read("rule_scores")
    assert {"burglary_theft", "fire_risk", "dispute_escalation"} <= set(scores["model_id"])
    assert set(scores["subject"]) == {"cell"}
    w = store.read("rule_warnings")
    assert set(w["kind"]) <= {"event", "points"} and len(w) > 0
    comp = store.read("composite_cells")
    assert len(comp) == 40 and comp["index"].between(0, 100).all()
    # scoring again changes nothing in the score rows (idempotent upsert)
    assert CliRunner().invoke(app, ["score"]).exit_code == 0
    assert len(store.read("rule_scores")) == len(scores)


def test_score_all_rolls_up_when_grids_exist(workdir: Path) -> None:
    import geopandas as gpd
    import h3
    from shapely.geometry import box

    f = features()
    cells = np.array([h3.str_to_int(h3.latlng_to_cell(28.5, 112.0 + 0.02 * i, 9)) for i in range(40)],
                     dtype="uint64").view("int64")
    f["h3"] = np.tile(cells, 2)
    store = open_store(workdir / "store")
    store.write("features", f)
    grids = gpd.GeoDataFrame(
        {"grid_id": ["g1", "g2"], "township_code": ["t1", "t2"], "county_adcode": ["430902", "430902"]},
        geometry=[box(111.9, 28.0, 112.4, 29.0), box(112.4, 28.0, 113.0, 29.0)], crs="EPSG:4326",
    )
    store.write("grids", grids)
    r = CliRunner().invoke(app, ["score"])
    assert r.exit_code == 0, r.output
    areas = store.read("composite_areas")
    assert set(areas["level"]) == {"grid", "township", "county"}
    county = areas[areas["level"] == "county"].iloc[0]
    assert county["n_cells"] == 40 and 0 <= county["index"] <= 100
    comp = store.read("composite_cells").set_index("h3")
    assert county["index"] == pytest.approx(comp["index"].mean(), rel=1e-3)  # equal-area cells here


def test_restricted_person_scores_go_to_restricted_tables(workdir: Path) -> None:
    store = open_store(workdir / "store")
    store.write("features", features())
    store.write("persons_agg", pd.DataFrame({
        "person_id": ["tokA", "tokB", "tokC"],
        "period_start": T[1],
        "days_since_followup": [20.0, 200.0, 95.0],
        "missed_followups_90d": [0.0, 3.0, 1.0],
        "lives_alone": [0.0, 1.0, 0.0],
        "medication_irregular": [0.0, 1.0, 0.0],
        "medication_unknown": [0.0, 0.0, 1.0],
        "guardian_absent": [0.0, 0.0, 0.0],
        "risk_grade": [0.0, 1.0, 0.0],
        "recent_dispute_90d": [0.0, 0.0, 0.0],
    }))
    r = CliRunner().invoke(app, ["score"])
    assert r.exit_code == 0, r.output
    assert "smi_followup_gap" in r.output
    open_rows = store.read("rule_scores")
    assert "person" not in set(open_rows["subject"])
    assert "smi_followup_gap" not in set(store.read("rule_warnings")["model_id"])
    care = store.read("rule_scores_restricted")
    assert set(care["subject_key"]) == {"tokA", "tokB", "tokC"} and set(care["model_id"]) == {"smi_followup_gap"}
    cw = store.read("rule_warnings_restricted")
    assert set(cw.loc[cw["kind"] == "event", "subject_key"]) == {"tokB"}
    assert set(store.read("rule_factors_restricted")["subject_key"]) <= {"tokA", "tokB", "tokC"}


def test_features_file_with_hex_cells(workdir: Path, tmp_path: Path) -> None:
    import h3

    f = features()
    hexes = [h3.latlng_to_cell(28.5, 112.0 + 0.02 * i, 9) for i in range(40)]
    f["h3"] = hexes * 2
    path = tmp_path / "features.csv"
    f.to_csv(path, index=False)
    r = CliRunner().invoke(app, ["score", "--model", str(burglary_file(tmp_path, "1.0.0", 4)),
                                 "--features", str(path), "--publish"])
    assert r.exit_code == 0, r.output
    assert "burglary_theft v1.0.0" in r.output
    rows = open_store(workdir / "store").read("rule_scores")
    assert sorted(rows["h3"]) == sorted(h3.str_to_int(x) for x in hexes)


def test_a_broken_published_model_is_skipped_not_fatal(workdir: Path, tmp_path: Path) -> None:
    store = open_store(workdir / "store")
    store.write("features", features())
    d = yaml.safe_load(burglary_file(tmp_path, "2.0.0", 4).read_text("utf-8"))
    d["factors"][0]["expr"] = "cnt_burglary_99w"
    dest = workdir / "models" / "burglary_theft" / "v2.0.0.yaml"
    dest.parent.mkdir(parents=True)
    dest.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    r = CliRunner().invoke(app, ["score"])
    assert r.exit_code == 0, r.output
    assert "skipped burglary_theft v2.0.0" in r.output and "cnt_burglary_99w" in r.output
    assert "burglary_theft" not in set(store.read("rule_scores")["model_id"])
    assert "fire_risk" in set(store.read("rule_scores")["model_id"])


def test_model_may_use_a_column_of_the_data(workdir: Path, tmp_path: Path) -> None:
    f = features()
    f["local_patrol_gap"] = 1.0  # a deployment's own feature, not in the catalogue
    path = tmp_path / "features.parquet"
    f.to_parquet(path)
    p = burglary_file(tmp_path, "1.0.0", 4)
    d = yaml.safe_load(p.read_text("utf-8"))
    d["factors"][0]["expr"] = "cnt_burglary_4w + local_patrol_gap"
    p.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    r = CliRunner().invoke(app, ["score", "--model", str(p), "--features", str(path)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["score", "--model", str(p)])  # no store table: the offline check speaks
    assert r.exit_code == 1 and "unknown column `local_patrol_gap`" in r.output
