"""Pure view-shaping functions the pages call (filter, rank, compare). No I/O, no Dash."""

from __future__ import annotations

import numpy as np
import pandas as pd

CHILD_LEVEL = {"city": "county", "county": "township", "township": "grid", "grid": "cell"}


def _as_str(col: pd.Series) -> pd.Series:
    """A column as str without a copy when it already holds str (period, codes)."""
    return col if col.dtype == object else col.astype(str)


def scores_for(
    cell_scores: pd.DataFrame, theme: str, period: str, area: dict | None = None
) -> pd.DataFrame:
    """Cell scores of one theme and period, optionally limited to the cells of ``area``."""
    if cell_scores.empty:
        return cell_scores
    s = cell_scores[(cell_scores["theme"] == theme) & (_as_str(cell_scores["period"]) == period)]
    if area and area.get("level") in ("county", "township", "grid"):
        col = {"county": "county_adcode", "township": "township_code", "grid": "grid_id"}[
            area["level"]
        ]
        s = s[_as_str(s[col]) == str(area["code"])]
    return s


def previous_period(periods: list[str], period: str) -> str | None:
    """The period just before ``period`` among ``periods`` (any order), or None."""
    earlier = sorted(p for p in periods if p < period)
    return earlier[-1] if earlier else None


def child_ranking(
    area_scores: pd.DataFrame, area: dict, theme: str, period: str, prev: str | None
) -> pd.DataFrame:
    """Children of ``area`` ranked by index (highest first) with change against ``prev``.

    Columns: code, name, index, share_red, n_cells, change (index points; NaN if no previous).
    """
    level = CHILD_LEVEL.get(area.get("level", "city"), "county")
    if area_scores.empty or level == "cell":
        return pd.DataFrame(columns=["code", "name", "index", "share_red", "n_cells", "change"])
    a = area_scores[(area_scores["level"] == level) & (area_scores["theme"] == theme)]
    if area.get("level", "city") != "city":
        a = a[a["parent_code"].astype(str) == str(area["code"])]
    cur = a[a["period"].astype(str) == period]
    out = cur[["code", "name", "index", "share_red", "n_cells"]].copy()
    if prev is not None:
        p = a[a["period"].astype(str) == prev].set_index("code")["index"]
        out["change"] = out["index"].to_numpy() - p.reindex(out["code"]).to_numpy()
    else:
        out["change"] = np.nan
    return out.sort_values("index", ascending=False).reset_index(drop=True)


def colour_counts(scores: pd.DataFrame) -> dict[str, int]:
    """Cells per colour (red, orange, yellow, blue), zeros included."""
    counts = {c: 0 for c in ("red", "orange", "yellow", "blue")}
    if not scores.empty:
        for k, v in scores["colour"].value_counts().items():
            counts[str(k)] = int(v)
    return counts


def warning_shares(
    warnings: pd.DataFrame, period: str, area: dict | None, themes: pd.DataFrame
) -> pd.DataFrame:
    """Warnings per theme (count and share of all warnings) in ``period`` within ``area``."""
    cols = ["theme", "n", "share"]
    if warnings.empty:
        return pd.DataFrame(columns=cols)
    w = warnings[warnings["period"].astype(str) == period]
    if area and area.get("level") == "township":
        w = w[w["township_code"].astype(str) == str(area["code"])]
    elif area and area.get("level") == "county":
        w = w[w["township_code"].astype(str).str[:6] == str(area["code"])]
    if w.empty:
        return pd.DataFrame(columns=cols)
    n = w.groupby("theme").size().rename("n").reset_index()
    n["share"] = n["n"] / n["n"].sum()
    return n.sort_values("n", ascending=False).reset_index(drop=True)


def area_label(areas: pd.DataFrame, area: dict, lang: str, city_label: str) -> str:
    """Display name of the selected area."""
    if not area or area.get("level", "city") == "city" or areas.empty:
        return city_label
    m = areas[(areas["level"] == area["level"]) & (areas["code"].astype(str) == str(area["code"]))]
    return str(m["name"].iloc[0]) if len(m) else str(area["code"])


# --- camera analytics (tables written by ``pingan hotspots``; see scoring/camera/pipeline.py) ---

STREET_COLUMNS = (
    "daily_flow",
    "rate_any",
    "helmet_nonwearing_rate",
    "red_light_rate",
    "delivery_share",
    "n_violations",
)
DELIVERY_COLUMNS = (
    "n_delivery",
    "delivery_share",
    "share_meituan",
    "share_eleme",
    "rate_any_meituan",
    "rate_any_eleme",
    "delivery_violation_share",
)


