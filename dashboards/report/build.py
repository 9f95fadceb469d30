"""Build the periodic risk-index report from the store's view tables: one self-contained
HTML file (figures inlined as PNG data URIs, CSS inline) and the same page as PDF (weasyprint).

Period is a month ``YYYY-MM``: the report uses the last scored period starting in that month and
compares it with the last scored period of the month before.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import jinja2
import numpy as np
import pandas as pd

from dashboards import maplayers, queries
from dashboards.i18n import t
from dashboards.report import figures

TEMPLATE_DIR = Path(__file__).resolve().parent
EBIKE_LABELS = {
    "name": "township",
    "daily_flow": "daily_flow",
    "rate_any": "violation_rate",
    "helmet_nonwearing_rate": "helmet_rate",
    "red_light_rate": "red_light_rate",
    "delivery_share": "delivery_share",
}
PERCENT_COLUMNS = {"rate_any", "helmet_nonwearing_rate", "red_light_rate", "delivery_share"}


@dataclass(frozen=True)
class ReportResult:
    """Where the report went and what it holds."""

    html_path: Path
    pdf_path: Path
    period: str
    scored_period: str | None
    pages: int
    seconds: float


class ReportError(ValueError):
    """The report cannot be built (e.g. a malformed period)."""


def _month_bounds(period: str) -> tuple[str, str]:
    try:
        start = dt.date.fromisoformat(period + "-01")
    except ValueError:
        raise ReportError(f"period must be YYYY-MM, got {period!r}") from None
    nxt = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start.isoformat(), nxt.isoformat()


def pick_periods(periods: list[str], month: str) -> tuple[str | None, str | None]:
    """(last scored period starting in ``month``, last scored period before that month)."""
    lo, hi = _month_bounds(month)
    inside = sorted(p for p in periods if lo <= p < hi)
    before = sorted(p for p in periods if p < lo)
    return (inside[-1] if inside else None), (before[-1] if before else None)


def _rows(df: pd.DataFrame, cols: list[str], n: int | None = None) -> list[list[str]]:
    if df.empty:
        return []
    d = df[cols].head(n) if n else df[cols]
    out = []
    for r in d.itertuples(index=False):  # small tables only (rankings, lists)
        out.append([f"{v:.2f}" if isinstance(v, float | np.floating) else str(v) for v in r])
    return out


def report_context(data: Any, month: str, lang: str = "zh") -> dict[str, Any]:
    """Everything the template shows, computed from the view tables (no I/O beyond ``data``)."""
    figures.use_cjk_font()
    cur, prev = pick_periods(data.periods(), month)
    areas = data.table("areas")
    counties = areas[areas["level"] == "county"] if not areas.empty else gpd.GeoDataFrame()
    ctx: dict[str, Any] = {
        "lang": lang,
        "t": lambda k: t(k, lang),
        "month": month,
        "period": cur,
        "prev": prev,
        "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }
    cs = data.table("cell_scores")
    comp = queries.scores_for(cs, "composite", cur) if cur else pd.DataFrame()
    ctx["has_scores"] = not comp.empty
    if ctx["has_scores"]:
        counts = queries.colour_counts(comp)
        ctx["counts"] = counts
        ctx["city_index"] = float(comp["score"].mean())
        prev_comp = queries.scores_for(cs, "composite", prev) if prev else pd.DataFrame()
        ctx["city_change"] = (
            (ctx["city_index"] - float(prev_comp["score"].mean())) if not prev_comp.empty else None
        )
        ctx["pie"] = figures.colour_pie(
            counts, {k: t(k, lang) for k in counts}, t("composite", lang)
        )
        from geo.h3cells import cells_to_polygons

        cells = gpd.GeoDataFrame(
            comp[["h3_9", "colour"]].reset_index(drop=True),
            geometry=cells_to_polygons(comp["h3_9"].to_numpy(dtype=np.int64)).values,
            crs="EPSG:4326",
        )
        hc = maplayers.hot_cells(data.table("hotspots_h3"))
        hot_g = (
            gpd.GeoDataFrame(geometry=cells_to_polygons(hc).values, crs="EPSG:4326")
            if len(hc)
            else None
        )
        ctx["n_hot"] = len(hc)
        ctx["map"] = figures.risk_map(cells, counties, f"{t('composite', lang)} · {cur}", hot_g)
        a_s = data.table("area_scores")
        for level, key in (("county", "ranking_county"), ("township", "ranking_township")):
            rank = (
                queries.child_ranking(
                    a_s,
                    {"level": {"county": "city", "township": "county"}[level], "code": None},
                    "composite",
                    cur,
                    prev,
                )
                if level == "county"
                else _all_townships(a_s, cur, prev)
            )
            ctx[f"rank_{level}"] = _rows(
                rank.assign(
                    change=rank["change"].round(1).map(lambda v: f"{v:+.1f}"),
                    share_red=(100 * rank["share_red"]).round(1).astype(str) + "%",
                ),
                ["name", "index", "share_red", "change"],
                20 if level == "township" else None,
            )
            if level == "county" and not rank.empty:
                ctx["rank_county_fig"] = figures.bar_chart(
                    rank["name"].astype(str).tolist(),
                    rank["index"].astype(float).tolist(),
                    t(key, lang),
                )
    w = data.table("warnings")
    if not w.empty and cur:
        ww = w[w["period"].astype(str) == cur]
        names = data.themes().set_index("theme")["name_en" if lang == "en" else "name_zh"]
        g = ww.groupby(["theme", "kind", "colour"]).size().rename("n").reset_index()
        g["theme"] = g["theme"].map(lambda x: str(names.get(x, x)))
        g["colour"] = g["colour"].map(lambda x: t(str(x), lang))
        ctx["warnings"] = _rows(g, ["theme", "kind", "colour", "n"])
    ind = data.table("camera_indicators")
    if not ind.empty:
        st, ctx["ebike_span"] = _street_indicators_of_month(ind, areas, month, lang)
        if not st.empty:
            shown = st.drop(columns=["code"])
            for c in shown.columns:
                if c in PERCENT_COLUMNS:
                    shown[c] = (100 * shown[c]).round(2).astype(str) + "%"
            ctx["ebike_cols"] = [t(EBIKE_LABELS.get(c, c), lang) for c in shown.columns]
            ctx["ebike"] = _rows(shown, list(shown.columns), 25)
        hw = queries.hour_weekday_matrix(data.table("camera_profiles"))
        if not hw.empty:
            ctx["ebike_heatmap"] = figures.heatmap(100 * hw, t("hour_weekday", lang) + " (%)")
    pl = data.table("problem_lists")
    if not pl.empty:
        p = (
            queries.with_area_name(pl, areas, "township_code", "township")
            if "township_code" in pl.columns
            else pl
        )
        desc = "description_en" if lang == "en" else "description_zh"
        cols = [
            c
            for c in ("name", "rank", desc, "n_violations", "evidence_detection_ids")
            if c in p.columns
        ]
        ctx["problem_cols"] = [
            t({"name": "township", desc: "problem_lists"}.get(c, c), lang) for c in cols
        ]
        ctx["problems"] = _rows(p, cols, 30)
    q = data.table("quality")
    if not q.empty:
        ctx["quality_cols"] = [c for c in q.columns][:8]
        ctx["quality"] = _rows(q, ctx["quality_cols"])
    mv = data.table("model_validation")
    if not mv.empty:
        ctx["validation_cols"] = list(mv.columns)[:8]
        ctx["validation"] = _rows(mv, ctx["validation_cols"])
    return ctx


def _street_indicators_of_month(
    ind: pd.DataFrame, areas: pd.DataFrame, month: str, lang: str
) -> tuple[pd.DataFrame, str]:
    """Street indicators of the report month when the camera analytics have that calendar
    month, else over the whole span they cover; with a sentence saying which days they cover."""
    lo, _ = _month_bounds(month)
    start = pd.Timestamp(lo).tz_localize("Asia/Shanghai")
    day = ind[(ind["level"] == "township") & (ind["period"].astype(str) == "day")]
    days = pd.to_datetime(day["period_start"]) if "period_start" in day.columns else pd.Series(dtype=object)
    has_month = (ind["period"].astype(str) == "month").any() and "period_start" in ind.columns
    in_month = has_month and (pd.to_datetime(ind.loc[ind["period"].astype(str) == "month",
                                                      "period_start"]) == start).any()
    if in_month:
        st = queries.street_indicators(ind, areas, period="month", period_start=start)
        days = days[(days >= start) & (days < start + pd.DateOffset(months=1))]
    else:
        st = queries.street_indicators(ind, areas)
    if days.empty:
        return st, ""
    a, b = days.min().tz_convert("Asia/Shanghai"), days.max().tz_convert("Asia/Shanghai")
    n = days.dt.tz_convert("Asia/Shanghai").dt.date.nunique()
    if lang == "en":
        span = (f"Camera data {a:%Y-%m-%d} to {b:%Y-%m-%d} ({n} days)"
                + ("" if in_month else f"; none in {month}, so the whole span is shown"))
    else:
        span = (f"视频数据覆盖 {a:%Y-%m-%d} 至 {b:%Y-%m-%d}（{n} 天）"
                + ("" if in_month else f"；{month} 无数据，显示全部时段"))
    return st, span


def _all_townships(area_scores: pd.DataFrame, cur: str, prev: str | None) -> pd.DataFrame:
    if area_scores.empty:
        return pd.DataFrame(columns=["code", "name", "index", "share_red", "n_cells", "change"])
    parts = [
        queries.child_ranking(area_scores, {"level": "county", "code": c}, "composite", cur, prev)
        for c in area_scores.loc[area_scores["level"] == "county", "code"].astype(str).unique()
    ]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["code", "name", "index", "share_red", "n_cells", "change"])
    return pd.concat(parts).sort_values("index", ascending=False).reset_index(drop=True)


def render_html(ctx: dict[str, Any]) -> str:
    """Render the report template (self-contained HTML)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=jinja2.select_autoescape(["html"])
    )
    return env.get_template("template.html").render(**ctx)


def build_report(data: Any, month: str, out: str | Path, lang: str = "zh") -> ReportResult:
    """Write ``risk_index_<month>.html`` and ``.pdf`` into ``out`` (also ``latest.*`` copies)."""
    from weasyprint import HTML

    t0 = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ctx = report_context(data, month, lang)
    html_text = render_html(ctx)
    html_path = out / f"risk_index_{month}.html"
    pdf_path = out / f"risk_index_{month}.pdf"
    html_path.write_text(html_text, encoding="utf-8")
    doc = HTML(string=html_text, base_url=str(out)).render()
    doc.write_pdf(pdf_path)
    for src in (html_path, pdf_path):
        (out / f"latest{src.suffix}").write_bytes(src.read_bytes())
    return ReportResult(
        html_path, pdf_path, month, ctx["period"], len(doc.pages), time.perf_counter() - t0
    )
