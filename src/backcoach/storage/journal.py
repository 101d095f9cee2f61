"""The pain journal: the one object the CLI and web use to read and write a profile's records.

Every write is its own transaction, committed before the method returns: a set is on disk as
soon as ``add_set`` returns, so killing the process mid-session loses nothing already done.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from backcoach.core.records import (
    DisclaimerAck,
    History,
    MorningCheckin,
    Note,
    PlanChange,
    ProfessionalAdvice,
    ScreeningRecord,
    SessionOutcome,
    SessionRecord,
    SetRecord,
    SharpPainEvent,
)
from backcoach.storage import mapping
from backcoach.storage.database import (
    DATABASE_FILENAME,
    DISK_FULL_MESSAGE,
    check_sqlite_file,
    corrupt_message,
    damaged_message,
    describe_error,
    is_corruption,
    is_disk_full,
    make_engine,
    migrate,
    passes_integrity_check,
    resolve_data_dir,
    sqlite_url,
)
from backcoach.storage.errors import (
    ProfileExistsError,
    StorageError,
    UnknownProfileError,
    UnknownRecordError,
)
from backcoach.storage.models import (
    PROFILE_NAME_MAX,
    CheckinRow,
    DisclaimerAckRow,
    NoteRow,
    PlanChangeRow,
    ProfessionalAdviceRow,
    Profile,
    ScreeningRow,
    SessionRow,
    SettingRow,
    SharpPainEventRow,
)
from backcoach.storage.readcache import CommitWatch, ReadCache

SETTING_KEY_MAX = 64
_Row = TypeVar("_Row", CheckinRow, PlanChangeRow, DisclaimerAckRow, NoteRow,
                SharpPainEventRow, ProfessionalAdviceRow)


def validate_profile_name(name: str) -> str:
    """A profile name: non-empty, no surrounding spaces, at most 100 characters."""
    if not isinstance(name, str) or not name.strip():
        raise StorageError("a profile name must not be empty")
    if name != name.strip():
        raise StorageError(f"profile name {name!r} must not start or end with spaces")
    if len(name) > PROFILE_NAME_MAX:
        raise StorageError(f"profile name is longer than {PROFILE_NAME_MAX} characters")
    return name


class Journal:
    """A handle on one journal database. Open with ``Journal.open``; close when done."""

    def __init__(self, engine: Engine, path: Path | None = None, *, damaged: bool = False) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.path = path  # the SQLite file, or None for another database URL
        self.damaged = damaged  # failed its integrity check: open read-only
        self._reads = ReadCache(CommitWatch(path) if path is not None else None)

    # --- opening and closing ------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path | None = None, url: str | None = None) -> Journal:
        """Open (creating if needed) the journal and migrate it to the newest schema.

        ``url`` (any SQLAlchemy URL, e.g. PostgreSQL) wins over ``data_dir``; otherwise the
        database is ``journal.sqlite3`` in ``resolve_data_dir(data_dir)``. A damaged file raises
        ``StorageError`` naming it and is never modified.
        """
        path: Path | None = None
        if url is None:
            folder = resolve_data_dir(data_dir)
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(f"cannot create the data folder {folder}: {exc}") from exc
            path = folder / DATABASE_FILENAME
            check_sqlite_file(path)
            _private(path)
            url = sqlite_url(path)
        where = str(path) if path is not None else _safe_url(url)
        try:
            engine = make_engine(url)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            message = describe_error(exc) if isinstance(exc, SQLAlchemyError) else str(exc)
            raise StorageError(f"cannot use the database {where}: {message}") from exc
        try:
            migrate(engine)
        except StorageError:
            engine.dispose()
            raise
        except SQLAlchemyError as exc:
            engine.dispose()
            if path is not None and is_corruption(exc):
                raise StorageError(corrupt_message(path)) from exc
            raise StorageError(f"cannot open the journal {where}: {describe_error(exc)}") from exc
        if passes_integrity_check(engine):
            return cls(engine, path)
        engine.dispose()  # damaged: read what can be read, write nothing more into it
        return cls(make_engine(url, read_only=True), path, damaged=True)

    def close(self) -> None:
        self._reads.close()
        self._engine.dispose()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        return self._engine

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back entirely on any error."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except StorageError:
            raise
        except SQLAlchemyError as exc:
            where = self.path or _safe_url(str(self._engine.url))
            if self.damaged:
                raise StorageError(damaged_message(where)) from exc
            if is_disk_full(exc):
                raise StorageError(DISK_FULL_MESSAGE) from exc
            if self.path is not None and is_corruption(exc):
                raise StorageError(corrupt_message(self.path)) from exc
            raise StorageError(
                f"could not read or write the journal {where}: {describe_error(exc)}"
            ) from exc
        finally:
            session.close()

    # --- profiles -----------------------------------------------------------------------------

    def profiles(self) -> list[str]:
        with self.transaction() as session:
            return list(session.scalars(select(Profile.name).order_by(Profile.name)))

    def ensure_profile(self, name: str) -> int:
        """The id of profile ``name``, creating it if it does not exist yet.

        Safe when two threads or processes create the same profile at the same moment.
        """
        validate_profile_name(name)
        try:
            with self.transaction() as session:
                return self._profile(session, name, create=True).id
        except StorageError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise
        with self.transaction() as session:  # someone else created it meanwhile: use theirs
            return self._profile(session, name, create=False).id

    def _profile(self, session: Session, name: str, *, create: bool) -> Profile:
        validate_profile_name(name)
        profile = session.scalar(select(Profile).where(Profile.name == name))
        if profile is None:
            if not create:
                raise UnknownProfileError(f"there is no profile named {name!r}")
            profile = Profile(name=name)
            session.add(profile)
            session.flush()
        return profile

    def forget(self, profile: str) -> None:
        """Delete the profile and every record of it. Unknown profiles raise
        ``UnknownProfileError``. The deleted rows are then wiped from the file and its
        write-ahead log (checkpoint + VACUUM), so they cannot be read back from the disk."""
        with self.transaction() as session:
            row = self._profile(session, profile, create=False)
            session.delete(row)
        self.scrub()

    def scrub(self) -> None:
        """Rewrite a SQLite journal without its free pages and empty its WAL file."""
        if self._engine.dialect.name != "sqlite":
            return
        with self._engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.commit()
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def add_history(
        self, profile: str, history: History, also: Callable[[Session, int], None] | None = None
    ) -> None:
        """Store a whole ``History`` as the new profile ``profile``, in one transaction.

        Raises ``ProfileExistsError`` if the profile already exists; on any error nothing is
        stored. Record ids in ``history`` are ignored (new ones are assigned). ``also(session,
        profile_id)`` stores records kept outside ``History`` in the same transaction.
        """
        validate_profile_name(profile)
        records = (*history.disclaimer_acks, *history.screenings, *history.sessions,
                   *history.checkins, *history.plan_changes, *history.notes,
                   *history.sharp_pain_events, *history.professional_advice)
        self.add_records(records, lambda: profile, also=also)

    def add_records(
        self,
        records: Iterable[object],
        name: Callable[[], str],
        *,
        stage: Callable[[Session, int, object], None] | None = None,
        also: Callable[[Session, int], None] | None = None,
    ) -> str:
        """Store ``records`` (the records a ``History`` holds, in any mix) as a new profile,
        in one transaction, reading them one at a time so their number never costs memory.

        Used by import. The rows go under a temporary profile name (the real one may only be
        known once the file is read) renamed to ``name()`` at the end: until that commit nobody
        sees any of them, and an error anywhere, even in the last record, stores nothing and
        touches no existing profile. ``stage(session, profile_id, record)`` stores records of
        other kinds; ``also`` runs last. Raises ``ProfileExistsError`` if the name is taken.
        Returns the name.
        """
        with self.transaction() as session:
            owner = Profile(name=f".importing-{uuid.uuid4().hex}")
            session.add(owner)
            session.flush()
            owner_id = owner.id
            for count, record in enumerate(records, start=1):
                row = _row_of(record)
                if row is None:
                    if stage is None:
                        raise TypeError(f"cannot store a {type(record).__name__}")
                    stage(session, owner_id, record)
                else:
                    row.profile_id = owner_id
                    session.add(row)
                if count % _BATCH == 0:  # written rows leave memory; the transaction stays open
                    session.flush()
                    session.expunge_all()
            final = validate_profile_name(name())
            taken = select(Profile.id).where(Profile.name == final, Profile.id != owner_id)
            if session.scalar(taken) is not None:
                raise ProfileExistsError(
                    f"a profile named {final!r} already exists; import it under another name "
                    "or forget the existing one first"
                )
            session.flush()
            session.execute(update(Profile).where(Profile.id == owner_id).values(name=final))
            if also is not None:
                also(session, owner_id)
            return final

    # --- reading ------------------------------------------------------------------------------

    def history(self, profile: str) -> History:
        """Everything recorded for ``profile``, oldest first; empty for an unknown profile."""
        validate_profile_name(profile)
        with self.transaction() as session:
            row = session.scalar(select(Profile).where(Profile.name == profile))
            if row is None:
                return History()
            return _history(session, row.id)

    def recent_history(self, profile: str, since: datetime) -> History:
        """What today's safety decision and plan need, read by index, whatever the journal's
        size: every disclaimer acknowledgement and screening (a few a month), the latest plan
        change of each exercise and all changes since ``since``, the sessions since ``since``
        plus the one just before (rules compare a pain score with the previous one), and the
        check-ins and notes since then. Oldest first, as ``history``. The answer is kept until
        the next commit to the journal by anyone (``storage.readcache``)."""
        validate_profile_name(profile)

        def read() -> History:
            with self.transaction() as session:
                row = session.scalar(select(Profile).where(Profile.name == profile))
                if row is None:
                    return History()
                return _recent_history(session, row.id, since)

        return self._reads.get(("recent", profile, since), read)

    def has_sessions(self, profile: str) -> bool:
        """Whether the profile has any session at all (one indexed look-up)."""
        validate_profile_name(profile)
        with self.transaction() as session:
            first = session.scalar(
                select(SessionRow.id).join(Profile, Profile.id == SessionRow.profile_id)
                .where(Profile.name == profile).limit(1)
            )
            return first is not None

    def habit_history(self, profile: str, since: datetime) -> History:
        """What the weekly goal and the streak need since ``since``, read by index: sessions
        (without their sets), check-ins and sharp-pain events. Kept until the next commit, as
        ``recent_history``."""
        validate_profile_name(profile)

        def read() -> History:
            with self.transaction() as session:
                owner = session.scalar(select(Profile.id).where(Profile.name == profile))
                if owner is None:
                    return History()
                days = session.execute(  # only when and how each session ended: no rows, no sets
                    select(SessionRow.started_at, SessionRow.outcome)
                    .where(SessionRow.profile_id == owner, SessionRow.started_at >= since)
                    .order_by(SessionRow.started_at, SessionRow.id)
                ).all()
                checkins = _rows(session, CheckinRow, owner, CheckinRow.day >= since.date())
                events = _rows(session, SharpPainEventRow, owner, SharpPainEventRow.at >= since)
                return History(
                    sessions=tuple(
                        SessionRecord(started_at=at, outcome=SessionOutcome(outcome))
                        for at, outcome in days
                    ),
                    checkins=tuple(mapping.checkin_record(r) for r in checkins),
                    sharp_pain_events=tuple(mapping.sharp_pain_record(r) for r in events),
                )

        return self._reads.get(("habits", profile, since), read)

    def record_span(self, profile: str) -> tuple[list[datetime], list[date]]:
        """The earliest and latest moments of every kind of record (indexed min/max queries,
        no records loaded) and the first and last check-in days; empty lists for none."""
        validate_profile_name(profile)
        moments: list[datetime] = []
        days: list[date] = []
        with self.transaction() as session:
            owner = session.scalar(select(Profile.id).where(Profile.name == profile))
            if owner is None:
                return moments, days
            for column, table_owner in ((SessionRow.started_at, SessionRow.profile_id),
                                        (ScreeningRow.taken_at, ScreeningRow.profile_id),
                                        (PlanChangeRow.at, PlanChangeRow.profile_id),
                                        (NoteRow.at, NoteRow.profile_id)):
                low, high = session.execute(
                    select(func.min(column), func.max(column)).where(table_owner == owner)
                ).one()
                moments += [m for m in (low, high) if m is not None]
            low_day, high_day = session.execute(
                select(func.min(CheckinRow.day), func.max(CheckinRow.day))
                .where(CheckinRow.profile_id == owner)
            ).one()
            days += [d for d in (low_day, high_day) if d is not None]
        return [mapping.aware(m, "record time") for m in moments], days

    # --- writing ------------------------------------------------------------------------------

    def add_disclaimer_ack(self, profile: str, ack: DisclaimerAck) -> None:
        self._add_rows(profile, [mapping.ack_row(ack)])

    def add_screening(self, profile: str, record: ScreeningRecord) -> int:
        return self._add_rows(profile, [mapping.screening_row(record)])[0]

    def clear_screening(
        self,
        profile: str,
        screening_id: int,
        at: datetime,
        note: str,
        *,
        by: str | None = None,
        on: date | None = None,
    ) -> None:
        """Record that a professional (``by``, seen ``on``) has cleared the person after a
        positive screening; ``note`` is what they said."""
        with self.transaction() as session:
            owner = self._profile(session, profile, create=False)
            row = session.get(ScreeningRow, screening_id)
            if row is None or row.profile_id != owner.id:
                raise UnknownRecordError(f"profile {profile!r} has no screening {screening_id}")
            row.cleared_at = mapping.aware(at, "cleared at")
            row.cleared_note = note
            row.cleared_by = by
            row.cleared_on = on

    # --- settings -----------------------------------------------------------------------------

    def get_settings(self, profile: str) -> dict[str, Any]:
        """The profile's preferences (JSON values by key); empty for an unknown profile."""
        validate_profile_name(profile)
        with self.transaction() as session:
            rows = session.execute(
                select(SettingRow.key, SettingRow.value)
                .join(Profile, Profile.id == SettingRow.profile_id)
                .where(Profile.name == profile)
            )
            return {key: value for key, value in rows}

    def set_setting(self, profile: str, key: str, value: Any) -> None:
        """Store one preference (any JSON value; ``None`` removes it). Creates the profile."""
        if not key or len(key) > SETTING_KEY_MAX:
            raise StorageError(f"a setting key must be 1 to {SETTING_KEY_MAX} characters")
        profile_id = self.ensure_profile(profile)
        with self.transaction() as session:
            row = session.scalar(
                select(SettingRow).where(
                    SettingRow.profile_id == profile_id, SettingRow.key == key
                )
            )
            if value is None:
                if row is not None:
                    session.delete(row)
                return
            if row is None:
                session.add(SettingRow(profile_id=profile_id, key=key, value=value))
            else:
                row.value = value

    def rename_profile(self, old: str, new: str) -> None:
        """Rename a profile, keeping every record. Raises ``UnknownProfileError`` or
        ``ProfileExistsError``."""
        validate_profile_name(new)
        with self.transaction() as session:
            row = self._profile(session, old, create=False)
            if old == new:
                return
            if session.scalar(select(Profile.id).where(Profile.name == new)) is not None:
                raise ProfileExistsError(f"a profile named {new!r} already exists")
            row.name = new

    # --- sharp pain outside a session, professional advice ------------------------------------

    def record_sharp_pain_stop(self, profile: str, session_id: int, at: datetime) -> bool:
        """A session the app closed (a restart) had in fact been stopped for sharp pain, pressed
        while the app was not answering: record it so. False when it is not such a session."""
        with self.transaction() as session:
            owner = self._profile(session, profile, create=False)
            row = session.get(SessionRow, session_id)
            closable = (SessionOutcome.STOPPED.value, SessionOutcome.IN_PROGRESS.value)
            if row is None or row.profile_id != owner.id or row.outcome not in closable:
                return False
            at = mapping.aware(at, "sharp pain at")
            row.outcome = SessionOutcome.SHARP_PAIN.value
            row.stop_at = at
            row.ended_at = max(row.ended_at or at, at)
            return True

    def add_sharp_pain_event(self, profile: str, event: SharpPainEvent) -> int:
        """Store a sharp-pain event at once; returns its id."""
        return self._add_rows(profile, [mapping.sharp_pain_row(event)])[0]

    def update_sharp_pain_event(
        self, profile: str, event_id: int, pain: int | None, note: str | None
    ) -> None:
        """Add a pain score and a note to one of the profile's sharp-pain events."""
        with self.transaction() as session:
            owner = self._profile(session, profile, create=False)
            row = session.get(SharpPainEventRow, event_id)
            if row is None or row.profile_id != owner.id:
                raise UnknownRecordError(f"profile {profile!r} has no sharp-pain record {event_id}")
            if pain is not None:
                row.pain = pain
            if note is not None:
                row.note = note

    def add_professional_advice(self, profile: str, advice: ProfessionalAdvice) -> int:
        return self._add_rows(profile, [mapping.advice_row(advice)])[0]

    # --- sessions in progress -----------------------------------------------------------------

    def touch_session(
        self, session_id: int, at: datetime, *, pain_before: int | None = None
    ) -> None:
        """Note a sign of life of a session in progress (and its pain before, once known), so
        a crash leaves what is needed to close it honestly."""
        with self.transaction() as session:
            row = session.get(SessionRow, session_id)
            if row is None:
                raise UnknownRecordError(f"there is no session {session_id}")
            row.last_active_at = mapping.aware(at, "last active at")
            if pain_before is not None:
                row.pain_before = pain_before

    def close_abandoned_sessions(self, older_than: datetime | None = None) -> list[int]:
        """Close sessions left ``in_progress`` (by a crash or a restart) as ``stopped``.

        Only those whose last sign of life is before ``older_than`` (all of them when it is
        ``None``). Every set they hold is kept; the end is their last sign of life. Returns the
        ids closed.
        """
        closed: list[int] = []
        with self.transaction() as session:
            rows = session.scalars(
                select(SessionRow).where(SessionRow.outcome == SessionOutcome.IN_PROGRESS.value)
            )
            for row in rows:
                last = _last_sign_of_life(row)
                if older_than is not None and last >= older_than:
                    continue
                row.outcome = SessionOutcome.STOPPED.value
                row.ended_at = last
                row.note = row.note or "Closed after the app was interrupted."
                closed.append(row.id)
        return closed

    def start_session(self, profile: str, record: SessionRecord) -> int:
        """Record a session as ``in_progress`` (with any sets it already has); returns its id."""
        return self._insert_session(profile, record, SessionOutcome.IN_PROGRESS)

    def add_session(self, profile: str, record: SessionRecord) -> int:
        """Record a whole session, its outcome and sets at once (manual log, import)."""
        return self._insert_session(profile, record, record.outcome)

    def _insert_session(self, profile: str, record: SessionRecord, outcome: SessionOutcome) -> int:
        profile_id = self.ensure_profile(profile)
        with self.transaction() as session:
            row = _session_row(record, outcome)
            row.profile_id = profile_id
            session.add(row)
            session.flush()
            return row.id

    def add_set(self, session_id: int, record: SetRecord) -> int:
        """Store one completed set; it is committed before this returns."""
        with self.transaction() as session:
            if session.get(SessionRow, session_id) is None:
                raise UnknownRecordError(f"there is no session {session_id}")
            row = mapping.set_row(record)
            row.session_id = session_id
            session.add(row)
            session.flush()
            return row.id

    def finish_session(self, session_id: int, record: SessionRecord) -> None:
        """Store how the session ended: pain scores, outcome, end and stop, note.

        Sets are not touched (they were stored by ``add_set``), so passing the core's
        ``GuidedSession.record()`` here never duplicates them.
        """
        with self.transaction() as session:
            row = session.get(SessionRow, session_id)
            if row is None:
                raise UnknownRecordError(f"there is no session {session_id}")
            mapping.apply_session(row, record, outcome=record.outcome)

    def add_plan_changes(self, profile: str, changes: list[PlanChange]) -> None:
        self._add_rows(profile, [mapping.plan_change_row(c) for c in changes])

    def add_checkin(self, profile: str, checkin: MorningCheckin) -> int:
        return self._add_rows(profile, [mapping.checkin_row(checkin)])[0]

    def add_note(self, profile: str, note: Note) -> int:
        return self._add_rows(profile, [mapping.note_row(note)])[0]

    def _add_rows(self, profile: str, rows: list[Any]) -> list[int]:
        """Store new rows of ``profile`` (created if new) in one transaction; their ids."""
        profile_id = self.ensure_profile(profile)
        with self.transaction() as session:
            for row in rows:
                row.profile_id = profile_id
                session.add(row)
            session.flush()
            return [row.id for row in rows]


