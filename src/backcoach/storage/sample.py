"""A plausible journal of any size, generated deterministically (tests and the scale benchmark).

Sessions with pain scores, sets of each exercise, now and then a stop or a sharp-pain stop; plan
changes every few sessions; morning check-ins; a screening every three weeks, one of them with a
red flag that a professional cleared later; a few notes. It has no clinical meaning.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

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
)
from backcoach.core.safety import evaluate_screening, load_screening

EXERCISES = ("knee-to-chest", "neck-flexion", "hip-flexor-stretch")
_OUTCOMES = (SessionOutcome.COMPLETED,) * 16 + (SessionOutcome.STOPPED,) * 3 + (
    SessionOutcome.SHARP_PAIN,
)


def _session(rng: random.Random, at: datetime) -> SessionRecord:
    outcome = rng.choice(_OUTCOMES)
    sets = tuple(
        SetRecord(exercise_id=e, reps=rng.randint(1, 8), hold_s=rng.uniform(3, 20),
                  started_at=at + timedelta(minutes=i), ended_at=at + timedelta(minutes=i + 1))
        for i, e in enumerate(EXERCISES)
    )  # fmt: skip
    stop = outcome is not SessionOutcome.COMPLETED
    return SessionRecord(
        started_at=at, outcome=outcome, pain_before=rng.randint(0, 7),
        pain_after=None if outcome is SessionOutcome.SHARP_PAIN else rng.randint(0, 8),
        ended_at=at + timedelta(minutes=5), stop_exercise_id=EXERCISES[0] if stop else None,
        stop_at=at + timedelta(minutes=2) if stop else None, sets=sets,
    )  # fmt: skip


def _change(rng: random.Random, exercise_id: str, at: datetime) -> PlanChange:
    dose = DoseValue(reps=rng.randint(3, 10), hold_s=rng.randint(5, 30),
                     sessions_per_day=rng.randint(1, 3))
    return PlanChange(exercise_id=exercise_id, at=at, from_dose=None, to_dose=dose,
                      reason_code=rng.choice(("progress", "hold", "step_back")),
                      reason=f"sample change {rng.randint(0, 10**6)}")


def _screening(at: datetime, flagged: bool) -> ScreeningRecord:
    screening = load_screening()
    answers = {q.id: flagged and i == 0 for i, q in enumerate(screening.questions)}
    record = evaluate_screening(screening, answers, at)
    if not flagged:
        return record
    return replace(record, cleared_at=at + timedelta(days=2), cleared_note="GP examined me")


def sample_history(sessions: int, end: datetime, seed: int = 12,
                   per_day: int = 3) -> History:
    """``sessions`` sessions, ``per_day`` a day, the last on the day before ``end``."""
    rng = random.Random(seed)
    days = max(1, -(-sessions // per_day))
    first = (end - timedelta(days=days)).replace(hour=8, minute=0, second=0, microsecond=0)
    records: list[SessionRecord] = []
    changes: list[PlanChange] = []
    checkins: list[MorningCheckin] = []
    screenings: list[ScreeningRecord] = []
    notes: list[Note] = []
    for day in range(days):
        morning = first + timedelta(days=day)
        for k in range(min(per_day, sessions - len(records))):
            records.append(_session(rng, morning + timedelta(hours=4 * k)))
        if day % 3 == 0:
            changes.append(_change(rng, rng.choice(EXERCISES), morning + timedelta(hours=11)))
        if rng.random() < 0.5:
            checkins.append(MorningCheckin(day=morning.date(), feeling=rng.choice(
                list(MorningFeeling)), pain=rng.randint(0, 6), at=morning))
        if day % 21 == 0:
            screenings.append(_screening(morning - timedelta(hours=1), day == 42))
        if day % 30 == 5:
            notes.append(Note(at=morning + timedelta(hours=2), text=f"note of day {day}"))
    return History(
        sessions=tuple(records), checkins=tuple(checkins), screenings=tuple(screenings),
        plan_changes=tuple(changes), notes=tuple(notes),
        disclaimer_acks=(DisclaimerAck(version="sample", at=first - timedelta(days=1)),),
    )  # fmt: skip


def write_sample_export(
    path: Path, sessions: int, end: datetime, seed: int = 12, per_day: int = 3
) -> None:
    """``sample_history`` as a journal export file (profile "sample"), written a session at a
    time: how the import benchmark and the import memory test get big files. An export holds
    no time before 1970: 100k sessions need ``per_day`` 6."""
    from backcoach.storage.exchange import SessionV1, export_model  # exchange needs the journal

    history = sample_history(sessions, end, seed, per_day)
    head = export_model("sample", replace(history, sessions=())).model_dump(mode="json")
    del head["sessions"]
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head)[:-1] + ', "sessions": [\n')
        for n, record in enumerate(history.sessions):
            out.write(("" if n == 0 else ",\n") + SessionV1.of(record).model_dump_json())
        out.write("\n]}\n")