def with_area_name(
    df: pd.DataFrame, areas: pd.DataFrame, code_col: str, level: str
) -> pd.DataFrame:
    """Add ``name`` (area name from ``areas``; the code where unknown) for ``code_col``."""
    codes = df[code_col].astype(str)
    if areas.empty:
        return df.assign(name=codes.to_numpy())
    names = areas[areas["level"] == level].drop_duplicates("code").set_index("code")["name"]
    return df.assign(name=codes.map(names).fillna(codes).to_numpy())


def street_indicators(
    ind: pd.DataFrame,
    areas: pd.DataFrame,
    columns: tuple[str, ...] = STREET_COLUMNS,
    period: str = "all",
    period_start: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Per township (street) indicators over ``period`` (``all`` = whole span; with
    ``period_start``, only that period, e.g. one calendar month), highest violation rate first.
    Columns: code, name and ``columns`` that exist. Rates are shares 0–1."""
    if ind.empty or "level" not in ind.columns:
        return pd.DataFrame()
    t = ind[(ind["level"] == "township") & (ind["period"].astype(str) == period)]
    if period_start is not None and "period_start" in t.columns:
        t = t[pd.to_datetime(t["period_start"]) == pd.Timestamp(period_start)]
    if t.empty:
        return pd.DataFrame()
    t = with_area_name(t.rename(columns={"unit_id": "code"}), areas, "code", "township")
    keep = ["code", "name", *[c for c in columns if c in t.columns]]
    sort = "rate_any" if "rate_any" in t.columns else keep[-1]
    return t.sort_values(sort, ascending=False)[keep].reset_index(drop=True)


def hour_weekday_matrix(
    profiles: pd.DataFrame, level: str = "city", value: str = "rate_any"
) -> pd.DataFrame:
    """Weekday (rows 1–7) × hour (columns 0–23) matrix of ``value`` for the first unit of
    ``level`` (falls back to any level present); empty if there are no profiles."""
    if profiles.empty or "hour" not in profiles.columns:
        return pd.DataFrame()
    p = profiles[profiles["level"] == level] if (profiles["level"] == level).any() else profiles
    p = p[p["unit_id"] == p["unit_id"].iloc[0]]
    return p.pivot_table(index="weekday", columns="hour", values=value, aggfunc="mean").sort_index()


def calibration_by_type(cal: pd.DataFrame) -> pd.DataFrame:
    """Pooled calibration per violation type: detected vs calibrated rate with precision/recall."""
    if cal.empty or "scope" not in cal.columns:
        return pd.DataFrame()
    c = cal[cal["scope"] == "type"]
    keep = [
        k
        for k in (
            "violation",
            "n_detected",
            "raw_rate",
            "precision",
            "recall",
            "calibrated_rate",
            "cal_lo",
            "cal_hi",
            "calibration_source",
        )
        if k in c.columns
    ]
    return c[keep].reset_index(drop=True)


def hot_roads(hot_road: pd.DataFrame, band: str = "all") -> pd.DataFrame:
    """Road segments that are significant Gi* hot spots in ``band``, highest z first."""
    if hot_road.empty or "class" not in hot_road.columns:
        return pd.DataFrame()
    h = hot_road[(hot_road["class"] == "hot") & (hot_road["band"].astype(str) == band)]
    keep = [
        k
        for k in ("road_name", "road_id", "violation", "value", "n_passes", "z", "p_fdr")
        if k in h.columns
    ]
    return h.sort_values("z", ascending=False)[keep].reset_index(drop=True)


def theme_steps(themes: pd.DataFrame, theme: str) -> tuple[float, float, float, float]:
    """The map's stepped scale for ``theme``: its owner's blue, yellow, orange and red thresholds
    on the 0–100 scale of ``cell_scores`` (from the ``themes`` view), or quarters by default."""
    cols = ["blue", "yellow", "orange", "red"]
    if not themes.empty and set(cols) <= set(themes.columns):
        row = themes[themes["theme"] == theme]
        if len(row) and row[cols].notna().all(axis=1).iloc[0]:
            return tuple(float(row[c].iloc[0]) for c in cols)  # type: ignore[return-value]
    return (0.0, 25.0, 50.0, 75.0)
