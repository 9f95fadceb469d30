"""``pingan score``: score rule models (风险模型), preview what changes colour, publish versions.

- ``pingan score --model FILE [--compare VERSION]`` validates the model, scores it on the latest
  features and prints the colour counts and the subjects that change colour against a
  published version (default: the latest published one). Nothing is published.
- ``... --publish`` also publishes the model version (``<workdir>/models/<id>/v<version>.yaml``)
  and stores its score rows (with the version) in the store.
- ``pingan score`` without ``--model`` scores every model in force (published versions, else the
  shipped templates) on the latest features in the store and stores score rows, warnings and
  the composite index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from pingan.commands._common import ConfigOption, console, settings_or_exit

COLOUR_STYLE = {"red": "bold red", "orange": "dark_orange", "yellow": "yellow", "blue": "blue", "none": "dim"}
WARNINGS_TABLE = "rule_warnings"
COMPOSITE_TABLE = "composite_cells"
COMPOSITE_AREAS_TABLE = "composite_areas"
#: Tables where the forecaster's rows may be (long: h3, category, period_start, p_event).
FORECAST_TABLES = ("forecasts", "forecast")


def _stdout() -> Console:
    """Console for the result tables (stdout), at least 100 columns wide so counts never truncate."""
    return Console(width=max(Console().width, 100))


def _error(title: str, message: object) -> None:
    """Print an error title in red and its message verbatim (no wrapping, no markup)."""
    console.print(f"[red]{title}[/red]")
    console.print(str(message), markup=False, soft_wrap=True, highlight=False)


def _open_store(url: str) -> Any:
    try:
        from geo.store import open_store
    except ImportError as e:  # the store package is part of the foundation
        console.print(f"[red]错误 error:[/red] the store is not available ({e})")
        raise typer.Exit(1) from None
    return open_store(url)


def _read_table(store: Any, table: str, days: int | None = None) -> pd.DataFrame:
    """Read ``table``; with ``days``, only the periods within ``days`` of its latest period."""
    if not store.exists(table):
        console.print(
            f"[red]错误 error:[/red] 存储中没有 `{table}` 表 — the store has no `{table}` table"
            + (" (run `pingan features` first)" if table == "features" else "")
        )
        raise typer.Exit(1)
    if days is None or "period_start" not in store.info(table).column_names:
        return store.read(table)
    periods = pd.Series(store.read(table, columns=["period_start"])["period_start"].dropna().unique())
    if periods.empty:
        return store.read(table)
    wanted = periods[periods > periods.max() - pd.Timedelta(days=max(days, 1))]
    return store.read(table, filters={"period_start": [p.to_pydatetime() for p in wanted]})


def _read_file(path: Path) -> pd.DataFrame:
    if not path.exists():
        console.print(f"[red]错误 error:[/red] {path}: no such file")
        raise typer.Exit(1)
    df = pd.read_parquet(path) if path.suffix.lower() in (".parquet", ".pq") else pd.read_csv(path)
    if "h3" in df.columns and df["h3"].dtype == object:  # hex cell ids, as `pingan features` writes
        from geo.h3cells import str_to_cells

        df["h3"] = str_to_cells(df["h3"].to_numpy())
    return df


def _recent(frame: pd.DataFrame, days: int) -> pd.DataFrame:
    """Rows whose period_start is within ``days`` of the latest one (all rows if no periods)."""
    if "period_start" not in frame.columns or frame["period_start"].isna().all():
        return frame
    ps = frame["period_start"]
    if not pd.api.types.is_datetime64_any_dtype(ps):
        ps = pd.to_datetime(ps)
    if ps.dt.tz is not None:
        ps = ps.dt.tz_convert("Asia/Shanghai")
        frame = frame.assign(period_start=ps)
    return frame[ps > ps.max() - pd.Timedelta(days=max(days, 1))]


def _fill_missing(model: Any, frame: pd.DataFrame) -> pd.DataFrame:
    """Read catalogue columns the data lacks as 0, and say so (the model is valid offline)."""
    from scoring.rules.catalogue import known_columns
    from scoring.rules.expr import parse_expr

    need = set().union(*(parse_expr(f.expr).names for f in model.factors))
    # only declared catalogue columns: an unknown name must still fail validation
    missing = sorted((need - set(frame.columns)) & known_columns(model.feature_source))
    if missing:
        console.print(
            f"[yellow]注意 note:[/yellow] {model.id}: 数据缺少这些列，按 0 计 — columns missing "
            f"from the data, read as 0: {', '.join(missing)}"
        )
        frame = frame.assign(**{m: 0.0 for m in missing})
    return frame


def _counts_table(counts: pd.DataFrame, title: str) -> Table:
    from scoring.rules.engine import COLOUR_ZH

    t = Table(title=title)
    t.add_column("颜色 colour")
    for c in counts.columns:
        t.add_column(str(c), justify="right")
    for colour, row in counts.iterrows():
        t.add_row(f"[{COLOUR_STYLE[str(colour)]}]{COLOUR_ZH[str(colour)]} {colour}[/]", *(f"{v:,}" for v in row))
    return t


def _changes_table(changes: pd.DataFrame, key: str, limit: int) -> Table:
    t = Table(title=f"变色对象 subjects that change colour (前 {min(limit, len(changes))} / {len(changes)})")
    for c in (key, "旧分 old", "新分 new", "旧色 old", "新色 new", "方向"):
        t.add_column(c)
    for r in changes.head(limit).itertuples(index=False):
        d = r._asdict()
        kv = d[key]
        if key == "h3":
            kv = format(int(kv) & 0xFFFFFFFFFFFFFFFF, "x")
        t.add_row(
            str(kv),
            f"{d['old_score']:.2f}",
            f"{d['new_score']:.2f}",
            f"[{COLOUR_STYLE[d['old_colour']]}]{d['old_colour']}[/]",
            f"[{COLOUR_STYLE[d['new_colour']]}]{d['new_colour']}[/]",
            "↑ 升" if d["direction"] == "up" else "↓ 降",
        )
    return t


_MODEL_OPT = typer.Option(None, "--model", "-m", help="Model YAML to preview (or publish).")
_COMPARE_OPT = typer.Option(None, "--compare", help="Published version to compare with (default: the latest).")
_PUBLISH_OPT = typer.Option(False, "--publish", help="Publish the model version and store its scores.")
_FEATURES_OPT = typer.Option(None, "--features", help="Read features from a Parquet/CSV file instead of the store.")
_LIMIT_OPT = typer.Option(30, "--limit", help="Rows of the change list to print.")


def register(app: typer.Typer) -> None:
    @app.command("score")
    def score_cmd(
        model_file: Path | None = _MODEL_OPT,
        compare: str | None = _COMPARE_OPT,
        publish: bool = _PUBLISH_OPT,
        features: Path | None = _FEATURES_OPT,
        limit: int = _LIMIT_OPT,
        config: Path | None = ConfigOption,
    ) -> None:
        """风险模型评分 Score rule models; preview colour changes before publishing a model version."""
        from scoring.rules import template_paths
        from scoring.rules.engine import ModelFileError, check_model, validate
        from scoring.rules.model import read_model
        from scoring.rules.versions import ModelRegistry, VersionError

        s = settings_or_exit(config)
        registry = ModelRegistry(s.workdir / "models")
        if model_file is None:
            if compare or publish:
                console.print("[red]错误 error:[/red] --compare and --publish need --model FILE")
                raise typer.Exit(2)
            _score_all(s, registry, template_paths(), features)
            return
        try:
            model = read_model(model_file)
        except ModelFileError as e:
            _error("模型无效 invalid model:", e)
            raise typer.Exit(1) from None
        offline = check_model(model, None, where=str(model_file))  # the catalogue alone
        store = None
        if features is None:
            store = _open_store(s.store_url)
            if offline and not store.exists(model.feature_source):
                _error("模型无效 invalid model:", "\n".join(offline))
                raise typer.Exit(1)
        frame = _read_file(features) if features is not None else _read_table(store, model.feature_source, days=0)
        try:  # against the catalogue plus the data's own columns
            validate(model, frame.columns, where=str(model_file))
        except ModelFileError as e:
            _error("模型无效 invalid model:", e)
            raise typer.Exit(1) from None
        frame = _fill_missing(model, _recent(frame, 0))
        old = None
        try:
            if compare is not None:
                old = registry.load(model.id, compare)
            elif registry.versions(model.id):
                old = registry.load(model.id)
        except VersionError as e:
            _error("错误 error:", e)
            raise typer.Exit(1) from None
        from scoring.rules.engine import COLOURS, score
        from scoring.rules.whatif import whatif

        out = _stdout()
        if old is not None:
            old_frame = _fill_missing(old, frame)
            counts, changes = whatif(old, model, old_frame)
            counts.columns = [f"旧 old v{old.version}", f"新 new v{model.version}", "变化 change"]
            out.print(_counts_table(counts, f"{model.name_zh} {model.id}: v{old.version} → v{model.version}"))
            if changes.empty:
                out.print("没有对象变色 — no subject changes colour")
            else:
                out.print(_changes_table(changes, model.key_column, limit))
        else:
            scored = score(model, frame)
            counts = scored["colour"].value_counts().reindex(COLOURS, fill_value=0).to_frame(f"v{model.version}")
            out.print(_counts_table(counts, f"{model.name_zh} {model.id} v{model.version} (尚无已发布版本 no published version)"))
        if not publish:
            out.print("[bold]未发布（预览）[/bold] not published — add --publish to publish this version")
            return
        from scoring.rules.versions import save_scores

        try:
            path = registry.publish(model, model_file.read_text(encoding="utf-8"))
        except (VersionError, ModelFileError) as e:
            _error("发布失败 publish refused:", e)
            raise typer.Exit(1) from None
        if store is None:
            store = _open_store(s.store_url)
        n = save_scores(store, model, score(model, frame))
        out.print(f"[green]已发布 published[/green] {model.id} v{model.version} → {path}; {n:,} score rows stored")


def _grids(store: Any) -> Any:
    """Grid polygons with township and county codes, from the store's `grids` or `areas` table."""
    if store.exists("grids"):
        g = store.read("grids")
        if {"grid_id", "township_code", "county_adcode"} <= set(g.columns):
            return g
    if store.exists("areas"):
        a = store.read("areas")
        if {"level", "code", "parent_code"} <= set(a.columns):
            grids = a[a["level"] == "grid"].rename(columns={"code": "grid_id", "parent_code": "township_code"})
            towns = a[a["level"] == "township"].set_index("code")["parent_code"]
            grids = grids.assign(county_adcode=grids["township_code"].map(towns))
            return grids if len(grids) else None
    return None


