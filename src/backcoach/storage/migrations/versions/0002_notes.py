"""Add free-text notes and an index for listing a profile's sessions in time order.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "profile_id",
            sa.Integer(),
            sa.ForeignKey("profiles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_notes_profile_id", "notes", ["profile_id"])
    op.create_index("ix_sessions_profile_started", "sessions", ["profile_id", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_sessions_profile_started", table_name="sessions")
    op.drop_table("notes")
