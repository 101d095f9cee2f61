"""The done screen's figures: pain, what was done, comparisons, plan changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backcoach.core.catalog import load_catalog
from backcoach.core.records import (
    DoseValue,
    History,
    PlanChange,
    SessionOutcome,
    SessionRecord,
    SetRecord,
    Side,
)
from backcoach.core.summary import summarise_session

CATALOG = load_catalog()
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _session(days_ago: float, reps: int, pain: tuple[int, int] | None, sid: int) -> SessionRecord:
    start = NOW - timedelta(days=days_ago)
    sets = tuple(
        SetRecord("hip-flexor-stretch", reps, 10.0 + i, start, start + timedelta(minutes=1), side)
        for i, side in enumerate((Side.LEFT, Side.RIGHT))
    ) if reps else ()  # fmt: skip
    before, after = pain or (None, None)
    return SessionRecord(start, SessionOutcome.COMPLETED, before, after,
                         start + timedelta(minutes=5), sets=sets, id=sid)  # fmt: skip


def test_compares_with_the_last_session_and_the_last_week_leaving_out_empty_ones() -> None:
    old = _session(20, 1, (5, 5), 1)  # older than a week: only "last session" could use it
    week = [_session(6, 1, (4, 2), 2), _session(2, 2, (3, 3), 3), _session(1, 0, None, 4)]
    today = _session(0, 3, (3, 2), 5)
    change = PlanChange("hip-flexor-stretch", today.ended_at or NOW, DoseValue(2, 10, 1),
                        DoseValue(3, 10, 1), "progress", "Two good sessions in a row.")  # fmt: skip
    earlier_change = PlanChange("hip-flexor-stretch", NOW - timedelta(days=3), None,
                                DoseValue(2, 10, 1), "start", "First plan.")  # fmt: skip
    history = History(sessions=(old, *week, today), plan_changes=(earlier_change, change))
    summary = summarise_session(today, history, CATALOG)
    assert (summary.pain_before, summary.pain_after, summary.total_reps) == (3, 2, 6)
    (hip,) = summary.exercises
    assert (hip.name, hip.reps, hip.mean_hold_s, hip.sides) == (
        "Standing hip flexor stretch", 6, 10.5, ("left", "right"),
    )  # fmt: skip
    last, seven = summary.comparisons
    # The empty session (stopped at the pain question) is not "the last session".
    assert (last.sessions, last.reps, last.reps_change, last.pain_change) == (1, 4, 2, 0)
    assert (seven.sessions, seven.reps, seven.reps_change, seven.pain_change) == (2, 3, 3, -1)
    assert summary.plan_changes == (change,)
    assert "morning" in summary.checkin_reminder


def test_a_first_session_has_nothing_to_compare_with() -> None:
    first = _session(0, 2, None, 1)
    summary = summarise_session(first, History(sessions=(first,)), CATALOG)
    assert [c.sessions for c in summary.comparisons] == [0, 0]
    assert all(c.reps is None and c.reps_change is None for c in summary.comparisons)
    assert summary.pain_after is None and summary.plan_changes == ()
