"""What the done screen tells the person about a session they just finished.

Pain before and after, what was done per exercise, how it compares with the session before and
with the week before, the plan changes the session caused (with their reasons), and when the
next-morning check-in is due. A pure function of the journal's ``History``: the web page and any
other interface show the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from backcoach.core.catalog import Catalog
from backcoach.core.records import History, PlanChange, SessionRecord

_WEEK = timedelta(days=7)

#: Why the next-morning check-in matters: a worse morning steps the plan back (``core.plan``).
CHECKIN_REMINDER = (
    "Tomorrow morning, do the check-in: tell backcoach how your back feels compared with today. "
    "If it feels worse, the plan steps back a little."
)


@dataclass(frozen=True)
class ExerciseDone:
    """One exercise of the session: repetitions over all sides and the mean hold."""

    exercise_id: str
    name: str
    reps: int
    mean_hold_s: float
    sides: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """This session against earlier ones; ``None`` where there is nothing to compare with."""

    label: str  # "last session" or "last 7 days"
    sessions: int  # how many earlier sessions the figures come from
    reps: float | None  # their repetitions per session
    pain_change: float | None  # their mean pain after minus pain before
    reps_change: float | None  # this session's repetitions minus theirs


@dataclass(frozen=True)
class SessionSummary:
    pain_before: int | None
    pain_after: int | None
    exercises: tuple[ExerciseDone, ...]
    total_reps: int
    comparisons: tuple[Comparison, ...]
    plan_changes: tuple[PlanChange, ...]
    checkin_reminder: str


def _reps(record: SessionRecord) -> int:
    """Repetitions that count: held as prescribed, or counted by the camera."""
    return sum(s.counted_reps for s in record.sets)


def _pain_change(record: SessionRecord) -> int | None:
    if record.pain_before is None or record.pain_after is None:
        return None
    return record.pain_after - record.pain_before


def _exercises(record: SessionRecord, catalog: Catalog) -> tuple[ExerciseDone, ...]:
    done: dict[str, list[tuple[int, float, str | None]]] = {}
    for s in record.sets:
        done.setdefault(s.exercise_id, []).append((s.reps, s.hold_s, s.side))
    result = []
    for exercise_id, sets in done.items():
        reps = sum(r for r, _, _ in sets)
        mean = sum(r * h for r, h, _ in sets) / reps if reps else 0.0
        name = catalog.get(exercise_id).name if exercise_id in catalog else exercise_id
        sides = tuple(str(side) for _, _, side in sets if side is not None)
        result.append(ExerciseDone(exercise_id, name, reps, round(mean, 1), sides))
    return tuple(result)


def _compare(label: str, record: SessionRecord, earlier: list[SessionRecord]) -> Comparison:
    if not earlier:
        return Comparison(label, 0, None, None, None)
    reps = sum(_reps(r) for r in earlier) / len(earlier)
    changes = [c for r in earlier if (c := _pain_change(r)) is not None]
    pain = round(sum(changes) / len(changes), 1) if changes else None
    return Comparison(label, len(earlier), round(reps, 1), pain, round(_reps(record) - reps, 1))


def _started_before(history: History, record: SessionRecord) -> list[SessionRecord]:
    return [
        r
        for r in history.sessions
        if r.started_at < record.started_at and r.id != record.id and r.sets
    ]


def summarise_session(record: SessionRecord, history: History, catalog: Catalog) -> SessionSummary:
    """The done screen's figures for ``record``, compared with the sessions before it.

    Earlier sessions without any set (stopped at the pain question) are left out of the
    comparisons: they would make any session look like progress. Plan changes are those stored
    at or after the session's start (the review runs when it ends).
    """
    earlier = _started_before(history, record)
    week = [r for r in earlier if r.started_at >= record.started_at - _WEEK]
    changes = tuple(c for c in history.plan_changes if c.at >= record.started_at)
    return SessionSummary(
        pain_before=record.pain_before,
        pain_after=record.pain_after,
        exercises=_exercises(record, catalog),
        total_reps=_reps(record),
        comparisons=(
            _compare("last session", record, earlier[-1:]),
            _compare("last 7 days", record, week),
        ),
        plan_changes=changes,
        checkin_reminder=CHECKIN_REMINDER,
    )
