"""Published model versions (模型版本) and the long table of score rows that records them.

Layout: ``<workdir>/models/<model_id>/v<version>.yaml`` — one file per published version, never
overwritten with different content. Score rows are kept in the store table
:data:`SCORES_TABLE` in long form (one row per subject, period and model version), so rows of
different models share one schema and every row names the version that produced it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from scoring.rules.engine import validate
from scoring.rules.model import ModelFileError, RuleModel, parse_model, read_model, version_key

SCORES_TABLE = "rule_scores"
FACTORS_TABLE = "rule_factors"
RESTRICTED_SUFFIX = "_restricted"
SCORES_KEY = ("model_id", "model_version", "subject_key", "period_start")


class VersionError(ModelFileError):
    """A version that does not exist, or a publish that would overwrite a different file."""


class ModelRegistry:
    """The folder of published model versions (``<workdir>/models``)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, model_id: str, version: str) -> Path:
        return self.root / model_id / f"v{version}.yaml"

    def model_ids(self) -> list[str]:
        """Ids of models with at least one published version, sorted."""
        if not self.root.exists():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and any(p.glob("v*.yaml")))

    def versions(self, model_id: str) -> list[str]:
        """Published versions of ``model_id``, oldest first."""
        d = self.root / model_id
        vs = [p.stem[1:] for p in d.glob("v*.yaml")] if d.exists() else []
        return sorted(vs, key=version_key)

    def load(self, model_id: str, version: str | None = None) -> RuleModel:
        """A published version (the latest when ``version`` is None)."""
        vs = self.versions(model_id)
        if not vs:
            raise VersionError(f"model {model_id!r} has no published version in {self.root}")
        if version is None:
            version = vs[-1]
        version = str(version).removeprefix("v")
        if version not in vs:
            raise VersionError(
                f"model {model_id!r} has no published version {version!r}; published: {', '.join(vs)}"
            )
        return read_model(self.path(model_id, version))

    def publish(self, model: RuleModel, source_text: str | None = None) -> Path:
        """Write ``model`` as a new published version; return its path.

        ``source_text``: the owner's YAML as written (kept verbatim, comments included, when it
        parses to the same model; else the model is written from its fields). Publishing the
        same content again is a no-op; a different model under an existing version number is
        refused (bump the version). The model must validate.
        """
        validate(model)
        p = self.path(model.id, model.version)
        text = model.to_yaml()
        if source_text is not None:
            try:
                if parse_model(yaml.safe_load(source_text)) == model:
                    text = source_text
            except (ModelFileError, yaml.YAMLError):
                pass
        if p.exists():
            if read_model(p) == model:
                return p
            raise VersionError(
                f"{p} already holds a different model {model.id!r} v{model.version}; "
                "raise `version` before publishing"
            )
        vs = self.versions(model.id)
        if vs and version_key(model.version) < version_key(vs[-1]):
            raise VersionError(
                f"model {model.id!r}: version {model.version} is older than the published {vs[-1]}"
            )
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(".yaml.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(p)
        return p

    def latest_models(self) -> list[RuleModel]:
        """The latest published version of every model."""
        return [self.load(m) for m in self.model_ids()]


def models_in_force(registry: ModelRegistry, templates: Iterable[Path]) -> list[RuleModel]:
    """Published models, plus each template whose id has no published version yet."""
    out = {m.id: m for m in registry.latest_models()}
    for p in templates:
        m = read_model(p)
        out.setdefault(m.id, m)
    return [out[k] for k in sorted(out)]


def score_rows(model: RuleModel, scored: pd.DataFrame) -> pd.DataFrame:
    """Long score rows for the store: one per subject and period, with the model version.

    Columns: model_id, model_version, subject, subject_key (str), h3 (int64; 0 when the
    subject has no cell), period_start, score, colour, points, key_factor_hits. The factor
    contributions go to :func:`factor_rows`.
    """
    key = model.key_column
    if "h3" in scored.columns:
        h3 = pd.to_numeric(scored["h3"], errors="coerce").fillna(0).astype("int64").to_numpy()
    else:
        h3 = np.zeros(len(scored), dtype="int64")
    return pd.DataFrame(
        {
            "model_id": scored["model_id"].astype(str).to_numpy(),
            "model_version": scored["model_version"].astype(str).to_numpy(),
            "subject": model.subject,
            "subject_key": scored[key].astype(str).to_numpy(),
            "h3": h3,
            "period_start": scored["period_start"].array,
            "score": scored["score"].astype(float).to_numpy(),
            "colour": scored["colour"].astype(str).to_numpy(),
            "points": scored["points"].astype(float).to_numpy(),
            "key_factor_hits": scored["key_factor_hits"].astype(str).to_numpy(),
        }
    )


def factor_rows(model: RuleModel, scored: pd.DataFrame) -> pd.DataFrame:
    """Factor-by-factor explanation rows (non-zero contributions only), vectorised.

    Columns: model_id, model_version, subject_key, period_start, factor_id, label_zh,
    label_en, value, contribution (score units).
    """
    n, k = len(scored), len(model.factors)
    contrib = scored[[f"factor_{f.id}" for f in model.factors]].to_numpy(dtype=float).ravel()
    value = scored[[f"value_{f.id}" for f in model.factors]].to_numpy(dtype=float).ravel()
    row = np.repeat(np.arange(n), k)
    fac = np.tile(np.arange(k), n)
    keep = contrib != 0
    row, fac = row[keep], fac[keep]
    ids = np.array([f.id for f in model.factors], dtype=object)
    zh = np.array([f.label_zh for f in model.factors], dtype=object)
    en = np.array([f.label_en for f in model.factors], dtype=object)
    return pd.DataFrame(
        {
            "model_id": model.id,
            "model_version": model.version,
            "subject_key": scored[model.key_column].astype(str).to_numpy()[row],
            "period_start": scored["period_start"].array[row],
            "factor_id": ids[fac],
            "label_zh": zh[fac],
            "label_en": en[fac],
            "value": value[keep],
            "contribution": contrib[keep],
        }
    )


def tables_for(model: RuleModel) -> tuple[str, str]:
    """(score table, factor table) of a model: restricted models (e.g. person-level care lists)
    go to ``*_restricted`` tables that only roles who need them may read (BRIEF guardrails)."""
    if model.restricted:
        return f"{SCORES_TABLE}{RESTRICTED_SUFFIX}", f"{FACTORS_TABLE}{RESTRICTED_SUFFIX}"
    return SCORES_TABLE, FACTORS_TABLE


def save_scores(store: Any, model: RuleModel, scored: pd.DataFrame) -> int:
    """Upsert score rows and factor rows of ``scored`` into the store; return score rows changed.

    ``store`` is a :class:`geo.store.base.Store`. Tables (see :func:`tables_for`):
    :data:`SCORES_TABLE` (key model_id, model_version, subject_key, period_start) and
    :data:`FACTORS_TABLE`, or their ``_restricted`` twins for restricted models.
    """
    return save_many_scores(store, [(model, scored)])


def save_many_scores(store: Any, pairs: Iterable[tuple[RuleModel, pd.DataFrame]]) -> int:
    """:func:`save_scores` for several models: one upsert per table, in one transaction."""
    groups: dict[tuple[str, str], list[tuple[RuleModel, pd.DataFrame]]] = {}
    for m, s in pairs:
        groups.setdefault(tables_for(m), []).append((m, s))
    n = 0
    with store.transaction() as tx:
        for (score_table, factor_table), group in groups.items():
            rows = pd.concat([score_rows(m, s) for m, s in group], ignore_index=True)
            fac_parts = [f for f in (factor_rows(m, s) for m, s in group) if not f.empty]
            n += int(tx.upsert(score_table, rows, key=list(SCORES_KEY)))
            if fac_parts:
                facs = pd.concat(fac_parts, ignore_index=True)
                tx.upsert(factor_table, facs, key=[*SCORES_KEY, "factor_id"])
    return n
