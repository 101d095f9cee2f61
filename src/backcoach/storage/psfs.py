"""The weekly Patient-Specific Functional Scale in the journal (tables added by migration 0003).

Kept beside, not inside, ``Journal``: two small functions that use its transaction, and two
tables that belong to a profile like every other record (deleting the profile deletes them, by
the database's ``ON DELETE CASCADE``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from backcoach.core.psfs import MAX_ACTIVITY_NAME_CHARS, PsfsActivity, PsfsRecord
from backcoach.storage.coltypes import UTCDateTime
from backcoach.storage.journal import Journal
from backcoach.storage.mapping import aware
from backcoach.storage.models import Base, Profile


class PsfsRow(Base):
    """One weekly rating of one to three activities."""

    __tablename__ = "psfs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    activities: Mapped[list[PsfsActivityRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PsfsActivityRow.position"
    )


class PsfsActivityRow(Base):
    """One named activity and its 0-10 rating, in the order the person gave them."""

    __tablename__ = "psfs_activities"
    __table_args__ = (UniqueConstraint("psfs_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    psfs_id: Mapped[int] = mapped_column(ForeignKey("psfs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(MAX_ACTIVITY_NAME_CHARS))
    score: Mapped[int] = mapped_column(Integer)


def add_psfs(journal: Journal, profile: str, record: PsfsRecord) -> int:
    """Store one PSFS for ``profile`` (created if new); committed before this returns."""
    profile_id = journal.ensure_profile(profile)
    with journal.transaction() as session:
        (row,) = stage_psfs(session, profile_id, (record,))
        session.flush()
        return row.id


def stage_psfs(session: Session, profile_id: int, records: Iterable[PsfsRecord]) -> list[PsfsRow]:
    """Add ``records`` of profile ``profile_id`` to ``session`` (the caller's transaction).

    Import uses it in ``Journal.add_records(..., stage=...)``, so a journal and its PSFS are
    stored together or not at all.
    """
    rows = []
    for record in records:
        row = PsfsRow(profile_id=profile_id, at=aware(record.at, "PSFS time"))
        row.activities = [
            PsfsActivityRow(position=n, name=a.name, score=a.score)
            for n, a in enumerate(record.activities)
        ]
        rows.append(row)
    session.add_all(rows)
    return rows


def psfs_records(journal: Journal, profile: str) -> tuple[PsfsRecord, ...]:
    """Every PSFS of ``profile``, oldest first; empty for an unknown profile."""
    with journal.transaction() as session:
        rows = session.scalars(
            select(PsfsRow)
            .join(Profile, Profile.id == PsfsRow.profile_id)
            .where(Profile.name == profile)
            .options(selectinload(PsfsRow.activities))
            .order_by(PsfsRow.at, PsfsRow.id)
        )
        return tuple(
            PsfsRecord(
                at=row.at,
                activities=tuple(PsfsActivity(a.name, a.score) for a in row.activities),
                id=row.id,
            )
            for row in rows
        )
