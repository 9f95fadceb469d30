"""Alembic environment of the PostGIS store.

Every revision's ``upgrade(base_schema)`` / ``downgrade(base_schema)`` receives the *base
schema*: the catalogue ``store_tables`` and ``alembic_version`` live there, the zones in
``<base>_analytic`` and ``<base>_raw``. ``geo.store.postgis.migrate`` passes an open connection
and the base schema in ``config.attributes``; the command line passes ``-x url=...`` (or
``PINGAN_DATABASE_URL``) and optionally ``-x schema=...``.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import context
from sqlalchemy.pool import NullPool

from geo.store.postgis import base_schema, sqlalchemy_url

config = context.config


def _run(conn: sa.Connection, base: str) -> None:
    # One migrator at a time per base schema (several processes may open the store at once).
    conn.execute(
        sa.text("select pg_advisory_xact_lock(hashtext(:k))"), {"k": f"pingan-store:{base}"}
    )
    conn.exec_driver_sql(f'create schema if not exists "{base}"')
    context.configure(connection=conn, version_table_schema=base, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations(base_schema=base)


def run_migrations_online() -> None:
    conn = config.attributes.get("connection")
    base = config.attributes.get("base_schema")
    if conn is not None:
        _run(conn, base)
        return
    x = context.get_x_argument(as_dictionary=True)
    url = x.get("url") or os.environ.get("PINGAN_DATABASE_URL", "")
    if not url:
        raise SystemExit("give the database: alembic -x url=postgresql://... upgrade head")
    engine = sa.create_engine(sqlalchemy_url(url), poolclass=NullPool)
    with engine.begin() as c:
        _run(c, x.get("schema") or base_schema(url))


def run_migrations_offline() -> None:
    x = context.get_x_argument(as_dictionary=True)
    base = x.get("schema") or "pingan"
    context.configure(url="postgresql+psycopg://", literal_binds=True, version_table_schema=base)
    with context.begin_transaction():
        context.execute(f'create schema if not exists "{base}"')
        context.run_migrations(base_schema=base)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
