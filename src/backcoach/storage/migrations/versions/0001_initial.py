"""Initial journal schema: profiles, sessions and sets, screenings, check-ins, plan changes.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_UTC = sa.DateTime(timezone=True)  # stored as UTC by backcoach.storage.coltypes.UTCDateTime


def _profile_id() -> sa.Column[int]:
    return sa.Column(
        "profile_id",
        sa.Integer(),
        sa.ForeignKey("profiles.id", ondelete="CASCADE"),
        nullable=False,
    )


def _index_profile(table: str) -> None:
    op.create_index(f"ix_{table}_profile_id", table, ["profile_id"])


def upgrade() -> None:
    op.create_table(
        "profiles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.UniqueConstraint("name", name="uq_profiles_name"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _profile_id(),
        sa.Column("started_at", _UTC, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("pain_before", sa.Integer(), nullable=True),
        sa.Column("pain_after", sa.Integer(), nullable=True),
        sa.Column("ended_at", _UTC, nullable=True),
        sa.Column("stop_exercise_id", sa.String(64), nullable=True),
        sa.Column("stop_at", _UTC, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    _index_profile("sessions")
    op.create_table(
        "sets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "session_id",
            sa.Integer(),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("exercise_id", sa.String(64), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("hold_s", sa.Float(), nullable=False),
        sa.Column("started_at", _UTC, nullable=False),
        sa.Column("ended_at", _UTC, nullable=False),
        sa.Column("side", sa.String(10), nullable=True),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("quality", sa.Float(), nullable=True),
    )
    op.create_index("ix_sets_session_id", "sets", ["session_id"])
    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer(), primary_key=True),
        _profile_id(),
        sa.Column("taken_at", _UTC, nullable=False),
        sa.Column("positive_flags", sa.JSON(), nullable=False),
        sa.Column("cleared_at", _UTC, nullable=True),
        sa.Column("cleared_note", sa.Text(), nullable=True),
    )
    _index_profile("screenings")
    op.create_table(
        "screening_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "screening_id",
            sa.Integer(),
            sa.ForeignKey("screenings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("answer", sa.Boolean(), nullable=False),
        sa.UniqueConstraint(
            "screening_id", "question_id", name="uq_screening_answers_screening_id"
        ),
    )
    op.create_index("ix_screening_answers_screening_id", "screening_answers", ["screening_id"])
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        _profile_id(),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("feeling", sa.String(10), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.Column("at", _UTC, nullable=True),
    )
    _index_profile("checkins")
    op.create_table(
        "plan_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _profile_id(),
        sa.Column("exercise_id", sa.String(64), nullable=False),
        sa.Column("at", _UTC, nullable=False),
        sa.Column("from_reps", sa.Integer(), nullable=True),
        sa.Column("from_hold_s", sa.Integer(), nullable=True),
        sa.Column("from_sessions_per_day", sa.Integer(), nullable=True),
        sa.Column("to_reps", sa.Integer(), nullable=False),
        sa.Column("to_hold_s", sa.Integer(), nullable=False),
        sa.Column("to_sessions_per_day", sa.Integer(), nullable=False),
        sa.Column("reason_code", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    _index_profile("plan_changes")
    op.create_table(
        "disclaimer_acks",
        sa.Column("id", sa.Integer(), primary_key=True),
        _profile_id(),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("at", _UTC, nullable=False),
    )
    _index_profile("disclaimer_acks")


def downgrade() -> None:
    for table in (
        "disclaimer_acks",
        "plan_changes",
        "checkins",
        "screening_answers",
        "screenings",
        "sets",
        "sessions",
        "profiles",
    ):
        op.drop_table(table)
