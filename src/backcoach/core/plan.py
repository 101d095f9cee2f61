"""Today's plan and gradual progression: pure functions of the journal's history.

A dose changes only through a ``PlanChange`` stored in the journal, each with a stable reason code
and a plain-language reason ("why this plan"). ``review_progression`` decides those changes from
what happened since each exercise's latest change, so it is deterministic, and once its changes
are stored, calling it again on the same events changes nothing. Rules live in
``data/progression.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backcoach.core.catalog import Catalog, Dose, Exercise
from backcoach.core.datafile import load_data_file, shipped_data_file
from backcoach.core.pain import (
    ReferralRules,
    Signal,
    checkin_time,
    day_end,
    local_day,
    referral_reasons,
    session_signal,
    session_time,
    sharp_pain_times,
)
from backcoach.core.records import (
    DoseValue,
    History,
    MorningFeeling,
    PlanChange,
    SessionOutcome,
    SessionRecord,
)

#: Stable reason codes of plan changes (stored; never rename one).
START = "start"
PROGRESS = "progress"
HOLD = "hold"
STEP_BACK = "step_back"


class PlanError(Exception):
    """The progression data file is missing or invalid; the message names the file and field."""


class ProgressionRules(BaseModel):
    """The progression rule's parameters (``data/progression.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sessions_to_progress: int = Field(ge=1, le=30)
    max_pain_rise_ok: int = Field(ge=0, le=10)
    step_back_pain_rise: int = Field(ge=1, le=10)
    acceptable_pain: int = Field(ge=0, le=10)
    referral: ReferralRules

    @model_validator(mode="after")
    def _ordered(self) -> ProgressionRules:
        if self.step_back_pain_rise <= self.max_pain_rise_ok:
            raise ValueError("step_back_pain_rise must be above max_pain_rise_ok")
        return self


def load_progression_rules(path: Path | None = None) -> ProgressionRules:
    """Load the rules (the shipped file by default); errors name the file and field."""
    return load_data_file(
        path or shipped_data_file("progression.toml"), ProgressionRules, PlanError
    )


# --- doses ------------------------------------------------------------------------------------


def dose_value(dose: Dose) -> DoseValue:
    return DoseValue(reps=dose.reps, hold_s=dose.hold_s, sessions_per_day=dose.sessions_per_day)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _bounded(exercise: Exercise, reps: int, hold_s: int, sessions_per_day: int) -> Dose:
    """A dose kept between the exercise's starting dose (the floor) and its maximum."""
    lo, hi = exercise.start, exercise.max
    return Dose(
        reps=_clamp(reps, lo.reps, hi.reps),
        hold_s=_clamp(hold_s, lo.hold_s, hi.hold_s),
        sessions_per_day=_clamp(sessions_per_day, lo.sessions_per_day, hi.sessions_per_day),
    )


def _latest_change(exercise: Exercise, history: History) -> PlanChange | None:
    """The latest change by time; among equal times, the one stored last."""
    changes = [c for c in history.plan_changes if c.exercise_id == exercise.id]
    return sorted(changes, key=lambda c: c.at)[-1] if changes else None


def current_dose(exercise: Exercise, history: History) -> Dose:
    """The dose of the latest plan change for ``exercise``, or its starting dose.

    Always within the catalog's bounds, even if the catalog changed since the change was stored.
    """
    change = _latest_change(exercise, history)
    if change is None:
        return exercise.start
    to = change.to_dose
    return _bounded(exercise, to.reps, to.hold_s, to.sessions_per_day)


def stepped(exercise: Exercise, dose: Dose, direction: int) -> Dose:
    """One catalog step up (``+1``) or down (``-1``), never beyond the maximum or the start."""
    step = exercise.step
    return _bounded(
        exercise,
        dose.reps + direction * step.reps,
        dose.hold_s + direction * step.hold_s,
        dose.sessions_per_day,
    )


def describe_dose(dose: Dose | DoseValue) -> str:
    """``"3 repetitions, 5-second hold, 3 times a day"``."""
    reps = "repetition" if dose.reps == 1 else "repetitions"
    times = "once a day" if dose.sessions_per_day == 1 else f"{dose.sessions_per_day} times a day"
    return f"{dose.reps} {reps}, {dose.hold_s}-second hold, {times}"


# --- review -----------------------------------------------------------------------------------


def _did(session: SessionRecord, exercise: Exercise) -> bool:
    """The session holds at least one repetition of ``exercise`` that counts (it reached the
    prescribed hold, or the camera counted it)."""
    return any(s.exercise_id == exercise.id and s.counted_reps > 0 for s in session.sets)


def _change(
    exercise: Exercise, at: datetime, before: Dose, after: Dose, code: str, reason: str
) -> PlanChange:
    return PlanChange(
        exercise_id=exercise.id,
        at=at,
        from_dose=dose_value(before),
        to_dose=dose_value(after),
        reason_code=code,
        reason=reason,
    )


