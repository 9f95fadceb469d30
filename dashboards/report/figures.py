"""Static figures for the report, rendered offline with matplotlib (no tiles, no network).

Maps are drawn in WGS-84 lon/lat with an equal-aspect correction for the city's latitude.
"""

from __future__ import annotations

import base64
import io

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager

from data_contracts.vocab import RISK_COLOURS

COLOUR_HEX = {c[0]: c[3] for c in RISK_COLOURS}
_CJK_CANDIDATES = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "Source Han Sans SC")


def use_cjk_font() -> str | None:
    """Point matplotlib at an installed CJK font; return its name (None if none is installed)."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for n in _CJK_CANDIDATES:
        if n in names:
            plt.rcParams["font.family"] = [n, "DejaVu Sans"]
            plt.rcParams["axes.unicode_minus"] = False
            return n
    return None


def png_data_uri(fig: plt.Figure) -> str:
    """Encode a figure as a data: URI (PNG, 130 dpi) and close it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def risk_map(
    cells: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    title: str,
    hot: gpd.GeoDataFrame | None = None,
) -> str:
    """Cells coloured by their four-colour class over county boundaries (optionally hotspots)."""
    fig, ax = plt.subplots(figsize=(7.2, 6.2))
    if not counties.empty:
        counties.boundary.plot(ax=ax, color="#444", linewidth=0.8)
        for _, r in counties.iterrows():  # ≤ a dozen labels
            p = r.geometry.representative_point()
            ax.annotate(str(r["name"]), (p.x, p.y), fontsize=8, ha="center", color="#222")
    if not cells.empty:
        cells.plot(ax=ax, color=cells["colour"].map(COLOUR_HEX).fillna("#cccccc"), linewidth=0)
    if hot is not None and not hot.empty:
        hot.boundary.plot(ax=ax, color="#7a0177", linewidth=0.6)
    lat0 = float(np.mean(ax.get_ylim()))
    ax.set_aspect(1.0 / np.cos(np.radians(lat0)))
    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    return png_data_uri(fig)


def bar_chart(
    labels: list[str], values: list[float], title: str, colour: str = "#2c7bb6", fmt: str = "{:.1f}"
) -> str:
    """A horizontal bar chart (ranking)."""
    fig, ax = plt.subplots(figsize=(7.0, max(1.6, 0.28 * len(labels) + 0.8)))
    y = np.arange(len(labels))[::-1]
    ax.barh(y, values, color=colour)
    ax.set_yticks(y, labels, fontsize=8)
    for yi, v in zip(y, values, strict=True):
        ax.text(v, yi, " " + fmt.format(v), va="center", fontsize=7)
    ax.set_title(title, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return png_data_uri(fig)


def colour_pie(counts: dict[str, int], labels: dict[str, str], title: str) -> str:
    """Colour distribution of cells."""
    keys = [k for k in ("red", "orange", "yellow", "blue") if counts.get(k, 0) > 0]
    fig, ax = plt.subplots(figsize=(3.6, 3.2))
    if keys:
        ax.pie(
            [counts[k] for k in keys],
            labels=[f"{labels[k]} {counts[k]}" for k in keys],
            colors=[COLOUR_HEX[k] for k in keys],
            startangle=90,
            textprops={"fontsize": 8},
        )
    ax.set_title(title, fontsize=10)
    return png_data_uri(fig)


def heatmap(matrix: pd.DataFrame, title: str) -> str:
    """Hour × weekday heat map (rows weekday, columns hour)."""
    fig, ax = plt.subplots(figsize=(7.0, 2.6))
    im = ax.imshow(matrix.to_numpy(dtype=float), aspect="auto", cmap="YlOrRd")
    ax.set_yticks(range(len(matrix.index)), [str(i) for i in matrix.index], fontsize=7)
    ax.set_xticks(range(len(matrix.columns)), [str(c) for c in matrix.columns], fontsize=6)
    fig.colorbar(im, ax=ax, fraction=0.025)
    ax.set_title(title, fontsize=10)
    return png_data_uri(fig)
