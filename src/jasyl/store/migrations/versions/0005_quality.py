"""Monitoring data quality: flags and corrected values per measurement, sensor type and place per site,
confirmation of alerts.

Revision ID: 0005_quality
Revises: tracking_register_1
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_quality"
down_revision = "tracking_register_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("measurements", sa.Column("quality_flags", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("measurements", sa.Column("value_corrected", sa.Float(), nullable=True))
    op.add_column("measurements", sa.Column("correction", sa.String(40), nullable=True))
    op.add_column("sites", sa.Column("sensor_type", sa.String(100), nullable=True))
    op.add_column("sites", sa.Column("place", sa.String(200), nullable=True))
    op.add_column("alerts", sa.Column("confirmation", sa.String(20), nullable=False,
                                      server_default="not_checked"))
    op.add_column("alerts", sa.Column("confirmed_by", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("confirmed_by")
        batch.drop_column("confirmation")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("place")
        batch.drop_column("sensor_type")
    with op.batch_alter_table("measurements") as batch:
        batch.drop_column("correction")
        batch.drop_column("value_corrected")
        batch.drop_column("quality_flags")
