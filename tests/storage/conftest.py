"""Shared fixtures for the storage tests: a real SQLite journal in a temporary folder."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from backcoach.core.records import (
    DisclaimerAck,
    DoseValue,
    History,
    MorningCheckin,
    MorningFeeling,
    Note,
    PlanChange,
    ScreeningRecord,
    SessionOutcome,
    SessionRecord,
    SetRecord,
    SetSource,
    Side,
)
from backcoach.storage import Journal

T0 = datetime(2026, 3, 2, 8, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "data") as opened:
        yield opened


def _set(exercise_id: str, minute: int, **extra: object) -> SetRecord:
    start = T0 + timedelta(minutes=minute)
    return SetRecord(
        exercise_id=exercise_id,
        reps=5,
        hold_s=12.25,
        started_at=start,
        ended_at=start + timedelta(seconds=95),
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def sample_history() -> History:
    """One of everything, with every optional field used at least once."""
    day1 = T0 + timedelta(days=1)
    return History(
        sessions=(
            SessionRecord(
                started_at=T0,
                outcome=SessionOutcome.COMPLETED,
                pain_before=3,
                pain_after=4,
                ended_at=T0 + timedelta(minutes=20),
                sets=(
                    _set("knee-to-chest", 1),
                    _set("hip-flexor-stretch", 5, side=Side.LEFT),
                    _set(
                        "hip-flexor-stretch",
                        8,
                        side=Side.RIGHT,
                        source=SetSource.CAMERA,
                        quality=0.8125,
                        range_deg=37.5,
                    ),
                ),
                note="felt stiff at first",
            ),
            SessionRecord(
                started_at=day1,
                outcome=SessionOutcome.SHARP_PAIN,
                pain_before=2,
                pain_after=7,
                ended_at=day1 + timedelta(minutes=3),
                stop_exercise_id="neck-flexion",
                stop_at=day1 + timedelta(minutes=3),
                sets=(_set("neck-flexion", 60 * 24 + 1),),
            ),
        ),
        checkins=(
            MorningCheckin(
                day=date(2026, 3, 3),
                feeling=MorningFeeling.SAME,
                pain=3,
                at=T0 + timedelta(hours=23),
            ),
            MorningCheckin(day=date(2026, 3, 4), feeling=MorningFeeling.WORSE),
        ),
        screenings=(
            ScreeningRecord(
                taken_at=T0 - timedelta(days=2),
                answers={"saddle_numbness": True, "bladder_bowel": False, "fever": False},
                positive_flags=("cauda_equina",),
                cleared_at=T0 - timedelta(days=1),
                cleared_note="seen by GP, cleared",
            ),
            ScreeningRecord(
                taken_at=T0 - timedelta(hours=1),
                answers={"saddle_numbness": False, "bladder_bowel": False, "fever": False},
                positive_flags=(),
            ),
        ),
        plan_changes=(
            PlanChange(
                "knee-to-chest",
                T0 - timedelta(minutes=5),
                None,
                DoseValue(5, 10, 2),
                "start",
                "Your first plan starts gently.",
            ),
            PlanChange(
                "knee-to-chest",
                day1,
                DoseValue(5, 10, 2),
                DoseValue(4, 10, 2),
                "step_back",
                "A sharp-pain stop: one step back.",
            ),
        ),
        disclaimer_acks=(DisclaimerAck(version="abc123", at=T0 - timedelta(days=3)),),
        notes=(Note(at=T0 + timedelta(hours=2), text="Walked 20 minutes; «ça va» ✓"),),
    )


def _no_ids(value: object) -> object:
    if isinstance(value, tuple):
        return tuple(_no_ids(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _no_ids(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if "id" in changes:
            changes["id"] = None
        return dataclasses.replace(value, **changes)
    return value


@pytest.fixture
def without_ids() -> Callable[[History], History]:
    """Compare histories regardless of database ids."""

    def strip(history: History) -> History:
        result = _no_ids(history)
        assert isinstance(result, History)
        return result

    return strip


@pytest.fixture
def store() -> Callable[[Journal, str, History], None]:
    """Write a History through the ordinary write methods, as the app does."""

    def write(journal: Journal, profile: str, history: History) -> None:
        for ack in history.disclaimer_acks:
            journal.add_disclaimer_ack(profile, ack)
        for screening in history.screenings:
            journal.add_screening(profile, screening)
        for session in history.sessions:
            session_id = journal.start_session(profile, dataclasses.replace(session, sets=()))
            for one_set in session.sets:
                journal.add_set(session_id, one_set)
            journal.finish_session(session_id, session)
        for checkin in history.checkins:
            journal.add_checkin(profile, checkin)
        journal.add_plan_changes(profile, list(history.plan_changes))
        for note in history.notes:
            journal.add_note(profile, note)

    return write
