"""``pingan forecast``: XGBoost risk forecast per H3 cell from any city's event CSV.

Every event in the file is history; the forecast is for ``[origin, origin + horizon)`` with the
origin defaulting to the day after the latest event. Output: one row per H3 cell of the study
area (``--area`` GeoJSON, else the convex hull of the events buffered by 500 m) with ``h3``
(string id), ``score`` (expected events, higher = riskier), ``p_event`` (calibrated probability
of ≥ 1 event), ``expected_count`` and ``top_factors``; the reliability table of ``p_event`` on
the held-out origin is printed.

By default the model starts from a space-time kernel of the events' own history, chosen on the
training origins (``--no-prior`` to leave it out): on the Portland NIJ data it is what puts the
forecast ahead of naive counts, KDE and prospective hotspotting (benchmarks/forecast_portland.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import typer

from data_contracts.vocab import TIMEZONE
from pingan.commands._common import console, step


class EventFileError(ValueError):
    """The event file or its column options are unusable; the message says which."""


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV in UTF-8 (with or without BOM) or GBK/GB18030."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(path, encoding=enc, low_memory=False)
        except UnicodeDecodeError:
            continue
    raise EventFileError(f"无法识别文件编码 / cannot decode {path} as UTF-8 or GB18030")


def load_events_csv(path: Path, lon: str | None = None, lat: str | None = None, time: str = "time",
                    time_unit: str | None = None, x: str | None = None, y: str | None = None,
                    crs: str | None = None, type_col: str | None = None, type_value: str | None = None,
                    ) -> pd.DataFrame:
    """Events frame (``lon, lat`` WGS-84, ``occurred_at``, ``category``) from a CSV.

    Coordinates: ``lon``/``lat`` columns in WGS-84, or ``x``/``y`` in ``crs`` (e.g. EPSG:2913)
    reprojected with pyproj. Time: text (naive = local Asia/Shanghai wall clock) or epoch
    numbers with ``time_unit`` ``s``/``ms``. ``type_col`` + ``type_value`` keep only that type
    (its value becomes the category); ``type_col`` alone makes each row's type its category;
    otherwise every row is category ``all``.
    """
    df = read_table(path)

    def need(col: str | None, what: str) -> pd.Series:
        if col is None or col not in df.columns:
            raise EventFileError(f"缺少列 {col!r} ({what}) / missing column {col!r}; columns: {list(df.columns)}")
        return df[col]

    if type_col is not None and type_value is not None:
        df = df[need(type_col, "--type-col").astype(str) == str(type_value)].reset_index(drop=True)
        category: object = _category_code(type_value)
    elif type_col is not None:
        category = need(type_col, "--type-col").astype(str).map(_category_code).to_numpy()
    else:
        category = "all"
    if x is not None or y is not None:
        if crs is None:
            raise EventFileError("--x/--y 需要 --crs / --x/--y need --crs EPSG:N")
        from pyproj import Transformer

        tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        lon_v, lat_v = tr.transform(pd.to_numeric(need(x, "--x"), errors="coerce").to_numpy(float),
                                    pd.to_numeric(need(y, "--y"), errors="coerce").to_numpy(float))
    else:
        lon_v = pd.to_numeric(need(lon, "--lon"), errors="coerce").to_numpy(float)
        lat_v = pd.to_numeric(need(lat, "--lat"), errors="coerce").to_numpy(float)
    t = need(time, "--time")
    if time_unit is not None:
        if time_unit not in ("s", "ms"):
            raise EventFileError("--time-unit 只能是 s 或 ms / must be s or ms")
        occurred = pd.to_datetime(pd.to_numeric(t, errors="coerce"), unit=time_unit, utc=True).dt.tz_convert(TIMEZONE)
    else:
        occurred = pd.to_datetime(t, errors="coerce")
    out = pd.DataFrame({"lon": lon_v, "lat": lat_v, "occurred_at": occurred, "category": category})
    ok = out["lon"].between(-180, 180) & out["lat"].between(-90, 90) & out["occurred_at"].notna()
    out = out[ok].reset_index(drop=True)
    if out.empty:
        raise EventFileError("没有可用事件(坐标或时间无效) / no usable events (bad coordinates or times)")
    return out


def _category_code(value: object) -> str:
    """A feature-name-safe category code from a type value (letters, digits, 中文, _)."""
    return re.sub(r"\W+", "_", str(value)).strip("_").lower() or "type"


def study_area(events: pd.DataFrame, area: Path | None = None, buffer_m: float = 500.0):
    """WGS-84 study-area polygon: the union of ``area`` (any vector file), else the events'
    convex hull buffered by ``buffer_m`` metres (in the local UTM zone)."""
    import geopandas as gpd

    if area is not None:
        g = gpd.read_file(area)
        if g.crs is not None:
            g = g.to_crs("EPSG:4326")
        return g.union_all()
    pts = gpd.GeoSeries(gpd.points_from_xy(events["lon"], events["lat"]), crs="EPSG:4326")
    utm = pts.estimate_utm_crs()
    hull = gpd.GeoSeries([pts.to_crs(utm).union_all().convex_hull.buffer(buffer_m)], crs=utm)
    return hull.to_crs("EPSG:4326").iloc[0]


def parse_horizon(text: str) -> int:
    """Days of a horizon like ``7D``, ``14d``, ``1W``, ``28D`` (at least one day)."""
    t = text.strip().upper()
    m = re.fullmatch(r"(\d+)\s*([DW])", t)
    if not m:
        raise EventFileError(f"无法解析 --horizon {text!r}(例如 7D、2W) / cannot parse horizon, e.g. 7D or 2W")
    return int(m[1]) * (7 if m[2] == "W" else 1)


def run_forecast(events: pd.DataFrame, res: int, horizon_days: int, origin: str | None = None,
                 area: Path | None = None, n_origins: int = 26, prior: bool = True,
                 reliability: list[pd.DataFrame] | None = None) -> pd.DataFrame:
    """Forecast frame (``h3`` string, ``score``, ``p_event``, ``expected_count``, ``top_factors``).

    ``prior``: offset the model by the space-time kernel chosen on the training origins (see
    :mod:`scoring.forecast`); ``reliability``: if a list, the held-out reliability table of
    ``p_event`` is appended to it.
    """
    from scoring.features import (
        CellGrid,
        FeatureSpec,
        bin_events,
        cells_to_str,
        day_number,
        points_to_cells,
        polygon_to_cells,
    )
    from scoring.forecast import Forecaster, ForecasterConfig

    days = day_number(events["occurred_at"])
    o_day = int(days.max()) + 1 if origin is None else int(day_number(pd.DatetimeIndex([pd.Timestamp(origin)]))[0])
    poly = study_area(events, area)
    cells = polygon_to_cells(poly, res)
    if area is None:  # the hull holds every event, but keep the events' own cells at its rim
        ev_cells = points_to_cells(events["lon"].to_numpy(), events["lat"].to_numpy(), res)
        cells = np.union1d(cells, ev_cells[ev_cells != 0])
    grid = CellGrid.from_cells(cells)
    step_days = 7 if horizon_days >= 7 else 1
    # long windows and the prospective-hotspot signal as well: real event files are sparse per
    # cell, and long-run hotspots carry most of the signal (Portland back-tests)
    spec = FeatureSpec(windows=(1, 2, 4, 13, 26, 52), nbr_windows=(1, 4, 13, 52), hotspot=True)
    # the prior kernel is chosen among short and long memories (30 days to 4 years) and is tuned
    # for the riskiest 1 % and 5 % of cells
    cfg = ForecasterConfig(horizon_days=horizon_days, origin_step_days=step_days, calibration_origins=1,
                           spec=spec, prior=prior, prior_decay_days=(30.0, 365.0, 1460.0),
                           prior_shares=(0.01, 0.05))
    # as many training origins as the history allows (each needs 4 weeks of history before it)
    span = o_day - int(days.min()) - 2 * horizon_days - 28
    cfg.n_origins = int(max(1, min(n_origins, span // step_days + 1)))
    bins = bin_events(events, grid)
    cat = str(events["category"].iloc[0])
    f = Forecaster(cfg).fit(bins, grid, pd.Timestamp(np.datetime64(o_day, "D")), [cat])
    pred = f.predict(bins, grid, pd.Timestamp(np.datetime64(o_day, "D")))
    if reliability is not None:
        reliability.append(f.models[cat].reliability)
    return pd.DataFrame({"h3": cells_to_str(pred["h3"].to_numpy()), "score": pred["score"].round(6),
                         "p_event": pred["p_event"].round(6), "expected_count": pred["expected_count"].round(6),
                         "top_factors": pred["top_factors"]})


def register(app: typer.Typer) -> None:
    @app.command("forecast")
    def forecast_cmd(
        events: Path = typer.Option(..., "--events", exists=True, dir_okay=False, help="事件CSV / event CSV"),  # noqa: B008
        out: Path = typer.Option(..., "--out", help="输出CSV / output CSV (h3, score, p_event, top_factors)"),  # noqa: B008
        time: str = typer.Option(..., "--time", help="时间列 / time column"),
        lon: str | None = typer.Option(None, "--lon", help="经度列(WGS-84) / longitude column"),
        lat: str | None = typer.Option(None, "--lat", help="纬度列(WGS-84) / latitude column"),
        time_unit: str | None = typer.Option(None, "--time-unit", help="纪元时间单位 s|ms / epoch unit"),
        x: str | None = typer.Option(None, "--x", help="投影X列 / projected x column"),
        y: str | None = typer.Option(None, "--y", help="投影Y列 / projected y column"),
        crs: str | None = typer.Option(None, "--crs", help="x/y 的坐标系, 如 EPSG:2913 / CRS of x/y"),
        type_col: str | None = typer.Option(None, "--type-col", help="类型列 / event type column"),
        type_value: str | None = typer.Option(None, "--type", help="只预测此类型 / forecast this type only"),
        res: int = typer.Option(9, "--res", min=5, max=12, help="H3分辨率 / H3 resolution"),
        horizon: str = typer.Option("7D", "--horizon", help="预测时长, 如 7D、2W / horizon"),
        origin: str | None = typer.Option(None, "--origin", help="起报日 YYYY-MM-DD (默认: 最后事件次日)"),
        area: Path | None = typer.Option(None, "--area", exists=True, help="研究区 GeoJSON / study area"),  # noqa: B008
        n_origins: int = typer.Option(26, "--n-origins", min=1, help="训练起报点数 / training origins"),
        prior: bool = typer.Option(True, "--prior/--no-prior",
                                   help="以历史时空核为先验 / start from a space-time kernel of the history"),
    ) -> None:
        """按H3格预测下一时段风险 / Forecast risk per H3 cell for the next horizon (XGBoost)."""
        try:
            if type_col is not None and type_value is None:
                raise EventFileError("--type-col 需要同时给出 --type / --type-col needs --type VALUE")
            ev = load_events_csv(events, lon, lat, time, time_unit, x, y, crs, type_col, type_value)
            h = parse_horizon(horizon)
            rel: list[pd.DataFrame] = []
            with step(f"预测 forecast: {len(ev)} events, res {res}, horizon {h} d"):
                pred = run_forecast(ev, res, h, origin, area, n_origins, prior, rel)
        except EventFileError as e:
            console.print(f"[red]错误 error:[/red] {e}")
            raise typer.Exit(2) from None
        out.parent.mkdir(parents=True, exist_ok=True)
        pred.to_csv(out, index=False)
        top = pred.sort_values("score", ascending=False).head(5)
        console.print(f"写出 wrote {len(pred)} cells → {out}")
        for r in top.itertuples():
            console.print(f"  {r.h3}  score {r.score:.3f}  p {r.p_event:.3f}  {r.top_factors}")
        if rel:
            t = rel[0]
            console.print("p_event 可靠性(留出起报点) / reliability on the held-out origin: "
                          "预测 predicted → 实际 observed (格数 cells)")
            for r in t.itertuples():
                console.print(f"  {r.mean_predicted:.3f} → {r.observed:.3f}  ({r.n})")