def _score_all(s: Any, registry: Any, templates: list[Path], features: Path | None) -> None:
    """Score every model in force on the latest features; store scores, warnings, composite."""
    from pingan.commands._common import step
    from scoring.composite import composite_index, forecast_wide, read_composite
    from scoring.rules import composite_template_path
    from scoring.rules.engine import COLOUR_ZH, COLOURS, ModelFileError, score
    from scoring.rules.versions import RESTRICTED_SUFFIX, models_in_force, save_many_scores
    from scoring.warnings import warnings_table

    store = _open_store(s.store_url)
    models = models_in_force(registry, templates)
    days = max([m.points_warning.window_days for m in models if m.points_warning] + [1])
    base = _read_file(features) if features is not None else _read_table(store, "features", days)
    out = _stdout()
    summary = Table(title="风险模型评分 rule-model scores (latest period; 事件/积分 = warnings)")
    summary.add_column("model", no_wrap=True)
    summary.add_column("ver", no_wrap=True)
    summary.add_column("n", justify="right")
    for c in COLOURS:
        summary.add_column(COLOUR_ZH[c], justify="right", style=COLOUR_STYLE[c])
    summary.add_column("事件", justify="right")
    summary.add_column("积分", justify="right")
    scored_pairs = []
    for m in models:
        if m.feature_source == "features":
            frame = base
        elif store.exists(m.feature_source):
            frame = _read_table(store, m.feature_source, days)
        else:
            console.print(f"[yellow]跳过 skipped[/yellow] {m.id}: the store has no `{m.feature_source}` table")
            continue
        window = m.points_warning.window_days if m.points_warning else 0
        frame = _fill_missing(m, _recent(frame, window))
        try:
            scored_pairs.append((m, score(m, frame)))
        except ModelFileError as e:  # one broken model must not stop the others
            _error(f"跳过 skipped {m.id} v{m.version}:", e)
    with step(f"store scores of {len(scored_pairs)} models 保存评分"):
        save_many_scores(store, scored_pairs)
    warn = warnings_table([(m, sc) for m, sc in scored_pairs if not m.restricted])
    restricted = warnings_table([(m, sc) for m, sc in scored_pairs if m.restricted])
    store.write(WARNINGS_TABLE, warn, mode="replace")
    if len(restricted) or store.exists(WARNINGS_TABLE + RESTRICTED_SUFFIX):
        store.write(WARNINGS_TABLE + RESTRICTED_SUFFIX, restricted, mode="replace")
    cell_scores = {}
    for m, sc in scored_pairs:
        latest = sc[sc["period_start"] == sc["period_start"].max()]
        cell_scores[m.id] = latest
        counts = latest["colour"].value_counts().reindex(COLOURS, fill_value=0)
        w = (restricted if m.restricted else warn)
        w = w[w["model_id"] == m.id]
        summary.add_row(
            m.id, m.version, f"{len(latest):,}", *(f"{v:,}" for v in counts),
            f"{(w['kind'] == 'event').sum():,}", f"{(w['kind'] == 'points').sum():,}",
        )
    out.print(summary)
    cfg = read_composite(composite_template_path())
    fc = base if any(c.startswith("p_event_") for c in base.columns) else None
    for name in FORECAST_TABLES:
        if fc is None and store.exists(name):
            fc = store.read(name)
    by_id = {m.id: m for m, _ in scored_pairs}
    cell_models = {k: v for k, v in cell_scores.items() if by_id[k].subject == "cell"}
    try:
        fcw = _recent(forecast_wide(fc), 0) if fc is not None else None
        comp = composite_index(cfg, cell_models, fcw, by_id, missing="skip")
    except KeyError as e:
        console.print(f"[yellow]综合指数未计算 composite not computed:[/yellow] {e}")
        return
    store.write(COMPOSITE_TABLE, comp, mode="replace")
    grids = _grids(store)
    if grids is not None:
        from scoring.composite import cell_area_mapping, rollup_all

        mapping = cell_area_mapping(comp["h3"].to_numpy(), grids)
        weight = cfg.rollup_weight
        if weight == "population":
            if "ctx_residents" in base.columns:  # residents per cell as the population weight
                pop = _recent(base, 0).groupby("h3")["ctx_residents"].max()
                mapping["population"] = mapping["h3"].map(pop).fillna(0.0).to_numpy()
            else:
                console.print("  no ctx_residents in the features: rolled up by area instead of population")
                weight = "area"
        areas = rollup_all(comp, mapping, cfg.thresholds, weight)
        areas["period_start"] = comp["period_start"].iloc[0] if len(comp) else pd.NaT
        store.write(COMPOSITE_AREAS_TABLE, areas, mode="replace")
        top = areas[areas["level"] == "county"]
        t = Table(title="区县风险指数 county index")
        for c in ("区县 county", "指数 index", "红 share", "橙 share", "颜色"):
            t.add_column(c)
        for r in top.itertuples(index=False):
            t.add_row(str(r.code), f"{r.index:.1f}", f"{r.share_red:.1%}", f"{r.share_orange:.1%}",
                      f"[{COLOUR_STYLE[r.colour]}]{r.colour}[/]")
        out.print(t)
    else:
        console.print("  no `grids`/`areas` table in the store: composite not rolled up to grid/township/county")
    counts = comp["colour"].value_counts().reindex(COLOURS, fill_value=0).to_frame("cells")
    out.print(_counts_table(counts, f"{cfg.name_zh} {cfg.id} v{cfg.version}"))
    if comp.attrs.get("skipped"):
        console.print(f"  components without data 缺少数据的分量: {', '.join(comp.attrs['skipped'])}")
    out.print(f"stored tables: rule_scores, rule_factors, {WARNINGS_TABLE} ({len(warn):,} warnings), {COMPOSITE_TABLE}")
