"""A session driven from a page advances only while the page is seen (no invented sets)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backcoach.core.attendance import AttendedSession, AwayReason
from backcoach.core.catalog import load_catalog
from backcoach.core.plan import load_progression_rules, plan_for_day
from backcoach.core.records import History
from backcoach.core.safety import SafetyDecision
from backcoach.core.session import GuidedSession, Pacing, SessionState, SetCompleted

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OK = SafetyDecision(True, "ok", "You can start a session.")
PLAN = plan_for_day(load_catalog(), History(), load_progression_rules(), T0.date())
TIMEOUT = timedelta(seconds=4)
SEEN_KINDS = ("beat", "next", "pause", "resume")


def _started() -> AttendedSession:
    guided = GuidedSession(PLAN, T0, OK, pacing=Pacing(get_ready_s=5.0, switch_side_s=5.0))
    guided.record_pain_before(2, T0)
    return AttendedSession(guided, T0, TIMEOUT)


def test_a_page_left_for_75_s_credits_nothing_while_away() -> None:
    session = _started()
    for second in range(1, 4):
        session.seen(T0 + timedelta(seconds=second))
    effects = session.seen(T0 + timedelta(seconds=78))
    assert session.guided.state is SessionState.PAUSED
    assert session.away is AwayReason.SILENT
    assert not [e for e in effects if isinstance(e, SetCompleted)]
    assert session.guided.record().sets == ()
    view = session.guided.current(T0 + timedelta(seconds=78))
    # Paused 3 s after the start: the get-ready countdown kept what was left at that moment.
    assert view.seconds_left is not None
    assert abs(view.seconds_left - (5.0 - 3)) < 0.01


def test_a_hidden_page_pauses_at_once_and_resume_continues() -> None:
    session = _started()
    session.seen(T0 + timedelta(seconds=1))
    session.hidden(T0 + timedelta(seconds=2))
    assert session.away is AwayReason.HIDDEN
    later = T0 + timedelta(seconds=300)
    session.seen(later)
    assert session.guided.state is SessionState.PAUSED
    session.guided.resume(later)
    session.resumed()
    assert session.away is None
    assert session.guided.state is not SessionState.PAUSED


_events = st.lists(
    st.tuples(
        st.floats(min_value=0.05, max_value=30.0, allow_nan=False),
        st.sampled_from(["beat", "beat", "beat", "hidden", "next", "pause", "resume"]),
    ),
    min_size=1,
    max_size=120,
)


@given(_events)
def test_no_set_holds_longer_than_the_page_was_seen(events: list[tuple[float, str]]) -> None:
    session = _started()
    now, previous_seen = T0, True
    visible_s = 0.0
    sets: list[SetCompleted] = []
    for gap_s, kind in events:
        now += timedelta(seconds=gap_s)
        if previous_seen and timedelta(seconds=gap_s) <= TIMEOUT:
            visible_s += gap_s
        effects = session.hidden(now) if kind == "hidden" else session.seen(now)
        guided = session.guided
        if kind == "next":
            effects += guided.next(now)
        elif kind == "pause":
            effects += guided.pause(now)
        elif kind == "resume":
            effects += guided.resume(now)
            session.resumed()
        sets += [e for e in effects if isinstance(e, SetCompleted)]
        previous_seen = kind in SEEN_KINDS
    held_s = sum(s.set.reps * s.set.hold_s for s in sets)
    assert held_s <= visible_s + 0.05 * sum(s.set.reps for s in sets) + 1e-6
