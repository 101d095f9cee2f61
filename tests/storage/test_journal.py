"""The journal stores exactly the core's records, per profile, in UTC, committed at once."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from backcoach.core.records import (
    History,
    MorningCheckin,
    MorningFeeling,
    Note,
    ScreeningRecord,
    SessionOutcome,
    SessionRecord,
    SetRecord,
)
from backcoach.storage import (
    Journal,
    StorageError,
    UnknownProfileError,
    UnknownRecordError,
    resolve_data_dir,
)

T = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
Store = Callable[[Journal, str, History], None]
Strip = Callable[[History], History]


def test_history_round_trips_every_record(
    journal: Journal, sample_history: History, store: Store, without_ids: Strip
) -> None:
    store(journal, "ann", sample_history)
    assert without_ids(journal.history("ann")) == sample_history


def test_history_survives_reopening(
    tmp_path: Path, sample_history: History, store: Store, without_ids: Strip
) -> None:
    with Journal.open(tmp_path) as first:
        store(first, "ann", sample_history)
    with Journal.open(tmp_path) as second:
        assert without_ids(second.history("ann")) == sample_history


def test_history_is_oldest_first_whatever_the_insert_order(journal: Journal) -> None:
    later = SessionRecord(started_at=T + timedelta(days=1), outcome=SessionOutcome.COMPLETED)
    earlier = SessionRecord(started_at=T, outcome=SessionOutcome.STOPPED)
    journal.add_session("ann", later)
    journal.add_session("ann", earlier)
    assert [s.started_at for s in journal.history("ann").sessions] == [T, T + timedelta(days=1)]


def test_times_come_back_as_aware_utc(journal: Journal) -> None:
    paris = timezone(timedelta(hours=2))
    local = datetime(2026, 5, 1, 11, 0, tzinfo=paris)
    journal.add_note("ann", Note(at=local, text="x"))
    stored = journal.history("ann").notes[0].at
    assert stored == local
    assert stored.tzinfo is UTC
    assert stored.hour == 9


def test_naive_time_is_refused_with_a_clear_message(journal: Journal) -> None:
    with pytest.raises(StorageError, match="timezone-aware"):
        journal.add_note("ann", Note(at=datetime(2026, 5, 1, 9, 0), text="x"))
    assert journal.history("ann").notes == ()


def test_start_session_is_in_progress_and_sets_get_ids(journal: Journal) -> None:
    record = SessionRecord(started_at=T, outcome=SessionOutcome.COMPLETED, pain_before=2)
    session_id = journal.start_session("ann", record)
    set_id = journal.add_set(
        session_id, SetRecord("knee-to-chest", 5, 10.0, T, T + timedelta(seconds=80))
    )
    (stored,) = journal.history("ann").sessions
    assert stored.id == session_id
    assert stored.outcome is SessionOutcome.IN_PROGRESS
    assert stored.pain_before == 2
    assert [s.id for s in stored.sets] == [set_id]


def test_finish_session_records_the_end_and_keeps_the_sets(journal: Journal) -> None:
    start = SessionRecord(started_at=T, outcome=SessionOutcome.IN_PROGRESS, pain_before=2)
    session_id = journal.start_session("ann", start)
    one_set = SetRecord("neck-flexion", 3, 5.0, T, T + timedelta(seconds=30))
    journal.add_set(session_id, one_set)
    end = T + timedelta(minutes=2)
    final = dataclasses.replace(
        start,
        outcome=SessionOutcome.SHARP_PAIN,
        pain_after=6,
        ended_at=end,
        stop_exercise_id="neck-flexion",
        stop_at=end,
        sets=(one_set,),  # as GuidedSession.record() returns it: must not be stored twice
    )
    journal.finish_session(session_id, final)
    (stored,) = journal.history("ann").sessions
    assert stored.outcome is SessionOutcome.SHARP_PAIN
    assert (stored.pain_after, stored.stop_exercise_id, stored.stop_at) == (6, "neck-flexion", end)
    assert len(stored.sets) == 1


def test_unknown_session_is_a_clear_error(journal: Journal) -> None:
    with pytest.raises(UnknownRecordError, match="no session 42"):
        journal.add_set(42, SetRecord("neck-flexion", 3, 5.0, T, T))
    with pytest.raises(UnknownRecordError):
        journal.finish_session(42, SessionRecord(started_at=T, outcome=SessionOutcome.COMPLETED))


def test_clear_screening_sets_cleared_at_and_note(journal: Journal) -> None:
    screening_id = journal.add_screening("ann", ScreeningRecord(T, {"fever": True}, ("infection",)))
    journal.clear_screening("ann", screening_id, T + timedelta(days=2), "GP: fine")
    (stored,) = journal.history("ann").screenings
    assert (stored.cleared_at, stored.cleared_note) == (T + timedelta(days=2), "GP: fine")
    assert stored.answers == {"fever": True}
    assert stored.positive_flags == ("infection",)


def test_cannot_clear_another_profiles_screening(journal: Journal) -> None:
    screening_id = journal.add_screening("ann", ScreeningRecord(T, {"fever": True}, ("infection",)))
    journal.ensure_profile("bob")
    with pytest.raises(UnknownRecordError):
        journal.clear_screening("bob", screening_id, T, "not mine")
    assert journal.history("ann").screenings[0].cleared_at is None


def test_profiles_are_isolated(
    journal: Journal, sample_history: History, store: Store, without_ids: Strip
) -> None:
    store(journal, "ann", sample_history)
    journal.add_checkin("bob", MorningCheckin(day=T.date(), feeling=MorningFeeling.BETTER))
    assert journal.profiles() == ["ann", "bob"]
    bob = journal.history("bob")
    assert bob.sessions == () and bob.screenings == () and bob.notes == ()
    assert len(bob.checkins) == 1
    assert without_ids(journal.history("ann")) == sample_history


def test_ensure_profile_is_idempotent_and_unknown_history_is_empty(journal: Journal) -> None:
    assert journal.ensure_profile("ann") == journal.ensure_profile("ann")
    assert journal.history("nobody") == History()
    assert journal.profiles() == ["ann"]


@pytest.mark.parametrize("name", ["", "   ", " ann", "x" * 101])
def test_bad_profile_names_are_refused(journal: Journal, name: str) -> None:
    with pytest.raises(StorageError, match="profile name"):
        journal.ensure_profile(name)


def test_forget_deletes_every_row_of_the_profile_only(
    journal: Journal, sample_history: History, store: Store, without_ids: Strip
) -> None:
    store(journal, "ann", sample_history)
    store(journal, "bob", sample_history)
    journal.forget("ann")
    assert journal.profiles() == ["bob"]
    assert journal.history("ann") == History()
    assert without_ids(journal.history("bob")) == sample_history
    tables = [
        "sessions",
        "sets",
        "screenings",
        "screening_answers",
        "checkins",
        "plan_changes",
        "disclaimer_acks",
        "notes",
    ]
    with journal.engine.connect() as connection:
        counts = {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}
    journal.forget("bob")
    with journal.engine.connect() as connection:
        after = {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}
    assert all(n > 0 for n in counts.values())  # bob's rows were there...
    assert after == dict.fromkeys(tables, 0)  # ...and are all gone with him


def test_forget_unknown_profile_is_a_clear_error(journal: Journal) -> None:
    with pytest.raises(UnknownProfileError, match="nobody"):
        journal.forget("nobody")


def test_sqlite_uses_wal_and_foreign_keys(journal: Journal) -> None:
    assert journal.path is not None and journal.path.name == "journal.sqlite3"
    with journal.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_data_dir_option_beats_environment_beats_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKCOACH_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "opt") == tmp_path / "opt"
    assert resolve_data_dir(None) == tmp_path / "env"
    monkeypatch.delenv("BACKCOACH_DATA_DIR")
    assert resolve_data_dir(None).name == "backcoach"


def test_open_uses_the_environment_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCOACH_DATA_DIR", str(tmp_path / "env"))
    with Journal.open() as journal:
        journal.ensure_profile("ann")
    assert (tmp_path / "env" / "journal.sqlite3").is_file()


def test_open_accepts_a_database_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    with Journal.open(url=url) as journal:
        journal.add_note("ann", Note(at=T, text="via url"))
    with Journal.open(url=url) as journal:
        assert journal.history("ann").notes[0].text == "via url"
    assert not (tmp_path / "journal.sqlite3").exists()
