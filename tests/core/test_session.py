"""The guided-session state machine, driven with explicit times as the CLI and web drive it."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcoach.core.catalog import load_catalog
from backcoach.core.plan import DailyPlan, load_progression_rules, plan_for_day
from backcoach.core.records import History, SessionOutcome, SetSource, Side
from backcoach.core.safety import SHARP_PAIN_MESSAGE, SafetyDecision
from backcoach.core.session import (
    Cue,
    GuidedSession,
    InvalidPainScore,
    Pacing,
    SessionBlocked,
    SessionEnded,
    SessionError,
    SessionState,
    SetCompleted,
)

CATALOG = load_catalog()
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OK = SafetyDecision(True, "ok", "You can start a session.")
PLAN = plan_for_day(CATALOG, History(), load_progression_rules(), T0.date())
KNEE = CATALOG.get("knee-to-chest")
HIP = CATALOG.get("hip-flexor-stretch")
NECK = CATALOG.get("neck-flexion")
PACE = Pacing(5, 5)  # short fixed countdowns keep the arithmetic of most tests readable


def _plan(*ids: str) -> DailyPlan:
    items = tuple(item for item in PLAN.items if item.exercise.id in ids)
    return DailyPlan(PLAN.day, items, (), False)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _sets(effects: list[object]) -> list[SetCompleted]:
    return [e for e in effects if isinstance(e, SetCompleted)]


def test_blocked_decision_cannot_start() -> None:
    blocked = SafetyDecision(False, "red_flag", "See a professional first.", ("advice",))
    with pytest.raises(SessionBlocked) as info:
        GuidedSession(PLAN, T0, blocked)
    assert info.value.decision is blocked
    assert "See a professional first." in str(info.value)


def test_full_session_walks_every_step_and_completes() -> None:
    session = GuidedSession(_plan("knee-to-chest"), T0, OK, pacing=Pacing(5, 5))
    assert session.state is SessionState.PAIN_BEFORE
    effects = session.record_pain_before(2, T0)
    assert session.state is SessionState.GET_READY
    assert any(isinstance(e, Cue) and "Knee-to-chest" in e.text for e in effects)
    view = session.current(_at(2))
    assert (view.exercise_id, view.rep, view.reps, view.seconds_left) == ("knee-to-chest", 1, 3, 3)
    assert view.steps == KNEE.steps and view.cue in KNEE.cues
    session.tick(_at(5))
    assert session.state is SessionState.HOLD
    assert session.current().seconds_left == KNEE.start.hold_s
    session.tick(_at(10))
    assert session.state is SessionState.REST
    assert session.current().rep == 2
    effects = session.tick(_at(5 + 3 * 5 + 2 * 10))  # get ready + 3 holds + 2 rests
    (done,) = _sets(effects)
    assert (done.set.exercise_id, done.set.reps, done.set.hold_s) == ("knee-to-chest", 3, 5.0)
    assert (done.set.started_at, done.set.ended_at) == (_at(5), _at(40))
    assert session.state is SessionState.PAIN_AFTER
    assert session.outcome is SessionOutcome.IN_PROGRESS
    (ended,) = session.record_pain_after(3, _at(50))
    assert isinstance(ended, SessionEnded) and ended.message is None
    record = ended.record
    assert (record.outcome, record.pain_before, record.pain_after) == (
        SessionOutcome.COMPLETED, 2, 3,
    )  # fmt: skip
    assert record.sets == (done.set,)
    assert session.state is SessionState.DONE
    assert session.stop(_at(60)) == []


def test_sided_exercise_does_the_left_side_then_the_right() -> None:
    session = GuidedSession(_plan("hip-flexor-stretch"), T0, OK, pacing=Pacing(2, 3))
    session.record_pain_before(1, T0)
    sides = []
    effects: list[object] = []
    for second in range(0, 400):
        step = session.tick(_at(second))
        effects += step
        if session.state is SessionState.HOLD:
            sides.append(session.current().side)
    left, right = (s.set for s in _sets(effects))
    assert (left.side, right.side) == (Side.LEFT, Side.RIGHT)
    assert left.reps == right.reps == HIP.start.reps
    assert sides[0] is Side.LEFT and sides[-1] is Side.RIGHT
    assert any(isinstance(e, Cue) and "right leg steps back" in e.text for e in effects)
    assert session.state is SessionState.PAIN_AFTER


@pytest.mark.parametrize("score", [-1, 11, 3.5, "5", True, None])
def test_pain_scores_outside_0_to_10_are_refused(score: object) -> None:
    session = GuidedSession(PLAN, T0, OK, pacing=PACE)
    with pytest.raises(InvalidPainScore, match="whole number from 0") as info:
        session.record_pain_before(score, T0)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert session.state is SessionState.PAIN_BEFORE


def test_pain_after_is_only_asked_at_the_end() -> None:
    session = GuidedSession(PLAN, T0, OK, pacing=PACE)
    with pytest.raises(SessionError, match="pain after"):
        session.record_pain_after(3, T0)


def test_sharp_pain_ends_at_once_and_keeps_the_reps_done() -> None:
    session = GuidedSession(_plan("knee-to-chest", "neck-flexion"), T0, OK, pacing=PACE)
    session.record_pain_before(2, T0)
    session.tick(_at(5 + 5 + 10 + 2))  # one rep done, in the second hold
    effects = session.sharp_pain(_at(23))
    (partial,) = _sets(effects)
    assert partial.set.reps == 1
    ended = effects[-1]
    assert isinstance(ended, SessionEnded)
    assert ended.message == SHARP_PAIN_MESSAGE
    record = ended.record
    assert record.outcome is SessionOutcome.SHARP_PAIN
    assert (record.stop_exercise_id, record.stop_at, record.ended_at) == (
        "knee-to-chest", _at(23), _at(23),
    )  # fmt: skip
    assert session.state is SessionState.DONE
    assert session.tick(_at(500)) == [] and session.sharp_pain(_at(501)) == []


def test_stop_before_any_exercise_records_no_exercise() -> None:
    session = GuidedSession(PLAN, T0, OK, pacing=PACE)
    (ended,) = session.stop(_at(3))
    assert isinstance(ended, SessionEnded)
    assert ended.record.outcome is SessionOutcome.STOPPED
    assert ended.record.stop_exercise_id is None and ended.record.sets == ()


def test_pause_freezes_the_countdown() -> None:
    session = GuidedSession(_plan("knee-to-chest"), T0, OK, pacing=PACE)
    session.record_pain_before(2, T0)
    session.tick(_at(6))  # 1 s into the first hold
    session.pause(_at(7))
    assert session.state is SessionState.PAUSED and session.current().paused
    assert session.tick(_at(100)) == []
    assert session.current(_at(100)).seconds_left == 3
    session.resume(_at(100))
    assert session.state is SessionState.HOLD
    session.tick(_at(102.9))
    assert session.state is SessionState.HOLD
    session.tick(_at(103))
    assert session.state is SessionState.REST


def test_next_skips_the_countdown_and_an_early_hold_counts_its_real_length() -> None:
    session = GuidedSession(_plan("knee-to-chest"), T0, OK, pacing=PACE)
    session.record_pain_before(2, T0)
    session.next(_at(1))
    assert session.state is SessionState.HOLD
    session.next(_at(3))  # held 2 s of 5
    assert session.state is SessionState.REST
    session.next(_at(4))
    session.tick(_at(9))
    session.next(_at(10))  # rest skipped: the third hold starts
    effects = session.next(_at(12))  # held 2 s
    (done,) = _sets(effects)
    assert done.set.reps == 3
    assert done.set.hold_s == pytest.approx((2 + 5 + 2) / 3, abs=0.05)


def test_skip_exercise_keeps_what_was_done_and_moves_on() -> None:
    session = GuidedSession(_plan("knee-to-chest", "neck-flexion"), T0, OK, pacing=PACE)
    session.record_pain_before(2, T0)
    session.tick(_at(11))
    session.pause(_at(11))
    effects = session.skip_exercise(_at(12))
    (done,) = _sets(effects)
    assert (done.set.exercise_id, done.set.reps) == ("knee-to-chest", 1)
    assert session.state is SessionState.GET_READY
    assert session.current().exercise_id == "neck-flexion"


def test_camera_mode_counts_reps_from_the_camera_only() -> None:
    slow = Pacing(5, 5, camera_grace_s=120)
    session = GuidedSession(_plan("hip-flexor-stretch"), T0, OK, pacing=slow, camera=True)
    session.record_pain_before(2, T0)
    session.tick(_at(60))
    assert session.state is SessionState.HOLD  # the timer alone does not end a camera hold
    wrong = session.camera_rep(11.0, "right", 0.9, _at(61))
    assert isinstance(wrong[0], Cue) and "left" in wrong[0].text
    assert session.current().rep == 1
    session.camera_rep(12.0, "left", 0.8, _at(62))
    effects = session.camera_rep(10.0, None, 0.6, _at(65))
    (left,) = _sets(effects)
    assert left.set.source is SetSource.CAMERA
    assert (left.set.reps, left.set.hold_s, left.set.quality) == (2, 11.0, 0.7)
    assert left.set.side is Side.LEFT
    assert session.state is SessionState.SWITCH_SIDE
    assert (session.current().side, session.current().rep) == (Side.RIGHT, 1)
    with pytest.raises(SessionError, match="quality"):
        session.camera_rep(5.0, None, 1.5, _at(66))


def test_a_camera_set_records_its_furthest_range_and_a_timed_set_none() -> None:
    slow = Pacing(5, 5, camera_grace_s=120)
    session = GuidedSession(_plan("hip-flexor-stretch"), T0, OK, pacing=slow, camera=True)
    session.record_pain_before(2, T0)
    session.tick(_at(60))
    session.camera_rep(12.0, "left", 0.8, _at(62), range_deg=31.0)
    (left,) = _sets(session.camera_rep(10.0, None, 0.6, _at(65), range_deg=35.5))
    assert left.set.range_deg == 35.5
    with pytest.raises(SessionError, match="range_deg"):
        session.camera_rep(5.0, None, 0.5, _at(66), range_deg=-1.0)
    timed = GuidedSession(_plan("knee-to-chest"), T0, OK, pacing=PACE)
    timed.record_pain_before(2, T0)
    effects = [e for s in range(0, 400, 5) for e in timed.tick(_at(s))]
    assert _sets(effects) and all(e.set.range_deg is None for e in _sets(effects))


def test_camera_rep_outside_an_exercise_is_ignored() -> None:
    session = GuidedSession(PLAN, T0, OK, pacing=PACE)
    assert session.camera_rep(5.0, None, None, T0) == []
    assert session.record().sets == ()


def test_times_must_be_timezone_aware() -> None:
    with pytest.raises(SessionError, match="timezone-aware"):
        GuidedSession(PLAN, datetime(2026, 3, 2, 9, 0), OK)


def test_empty_plan_goes_straight_to_pain_after() -> None:
    session = GuidedSession(DailyPlan(T0.date(), (), (), False), T0, OK, pacing=PACE)
    session.record_pain_before(0, T0)
    assert session.state is SessionState.PAIN_AFTER


# --- invariant: any sequence of events ends well ----------------------------------------------

_action = st.one_of(
    st.tuples(st.just("tick"), st.floats(0, 60)),
    st.tuples(st.sampled_from(["next", "pause", "resume", "skip", "stop", "sharp"]), st.just(0.0)),
    st.tuples(st.just("pain_before"), st.integers(-2, 12)),
    st.tuples(st.just("pain_after"), st.integers(-2, 12)),
    st.tuples(st.just("camera"), st.floats(0, 30)),
    st.tuples(st.just("back"), st.floats(0, 30)),  # a late event: time going backwards
)  # fmt: skip


def _apply(session: GuidedSession, action: tuple[str, float], now: datetime) -> list[object]:
    name, value = action
    calls = {
        "tick": lambda: session.tick(now),
        "next": lambda: session.next(now),
        "pause": lambda: session.pause(now),
        "resume": lambda: session.resume(now),
        "skip": lambda: session.skip_exercise(now),
        "stop": lambda: session.stop(now),
        "sharp": lambda: session.sharp_pain(now),
        "pain_before": lambda: session.record_pain_before(int(value), now),
        "pain_after": lambda: session.record_pain_after(int(value), now),
        "camera": lambda: session.camera_rep(value, None, 0.5, now),
        "back": lambda: session.tick(now),
    }
    return list(calls[name]())


@settings(max_examples=150, deadline=None)
@given(actions=st.lists(_action, max_size=60), finish=st.sampled_from(["stop", "sharp", "run"]))
def test_random_events_never_crash_and_end_well_defined(
    actions: list[tuple[str, float]], finish: str
) -> None:
    session = GuidedSession(PLAN, T0, OK, pacing=Pacing(1, 1))
    now, effects = T0, []
    for name, value in actions:
        now = now - timedelta(seconds=value) if name == "back" else now + timedelta(seconds=1)
        if name == "tick":
            now += timedelta(seconds=value)
        with contextlib.suppress(SessionError):  # a refused call leaves the session usable
            effects += _apply(session, (name, value), now)
        view = session.current()
        assert view.state is session.state
    now += timedelta(hours=1)
    if finish == "run" and session.state is not SessionState.DONE:
        if session.state is SessionState.PAUSED:
            session.resume(now)
        if session.state is SessionState.PAIN_BEFORE:
            effects += session.record_pain_before(3, now)
        effects += session.tick(now + timedelta(hours=1))
        effects += session.record_pain_after(3, now + timedelta(hours=1))
    else:
        effects += session.stop(now) if finish == "stop" else session.sharp_pain(now)
    assert session.state is SessionState.DONE
    ended = [e for e in effects if isinstance(e, SessionEnded)]
    assert len(ended) == 1
    record = ended[0].record
    assert record.outcome is session.outcome is not SessionOutcome.IN_PROGRESS
    assert record.ended_at is not None and record.ended_at >= record.started_at
    assert [s.set for s in effects if isinstance(s, SetCompleted)] == list(record.sets)
    assert record.sets == session.record().sets
    for done in record.sets:
        assert done.reps >= 1 and done.ended_at >= done.started_at
    if record.outcome is SessionOutcome.SHARP_PAIN:
        assert ended[0].message == SHARP_PAIN_MESSAGE


def test_a_camera_hold_past_its_timer_says_what_to_do_then_moves_on() -> None:
    session = GuidedSession(_plan("knee-to-chest"), T0, OK, pacing=PACE, camera=True)
    session.record_pain_before(2, T0)
    session.tick(_at(5))
    assert session.current(_at(6)).overdue_hint is None  # 4 s of the 5 s hold left
    effects = session.tick(_at(11))  # the timer ran out at 10 s
    assert session.state is SessionState.HOLD
    (hint,) = [e for e in effects if isinstance(e, Cue)]
    assert "come back to the start" in hint.text
    view = session.current(_at(11))
    assert view.overdue_hint == hint.text and view.grace_left_s == PACE.camera_grace_s - 1
    assert session.tick(_at(12)) == []  # said once, not on every poll
    effects = session.tick(_at(10 + PACE.camera_grace_s))
    assert session.state is SessionState.REST and session.current().rep == 2
    assert session.current().overdue_hint is None
    session.tick(_at(10 + PACE.camera_grace_s + KNEE.rest_between_reps_s + 5.5))
    assert any("come back" in c.text for c in _cues(session.tick(_at(80))))


def _cues(effects: list[object]) -> list[Cue]:
    return [e for e in effects if isinstance(e, Cue)]


def test_transition_times_come_from_the_exercise_data() -> None:
    assert KNEE.position == "lying" and KNEE.get_ready_s >= 10 and KNEE.get_up_s >= 10
    session = GuidedSession(_plan("knee-to-chest", "neck-flexion"), T0, OK)
    session.record_pain_before(2, T0)
    assert session.current(T0).seconds_left == KNEE.get_ready_s  # down onto the mat
    knee_s = KNEE.get_ready_s + 3 * 5 + 2 * KNEE.rest_between_reps_s
    effects = session.tick(_at(knee_s))
    assert session.current().exercise_id == "neck-flexion"
    # Up from the mat and onto the chair: the knee-to-chest's get-up time comes first.
    assert session.current().seconds_left == KNEE.get_up_s + NECK.get_ready_s
    assert any("getting up" in c.text for c in _cues(effects))


def test_time_left_counts_down_to_the_end_of_the_last_exercise() -> None:
    session = GuidedSession(_plan("knee-to-chest", "hip-flexor-stretch"), T0, OK)
    session.record_pain_before(2, T0)
    total = session.current(T0).session_left_s
    assert total is not None
    end = T0
    lefts = []
    while session.state is not SessionState.PAIN_AFTER:
        end += timedelta(seconds=1)
        session.tick(end)
        if session.state is not SessionState.PAIN_AFTER:
            lefts.append(session.current(end).session_left_s)
    assert (end - T0).total_seconds() == total
    assert lefts == sorted(lefts, reverse=True) and lefts[-1] == 1
