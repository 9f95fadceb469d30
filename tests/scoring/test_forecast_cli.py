"""``pingan forecast`` end to end on a small real CSV (projected feet and epoch-ms variants)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer
from typer.testing import CliRunner

from geo import h3cells
from pingan.cli import app
from tests.scoring._forecast_data import small_city


def _write_portland_like(path: Path) -> pd.DataFrame:
    """Events of the small city moved to Portland, written like the NIJ CSV (EPSG:2913 feet)."""
    _, ev, _ = small_city(days=150)
    lon = ev["lon"] - 112.355 - 122.65
    lat = ev["lat"] - 28.554 + 45.52
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:2913", always_xy=True).transform(lon, lat)
    df = pd.DataFrame({"occ_date": ev["occurred_at"].dt.strftime("%Y-%m-%d"), "x_coordina": np.round(x),
                       "y_coordina": np.round(y), "CATEGORY": np.where(ev["category"] == "theft", "BURG", "OTHER")})
    df.to_csv(path, index=False)
    return df.assign(lon=lon, lat=lat)


def test_forecast_projected_csv(tmp_path: Path) -> None:
    src = _write_portland_like(tmp_path / "crimes.csv")
    out = tmp_path / "pred.csv"
    r = CliRunner().invoke(app, ["forecast", "--events", str(tmp_path / "crimes.csv"), "--x", "x_coordina",
                                 "--y", "y_coordina", "--crs", "EPSG:2913", "--time", "occ_date",
                                 "--type-col", "CATEGORY", "--type", "BURG", "--res", "9", "--horizon", "7D",
                                 "--n-origins", "6", "--out", str(out)])
    assert r.exit_code == 0, r.output
    pred = pd.read_csv(out)
    assert list(pred.columns[:4]) == ["h3", "score", "p_event", "expected_count"] and "top_factors" in pred
    cells = h3cells.str_to_cells(pred["h3"].astype(str).to_numpy())
    assert (h3cells.cell_resolution(cells) == 9).all() and pred["h3"].is_unique
    # every cell with a burglary is in the study area, and the busiest are ranked high
    burg = src[src.CATEGORY == "BURG"]
    ev_cells = h3cells.points_to_cells(burg["lon"], burg["lat"], 9)
    assert set(ev_cells) <= set(cells)
    busiest = pd.Series(ev_cells).value_counts().index[:3]
    top = set(pred.nlargest(5, "score")["h3"])
    assert set(h3cells.cells_to_str(np.asarray(busiest))) <= top
    assert pred["p_event"].between(0, 1).all()
    assert pred.loc[pred["score"].idxmax(), "top_factors"].count("(") >= 1
    # the prior kernel is on by default and named as a factor; the reliability table is printed
    assert "(prior_burg_" in pred.loc[pred["score"].idxmax(), "top_factors"]
    assert "reliability" in r.output and "→" in r.output
    r2 = CliRunner().invoke(app, ["forecast", "--events", str(tmp_path / "crimes.csv"), "--x", "x_coordina",
                                  "--y", "y_coordina", "--crs", "EPSG:2913", "--time", "occ_date",
                                  "--type-col", "CATEGORY", "--type", "BURG", "--res", "9", "--horizon", "7D",
                                  "--n-origins", "6", "--no-prior", "--out", str(out)])
    assert r2.exit_code == 0, r2.output
    plain = pd.read_csv(out)
    assert not plain["top_factors"].fillna("").str.contains("prior_").any()
    assert set(h3cells.cells_to_str(np.asarray(busiest))) <= set(plain.nlargest(5, "score")["h3"])


def test_forecast_lonlat_epoch_ms_and_bad_column(tmp_path: Path) -> None:
    _, ev, _ = small_city(days=100)
    csv = tmp_path / "events.csv"
    pd.DataFrame({"经度": ev["lon"], "纬度": ev["lat"],
                  "ts": (ev["occurred_at"].astype("int64") // 1_000_000)}).to_csv(csv, index=False, encoding="gbk")
    out = tmp_path / "p.csv"
    args = ["forecast", "--events", str(csv), "--lon", "经度", "--lat", "纬度", "--time", "ts", "--time-unit",
            "ms", "--res", "8", "--horizon", "1W", "--origin", "2024-03-15", "--n-origins", "4", "--out", str(out)]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert len(pd.read_csv(out)) > 0
    bad = CliRunner().invoke(app, [a if a != "纬度" else "lat_missing" for a in args])
    assert bad.exit_code == 2 and "lat_missing" in bad.output


def test_features_command_writes_the_documented_columns(tmp_path: Path) -> None:
    _write_portland_like(tmp_path / "crimes.csv")
    out = tmp_path / "features.parquet"
    r = CliRunner().invoke(app, ["features", "--events", str(tmp_path / "crimes.csv"), "--x", "x_coordina",
                                 "--y", "y_coordina", "--crs", "EPSG:2913", "--time", "occ_date",
                                 "--type-col", "CATEGORY", "--res", "9", "--period", "week",
                                 "--start", "2024-03-04", "--end", "2024-03-18", "--out", str(out)])
    assert r.exit_code == 0, r.output
    df = pd.read_parquet(out)
    assert {"h3", "period_start", "cnt_burg_4w", "nbr_other_13w", "nr_burg", "p8_cnt_burg_4w",
            "cal_holiday_days"} <= set(df.columns)
    assert df["period_start"].nunique() == 3 and df["cnt_burg_13w"].sum() > 0
