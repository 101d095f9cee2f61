"""Add the weekly Patient-Specific Functional Scale: one row per rating, one per activity.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "psfs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "profile_id",
            sa.Integer(),
            sa.ForeignKey("profiles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_psfs_profile_id", "psfs", ["profile_id"])
    op.create_table(
        "psfs_activities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "psfs_id",
            sa.Integer(),
            sa.ForeignKey("psfs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.UniqueConstraint("psfs_id", "position", name="uq_psfs_activities_psfs_id"),
    )
    op.create_index("ix_psfs_activities_psfs_id", "psfs_activities", ["psfs_id"])


def downgrade() -> None:
    op.drop_table("psfs_activities")
    op.drop_table("psfs")
