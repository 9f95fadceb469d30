"""Why two records are (not) the same entity: the match weight of each field (Splink waterfall data).

匹配解释：对任意两条记录，给出每个比对字段命中的级别、贝叶斯因子与匹配权重（log2），以及先验与
总权重——即 Splink 瀑布图的数据，供应用展示。
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import pandas as pd

from fusion.resolve.chinese import register_duckdb_functions
from fusion.resolve.features import person_features
from fusion.resolve.persons import PROFILE_COLUMNS, _quiet_splink
from fusion.resolve.splink_settings import person_settings


def waterfall(scored: pd.DataFrame, settings: dict[str, Any]) -> pd.DataFrame:
    """Waterfall rows from one scored pair (Splink prediction row with ``gamma_*`` and ``mw_*`` or ``bf_*``).

    Columns: field, level (label of the level hit), bayes_factor, match_weight (log2 BF),
    cumulative (running total of match weight, prior first). First row is the prior, last the total.
    """
    row = scored.iloc[0]
    p = settings["probability_two_random_records_match"]
    prior = math.log2(p / (1 - p))
    rows = [
        {
            "field": "prior 先验",
            "level": f"p = {p:g}",
            "bayes_factor": p / (1 - p),
            "match_weight": prior,
        }
    ]
    for comp in settings["comparisons"]:
        name = comp["output_column_name"]
        levels = comp["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        gamma = int(row.get(f"gamma_{name}", -1))
        label = "null" if gamma < 0 else non_null[len(non_null) - 1 - gamma]["label_for_charts"]
        if f"mw_{name}" in row.index:  # Splink 5 reports match weights
            mw = float(row[f"mw_{name}"])
        else:  # Splink 4 reports Bayes factors
            bf = float(row.get(f"bf_{name}", 1.0))
            mw = math.log2(bf) if bf > 0 else float("-inf")
        rows.append({"field": name, "level": label, "bayes_factor": 2**mw, "match_weight": mw})
    out = pd.DataFrame(rows)
    out["cumulative"] = out["match_weight"].cumsum()
    total = out["match_weight"].sum()
    prob = 2**total / (1 + 2**total)
    return pd.concat(
        [
            out,
            pd.DataFrame(
                [
                    {
                        "field": "total 合计",
                        "level": f"probability {prob:.6f}",
                        "bayes_factor": 2**total,
                        "match_weight": total,
                        "cumulative": total,
                    }
                ]
            ),
        ],
        ignore_index=True,
    )


def explain_person_pair(
    record_l: dict[str, Any], record_r: dict[str, Any], settings: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Per-field match weights for two person records (input columns of
    :mod:`fusion.resolve.features`). ``settings``: trained Splink settings dict (default: the
    declared priors of :func:`fusion.resolve.splink_settings.person_settings`)."""
    from splink import DuckDBAPI, Linker

    _quiet_splink()
    settings = settings or person_settings("duckdb", probability_two_random_records_match=1e-4)
    f = person_features(pd.DataFrame([record_l, record_r]))
    f = f[["record_id", *PROFILE_COLUMNS, "feed"]]
    con = duckdb.connect()
    register_duckdb_functions(con)
    linker = Linker(DuckDBAPI(connection=con).register(f), settings)
    a, b = (f.iloc[i].to_dict() for i in (0, 1))
    infer = linker.inference
    score = getattr(infer, "score_pair", None) or infer.compare_two_records  # Splink 5 / Splink 4
    scored = score(a, b).as_pandas_dataframe()
    return waterfall(scored, settings)
