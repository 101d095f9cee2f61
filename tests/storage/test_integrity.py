"""Settings, profile rename, sharp-pain events, professional advice and abandoned sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from backcoach.core.records import (
    ProfessionalAdvice,
    SessionOutcome,
    SessionRecord,
    SetRecord,
    SharpPainEvent,
)
from backcoach.storage import Journal, export_json, import_json
from backcoach.storage.errors import ProfileExistsError, StorageError, UnknownProfileError

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_settings_are_per_profile_and_removable(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        journal.set_setting("ann", "time_zone", "America/Los_Angeles")
        journal.set_setting("ann", "voice", {"on": True})
        journal.set_setting("bob", "voice", False)
        journal.set_setting("ann", "voice", {"on": False})
        assert journal.get_settings("ann") == {
            "time_zone": "America/Los_Angeles",
            "voice": {"on": False},
        }
        journal.set_setting("ann", "time_zone", None)
        assert journal.get_settings("ann") == {"voice": {"on": False}}
        assert journal.get_settings("bob") == {"voice": False}
        assert journal.get_settings("nobody") == {}
        with pytest.raises(StorageError):
            journal.set_setting("ann", "", 1)


def test_rename_keeps_history_and_refuses_clashes(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        journal.add_session("ann", SessionRecord(started_at=T0, outcome=SessionOutcome.COMPLETED))
        journal.ensure_profile("bob")
        with pytest.raises(ProfileExistsError):
            journal.rename_profile("ann", "bob")
        with pytest.raises(UnknownProfileError):
            journal.rename_profile("carol", "dave")
        journal.rename_profile("ann", "Ann Smith")
        assert len(journal.history("Ann Smith").sessions) == 1
        assert "ann" not in journal.profiles()


def test_sharp_pain_events_and_advice_round_trip(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "a") as journal:
        journal.add_sharp_pain_event("ann", SharpPainEvent(at=T0, place="history", pain=7,
                                                           note="bending"))
        journal.add_professional_advice("ann", ProfessionalAdvice(
            at=T0 + timedelta(days=1), by="Dr Lee, GP", on=date(2026, 3, 2),
            said="Gentle exercise is fine"))
        journal.set_setting("ann", "time_zone", "Pacific/Auckland")
        exported = export_json(journal, "ann")
    assert exported["sharp_pain_events"][0]["pain"] == 7
    assert exported["settings"] == {"time_zone": "Pacific/Auckland"}
    with Journal.open(tmp_path / "b") as other:
        import_json(other, exported)
        assert export_json(other, "ann") == exported
        assert other.history("ann").sharp_pain_events[0].place == "history"


def test_abandoned_sessions_are_closed_with_their_sets(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        sid = journal.start_session("ann", SessionRecord(started_at=T0,
                                                         outcome=SessionOutcome.IN_PROGRESS))
        journal.touch_session(sid, T0 + timedelta(seconds=5), pain_before=3)
        journal.add_set(sid, SetRecord(exercise_id="neck-flexion", reps=2, hold_s=5.0,
                                       started_at=T0, ended_at=T0 + timedelta(seconds=40)))
        fresh = journal.start_session("ann", SessionRecord(
            started_at=T0 + timedelta(hours=2), outcome=SessionOutcome.IN_PROGRESS))
        closed = journal.close_abandoned_sessions(older_than=T0 + timedelta(hours=1))
        assert closed == [sid]
        sessions = {s.id: s for s in journal.history("ann").sessions}
        assert sessions[sid].outcome is SessionOutcome.STOPPED
        assert sessions[sid].pain_before == 3
        assert sessions[sid].ended_at == T0 + timedelta(seconds=40)
        assert len(sessions[sid].sets) == 1
        assert sessions[fresh].outcome is SessionOutcome.IN_PROGRESS
