"""Composite risk index (全域社会治安风险指数) per H3 cell, rolled up to grid, township, county.

Per cell, each component is normalised to 0–100 and the index is their weighted mean:

- a rule model's score: ``clip(score / scale, 0, 1) · 100`` with ``scale`` the component's own
  value or, by default, the model's red threshold (a cell at the owner's "red" is 100);
- a forecast probability column (``p_event_{cat}``): ``clip(p / scale, 0, 1) · 100``, scale 1.

With ``normalise: rank`` (the shipped city index) every component is instead the percentile
rank of the cell's value among the cells where it is above zero (0–100; zero stays 0). Owners'
absolute thresholds keep deciding each model's own four colours; the composite then says where a
cell stands in its city, which stays meaningful whatever the city's size or data volume.

Index = Σ wᵢ·normᵢ / Σ wᵢ over the components (a cell missing from a component counts 0 there).
Colours by the owner-set four-colour thresholds of the composite config (YAML, see
``scoring/models/composite/pingan_index.yaml``).

Roll-up to an area level: the area- or population-weighted mean of the cell index, the shares
of red and of orange cells (by the same weights), the number of cells, and the colour of the
weighted mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import shapely
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scoring.rules.engine import assign_colours
from scoring.rules.model import ModelFileError, RuleModel, Thresholds

LEVELS: dict[str, str] = {"grid": "grid_id", "township": "township_code", "county": "county_adcode"}


class Component(BaseModel):
    """One input of the composite: a rule model's score or a forecast probability column."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(None, description="Rule model id (its latest score per cell).")
    forecast: str | None = Field(None, description="Forecast column, e.g. p_event_burglary.")
    weight: float = Field(gt=0)
    scale: float | None = Field(None, gt=0, description="Value that maps to 100 (default: red threshold / 1).")

    @model_validator(mode="after")
    def _one_source(self) -> Component:
        if (self.model is None) == (self.forecast is None):
            raise ValueError("a component names exactly one of `model` or `forecast`")
        return self

    @property
    def name(self) -> str:
        return self.model or self.forecast  # type: ignore[return-value]


class CompositeConfig(BaseModel):
    """A composite-index configuration (owner: the 平安办 / political-legal committee)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name_zh: str
    name_en: str = ""
    owner: str
    version: str
    components: list[Component] = Field(min_length=1)
    thresholds: Thresholds
    rollup_weight: Literal["area", "population"] = "area"
    normalise: Literal["scale", "rank"] = Field(
        "scale", description="scale: value / scale (absolute); rank: percentile rank among non-zero cells")

    @model_validator(mode="after")
    def _unique(self) -> CompositeConfig:
        names = [c.name for c in self.components]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"components listed twice: {', '.join(dup)}")
        return self


def read_composite(path: str | Path) -> CompositeConfig:
    """Read and validate a composite-index YAML; errors name the file and field."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        if isinstance(data, dict) and not isinstance(data.get("version", ""), str):
            data["version"] = str(data["version"])
        return CompositeConfig.model_validate(data)
    except FileNotFoundError:
        raise ModelFileError(f"{p}: no such composite config") from None
    except yaml.YAMLError as e:
        raise ModelFileError(f"{p}: not valid YAML: {e}") from None
    except ValidationError as e:
        msgs = "; ".join(
            f"{'.'.join(str(x) for x in err['loc']) or '(config)'}: {err['msg']}" for err in e.errors()
        )
        raise ModelFileError(f"{p}: {msgs}") from None


def forecast_wide(forecast: pd.DataFrame) -> pd.DataFrame:
    """The forecaster's long rows (h3, category, period_start, p_event, expected_count) as one
    row per cell and period with ``p_event_{cat}`` and ``expected_{cat}`` columns.

    A frame that already has ``p_event_*`` columns is returned unchanged.
    """
    if not {"category", "p_event"} <= set(forecast.columns):
        return forecast
    idx = ["h3", "period_start"] if "period_start" in forecast.columns else ["h3"]
    values = [c for c in ("p_event", "expected_count") if c in forecast.columns]
    wide = forecast.pivot_table(index=idx, columns="category", values=values, aggfunc="max")
    wide.columns = [
        f"p_event_{cat}" if v == "p_event" else f"expected_{cat}" for v, cat in wide.columns.to_flat_index()
    ]
    return wide.reset_index()


