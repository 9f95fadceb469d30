"""PostGIS-specific parts of the store: schema names, DDL, migrations."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from shapely.geometry import Point

from geo.store import open_store
from geo.store.postgis import (
    base_schema,
    current_revision,
    drop_store,
    head_revision,
    migrate,
    sqlalchemy_url,
)


def test_base_schema_from_url() -> None:
    assert base_schema("postgresql://u:p@h/db") == "pingan"
    assert base_schema("postgresql://u:p@h/db?options=-csearch_path%3Dt_abc,public") == "t_abc"
    assert base_schema("postgres://u:p@h/db?options=-c%20search_path%3D%22$user%22,city") == "city"
    assert sqlalchemy_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    with pytest.raises(ValueError):
        sqlalchemy_url("mysql://u@h/db")


@pytest.mark.postgis
def test_migrations_tables_and_indexes(postgis_schema_url: str) -> None:
    url = postgis_schema_url
    base = base_schema(url)
    try:
        assert current_revision(url) is None
        migrate(url)
        migrate(url)  # idempotent
        assert current_revision(url) == head_revision()
        store = open_store(url)
        gdf = gpd.GeoDataFrame(
            {
                "id": [1, 2],
                "h3_9": np.array([617700169958293503, 617700169958293504], dtype=np.uint64),
                "at": pd.to_datetime(["2026-10-03T06:05:00Z"] * 2),
                "名称": ["龙岭", "赫山"],
            },
            geometry=[Point(112.35, 28.55), Point(112.36, 28.56)],
            crs=4326,
        )
        store.upsert("cells", gdf, key=["id"])
        eng = sa.create_engine(sqlalchemy_url(url))
        with eng.connect() as c:
            types = dict(
                c.execute(
                    sa.text(
                        "select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a "
                        "where a.attrelid = to_regclass(:t) and a.attnum > 0"
                    ),
                    {"t": f"{base}_analytic.cells"},
                ).all()
            )
            idx = (
                c.execute(
                    sa.text("select indexdef from pg_indexes where schemaname = :s"),
                    {"s": f"{base}_analytic"},
                )
                .scalars()
                .all()
            )
            cat = c.execute(
                sa.text(
                    f'select zone, table_name, geometry_column, key_columns from "{base}".store_tables'
                )
            ).all()
            srid = c.execute(
                sa.text(f'select distinct st_srid(geometry) from "{base}_analytic".cells')
            ).scalar()
            ext = c.execute(
                sa.text("select extname from pg_extension where extname = 'postgis'")
            ).scalar()
        eng.dispose()
        assert types == {
            "id": "bigint",
            "h3_9": "bigint",
            "at": "timestamp with time zone",
            "名称": "text",
            "geometry": "geometry(Geometry,4326)",
        }
        assert any("USING gist (geometry)" in d for d in idx)
        assert any("USING btree (h3_9)" in d for d in idx)
        assert any("UNIQUE INDEX" in d and "(id)" in d for d in idx)
        assert cat == [("analytic", "cells", "geometry", ["id"])]
        assert srid == 4326 and ext == "postgis"
        store.close()
    finally:
        drop_store(url)