#: Records written between two flushes of a long import.
_BATCH = 500

_ROW_OF: dict[type, Callable[[Any], Any]] = {
    SessionRecord: lambda s: _session_row(s, s.outcome),
    DisclaimerAck: mapping.ack_row,
    ScreeningRecord: mapping.screening_row,
    MorningCheckin: mapping.checkin_row,
    PlanChange: mapping.plan_change_row,
    Note: mapping.note_row,
    SharpPainEvent: mapping.sharp_pain_row,
    ProfessionalAdvice: mapping.advice_row,
}


def _row_of(record: object) -> Any:
    """The new row of a ``History`` record (without its profile), None for other objects."""
    make = _ROW_OF.get(type(record))
    return None if make is None else make(record)


def _session_row(record: SessionRecord, outcome: SessionOutcome) -> SessionRow:
    row = SessionRow()
    mapping.apply_session(row, record, outcome=outcome)
    row.sets = [mapping.set_row(s) for s in record.sets]
    return row


def _history(session: Session, profile_id: int) -> History:
    sessions = session.scalars(
        select(SessionRow)
        .where(SessionRow.profile_id == profile_id)
        .options(selectinload(SessionRow.sets))
        .order_by(*_TIME_ORDER[SessionRow])
    )
    screenings = session.scalars(
        select(ScreeningRow)
        .where(ScreeningRow.profile_id == profile_id)
        .options(selectinload(ScreeningRow.answers))
        .order_by(*_TIME_ORDER[ScreeningRow])
    )
    return _as_history(
        session, profile_id, sessions, screenings,
        checkins=_rows(session, CheckinRow, profile_id),
        changes=_rows(session, PlanChangeRow, profile_id),
        notes=_rows(session, NoteRow, profile_id),
    )  # fmt: skip