def _latest(frame: pd.DataFrame) -> pd.DataFrame:
    if "period_start" in frame.columns and frame["period_start"].notna().any():
        return frame[frame["period_start"] == frame["period_start"].max()]
    return frame


def percentile_rank(values: np.ndarray) -> np.ndarray:
    """0–100 percentile rank of each value among the values above zero (ties share the mean
    rank, the largest is 100); zero, negative and missing values map to 0."""
    v = np.nan_to_num(np.asarray(values, dtype=float))
    out = np.zeros(len(v))
    pos = v > 0
    if pos.any():
        r = pd.Series(v[pos]).rank(method="average").to_numpy()
        out[pos] = r / pos.sum() * 100.0
    return out


def composite_index(
    config: CompositeConfig,
    model_scores: Mapping[str, pd.DataFrame],
    forecast: pd.DataFrame | None = None,
    models: Mapping[str, RuleModel] | None = None,
    missing: Literal["error", "skip"] = "error",
) -> pd.DataFrame:
    """Composite index per cell for the latest period of each input.

    ``model_scores``: model id → :func:`scoring.rules.engine.score` output (``h3``, ``score``,
    ``period_start``) of cell models. ``forecast``: a frame with ``h3`` and ``p_event_*``
    columns, or the forecaster's long rows (see :func:`forecast_wide`). ``models`` gives default scales (red thresholds). ``missing="skip"`` drops
    components whose input is absent and re-weights the rest.

    Returns h3 (int64), period_start, index (0–100), colour, comp_<name> (each 0–100),
    sorted by h3. ``attrs["skipped"]`` lists the components left out.
    """
    parts: dict[str, pd.Series] = {}
    weights: dict[str, float] = {}
    skipped: list[str] = []
    periods: list[pd.Timestamp] = []
    if forecast is not None:
        forecast = forecast_wide(forecast)
    for c in config.components:
        if c.model is not None:
            frame = model_scores.get(c.model)
            if frame is None or frame.empty:
                if missing == "error":
                    raise KeyError(f"composite {config.id!r}: no scores of model {c.model!r}")
                skipped.append(c.name)
                continue
            scale = c.scale
            if scale is None:
                if models is None or c.model not in models:
                    raise KeyError(f"composite {config.id!r}: give `scale` for {c.model!r} or pass its model")
                scale = models[c.model].thresholds.red
            frame = _latest(frame)
            values = frame["score"].to_numpy(dtype=float)
        else:
            if forecast is None or c.forecast not in forecast.columns:
                if missing == "error":
                    raise KeyError(f"composite {config.id!r}: no forecast column {c.forecast!r}")
                skipped.append(c.name)
                continue
            scale = c.scale or 1.0
            frame = _latest(forecast)
            values = frame[c.forecast].to_numpy(dtype=float)
        if "period_start" in frame.columns and frame["period_start"].notna().any():
            periods.append(frame["period_start"].max())
        if config.normalise == "rank":
            norm = percentile_rank(values)
        else:
            norm = np.clip(np.nan_to_num(values) / scale, 0.0, 1.0) * 100.0
        s = pd.Series(norm, index=pd.Index(frame["h3"].astype("int64").to_numpy(), name="h3"))
        parts[c.name] = s.groupby(level=0).max()
        weights[c.name] = c.weight
    if not parts:
        raise KeyError(f"composite {config.id!r}: none of its components has data")
    wide = pd.concat(parts, axis=1).fillna(0.0).sort_index()
    w = np.array([weights[k] for k in wide.columns])
    index = wide.to_numpy() @ w / w.sum()
    out = pd.DataFrame({"h3": wide.index.to_numpy(dtype="int64")})
    out["period_start"] = max(periods) if periods else pd.NaT
    out["index"] = np.round(index, 6)
    out["colour"] = assign_colours(out["index"], config.thresholds)
    for k in wide.columns:
        out[f"comp_{k}"] = wide[k].to_numpy()
    out.attrs["skipped"] = skipped
    return out


