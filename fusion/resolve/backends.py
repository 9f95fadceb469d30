"""Run the same person settings on Splink's PostgreSQL backend (bigger deployments).

同一套 Splink 配置在 PostgreSQL 后端运行：特征列在 Python 中预先算好（拼音、身份证号各部分），
写入一张表，Splink 的 ``PostgresAPI`` 在库内打分；按字符的编辑距离用 ``fuzzystrmatch`` 的
``levenshtein``（UTF-8 库中按字符计数）。Spark: the same feature frame as a Spark DataFrame,
``SparkAPI(spark_session=...)`` and ``person_settings("spark")`` (Spark's ``levenshtein`` counts
characters too).

Splink's own Postgres registration of a pandas frame goes through DuckDB's ``postgres``
extension, which is downloaded at run time; offline we write the table with SQLAlchemy instead.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from fusion.resolve.features import person_features
from fusion.resolve.persons import PROFILE_COLUMNS, _quiet_splink
from fusion.resolve.splink_settings import person_settings


def sqlalchemy_url(url: str) -> str:
    """``postgresql://`` → ``postgresql+psycopg://`` (psycopg 3 driver)."""
    return (
        url.replace("postgresql://", "postgresql+psycopg://", 1)
        if url.startswith("postgresql://")
        else url
    )


def score_persons_postgres(
    records: pd.DataFrame,
    url: str,
    table: str | None = None,
    schema: str = "splink",
    threshold: float = 0.5,
    probability_two_random_records_match: float = 1e-4,
) -> pd.DataFrame:
    """Score candidate pairs of person records inside PostgreSQL (same comparisons as DuckDB).

    Needs ``CREATE EXTENSION fuzzystrmatch`` (done here when allowed). The features go to a
    fresh table in Splink's working ``schema`` (``table`` or a unique name; Splink reads a table's columns from the catalogue,
    so a same-named table in another schema of the search path would double them), dropped after.
    Returns Splink's prediction rows (record_id_l/r, match_weight, match_probability, gamma_*).
    """
    import uuid

    import sqlalchemy as sa
    from splink import Linker
    from splink.backends.postgres import PostgresAPI

    _quiet_splink()
    eng = sa.create_engine(sqlalchemy_url(url))
    with eng.begin() as c:
        c.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
        c.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    f = person_features(records)[["record_id", *PROFILE_COLUMNS, "feed"]]
    table = table or f"er_person_features_{uuid.uuid4().hex[:8]}"
    f.to_sql(table, eng, schema=schema, if_exists="replace", index=False)
    try:
        linker = Linker(
            PostgresAPI(engine=eng, schema=schema).register(table),
            person_settings("postgres", probability_two_random_records_match),
        )
        out: Any = linker.inference.predict(
            threshold_match_probability=threshold
        ).as_pandas_dataframe()
    finally:
        with eng.begin() as c:
            c.exec_driver_sql(f'DROP TABLE IF EXISTS "{schema}"."{table}"')
        eng.dispose()
    return out
