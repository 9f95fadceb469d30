"""Splink settings for person resolution — describe only; the DuckDB/Spark/Postgres backend runs them.

人员实体解析的 Splink 配置（Splink 4/5）。Comparisons:

- ``id``: both full and equal (15-digit IDs are upgraded first, so 15/18 forms are equal) /
  masked-compatible (one side masked, same region prefix and last four incl. the sex digit) /
  else (two different full IDs: strong evidence against).
- ``name``: exact / same pinyin (homophone typo, 张伟 vs 张玮) / one character apart (code-point
  Levenshtein ≤ 1) / same fuzzy pinyin (n/l, -n/-ng, z/zh ...) / else.
- ``birth`` exact, ``sex`` exact, ``phone`` exact, ``address_id`` (gazetteer) exact,
  ``household_no`` exact (shared household).

Every column is precomputed (:func:`fusion.resolve.features.person_features`), so the SQL is
plain equality except one character-distance function whose name depends on the backend:

- DuckDB: ``zh_levenshtein`` — registered by
  :func:`fusion.resolve.chinese.register_duckdb_functions` (DuckDB's own ``levenshtein`` counts
  UTF-8 bytes: ``levenshtein('张伟','张玮') = 3``).
- PostgreSQL: ``levenshtein`` from ``CREATE EXTENSION fuzzystrmatch`` counts characters in a
  UTF-8 database — pass ``dialect="postgres"``; load the feature frame into a table first.
- Spark: the built-in ``levenshtein`` counts characters (UTF8String code points) — pass
  ``dialect="spark"`` and give ``SparkAPI`` the feature frame as a Spark DataFrame.

The m probabilities are declared priors (the share of true matches at each level, set from the
feeds' known error rates); the u probabilities carry priors too (chance agreement of two random
residents) and are re-estimated by random sampling when there are enough records
(:data:`MIN_RECORDS_FOR_U`).
"""

from __future__ import annotations

from typing import Any

CHAR_DISTANCE = {"duckdb": "zh_levenshtein", "postgres": "levenshtein", "spark": "levenshtein"}

# match probability above which two records are the same person
PERSON_THRESHOLD = 0.95
# below this many distinct profiles the sampled u values are noise: keep the priors
MIN_RECORDS_FOR_U = 2000


def _lvl(sql: str, label: str, **kw: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **kw}


def _null(col: str) -> dict[str, Any]:
    return _lvl(f"{col}_l IS NULL OR {col}_r IS NULL", "null", is_null_level=True)


def _exact(col: str, m: list[float], u: float, label: str) -> dict[str, Any]:
    return {
        "output_column_name": col,
        "comparison_description": label,
        "comparison_levels": [
            _null(col),
            _lvl(f"{col}_l = {col}_r", "exact", m_probability=m[0], u_probability=u),
            _lvl("ELSE", "else", m_probability=m[1], u_probability=1 - u),
        ],
    }


def person_comparisons(dialect: str = "duckdb") -> list[dict[str, Any]]:
    """The person comparisons as Splink comparison dicts (backend-independent except the
    character-distance function name, see module doc)."""
    lev = CHAR_DISTANCE[dialect]
    id_cmp = {
        "output_column_name": "id",
        "comparison_description": "resident ID 身份证号",
        "comparison_levels": [
            _lvl("id18_l IS NULL OR id18_r IS NULL", "null", is_null_level=True),
            _lvl("id_full_l = id_full_r", "full ID equal", m_probability=0.95, u_probability=1e-7),
            _lvl(
                "(id_masked_l OR id_masked_r) AND id_pre6_l = id_pre6_r AND id_suf4_l = id_suf4_r",
                "masked-compatible",
                m_probability=0.04,
                u_probability=1e-5,
            ),
            _lvl("ELSE", "different", m_probability=0.01, u_probability=1 - 1e-5 - 1e-7),
        ],
    }
    name_cmp = {
        "output_column_name": "name",
        "comparison_description": "name 姓名",
        "comparison_levels": [
            _null("name"),
            _lvl("name_l = name_r", "exact", m_probability=0.93, u_probability=1e-3),
            _lvl(
                "name_py_l = name_py_r",
                "same pinyin (homophone)",
                m_probability=0.04,
                u_probability=5e-4,
            ),
            _lvl(
                f"{lev}(name_l, name_r) <= 1",
                "one character apart",
                m_probability=0.015,
                u_probability=2e-2,
            ),
            _lvl(
                "name_fz_l = name_fz_r", "same fuzzy pinyin", m_probability=0.01, u_probability=1e-3
            ),
            _lvl("ELSE", "else", m_probability=0.005, u_probability=0.9775),
        ],
    }
    return [
        id_cmp,
        name_cmp,
        _exact("birth", [0.97, 0.03], 5e-5, "birth date 出生日期"),
        _exact("sex", [0.99, 0.01], 0.5, "sex 性别"),
        _exact("phone", [0.8, 0.2], 1e-5, "phone 电话"),
        _exact("address_id", [0.6, 0.4], 1e-3, "gazetteer address 标准地址"),
        _exact("household_no", [0.9, 0.1], 2e-5, "household 户号"),
    ]


def person_blocking() -> list[str]:
    """Blocking rules (plain SQL, every backend)."""
    return [
        "l.id_full = r.id_full",
        "l.id_pre6 = r.id_pre6 AND l.id_suf4 = r.id_suf4 AND (l.id_masked OR r.id_masked)",
        "l.name_py = r.name_py AND l.birth = r.birth",
        "l.phone = r.phone AND l.name_ini = r.name_ini",
        "l.address_id = r.address_id AND l.name_fz = r.name_fz",
    ]


def person_settings(
    dialect: str = "duckdb", probability_two_random_records_match: float = 1e-5
) -> dict[str, Any]:
    """Complete Splink settings dict for deduplicating person feature frames."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "record_id",
        "probability_two_random_records_match": probability_two_random_records_match,
        "blocking_rules_to_generate_predictions": [{"blocking_rule": b} for b in person_blocking()],
        "comparisons": person_comparisons(dialect),
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": ["feed"],
    }
