"""Alert status wide enough for 'acknowledged' (12 characters; the column was VARCHAR(10)).

PostgreSQL refused every acknowledgement ("value too long for type character varying(10)"). SQLite
does not enforce declared lengths: only the declared type changes there, by the procedure SQLite documents
for schema changes that leave the stored content as it is (ALTER TABLE, section "Making other kinds of
table schema changes": edit ``sqlite_schema`` under ``writable_schema``, bump ``schema_version``), because
rebuilding the table would break the alert events that refer to it.

Revision ID: 0006_alert_status_width
Revises: 0005_quality
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_alert_status_width"
down_revision = "0005_quality"
branch_labels = None
depends_on = None


def _sqlite_declared_type(old: str, new: str) -> None:
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'alerts'").scalar()
    if not sql or f"status {old}" not in sql:
        return
    version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar() or 0)
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'alerts'",
                             (sql.replace(f"status {old}", f"status {new}", 1),))
        bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_declared_type("VARCHAR(10)", "VARCHAR(20)")
    else:
        op.alter_column("alerts", "status", type_=sa.String(20), existing_type=sa.String(10),
                        existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_declared_type("VARCHAR(20)", "VARCHAR(10)")
    else:
        op.alter_column("alerts", "status", type_=sa.String(10), existing_type=sa.String(20),
                        existing_nullable=False)
