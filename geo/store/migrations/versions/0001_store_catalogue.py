"""Store foundation: postgis extension, zone schemas, the store_tables catalogue.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ZONES = ("analytic", "raw")


def upgrade(base_schema: str = "pingan") -> None:
    op.execute("create extension if not exists postgis schema public")
    for zone in ZONES:
        op.execute(f'create schema if not exists "{base_schema}_{zone}"')
    op.create_table(
        "store_tables",
        sa.Column("zone", sa.Text, nullable=False),
        sa.Column("table_name", sa.Text, nullable=False),
        sa.Column("columns", pg.JSONB, nullable=False, comment="ordered [[name, kind], ...]"),
        sa.Column("geometry_column", sa.Text),
        sa.Column("key_columns", pg.ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("partition_columns", pg.ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column(
            "created_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("zone", "table_name"),
        sa.CheckConstraint("zone in ('analytic', 'raw')", name="store_tables_zone"),
        schema=base_schema,
        comment="pingan store catalogue: every table the store created, per zone",
    )


def downgrade(base_schema: str = "pingan") -> None:
    op.drop_table("store_tables", schema=base_schema)
    for zone in ZONES:
        op.execute(f'drop schema if exists "{base_schema}_{zone}" cascade')
