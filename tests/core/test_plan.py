"""Today's plan and the progression rule: start, progress, hold, step back, refer."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from backcoach.core.catalog import load_catalog
from backcoach.core.datafile import shipped_data_file
from backcoach.core.plan import (
    PlanError,
    current_dose,
    load_progression_rules,
    plan_for_day,
    review_progression,
)
from backcoach.core.records import (
    DoseValue,
    History,
    MorningCheckin,
    MorningFeeling,
    PlanChange,
    SessionOutcome,
    SessionRecord,
    SetRecord,
)

CATALOG = load_catalog()
RULES = load_progression_rules()
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)
KNEE = CATALOG.get("knee-to-chest")


def _session(
    start: datetime,
    before: int = 2,
    after: int | None = 2,
    outcome: SessionOutcome = SessionOutcome.COMPLETED,
    exercises: tuple[str, ...] = CATALOG.ids,
) -> SessionRecord:
    end = start + timedelta(minutes=10)
    sets = tuple(SetRecord(e, 3, 5.0, start, end) for e in exercises)
    stop = exercises[0] if outcome is SessionOutcome.SHARP_PAIN else None
    return SessionRecord(start, outcome, before, after, end, stop, end if stop else None, sets)


def _with(history: History, *sessions: SessionRecord) -> History:
    return replace(history, sessions=history.sessions + sessions)


def _review(history: History, at: datetime) -> tuple[History, list[PlanChange]]:
    """Review and store the changes, as the CLI does after a session."""
    changes = review_progression(CATALOG, history, RULES, at)
    return replace(history, plan_changes=history.plan_changes + tuple(changes)), changes


def _started() -> History:
    return _review(History(), T0)[0]


def _by_id(changes: list[PlanChange]) -> dict[str, PlanChange]:
    return {c.exercise_id: c for c in changes}


# --- rules data -------------------------------------------------------------------------------


def test_rules_load_from_data() -> None:
    assert RULES.sessions_to_progress == 3
    assert RULES.max_pain_rise_ok == 2
    assert RULES.step_back_pain_rise == 3
    assert RULES.referral.sharp_stops == 2


def test_inconsistent_rules_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "progression.toml"
    text = shipped_data_file("progression.toml").read_text(encoding="utf-8")
    path.write_text(text.replace("step_back_pain_rise = 3", "step_back_pain_rise = 1"), "utf-8")
    with pytest.raises(PlanError, match=r"progression\.toml.*step_back_pain_rise must be above"):
        load_progression_rules(path)


def test_bad_field_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "progression.toml"
    text = shipped_data_file("progression.toml").read_text(encoding="utf-8")
    path.write_text(text.replace("sharp_stops = 2 ", 'sharp_stops = "two" '), "utf-8")
    with pytest.raises(PlanError, match=r"field 'referral\.sharp_stops'"):
        load_progression_rules(path)


# --- review -----------------------------------------------------------------------------------


def test_first_review_starts_every_exercise_at_its_start_dose() -> None:
    changes = review_progression(CATALOG, History(), RULES, T0)
    assert [c.exercise_id for c in changes] == list(CATALOG.ids)
    for change in changes:
        exercise = CATALOG.get(change.exercise_id)
        assert change.reason_code == "start"
        assert change.from_dose is None
        assert change.to_dose.reps == exercise.start.reps
        assert change.reason


def test_review_is_deterministic_and_idempotent() -> None:
    history = _with(_started(), *(_session(T0 + timedelta(hours=h)) for h in (1, 2, 3)))
    at = T0 + timedelta(hours=4)
    first = review_progression(CATALOG, history, RULES, at)
    assert first == review_progression(CATALOG, history, RULES, at)
    stored, _ = _review(history, at)
    assert review_progression(CATALOG, stored, RULES, at) == []
    assert review_progression(CATALOG, stored, RULES, at + timedelta(days=1)) == []


def test_progress_one_step_after_three_settled_sessions() -> None:
    history = _started()
    for h in (1, 2):
        history = _with(history, _session(T0 + timedelta(hours=h)))
        history, changes = _review(history, T0 + timedelta(hours=h, minutes=30))
        assert changes == []
    third = _with(history, _session(T0 + timedelta(hours=3), before=3, after=5))
    _, changes = _review(third, T0 + timedelta(hours=4))
    knee = _by_id(changes)["knee-to-chest"]
    assert knee.reason_code == "progress"
    assert knee.to_dose == DoseValue(
        KNEE.start.reps + KNEE.step.reps,
        KNEE.start.hold_s + KNEE.step.hold_s,
        KNEE.start.sessions_per_day,
    )
    assert "3 sessions in a row" in knee.reason


def test_a_stopped_session_breaks_the_run() -> None:
    history = _with(
        _started(),
        _session(T0 + timedelta(hours=1)),
        _session(T0 + timedelta(hours=2)),
        _session(T0 + timedelta(hours=3), after=None, outcome=SessionOutcome.STOPPED),
        _session(T0 + timedelta(hours=4)),
    )
    assert review_progression(CATALOG, history, RULES, T0 + timedelta(hours=5)) == []


def test_only_exercises_done_count_toward_progress() -> None:
    sessions = [_session(T0 + timedelta(hours=h), exercises=("neck-flexion",)) for h in (1, 2, 3)]
    history = _with(_started(), *sessions)
    changes = _by_id(review_progression(CATALOG, history, RULES, T0 + timedelta(hours=4)))
    assert set(changes) == {"neck-flexion"}


def test_mild_flare_holds() -> None:
    history = _with(_started(), _session(T0 + timedelta(hours=1), before=4, after=6))
    changes = review_progression(CATALOG, history, RULES, T0 + timedelta(hours=2))
    assert {c.reason_code for c in changes} == {"hold"}
    assert all(c.from_dose == c.to_dose for c in changes)


@pytest.mark.parametrize(
    ("session", "checkin", "words"),
    [
        (_session(T1, before=2, after=5), None, "rose by 3"),
        (_session(T1, after=None, outcome=SessionOutcome.SHARP_PAIN), None, "sharp pain"),
        (_session(T1), MorningCheckin(date(2026, 3, 3), MorningFeeling.WORSE), "worse the next"),
    ],
)
def test_step_back_one_step_never_below_the_start(
    session: SessionRecord, checkin: MorningCheckin | None, words: str
) -> None:
    raised = DoseValue(KNEE.start.reps + 2, KNEE.start.hold_s + 2, KNEE.start.sessions_per_day)
    bump = PlanChange("knee-to-chest", T0, DoseValue(3, 5, 3), raised, "progress", "test")
    history = replace(_started(), plan_changes=(*_started().plan_changes, bump))
    history = replace(_with(history, session), checkins=(checkin,) if checkin else ())
    changes = _by_id(review_progression(CATALOG, history, RULES, T0 + timedelta(days=2)))
    knee = changes["knee-to-chest"]
    assert knee.reason_code == "step_back"
    assert words in knee.reason
    assert knee.to_dose.reps == raised.reps - KNEE.step.reps
    neck = changes["neck-flexion"]  # already at its start dose: stays there
    assert neck.reason_code == "step_back"
    assert neck.to_dose == neck.from_dose
    assert "already at the starting dose" in neck.reason


def test_never_above_the_maximum() -> None:
    history, at = _started(), T0
    for _ in range(60):
        for _ in range(RULES.sessions_to_progress):
            at += timedelta(hours=1)
            history = _with(history, _session(at))
        at += timedelta(minutes=30)
        history, _ = _review(history, at)
    for exercise in CATALOG:
        dose = current_dose(exercise, history)
        assert (dose.reps, dose.hold_s) == (exercise.max.reps, exercise.max.hold_s)
    at += timedelta(hours=5)
    history = _with(history, *(_session(at + timedelta(hours=h)) for h in range(1, 5)))
    assert review_progression(CATALOG, history, RULES, at + timedelta(hours=6)) == []


def test_current_dose_stays_within_the_catalog_bounds() -> None:
    huge = PlanChange("knee-to-chest", T0, None, DoseValue(99, 99, 9), "progress", "old catalog")
    assert current_dose(KNEE, History(plan_changes=(huge,))) == KNEE.max
    assert current_dose(KNEE, History()) == KNEE.start


# --- today's plan -----------------------------------------------------------------------------


def test_plan_for_day_counts_sessions_done_today_and_says_why() -> None:
    history = _with(
        _started(),
        _session(T0 + timedelta(hours=1)),
        _session(T0 + timedelta(hours=3), exercises=("knee-to-chest",)),
        _session(T0 - timedelta(days=1)),
    )
    plan = plan_for_day(CATALOG, history, RULES, T0.date())
    done = {item.exercise.id: item.sessions_done_today for item in plan.items}
    assert done == {"knee-to-chest": 2, "neck-flexion": 1, "hip-flexor-stretch": 1}
    knee = next(item for item in plan.items if item.exercise.id == "knee-to-chest")
    assert knee.sessions_left_today == KNEE.start.sessions_per_day - 2
    assert knee.why.startswith("Everyone starts gently")
    assert not plan.refer and plan.advice == ()
    assert not plan.done_for_today


def test_plan_refers_after_repeated_sharp_pain_stops() -> None:
    stops = [
        _session(T0 + timedelta(days=d), after=None, outcome=SessionOutcome.SHARP_PAIN)
        for d in (0, 2)
    ]
    plan = plan_for_day(CATALOG, _with(_started(), *stops), RULES, (T0 + timedelta(days=3)).date())
    assert plan.refer
    assert plan.advice[0] == RULES.referral.advice
    later = plan_for_day(
        CATALOG, _with(_started(), *stops), RULES, (T0 + timedelta(days=12)).date()
    )
    assert not later.refer


def test_plan_refers_when_pain_worsens_across_a_week() -> None:
    sessions = [
        _session(T0 + timedelta(days=d), before=p, after=p) for d, p in enumerate((2, 3, 3, 5))
    ]
    plan = plan_for_day(
        CATALOG, _with(_started(), *sessions), RULES, (T0 + timedelta(days=4)).date()
    )
    assert plan.refer
    assert any("kept rising" in a for a in plan.advice)
    easing = [
        _session(T0 + timedelta(days=d), before=p, after=p) for d, p in enumerate((2, 4, 3, 5))
    ]
    plan = plan_for_day(CATALOG, _with(_started(), *easing), RULES, (T0 + timedelta(days=4)).date())
    assert not plan.refer


# --- invariants -------------------------------------------------------------------------------

_event = st.one_of(
    st.tuples(
        st.sampled_from(list(SessionOutcome)),
        st.integers(0, 10),
        st.one_of(st.none(), st.integers(0, 10)),
    ),
    st.sampled_from(list(MorningFeeling)),
)


_DONE = (SessionOutcome.COMPLETED, 0, 0)


@settings(max_examples=60, deadline=None)
@given(events=st.lists(_event, max_size=25))
@example(events=[_DONE, _DONE, (SessionOutcome.IN_PROGRESS, 0, None), _DONE])
def test_dose_stays_in_bounds_and_never_rises_after_sharp_pain(events: list[object]) -> None:
    history, at = _started(), T0
    for event in events:
        at += timedelta(hours=6)
        if isinstance(event, MorningFeeling):
            checkin = MorningCheckin(at.date(), event, at=at)
            history = replace(history, checkins=(*history.checkins, checkin))
        else:
            outcome, before, after = event  # type: ignore[misc]
            history = _with(history, _session(at, before, after, outcome))
        before_doses = {e.id: current_dose(e, history) for e in CATALOG}
        history, changes = _review(history, at + timedelta(hours=1))
        for exercise in CATALOG:
            dose = current_dose(exercise, history)
            assert exercise.start.reps <= dose.reps <= exercise.max.reps
            assert exercise.start.hold_s <= dose.hold_s <= exercise.max.hold_s
            if not isinstance(event, MorningFeeling) and event[0] is SessionOutcome.SHARP_PAIN:  # type: ignore[index]
                assert dose.reps <= before_doses[exercise.id].reps
                assert dose.hold_s <= before_doses[exercise.id].hold_s
        for change in changes:
            if change.reason_code == "progress":
                # A session still in progress neither counts nor breaks the run (plan.py).
                finished = [
                    s for s in history.sessions if s.outcome is not SessionOutcome.IN_PROGRESS
                ]
                recent = finished[-RULES.sessions_to_progress :]
                assert all(s.outcome is SessionOutcome.COMPLETED for s in recent)
        assert review_progression(CATALOG, history, RULES, at + timedelta(hours=1)) == []
