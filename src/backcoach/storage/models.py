"""The journal's tables as SQLAlchemy 2 typed ORM classes.

These mirror ``backcoach.core.records`` one to one; the mapping both ways lives in
``journal.py``. The schema itself is created and changed only by the Alembic migrations in
``migrations/versions`` (a test checks that they and these classes agree). Types are portable:
the same schema runs on SQLite (the default) and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from backcoach.storage.coltypes import UTCDateTime

# Stable constraint names, so later migrations can alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PROFILE_NAME_MAX = 100
EXERCISE_ID_MAX = 64


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _profile_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"), index=True)


class Profile(Base):
    """One person using this machine; every other row belongs to exactly one profile."""

    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(PROFILE_NAME_MAX), unique=True)

    sessions: Mapped[list[SessionRow]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True
    )
    screenings: Mapped[list[ScreeningRow]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True
    )
    checkins: Mapped[list[CheckinRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    plan_changes: Mapped[list[PlanChangeRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    disclaimer_acks: Mapped[list[DisclaimerAckRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    notes: Mapped[list[NoteRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    settings: Mapped[list[SettingRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    sharp_pain_events: Mapped[list[SharpPainEventRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    professional_advice: Mapped[list[ProfessionalAdviceRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class SessionRow(Base):
    """One exercise session; ``outcome`` is ``in_progress`` until it is finished."""

    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = _profile_fk()
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20))
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stop_exercise_id: Mapped[str | None] = mapped_column(String(EXERCISE_ID_MAX))
    stop_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    profile: Mapped[Profile] = relationship(back_populates="sessions")
    sets: Mapped[list[SetRow]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SetRow.id",
    )


class SetRow(Base):
    """One exercise set, committed as soon as it ends."""

    __tablename__ = "sets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    exercise_id: Mapped[str] = mapped_column(String(EXERCISE_ID_MAX))
    reps: Mapped[int] = mapped_column(Integer)
    hold_s: Mapped[float] = mapped_column(Float)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    side: Mapped[str | None] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(10))
    quality: Mapped[float | None] = mapped_column(Float)
    full_reps: Mapped[int | None] = mapped_column(Integer)
    range_deg: Mapped[float | None] = mapped_column(Float)  # camera sets only (migration 0007)

    session: Mapped[SessionRow] = relationship(back_populates="sets")


class ScreeningRow(Base):
    """One completed red-flag screening; cleared once a professional has cleared the person."""

    __tablename__ = "screenings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = _profile_fk()
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    positive_flags: Mapped[list[str]] = mapped_column(JSON)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_note: Mapped[str | None] = mapped_column(Text)
    cleared_by: Mapped[str | None] = mapped_column(String(200))
    cleared_on: Mapped[date | None] = mapped_column(Date)

    profile: Mapped[Profile] = relationship(back_populates="screenings")
    answers: Mapped[list[ScreeningAnswerRow]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ScreeningAnswerRow.position",
    )


class ScreeningAnswerRow(Base):
    """One yes/no answer of a screening, in the order the questions were asked."""

    __tablename__ = "screening_answers"
    __table_args__ = (UniqueConstraint("screening_id", "question_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(
        ForeignKey("screenings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(64))
    answer: Mapped[bool] = mapped_column(Boolean)


class CheckinRow(Base):
    """A next-morning check-in."""

    __tablename__ = "checkins"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = _profile_fk()
    day: Mapped[date] = mapped_column(Date)
    feeling: Mapped[str] = mapped_column(String(10))
    pain: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PlanChangeRow(Base):
    """A dose change of one exercise; the ``from_*`` columns are null for the first plan."""

    __tablename__ = "plan_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = _profile_fk()
    exercise_id: Mapped[str] = mapped_column(String(EXERCISE_ID_MAX))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    from_reps: Mapped[int | None] = mapped_column(Integer)
    from_hold_s: Mapped[int | None] = mapped_column(Integer)
    from_sessions_per_day: Mapped[int | None] = mapped_column(Integer)
    to_reps: Mapped[int] = mapped_column(Integer)
    to_hold_s: Mapped[int] = mapped_column(Integer)
    to_sessions_per_day: Mapped[int] = mapped_column(Integer)
    reason_code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)


class DisclaimerAckRow(Base):
    """The person acknowledged the disclaimer text whose hash is ``version``."""

    __tablename__ = "disclaimer_acks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = _profile_fk()
    version: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class NoteRow(Base):
    """A free-text note (added by migration 0002)."""

    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = _profile_fk()
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)


class SettingRow(Base):
    """One per-profile preference (migration 0004): a short key and a JSON value."""

    __tablename__ = "profile_settings"
    __table_args__ = (UniqueConstraint("profile_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = _profile_fk()
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[object] = mapped_column(JSON, nullable=True)


class SharpPainEventRow(Base):
    """SHARP PAIN pressed outside a running session (migration 0004)."""

    __tablename__ = "sharp_pain_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = _profile_fk()
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(32))
    pain: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    session_id: Mapped[int | None] = mapped_column(Integer)


class ProfessionalAdviceRow(Base):
    """A professional's advice after repeated sharp pain (migration 0004)."""

    __tablename__ = "professional_advice"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = _profile_fk()
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(200))
    on: Mapped[date] = mapped_column(Date)
    said: Mapped[str] = mapped_column(Text)


# Listing the sessions of a profile in time order is the commonest query (migration 0002).
Index("ix_sessions_profile_started", SessionRow.profile_id, SessionRow.started_at)
# The per-period reads of ``Journal.recent_history`` (migration 0006).
Index("ix_plan_changes_profile_exercise_at", PlanChangeRow.profile_id, PlanChangeRow.exercise_id,
      PlanChangeRow.at)
Index("ix_checkins_profile_day", CheckinRow.profile_id, CheckinRow.day)
Index("ix_notes_profile_at", NoteRow.profile_id, NoteRow.at)
# The latest sharp-pain stop, asked by every ``/today`` (migration 0008).
Index("ix_sessions_profile_outcome_end", SessionRow.profile_id, SessionRow.outcome,
      func.coalesce(SessionRow.stop_at, SessionRow.started_at))