def cell_area_mapping(cells: np.ndarray, grids: pd.DataFrame) -> pd.DataFrame:
    """Map H3 cells to grid, township and county by the cell centre (WGS-84, EPSG:4326).

    ``grids``: a GeoDataFrame (EPSG:4326) with ``grid_id``, ``township_code``,
    ``county_adcode`` and grid polygons (as :func:`geo.admin.generate_grids` returns). Returns
    h3, grid_id, township_code, county_adcode, area_km2 (the cell's own area); cells whose
    centre lies in no grid are left out.
    """
    from geo.admin import assign_areas
    from geo.h3cells import cell_area_km2, cells_to_polygons

    c = np.unique(np.asarray(cells, dtype="int64"))
    # a hexagon's planar centre in degrees: within metres of its true centre at these sizes
    centres = shapely.centroid(np.asarray(cells_to_polygons(c).to_numpy()))
    grid_ids = assign_areas(shapely.get_x(centres), shapely.get_y(centres), grids, "grid_id")
    out = pd.DataFrame({"h3": c, "grid_id": grid_ids, "area_km2": cell_area_km2(c)})
    out = out[out["grid_id"].notna()]
    attrs = pd.DataFrame(grids.drop(columns=grids.geometry.name))[["grid_id", "township_code", "county_adcode"]]
    return out.merge(attrs.drop_duplicates("grid_id"), on="grid_id", how="left")[
        ["h3", "grid_id", "township_code", "county_adcode", "area_km2"]
    ].reset_index(drop=True)


def rollup_all(
    cells: pd.DataFrame,
    areas: pd.DataFrame,
    thresholds: Thresholds,
    weight: Literal["area", "population"] = "area",
) -> pd.DataFrame:
    """:func:`rollup` at grid, township and county level in one frame (column ``level``)."""
    parts = [rollup(cells, areas, lvl, thresholds, weight) for lvl in LEVELS if LEVELS[lvl] in areas.columns]  # type: ignore[arg-type]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def rollup(
    cells: pd.DataFrame,
    areas: pd.DataFrame,
    level: Literal["grid", "township", "county"],
    thresholds: Thresholds,
    weight: Literal["area", "population"] = "area",
) -> pd.DataFrame:
    """Roll a cell index up to ``level``.

    ``cells``: h3, index, colour. ``areas``: the cell → area mapping with h3 and the level's
    code column (grid_id, township_code, county_adcode); for ``weight="area"`` an optional
    ``area_km2`` (computed from the H3 cell when absent), for ``"population"`` a
    ``population`` column. Cells missing from ``areas`` are left out.

    Returns code, index (weighted mean), share_red, share_orange, share_red_orange (weighted
    shares of cells), n_cells, weight_total (km² or persons), colour; sorted by index, highest
    first.
    """
    code = LEVELS[level]
    if code not in areas.columns:
        raise KeyError(f"the cell→area mapping has no column {code!r} for level {level!r}")
    need = ["h3", code] + [c for c in ("area_km2", "population") if c in areas.columns]
    m = cells[["h3", "index", "colour"]].merge(areas[need].drop_duplicates("h3"), on="h3", how="inner")
    if weight == "area":
        if "area_km2" in m.columns:
            wt = m["area_km2"].to_numpy(dtype=float)
        else:
            from geo.h3cells import cell_area_km2

            wt = np.asarray(cell_area_km2(m["h3"].to_numpy(dtype="int64")), dtype=float)
    else:
        if "population" not in m.columns:
            raise KeyError("population weighting needs a `population` column in the cell→area mapping")
        wt = m["population"].to_numpy(dtype=float)
    wt = np.nan_to_num(wt)
    colour = m["colour"].to_numpy()
    g = pd.DataFrame(
        {
            "code": m[code].to_numpy(),
            "w": wt,
            "wi": wt * m["index"].to_numpy(dtype=float),
            "w_red": wt * (colour == "red"),
            "w_orange": wt * (colour == "orange"),
            "n": 1,
        }
    ).groupby("code", sort=True).sum()
    denom = g["w"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        idx = np.where(denom > 0, g["wi"].to_numpy() / denom, 0.0)
        red = np.where(denom > 0, g["w_red"].to_numpy() / denom, 0.0)
        orange = np.where(denom > 0, g["w_orange"].to_numpy() / denom, 0.0)
    out = pd.DataFrame(
        {
            "level": level,
            "code": g.index.to_numpy(),
            "index": idx,
            "share_red": red,
            "share_orange": orange,
            "share_red_orange": red + orange,
            "n_cells": g["n"].to_numpy(dtype="int64"),
            "weight_total": denom,
        }
    )
    out["colour"] = assign_colours(out["index"], thresholds)
    return out.sort_values(["index", "code"], ascending=[False, True], kind="stable").reset_index(drop=True)
