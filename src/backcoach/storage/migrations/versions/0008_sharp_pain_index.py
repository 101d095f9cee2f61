"""An index for the latest sharp-pain stop of a profile (``Journal.recent_history`` asks for it
on every ``/today``): without it the question read every session of the profile, 50 ms at 100k.

Revision ID: 0008
Revises: 0006 (the lead chains it after 0007 when both are merged)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_sessions_profile_outcome_end", "sessions",
                    ["profile_id", "outcome", sa.text("coalesce(stop_at, started_at)")])


def downgrade() -> None:
    op.drop_index("ix_sessions_profile_outcome_end", "sessions")