#: The order of each kind of record in a ``History``: by its time, then as stored.
_TIME_ORDER: dict[type[Any], tuple[Any, ...]] = {
    SessionRow: (SessionRow.started_at, SessionRow.id),
    ScreeningRow: (ScreeningRow.taken_at, ScreeningRow.id),
    CheckinRow: (CheckinRow.day, CheckinRow.id),
    PlanChangeRow: (PlanChangeRow.at, PlanChangeRow.id),
    DisclaimerAckRow: (DisclaimerAckRow.at, DisclaimerAckRow.id),
    NoteRow: (NoteRow.at, NoteRow.id),
    SharpPainEventRow: (SharpPainEventRow.at, SharpPainEventRow.id),
    ProfessionalAdviceRow: (ProfessionalAdviceRow.at, ProfessionalAdviceRow.id),
}


def _rows(session: Session, row: type[_Row], profile_id: int, *where: Any) -> Iterable[_Row]:
    """The profile's rows of one kind meeting ``where``, in ``History`` order."""
    return session.scalars(
        select(row).where(row.profile_id == profile_id, *where).order_by(*_TIME_ORDER[row])
    )


def _as_history(
    session: Session,
    profile_id: int,
    sessions: Iterable[SessionRow],
    screenings: Iterable[ScreeningRow],
    *,
    checkins: Iterable[CheckinRow],
    changes: Iterable[PlanChangeRow],
    notes: Iterable[NoteRow],
) -> History:
    """A ``History`` of the rows read, plus every disclaimer acknowledgement, sharp-pain event
    and professional advice (few, and every rule that reads them looks at all of them)."""
    return History(
        sessions=tuple(mapping.session_record(r) for r in sessions),
        checkins=tuple(mapping.checkin_record(r) for r in checkins),
        screenings=tuple(mapping.screening_record(r) for r in screenings),
        plan_changes=tuple(mapping.plan_change_record(r) for r in changes),
        disclaimer_acks=tuple(
            mapping.ack_record(r) for r in _rows(session, DisclaimerAckRow, profile_id)
        ),
        notes=tuple(mapping.note_record(r) for r in notes),
        sharp_pain_events=tuple(
            mapping.sharp_pain_record(r) for r in _rows(session, SharpPainEventRow, profile_id)
        ),
        professional_advice=tuple(
            mapping.advice_record(r) for r in _rows(session, ProfessionalAdviceRow, profile_id)
        ),
    )


