"""E-bike violation indicators per camera, road segment, township, county and city.

电动自行车违法指标：日流量、各类违法发生率、未戴头盔率、闯红灯率、外卖骑手占比及分平台违法率，
按点位 / 路段 / 街道（乡镇）/ 区县 / 全市，按小时 / 日 / 周 汇总，附排名与“小时 × 星期”画像。

Everything is computed in DuckDB with SQL built by the pure functions below, so one
implementation serves a small in-memory DataFrame (tests, the demo) and a folder of Parquet
files with tens of millions of rows (DuckDB streams ``read_parquet('dir/*.parquet')``; the
detections are scanned once into a per-camera × hour cube, every indicator is a roll-up of
that cube).

Definitions (units are counts of passes, rates are fractions 0..1):

- *passes* (e-bike passes, 电动自行车通行量) of a camera-hour = ``max(flow n_ebike,
  e-bike detections)`` when the flow counter reported that hour, else the e-bike detections
  (a detection row with violation ``none`` is a pass without violation).
- ``rate_<v>`` = e-bike detections of violation ``v`` / passes; ``rate_any`` = all violations
  / passes. ``helmet_nonwearing_rate`` = ``rate_no_helmet``, ``red_light_rate`` =
  ``rate_red_light`` (the seed's named indicators).
- ``daily_flow`` = passes / distinct local days with data in the group and period.
- ``delivery_share`` = delivery-rider detections / e-bike detections; ``share_<p>`` the same
  per platform; ``rate_any_<p>`` = violations by riders of platform ``p`` / their detections.
  These are shares *among passes* only when the detection feed also carries clean passes
  (violation ``none``); a feed of violations only (the usual export) makes them shares among
  violators and ``rate_any_<p>`` = 1. ``delivery_violation_share`` = violations by delivery
  riders / all violations and ``viol_share_<p>`` = violations by platform ``p`` / all
  violations are meaningful either way (外卖骑手违法占比).
- Times are bucketed in local time (Asia/Shanghai): hour, day, ISO week (Monday start).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from data_contracts.vocab import DELIVERY_PLATFORMS, TIMEZONE, VIOLATION_TYPES
from scoring.camera.inputs import detections_select_sql

__all__ = [
    "LEVELS",
    "PERIODS",
    "TIME_BANDS",
    "VIOLATIONS",
    "CameraDB",
    "activity_matrix_db",
    "band_week_counts",
    "camera_type_counts",
    "connect",
    "hour_cube_sql",
    "hour_weekday_profile",
    "indicator_columns",
    "indicators",
    "indicators_sql",
    "many_indicators",
    "time_band_sql",
]

#: Violation codes that count as violations (``none`` is a clean pass).
VIOLATIONS: tuple[str, ...] = tuple(v for v in VIOLATION_TYPES if v != "none")
PLATFORMS: tuple[str, ...] = tuple(DELIVERY_PLATFORMS)

#: Aggregation level -> key column of the camera registry (``None`` = the whole city).
LEVELS: dict[str, str | None] = {
    "camera": "camera_id",
    "road": "road_id",
    "township": "township_code",
    "county": "county_adcode",
    "city": None,
}

PERIODS: tuple[str, ...] = ("hour", "day", "week", "month", "all")

#: Time bands (code, 中文, English, first hour, last hour exclusive), local time. Night wraps.
TIME_BANDS: tuple[tuple[str, str, str, int, int], ...] = (
    ("morning_peak", "早高峰", "morning peak", 7, 9),
    ("daytime", "日间", "daytime", 9, 17),
    ("evening_peak", "晚高峰", "evening peak", 17, 19),
    ("night", "夜间", "night", 19, 7),
)


def time_band_sql(hour_expr: str) -> str:
    """SQL CASE mapping a local hour (0..23) expression to a :data:`TIME_BANDS` code."""
    parts = []
    for code, _, _, h0, h1 in TIME_BANDS:
        cond = f"({hour_expr} >= {h0} AND {hour_expr} < {h1})" if h0 < h1 else (
            f"({hour_expr} >= {h0} OR {hour_expr} < {h1})")
        parts.append(f"WHEN {cond} THEN '{code}'")
    return "CASE " + " ".join(parts) + " END"


Source = pd.DataFrame | str


@dataclass
class CameraDB:
    """A DuckDB connection with the views ``cameras``, ``detections``, ``flow`` and the
    materialised per camera × local hour cube ``cube`` (see :func:`hour_cube_sql`)."""

    con: duckdb.DuckDBPyConnection
    has_flow: bool

    def sql(self, q: str) -> pd.DataFrame:
        return self.con.execute(q).df()


def _view(con: duckdb.DuckDBPyConnection, name: str, src: Source) -> None:
    if isinstance(src, str):
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{src}')")
    else:
        con.register(f"_{name}_df", src)
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM _{name}_df")


def connect(
    cameras: pd.DataFrame,
    detections: Source,
    flow: Source | None = None,
    *,
    vehicle_class: str | None = "ebike",
    threads: int | None = None,
    memory_limit: str | None = None,
) -> CameraDB:
    """Open DuckDB on the inputs and build the camera × hour cube.

    ``detections`` and ``flow`` are DataFrames or Parquet globs (``'dir/*.parquet'``), streamed
    by DuckDB. ``vehicle_class`` restricts the detections counted (None = every class).
    ``ts`` / ``interval_start`` must be tz-aware (or UTC in Parquet). Detections
    are normalised on the fly (:func:`scoring.camera.inputs.detections_select_sql`: feed
    headers such as ``detected_violation`` and Chinese labels are accepted).
    """
    con = duckdb.connect()
    con.execute(f"SET TimeZone='{TIMEZONE}'")
    if threads:
        con.execute(f"SET threads={int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit='{memory_limit}'")
    cams = cameras.copy()
    for col in ("road_id", "road_name", "township_code", "county_adcode"):
        if col not in cams.columns:
            cams[col] = None
        cams[col] = cams[col].astype("string")
    cams["camera_id"] = cams["camera_id"].astype("string")
    _view(con, "cameras", cams)
    _view(con, "detections_src", detections)
    cols = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE detections_src)")
                .fetchall())
    con.execute("CREATE OR REPLACE VIEW detections AS "
                + detections_select_sql(cols, "detections_src"))
    has_flow = flow is not None and (not isinstance(flow, pd.DataFrame) or len(flow) > 0)
    if has_flow:
        _view(con, "flow", flow)  # type: ignore[arg-type]
    con.execute(hour_cube_sql(has_flow=has_flow, vehicle_class=vehicle_class))
    sums = ", ".join(f"sum({c})::BIGINT AS {c}" for c in _sum_cols())
    # Day roll-up of the cube (24× smaller) for the day / week / all periods.
    con.execute(f"""CREATE OR REPLACE TABLE cube_day AS
        SELECT camera_id, dayn, any_value(weekn) AS weekn, {sums}
        FROM cube GROUP BY camera_id, dayn""")
    return CameraDB(con=con, has_flow=has_flow)


#: Hour bucket as whole hours since the epoch. Local hours of Asia/Shanghai (UTC+8 all year,
#: no daylight saving since 1991) coincide with UTC hours, so integer arithmetic replaces a
#: time-zone-aware date_trunc (2.5× cheaper on the 50 M-row scan); hour_start is rebuilt from
#: the bucket after aggregation.
_HOUR_BUCKET = "(epoch(CAST({col} AS TIMESTAMPTZ))::BIGINT // 3600)"


def hour_cube_sql(*, has_flow: bool, vehicle_class: str | None = "ebike") -> str:
    """SQL materialising ``cube``: one row per camera and local hour with pass, violation,
    delivery and platform counts. The only full scan of the detections.

    Time fields (integers, local Asia/Shanghai = UTC+8): ``hb`` hours since the epoch,
    ``dayn`` local days since 1970-01-01, ``lhour`` local hour 0..23, ``dow`` ISO weekday
    (1 = Monday), ``weekn`` the ``dayn`` of the week's Monday; and ``hour_start``
    (TIMESTAMPTZ). Integer fields keep every later roll-up free of time-zone arithmetic."""
    return f"""
    CREATE OR REPLACE TABLE cube AS
    WITH b AS ({_hour_cube_select(has_flow=has_flow, vehicle_class=vehicle_class)}),
    t AS (SELECT *, (hb + 8) // 24 AS dayn, (hb + 8) % 24 AS lhour FROM b)
    SELECT *, ((dayn + 3) % 7) + 1 AS dow, dayn - ((dayn + 3) % 7) AS weekn,
           to_timestamp(hb * 3600) AS hour_start
    FROM t"""


def _hour_cube_select(*, has_flow: bool, vehicle_class: str | None) -> str:
    v_cols = ",\n  ".join(
        f"count(*) FILTER (WHERE violation = '{v}')::BIGINT AS n_{v}" for v in VIOLATIONS)
    p_cols = ",\n  ".join(
        f"count(*) FILTER (WHERE platform = '{p}')::BIGINT AS n_{p},\n  "
        f"count(*) FILTER (WHERE platform = '{p}' AND violation <> 'none')::BIGINT AS n_viol_{p}"
        for p in PLATFORMS)
    det = f"""
    SELECT CAST(camera_id AS VARCHAR) AS camera_id, {_HOUR_BUCKET.format(col="ts")} AS hb,
      count(*)::BIGINT AS n_det,
      {v_cols},
      count(*) FILTER (WHERE is_delivery)::BIGINT AS n_delivery,
      count(*) FILTER (WHERE is_delivery AND violation <> 'none')::BIGINT AS n_viol_delivery,
      {p_cols}
    FROM detections {f"WHERE vehicle_class = '{vehicle_class}'" if vehicle_class else ""}
    GROUP BY ALL"""
    zero_v = ", ".join(f"coalesce(d.n_{v}, 0) AS n_{v}" for v in VIOLATIONS)
    zero_p = ", ".join(f"coalesce(d.n_{p}, 0) AS n_{p}, coalesce(d.n_viol_{p}, 0) AS n_viol_{p}"
                       for p in PLATFORMS)
    if has_flow:
        flow = f"""
        SELECT CAST(camera_id AS VARCHAR) AS camera_id, {_HOUR_BUCKET.format(col="interval_start")}
          AS hb, sum(n_ebike)::BIGINT AS flow_ebike
        FROM flow GROUP BY ALL"""
        return f"""
        WITH d AS ({det}), f AS ({flow})
        SELECT coalesce(d.camera_id, f.camera_id) AS camera_id,
               coalesce(d.hb, f.hb) AS hb,
               coalesce(d.n_det, 0) AS n_det,
               CASE WHEN f.flow_ebike IS NULL THEN coalesce(d.n_det, 0)
                    ELSE greatest(f.flow_ebike, coalesce(d.n_det, 0)) END AS n_passes,
               {zero_v}, coalesce(d.n_delivery, 0) AS n_delivery,
               coalesce(d.n_viol_delivery, 0) AS n_viol_delivery, {zero_p}
        FROM d FULL OUTER JOIN f ON d.camera_id = f.camera_id AND d.hb = f.hb
        """
    return f"""
    WITH d AS ({det})
    SELECT d.camera_id, d.hb, d.n_det, d.n_det AS n_passes,
           {zero_v},
           d.n_delivery, d.n_viol_delivery, {zero_p}
    FROM d"""


def _sum_cols() -> list[str]:
    return (["n_det", "n_passes"] + [f"n_{v}" for v in VIOLATIONS]
            + ["n_delivery", "n_viol_delivery"]
            + [f"n_{p}" for p in PLATFORMS] + [f"n_viol_{p}" for p in PLATFORMS])


def indicator_columns() -> list[str]:
    """Names of the indicator columns :func:`indicators` returns (after the keys)."""
    return (_sum_cols() + ["n_violations", "n_days", "daily_flow", "rate_any"]
            + [f"rate_{v}" for v in VIOLATIONS]
            + ["helmet_nonwearing_rate", "red_light_rate", "delivery_share"]
            + [f"share_{p}" for p in PLATFORMS] + [f"rate_any_{p}" for p in PLATFORMS]
            + ["delivery_violation_share"] + [f"viol_share_{p}" for p in PLATFORMS]
            + ["rank_rate_any", "rank_daily_flow"])


def _level_key(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {list(LEVELS)}, got {level!r}")
    key = LEVELS[level]
    return "'city'" if key is None else f"c.{key}"


def _day_ts(expr: str) -> str:
    """TIMESTAMPTZ of the local midnight of day number ``expr`` (UTC+8)."""
    return f"to_timestamp(({expr}) * 86400 - 28800)"


def _period_expr(period: str) -> tuple[str, str]:
    """(integer period key over the cube rows ``q``, SQL turning key ``pkey`` into the
    period's local start as TIMESTAMPTZ)."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {list(PERIODS)}, got {period!r}")
    if period == "hour":
        return "q.hb", "to_timestamp(pkey * 3600)"
    if period == "day":
        return "q.dayn", _day_ts("pkey")
    if period == "week":
        return "q.weekn", _day_ts("pkey")
    if period == "month":  # calendar month of the local date, as year * 12 + month - 1
        local = "(DATE '1970-01-01' + CAST(q.dayn AS INTEGER))"
        first = "date_diff('day', DATE '1970-01-01', make_date(CAST(pkey // 12 AS BIGINT), CAST(pkey % 12 + 1 AS BIGINT), 1))"
        return f"(year({local}) * 12 + month({local}) - 1)", _day_ts(first)
    return "min(q.dayn) OVER ()", _day_ts("pkey")


def indicators_sql(level: str, period: str, *, where: str | None = None) -> str:
    """SQL rolling the cube up to ``level`` × ``period`` with every indicator and the ranks
    (1 = highest) within each period."""
    key = _level_key(level)
    sums = ", ".join(f"sum({c})::BIGINT AS {c}" for c in _sum_cols())
    nviol = " + ".join(f"n_{v}" for v in VIOLATIONS)
    rates = ", ".join(f"n_{v} / nullif(n_passes, 0) AS rate_{v}" for v in VIOLATIONS)
    shares = ", ".join(f"n_{p} / nullif(n_det, 0) AS share_{p}" for p in PLATFORMS)
    prates = ", ".join(f"n_viol_{p} / nullif(n_{p}, 0) AS rate_any_{p}" for p in PLATFORMS)
    vshares = ", ".join(f"n_viol_{p} / nullif(n_violations, 0) AS viol_share_{p}"
                        for p in PLATFORMS)
    name = "c.road_name" if level == "road" else "NULL"
    cond = f"WHERE {where}" if where else ""
    src = "cube" if period == "hour" else "cube_day"
    pkey, pstart = _period_expr(period)
    return f"""
    WITH q AS (SELECT * FROM {src} {cond}),
    j AS (
      SELECT CAST({key} AS VARCHAR) AS unit_id, {name} AS unit_name, {pkey} AS pkey, q.*
      FROM q JOIN cameras c ON c.camera_id = q.camera_id),
    g AS (
      SELECT unit_id, any_value(unit_name) AS unit_name, pkey, {sums},
             count(DISTINCT dayn) AS n_days
      FROM j GROUP BY unit_id, pkey),
    r AS (
      SELECT *, ({nviol}) AS n_violations, {pstart} AS period_start FROM g)
    SELECT '{level}' AS level, '{period}' AS period, unit_id, unit_name, period_start,
           {", ".join(_sum_cols())}, n_violations, n_days,
           n_passes / nullif(n_days, 0) AS daily_flow,
           n_violations / nullif(n_passes, 0) AS rate_any,
           {rates},
           n_no_helmet / nullif(n_passes, 0) AS helmet_nonwearing_rate,
           n_red_light / nullif(n_passes, 0) AS red_light_rate,
           n_delivery / nullif(n_det, 0) AS delivery_share,
           {shares}, {prates},
           n_viol_delivery / nullif(n_violations, 0) AS delivery_violation_share, {vshares},
           rank() OVER (PARTITION BY pkey ORDER BY
                        n_violations / nullif(n_passes, 0) DESC NULLS LAST) AS rank_rate_any,
           rank() OVER (PARTITION BY pkey ORDER BY
                        n_passes / nullif(n_days, 0) DESC NULLS LAST) AS rank_daily_flow
    FROM r ORDER BY pkey, unit_id"""


def indicators(db: CameraDB, level: str, period: str) -> pd.DataFrame:
    """Indicators of every unit of ``level`` (camera, road, township, county, city) per
    ``period`` (hour, day, week, all).

    Columns: level, period, unit_id, unit_name, period_start (local, tz-aware), the counts
    ``n_*``, n_violations, n_days, daily_flow, rate_any, ``rate_<violation>``,
    helmet_nonwearing_rate, red_light_rate, delivery_share, ``share_<platform>``,
    ``rate_any_<platform>``, rank_rate_any, rank_daily_flow (1 = highest within the period).
    """
    return db.sql(indicators_sql(level, period))


def many_indicators(db: CameraDB, combos: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """:func:`indicators` for several (level, period) pairs, stacked."""
    frames = [indicators(db, lv, pr) for lv, pr in combos]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["level", "period", "unit_id", "unit_name", "period_start",
                 *indicator_columns()])


def hour_weekday_profile(db: CameraDB, level: str = "city") -> pd.DataFrame:
    """Hour × weekday profile (小时 × 星期 画像) per unit of ``level``.

    Columns: level, unit_id, weekday (1 = Monday .. 7 = Sunday), hour (0..23 local),
    n_passes, n_violations, n_no_helmet, n_red_light, mean_passes (passes per occurrence of
    that weekday-hour, i.e. divided by the number of distinct dates), rate_any.
    """
    key = _level_key(level)
    nviol = " + ".join(f"q.n_{v}" for v in VIOLATIONS)
    return db.sql(f"""
    SELECT '{level}' AS level, CAST({key} AS VARCHAR) AS unit_id,
           q.dow AS weekday, q.lhour AS hour,
           sum(q.n_passes)::BIGINT AS n_passes, sum({nviol})::BIGINT AS n_violations,
           sum(q.n_no_helmet)::BIGINT AS n_no_helmet, sum(q.n_red_light)::BIGINT AS n_red_light,
           sum(q.n_passes) / count(DISTINCT q.dayn) AS mean_passes,
           sum({nviol}) / nullif(sum(q.n_passes), 0) AS rate_any
    FROM cube q JOIN cameras c ON c.camera_id = q.camera_id
    GROUP BY ALL ORDER BY unit_id, weekday, hour""")


def band_week_counts(db: CameraDB) -> pd.DataFrame:
    """Per camera × ISO week × time band: passes and counts per violation type (the input of
    the hotspot analysis). Columns: camera_id, week_start, band, n_passes, ``n_<v>``."""
    sums = ", ".join(f"sum(n_{v})::BIGINT AS n_{v}" for v in VIOLATIONS)
    return db.sql(f"""
    WITH w AS (
      SELECT camera_id, weekn, {time_band_sql('lhour')} AS band,
             sum(n_passes)::BIGINT AS n_passes, {sums}
      FROM cube GROUP BY ALL)
    SELECT camera_id, {_day_ts('weekn')} AS week_start, band, n_passes,
           {", ".join(f"n_{v}" for v in VIOLATIONS)}
    FROM w ORDER BY camera_id, weekn, band""")


def camera_type_counts(db: CameraDB) -> pd.DataFrame:
    """Per camera: passes and e-bike detections per violation type over the whole period
    (input of the calibration). Columns: camera_id, n_passes, n_det, ``n_<v>``."""
    sums = ", ".join(f"sum(n_{v})::BIGINT AS n_{v}" for v in VIOLATIONS)
    return db.sql(f"""
    SELECT camera_id, sum(n_passes)::BIGINT AS n_passes, sum(n_det)::BIGINT AS n_det, {sums}
    FROM cube_day GROUP BY camera_id ORDER BY camera_id""")


def activity_matrix_db(db: CameraDB, camera_ids: pd.Index, freq_s: int = 900
                       ) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Cameras × intervals count matrix (vehicles reported; int32) built from
    the ``flow`` view inside DuckDB, for flows too large for pandas (month × 10,000 cameras =
    29 M rows). Rows follow ``camera_ids``; columns are the ``freq_s`` intervals from the
    first to the last interval start."""
    db.con.register("_cam_index", pd.DataFrame({"camera_id": camera_ids.astype(str),
                                                "row": np.arange(len(camera_ids))}))
    t0, t1 = db.con.execute(
        "SELECT epoch(min(CAST(interval_start AS TIMESTAMPTZ))), "
        "epoch(max(CAST(interval_start AS TIMESTAMPTZ))) FROM flow").fetchone()
    n_t = int((t1 - t0) // freq_s) + 1
    # No GROUP BY in SQL (29 M groups would cost more than the scan): rows are summed into
    # the matrix with a bincount, which also adds up any duplicate intervals.
    r = db.con.execute(f"""
        SELECT c.row::INTEGER AS r,
               ((epoch(CAST(f.interval_start AS TIMESTAMPTZ)) - {t0}) // {freq_s})::INTEGER AS t,
               (coalesce(f.n_ebike, 0) + coalesce(f.n_tricycle, 0)
                + coalesce(f.n_motorcycle, 0))::INTEGER AS n
        FROM flow f JOIN _cam_index c ON c.camera_id = CAST(f.camera_id AS VARCHAR)
        WHERE coalesce(f.n_ebike, 0) + coalesce(f.n_tricycle, 0) + coalesce(f.n_motorcycle, 0) > 0
    """).fetchnumpy()
    db.con.unregister("_cam_index")
    flat = r["r"].astype(np.int64) * n_t + r["t"]
    a = np.bincount(flat, weights=r["n"], minlength=len(camera_ids) * n_t).astype(np.int32)
    a = a.reshape(len(camera_ids), n_t)
    grid = pd.date_range(pd.Timestamp(t0, unit="s", tz="UTC").tz_convert(TIMEZONE),
                         periods=n_t, freq=f"{freq_s}s")
    return a, grid
