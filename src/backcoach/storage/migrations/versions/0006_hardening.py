"""Indexes for the per-period queries (``Journal.recent_history``): a request reads only the
days it shows, whatever the size of the journal.

Revision ID: 0006
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_plan_changes_profile_exercise_at", "plan_changes",
                    ["profile_id", "exercise_id", "at"])
    op.create_index("ix_checkins_profile_day", "checkins", ["profile_id", "day"])
    op.create_index("ix_notes_profile_at", "notes", ["profile_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_notes_profile_at", "notes")
    op.drop_index("ix_checkins_profile_day", "checkins")
    op.drop_index("ix_plan_changes_profile_exercise_at", "plan_changes")
