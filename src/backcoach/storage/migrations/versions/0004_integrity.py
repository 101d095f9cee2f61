"""Session integrity and safety follow-through (issue 9), plus per-profile settings.

- ``profile_settings``: small per-profile preferences (time zone, voice, reminders, ...), JSON.
- ``sharp_pain_events``: SHARP PAIN pressed outside a running session.
- ``professional_advice``: a professional's advice after repeated sharp pain.
- ``screenings.cleared_by`` / ``cleared_on``: who cleared a red flag and when they saw the person.
- ``sessions.time_zone`` / ``last_active_at``: the person's zone; the last sign of life of a
  session in progress (a session left ``in_progress`` by a crash is closed from it).
- ``sets.full_reps``: repetitions that reached the prescribed hold (or the camera counted).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def _profile_id() -> sa.Column[int]:
    return sa.Column(
        "profile_id",
        sa.Integer(),
        sa.ForeignKey("profiles.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "profile_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        _profile_id(),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.UniqueConstraint("profile_id", "key", name="uq_profile_settings_profile_id"),
    )
    op.create_index("ix_profile_settings_profile_id", "profile_settings", ["profile_id"])
    op.create_table(
        "sharp_pain_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        _profile_id(),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(32), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_sharp_pain_events_profile_id", "sharp_pain_events", ["profile_id"])
    op.create_table(
        "professional_advice",
        sa.Column("id", sa.Integer(), primary_key=True),
        _profile_id(),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("said", sa.Text(), nullable=False),
    )
    op.create_index("ix_professional_advice_profile_id", "professional_advice", ["profile_id"])
    op.add_column("screenings", sa.Column("cleared_by", sa.String(200), nullable=True))
    op.add_column("screenings", sa.Column("cleared_on", sa.Date(), nullable=True))
    op.add_column("sessions", sa.Column("time_zone", sa.String(64), nullable=True))
    op.add_column(
        "sessions", sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("sets", sa.Column("full_reps", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sets") as batch:
        batch.drop_column("full_reps")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("last_active_at")
        batch.drop_column("time_zone")
    with op.batch_alter_table("screenings") as batch:
        batch.drop_column("cleared_on")
        batch.drop_column("cleared_by")
    op.drop_table("professional_advice")
    op.drop_table("sharp_pain_events")
    op.drop_table("profile_settings")
