"""pingan's resolver configured for the FEBRL benchmark data (English names, Australian addresses).

FEBRL 基准专用配置：同一套流程（Splink 打分 + 阈值 + 聚类 + 过度合并保护），字段换成 FEBRL 的列。
Differences from Splink's documented example: no EM passes (m probabilities are declared priors,
u is sampled — training is the slow part and EM adds nothing on these fields), name-swap and
date-transposition levels, and for a one-to-one link the guard "one record per source table per
entity" (:func:`fusion.resolve.clusters.guarded_clusters`, ``mode="unique"``).
"""

from __future__ import annotations

import logging

import duckdb
import pandas as pd

from fusion.resolve.clusters import guarded_clusters

logging.getLogger("splink").setLevel(logging.ERROR)


def febrl_settings(link_type: str):
    """Splink settings: comparisons with declared m priors, broad blocking."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    def jw(col: str, m: list[float]):
        return cl.CustomComparison(
            output_column_name=col,
            comparison_levels=[
                cll.NullLevel(col),
                cll.ExactMatchLevel(col),
                cll.JaroWinklerLevel(col, 0.92),
                cll.JaroWinklerLevel(col, 0.8),
                cll.ElseLevel(),
            ],
        ).configure(m_probabilities=m)

    names = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.And(cll.NullLevel("given_name"), cll.NullLevel("surname")),
            cll.And(cll.ExactMatchLevel("given_name"), cll.ExactMatchLevel("surname")),
            {
                "sql_condition": "given_name_l = surname_r and surname_l = given_name_r",
                "label_for_charts": "swapped",
            },
            cll.And(
                cll.JaroWinklerLevel("given_name", 0.88), cll.JaroWinklerLevel("surname", 0.88)
            ),
            cll.Or(cll.ExactMatchLevel("given_name"), cll.ExactMatchLevel("surname")),
            cll.Or(cll.JaroWinklerLevel("given_name", 0.8), cll.JaroWinklerLevel("surname", 0.8)),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.75, 0.05, 0.12, 0.05, 0.02, 0.01])
    dob = cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("date_of_birth"),
            cll.ExactMatchLevel("date_of_birth"),
            cll.LevenshteinLevel("date_of_birth", 1),
            {
                "sql_condition": "substr(date_of_birth_l,1,4) = substr(date_of_birth_r,1,4) and "
                "substr(date_of_birth_l,5,2) = substr(date_of_birth_r,7,2) and "
                "substr(date_of_birth_l,7,2) = substr(date_of_birth_r,5,2)",
                "label_for_charts": "d/m swapped",
            },
            cll.LevenshteinLevel("date_of_birth", 2),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.8, 0.1, 0.02, 0.04, 0.04])
    ssid = cl.CustomComparison(
        output_column_name="soc_sec_id",
        comparison_levels=[
            cll.NullLevel("soc_sec_id"),
            cll.ExactMatchLevel("soc_sec_id"),
            cll.DamerauLevenshteinLevel("soc_sec_id", 1),
            cll.DamerauLevenshteinLevel("soc_sec_id", 2),
            cll.ElseLevel(),
        ],
    ).configure(m_probabilities=[0.8, 0.12, 0.04, 0.04])
    comps = [
        names,
        dob,
        ssid,
        cl.ExactMatch("street_number").configure(m_probabilities=[0.85, 0.15]),
        cl.CustomComparison(
            output_column_name="postcode",
            comparison_levels=[
                cll.NullLevel("postcode"),
                cll.ExactMatchLevel("postcode"),
                cll.DamerauLevenshteinLevel("postcode", 1),
                cll.ElseLevel(),
            ],
        ).configure(m_probabilities=[0.85, 0.1, 0.05]),
        jw("address_1", [0.8, 0.1, 0.05, 0.05]),
        jw("suburb", [0.8, 0.1, 0.05, 0.05]),
    ]
    blocking = [
        block_on("soc_sec_id"),
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode", "street_number"),
        block_on("postcode", "suburb"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("street_number", "address_1"),
    ]
    return SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comps,
        probability_two_random_records_match=1 / 5000,
    )


def resolve_febrl(dfs: list[pd.DataFrame], link_type: str, threshold: float = 0.9) -> pd.Series:
    """Cluster FEBRL records (``rec_id`` + FEBRL columns, strings); returns cluster per rec_id."""
    from splink import DuckDBAPI, Linker

    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    cols = [
        "rec_id",
        "given_name",
        "surname",
        "date_of_birth",
        "soc_sec_id",
        "street_number",
        "postcode",
        "address_1",
        "suburb",
    ]
    sdfs = [db_api.register(d[cols].copy()) for d in dfs]
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], febrl_settings(link_type))
    linker.training.estimate_u_using_random_sampling(max_pairs=1e5, seed=2)
    pred = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    recs = pd.concat([d[["rec_id"]].assign(src=i) for i, d in enumerate(dfs)], ignore_index=True)
    edges = pd.DataFrame(
        {"l": pred["rec_id_l"], "r": pred["rec_id_r"], "weight": pred["match_weight"]}
    )
    if link_type == "link_only":
        return guarded_clusters(recs, edges, conflict_col="src", mode="unique", id_col="rec_id")
    return guarded_clusters(recs, edges, id_col="rec_id")