def _last_sign_of_life(row: SessionRow) -> datetime:
    times = [row.started_at, row.last_active_at, *(s.ended_at for s in row.sets)]
    return max(t for t in times if t is not None)


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "<database URL>"


def _private(path: Path) -> None:
    """Create the journal file readable by its owner only (SQLite gives its WAL and shared-memory
    files the same mode); an existing journal's mode is tightened too."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(path, 0o600)
    except OSError:
        pass  # a read-only folder: opening it reports the real problem


def _recent_sessions(session: Session, profile_id: int, since: datetime) -> list[SessionRow]:
    mine = select(SessionRow).where(SessionRow.profile_id == profile_id)
    before = session.scalars(
        mine.where(SessionRow.started_at < since, SessionRow.pain_before.is_not(None))
        .order_by(SessionRow.started_at.desc(), SessionRow.id.desc()).limit(1)
        .options(selectinload(SessionRow.sets))
    ).all()
    after = session.scalars(
        mine.where(SessionRow.started_at >= since)
        .order_by(SessionRow.started_at, SessionRow.id).options(selectinload(SessionRow.sets))
    ).all()
    return [*before, *after]


def _recent_changes(session: Session, profile_id: int, since: datetime) -> list[PlanChangeRow]:
    mine = select(PlanChangeRow).where(PlanChangeRow.profile_id == profile_id)
    exercises = session.scalars(
        select(PlanChangeRow.exercise_id).where(PlanChangeRow.profile_id == profile_id).distinct()
    ).all()
    rows = {r.id: r for r in session.scalars(mine.where(PlanChangeRow.at >= since))}
    for exercise_id in exercises:
        of_exercise = mine.where(PlanChangeRow.exercise_id == exercise_id)
        _keep_latest(session, rows, of_exercise, of_exercise.where(PlanChangeRow.at < since))
    return sorted(rows.values(), key=lambda r: (r.at, r.id))


def _recent_screenings(session: Session, profile_id: int, since: datetime) -> list[ScreeningRow]:
    """The latest screening, the one in effect at ``since``, those since, and every red flag
    not yet cleared."""
    mine = (select(ScreeningRow).where(ScreeningRow.profile_id == profile_id)
            .options(selectinload(ScreeningRow.answers)))
    open_flag = and_(ScreeningRow.cleared_at.is_(None),
                     func.json_array_length(ScreeningRow.positive_flags) > 0)
    rows = {r.id: r for r in session.scalars(mine.where(or_(ScreeningRow.taken_at >= since,
                                                                open_flag)))}
    _keep_latest(session, rows, mine, mine.where(ScreeningRow.taken_at < since))
    return sorted(rows.values(), key=lambda r: (r.taken_at, r.id))


def _keep_latest(session: Session, rows: dict[int, Any], everything: Any, before: Any) -> None:
    """Add to ``rows`` the latest row of ``everything`` and the latest of ``before`` (the one
    in effect at the window's start): two indexed look-ups, in ``History`` order reversed."""
    for query in (everything, before):
        (entity,) = query.column_descriptions
        order = _TIME_ORDER[entity["entity"]]
        latest = session.scalar(query.order_by(*(c.desc() for c in order)).limit(1))
        if latest is not None:
            rows[latest.id] = latest


def _last_sharp_pain(session: Session, profile_id: int) -> datetime | None:
    """The latest sharp-pain stop or report (rules look at what followed it, however old)."""
    stop = session.scalar(
        select(func.max(func.coalesce(SessionRow.stop_at, SessionRow.started_at)))
        .where(SessionRow.profile_id == profile_id, SessionRow.outcome == "sharp_pain")
    )
    event = session.scalar(
        select(func.max(SharpPainEventRow.at)).where(SharpPainEventRow.profile_id == profile_id)
    )
    times = [mapping.aware(t, "sharp pain time") if isinstance(t, datetime)
             else datetime.fromisoformat(t) for t in (stop, event) if t is not None]
    return min((max(times),), default=None) if times else None


def _recent_history(session: Session, profile_id: int, since: datetime) -> History:
    last_sharp = _last_sharp_pain(session, profile_id)
    if last_sharp is not None:
        since = min(since, last_sharp - timedelta(seconds=1))
    return _as_history(
        session, profile_id, _recent_sessions(session, profile_id, since),
        _recent_screenings(session, profile_id, since),
        checkins=_rows(session, CheckinRow, profile_id, CheckinRow.day >= since.date()),
        changes=_recent_changes(session, profile_id, since),
        notes=_rows(session, NoteRow, profile_id, NoteRow.at >= since),
    )  # fmt: skip