def _review_one(
    exercise: Exercise, history: History, rules: ProgressionRules, at: datetime
) -> PlanChange | None:
    latest = _latest_change(exercise, history)
    if latest is None:
        start = exercise.start
        return PlanChange(
            exercise_id=exercise.id,
            at=at,
            from_dose=None,
            to_dose=dose_value(start),
            reason_code=START,
            reason=f"Everyone starts gently: {describe_dose(start)}. The dose grows one small "
            f"step after {rules.sessions_to_progress} sessions in a row that leave your pain "
            "settled.",
        )
    since = latest.at
    sessions = [s for s in history.sessions if since < session_time(s) <= at]
    worse = [
        c
        for c in history.checkins
        if c.feeling is MorningFeeling.WORSE and since < checkin_time(c) <= at
    ]
    signals = [
        session_signal(
            s,
            max_rise_ok=rules.max_pain_rise_ok,
            step_back_rise=rules.step_back_pain_rise,
            acceptable_pain=rules.acceptable_pain,
        )
        for s in sessions
    ]
    dose = current_dose(exercise, history)
    down = stepped(exercise, dose, -1)
    floor_note = "" if down != dose else " You are already at the starting dose, so it stays."
    sharp_outside = any(since < t <= at for t in sharp_pain_times(history))
    if Signal.SHARP_PAIN in signals or sharp_outside:
        return _change(
            exercise,
            at,
            dose,
            down,
            STEP_BACK,
            "You reported sharp pain, so the plan steps back one step and will "
            f"not increase until your back has settled.{floor_note}",
        )
    if worse:
        return _change(
            exercise,
            at,
            dose,
            down,
            STEP_BACK,
            f"Your back felt worse the next morning, so the plan steps back one step.{floor_note}",
        )
    if Signal.PAIN_RISE in signals:
        return _change(
            exercise,
            at,
            dose,
            down,
            STEP_BACK,
            f"Your pain rose by {rules.step_back_pain_rise} points or more during a session, "
            f"so the plan steps back one step.{floor_note}",
        )
    if Signal.MILD_FLARE in signals:
        return _change(
            exercise,
            at,
            dose,
            dose,
            HOLD,
            "Your pain flared a little after a session, so the plan stays where it is until "
            f"you have {rules.sessions_to_progress} settled sessions in a row.",
        )
    return _maybe_progress(exercise, sessions, signals, dose, rules, at)


def _maybe_progress(
    exercise: Exercise,
    sessions: list[SessionRecord],
    signals: list[Signal],
    dose: Dose,
    rules: ProgressionRules,
    at: datetime,
) -> PlanChange | None:
    streak = 0
    for session, signal in zip(sessions, signals, strict=True):
        if signal is Signal.NEUTRAL and session.outcome is not SessionOutcome.IN_PROGRESS:
            streak = 0  # a stopped or unscored session breaks the run
        elif signal is Signal.GOOD and _did(session, exercise):
            streak += 1
    up = stepped(exercise, dose, +1)
    if streak < rules.sessions_to_progress or up == dose:
        return None
    return _change(
        exercise,
        at,
        dose,
        up,
        PROGRESS,
        f"{streak} sessions in a row left your pain settled (no more than "
        f"{rules.max_pain_rise_ok} points up, no sharp pain), so the dose goes up one small "
        f"step: {describe_dose(up)}.",
    )


def review_progression(
    catalog: Catalog, history: History, rules: ProgressionRules, at: datetime
) -> list[PlanChange]:
    """The plan changes to store now, one per exercise at most, in catalog order.

    Looks only at sessions and check-ins after each exercise's latest change (up to ``at``):
    a sharp-pain stop, a worse morning or a marked pain rise steps back (never below the start);
    a mild flare holds; ``sessions_to_progress`` settled sessions in a row progress one step
    (never above the maximum). Deterministic: the same history and ``at`` give the same changes.
    """
    changes = (_review_one(exercise, history, rules, at) for exercise in catalog)
    return [change for change in changes if change is not None]


# --- today's plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItem:
    exercise: Exercise
    dose: Dose
    sessions_done_today: int  # completed sessions that included this exercise
    why: str
    sessions_partial_today: int = 0  # stopped or unfinished sessions that included it

    @property
    def sessions_left_today(self) -> int:
        return max(0, self.dose.sessions_per_day - self.sessions_done_today)


@dataclass(frozen=True)
class DailyPlan:
    day: date
    items: tuple[PlanItem, ...]
    advice: tuple[str, ...]
    refer: bool

    @property
    def done_for_today(self) -> bool:
        return all(item.sessions_left_today == 0 for item in self.items)


def _sessions_on(
    exercise: Exercise, history: History, day: date, zone: tzinfo
) -> list[SessionRecord]:
    return [
        s for s in history.sessions
        if local_day(s.started_at, zone) == day and _did(s, exercise)
    ]  # fmt: skip


def _completed(session: SessionRecord) -> bool:
    return session.outcome is SessionOutcome.COMPLETED


def _why(exercise: Exercise, history: History) -> str:
    change = _latest_change(exercise, history)
    if change is None:
        return f"Starting dose: {describe_dose(exercise.start)}."
    return change.reason


def _item(exercise: Exercise, history: History, day: date, zone: tzinfo) -> PlanItem:
    sessions = _sessions_on(exercise, history, day, zone)
    done = sum(1 for s in sessions if _completed(s))
    return PlanItem(
        exercise=exercise,
        dose=current_dose(exercise, history),
        sessions_done_today=done,
        why=_why(exercise, history),
        sessions_partial_today=len(sessions) - done,
    )


def plan_for_day(
    catalog: Catalog,
    history: History,
    rules: ProgressionRules,
    day: date,
    zone: tzinfo = UTC,
) -> DailyPlan:
    """Each exercise at its current dose, ``sessions_per_day`` times on ``day``: the person's
    local day in ``zone``. Only completed sessions count as done; stopped ones are counted
    apart, and a repetition counts only when it reached the prescribed hold (or the camera
    counted it).

    ``refer`` is set, with the advice, when repeated sharp pain or worsening pain (looked at up
    to the end of ``day``) call for a professional's view.
    """
    items = tuple(_item(exercise, history, day, zone) for exercise in catalog)
    end_of_day = day_end(day, zone)
    reasons = referral_reasons(history, end_of_day, rules.referral)
    advice = (rules.referral.advice, *reasons) if reasons else ()
    return DailyPlan(day=day, items=items, advice=advice, refer=bool(reasons))
