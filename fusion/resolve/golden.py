"""Golden records (一数一源): one value per attribute per entity, from its declared authority.

黄金记录：每个属性按 ``golden.yaml`` 声明的权威来源取值，缺失时按声明顺序降级；部分值（遮蔽的
身份证号）排在所有完整值之后；同一来源多条时取最近加载的。每个属性带血缘列：
``<attr>_feed``、``<attr>_record``、``<attr>_loaded_at``。
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, Field

DEFAULT_CONFIG = Path(__file__).with_name("golden.yaml")


class AttributeRule(BaseModel):
    """Authority (first source) and fallback order of one attribute, and what may be published."""

    sources: list[str] = Field(min_length=1)
    sensitivity: Literal["public", "personal", "sensitive"] = "personal"
    token: str | None = None


class GoldenConfig(BaseModel):
    person: dict[str, AttributeRule]
    unit: dict[str, AttributeRule] = Field(default_factory=dict)


def load_config(path: str | Path | None = None) -> GoldenConfig:
    """Read and validate the golden-record configuration (YAML)."""
    with open(path or DEFAULT_CONFIG, encoding="utf-8") as fh:
        return GoldenConfig.model_validate(yaml.safe_load(fh))


def golden_records(
    records: pd.DataFrame,
    rules: dict[str, AttributeRule],
    partial: pd.DataFrame | None = None,
    entity_col: str = "entity_id",
) -> pd.DataFrame:
    """One row per entity: each attribute from its best-ranked non-null record, with lineage.

    ``records``: one row per source record with ``entity_col``, ``record_id``, ``feed``,
    ``loaded_at`` and the attribute columns named in ``rules``. ``partial`` (optional, same index
    as ``records``): boolean columns per attribute marking partial values (ranked last).
    Vectorised: one sort + first-per-entity per attribute.
    """
    recs = records[records[entity_col].notna()].copy()
    ents = pd.Index(pd.unique(recs[entity_col]), name=entity_col)
    out = pd.DataFrame(index=ents)
    loaded = (
        pd.to_datetime(recs["loaded_at"], errors="coerce", utc=True)
        if "loaded_at" in recs.columns
        else pd.Series(pd.NaT, index=recs.index)
    )
    for attr, rule in rules.items():
        if attr not in recs.columns:
            continue
        rank = recs["feed"].map({f: i for i, f in enumerate(rule.sources)})
        cand = pd.DataFrame(
            {
                "e": recs[entity_col],
                "v": recs[attr],
                "rank": rank,
                "rid": recs["record_id"],
                "feed": recs["feed"],
                "t": loaded,
            }
        )
        if partial is not None and attr in partial.columns:
            cand["rank"] = cand["rank"] + np.where(
                partial.loc[recs.index, attr].fillna(False).to_numpy(bool), len(rule.sources), 0
            )
        cand = cand[cand["v"].notna() & cand["rank"].notna()]
        cand = cand.sort_values(
            ["e", "rank", "t", "rid"],
            ascending=[True, True, False, True],
            kind="stable",
            na_position="last",
        )
        best = cand.drop_duplicates("e").set_index("e")
        out[attr] = best["v"].reindex(ents)
        out[f"{attr}_feed"] = best["feed"].reindex(ents)
        out[f"{attr}_record"] = best["rid"].reindex(ents)
        out[f"{attr}_loaded_at"] = best["t"].reindex(ents)
    out["n_records"] = recs.groupby(entity_col).size().reindex(ents).to_numpy()
    out["feeds"] = (
        recs.groupby(entity_col)["feed"]
        .agg(lambda s: ",".join(sorted(set(s))))
        .reindex(ents)
        .to_numpy()
    )
    return out.reset_index()


def publishable(
    golden: pd.DataFrame,
    rules: dict[str, AttributeRule],
    secret: str,
    entity_col: str = "entity_id",
) -> pd.DataFrame:
    """The analytic-zone view of golden records: public attributes as values, personal ones as
    keyed-hash tokens (``fusion.pseudonymise``), sensitive ones dropped; lineage kept for all
    published attributes (feed and time, not the record id of a personal value)."""
    from fusion.pseudonymise import tokenise

    out = golden[[entity_col, "n_records", "feeds"]].copy()
    for attr, rule in rules.items():
        if attr not in golden.columns or rule.sensitivity == "sensitive":
            continue
        if rule.sensitivity == "public":
            out[attr] = golden[attr]
        elif rule.token:
            out[f"{attr}_token"] = tokenise(
                golden[attr]
                .astype(object)
                .where(golden[attr].notna(), None)
                .map(lambda v: None if v is None else str(v)),
                secret,
                rule.token,
            )
        else:
            continue
        out[f"{attr}_feed"] = golden[f"{attr}_feed"]
        out[f"{attr}_loaded_at"] = golden[f"{attr}_loaded_at"]
    return out
