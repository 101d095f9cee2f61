"""The guided session as a state machine: the terminal and the browser drive the same one.

Nothing here reads a clock or starts a thread. The caller passes the time into every call
(``tick(now)`` as often as it likes) and acts on the returned effects: show or speak a ``Cue``,
commit a ``SetCompleted`` at once (so a killed process loses nothing already done), and store the
``SessionEnded`` record.

Flow: pain before -> for each exercise in the plan: get ready -> for each repetition: hold ->
rest (no rest after the last one) -> pain after -> done. Sided exercises do all repetitions on
the left side, then a switch-side countdown, then all on the right; each side is its own set.
``stop`` and ``sharp_pain`` work from any state until the session is done; ``sharp_pain`` ends
it at once. Calls that make no sense in the current state (``pause`` when already paused, a
camera repetition during the pain question) change nothing and return no effects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from backcoach.core.motion.range_of_movement import set_range_deg
from backcoach.core.pain import PainScoreError, validate_pain
from backcoach.core.plan import DailyPlan, PlanItem
from backcoach.core.records import SessionOutcome, SessionRecord, SetRecord, SetSource, Side
from backcoach.core.safety import SHARP_PAIN_MESSAGE, SafetyDecision


class SessionError(Exception):
    """A guided session was used in a way it cannot follow; the message says what to do."""


class SessionBlocked(SessionError):
    """The safety decision does not allow a session; carries the decision for its advice."""

    def __init__(self, decision: SafetyDecision) -> None:
        super().__init__(f"a session cannot start: {decision.message}")
        self.decision = decision


class InvalidPainScore(SessionError, PainScoreError):
    """A pain score outside 0-10 (also a ``ValueError``)."""


class SessionState(StrEnum):
    PAIN_BEFORE = "pain_before"
    GET_READY = "get_ready"
    HOLD = "hold"
    REST = "rest"
    SWITCH_SIDE = "switch_side"
    PAIN_AFTER = "pain_after"
    DONE = "done"
    PAUSED = "paused"


_TIMED = (SessionState.GET_READY, SessionState.HOLD, SessionState.REST, SessionState.SWITCH_SIDE)


@dataclass(frozen=True)
class Pacing:
    """Countdowns that are not part of an exercise's dose, in seconds.

    ``None`` (the default) takes them from the exercise data: ``get_ready_s``, plus the previous
    exercise's ``get_up_s`` when the position changes (down from standing to the mat, or up from
    it), and ``switch_side_s``. Tests pass numbers to keep their arithmetic short.
    ``camera_grace_s``: how long a camera hold may run past its timer before the session moves on
    by itself (the person may not be visible, or may have forgotten to come back).
    """

    get_ready_s: float | None = None
    switch_side_s: float | None = None
    camera_grace_s: float = 10.0


# --- effects ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    """Something to show or speak now."""

    text: str


@dataclass(frozen=True)
class SetCompleted:
    """A set has ended: commit it to the journal at once."""

    set: SetRecord


@dataclass(frozen=True)
class SessionEnded:
    """The session is over; ``message`` (e.g. the sharp-pain advice) must be shown if set."""

    record: SessionRecord
    message: str | None


SessionEffect = Cue | SetCompleted | SessionEnded


@dataclass(frozen=True)
class StepView:
    """Everything a screen needs to show the current step."""

    state: SessionState
    paused: bool
    prompt: str
    exercise_id: str | None = None
    exercise_name: str | None = None
    exercise_index: int = 0  # 0-based position in the plan
    exercise_count: int = 0
    steps: tuple[str, ...] = ()
    cue: str | None = None
    rep: int = 0  # the repetition being done or next (1-based); 0 outside exercises
    reps: int = 0
    side: Side | None = None
    hold_s: int | None = None  # target hold of the current dose
    seconds_left: float | None = None  # of the current countdown
    phase_s: float | None = None  # full length of the current countdown
    outcome: SessionOutcome = SessionOutcome.IN_PROGRESS
    position: str | None = None  # lying, sitting or standing (for the demonstration shown)
    session_left_s: float | None = None  # estimated time to the end of the last exercise
    # A camera hold whose timer ran out: what to do, and the seconds before it moves on anyway.
    overdue_hint: str | None = None
    grace_left_s: float | None = None


_PROMPTS = {
    SessionState.PAIN_BEFORE: "How much does your back hurt right now, from 0 (none) to 10?",
    SessionState.GET_READY: "Get ready",
    SessionState.HOLD: "Hold",
    SessionState.REST: "Rest",
    SessionState.SWITCH_SIDE: "Switch sides",
    SessionState.PAIN_AFTER: "How much does your back hurt now, from 0 (none) to 10?",
    SessionState.DONE: "Session over",
}


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise SessionError("times passed to a session must be timezone-aware (UTC)")
    return now


class GuidedSession:
    """One guided session over a day's plan. Every method takes the current time."""

    def __init__(
        self,
        plan: DailyPlan,
        started_at: datetime,
        decision: SafetyDecision,
        *,
        pacing: Pacing | None = None,
        camera: bool = False,
        time_zone: str | None = None,
    ) -> None:
        """``camera=True``: holds end only on ``camera_rep`` (the hold timer is a guide only).
        ``time_zone``: the person's zone, stored with the session so its day is known.

        Raises ``SessionBlocked`` unless ``decision.allowed``: red flags always win.
        """
        if not decision.allowed:
            raise SessionBlocked(decision)
        self.plan = plan
        self.started_at = _aware(started_at)
        self.pacing = pacing or Pacing()
        self.camera = camera
        self.time_zone = time_zone
        self.state = SessionState.PAIN_BEFORE
        self._now = started_at
        self._items: tuple[PlanItem, ...] = plan.items
        self._index = 0
        self._side_index = 0
        self._rep = 0  # repetitions finished on the current side
        self._deadline: datetime | None = None
        self._phase_s: float | None = None
        self._paused_from: SessionState | None = None
        self._paused_at: datetime | None = None
        self._remaining_s = 0.0
        self._hold_started_at: datetime | None = None
        self._set_started_at: datetime | None = None
        self._holds: list[float] = []
        self._full_reps = 0  # reps on this side that reached the prescribed hold (or camera)
        self._qualities: list[float] = []
        self._ranges: list[float] = []  # camera repetitions' ranges of movement (degrees)
        self._camera_used = False
        self._sets: list[SetRecord] = []
        self._pain_before: int | None = None
        self._pain_after: int | None = None
        self._outcome = SessionOutcome.IN_PROGRESS
        self._ended_at: datetime | None = None
        self._stop_exercise_id: str | None = None
        self._stop_at: datetime | None = None
        self._overdue_cued = False

    # --- what to show -------------------------------------------------------------------------

    @property
    def outcome(self) -> SessionOutcome:
        return self._outcome

    def _item(self) -> PlanItem | None:
        in_exercise = self._index < len(self._items) and self._active_state() in _TIMED
        return self._items[self._index] if in_exercise else None

    def _active_state(self) -> SessionState:
        """The state being shown, or the one a pause interrupted."""
        if self.state is SessionState.PAUSED and self._paused_from is not None:
            return self._paused_from
        return self.state

    def _sides(self) -> tuple[Side | None, ...]:
        item = self._items[self._index]
        return (Side.LEFT, Side.RIGHT) if item.exercise.sided else (None,)

    def _side(self) -> Side | None:
        return self._sides()[self._side_index] if self._index < len(self._items) else None

    def current(self, now: datetime | None = None) -> StepView:
        """The current step; ``seconds_left`` is counted to ``now`` (default: the last call)."""
        at = max(_aware(now), self._now) if now else self._now
        active = self._active_state()
        item = self._item()
        if item is None:
            return StepView(
                state=self.state,
                paused=self.state is SessionState.PAUSED,
                prompt=_PROMPTS.get(active, ""),
                exercise_count=len(self._items),
                outcome=self._outcome,
            )
        exercise, dose = item.exercise, item.dose
        switching = active is SessionState.SWITCH_SIDE  # show the side that comes next
        overdue = self._grace_left_s(at)
        if self.state is SessionState.PAUSED:
            left: float | None = self._remaining_s
        else:
            left = max(0.0, (self._deadline - at).total_seconds()) if self._deadline else None
        return StepView(
            state=self.state,
            paused=self.state is SessionState.PAUSED,
            prompt=_PROMPTS[active],
            exercise_id=exercise.id,
            exercise_name=exercise.name,
            exercise_index=self._index,
            exercise_count=len(self._items),
            steps=exercise.steps,
            cue=exercise.cues[self._rep % len(exercise.cues)],
            rep=1 if switching else min(self._rep + 1, dose.reps),
            reps=dose.reps,
            side=self._sides()[self._side_index + 1] if switching else self._side(),
            hold_s=dose.hold_s,
            seconds_left=left,
            phase_s=self._phase_s,
            outcome=self._outcome,
            position=exercise.position,
            session_left_s=round(self._session_left_s(left or 0.0), 1),
            overdue_hint=self._overdue_hint() if overdue is not None else None,
            grace_left_s=overdue,
        )

    def _grace_left_s(self, at: datetime) -> float | None:
        """Seconds before a camera hold whose timer ran out moves on by itself, else ``None``."""
        if not (self.camera and self.state is SessionState.HOLD and self._deadline):
            return None
        if at < self._deadline:
            return None
        grace_end = self._deadline + timedelta(seconds=self.pacing.camera_grace_s)
        return max(0.0, (grace_end - at).total_seconds())

    def _overdue_hint(self) -> str:
        return (
            "Time is up: slowly come back to the start position. If the camera does not see it, "
            f"the session moves on by itself in {self.pacing.camera_grace_s:.0f} seconds."
        )

    # --- timing from the exercise data --------------------------------------------------------

    def _get_ready_s(self, index: int) -> float:
        """Time to get into position: longer when coming from another position (floor, chair)."""
        if self.pacing.get_ready_s is not None:
            return self.pacing.get_ready_s
        exercise = self._items[index].exercise
        seconds = float(exercise.get_ready_s)
        if index > 0:
            before = self._items[index - 1].exercise
            if before.position != exercise.position:
                seconds += before.get_up_s
        return seconds

    def _switch_side_s(self, index: int) -> float:
        if self.pacing.switch_side_s is not None:
            return self.pacing.switch_side_s
        return float(self._items[index].exercise.switch_side_s)

    def _side_s(self, index: int) -> float:
        item = self._items[index]
        dose, rest_s = item.dose, item.exercise.rest_between_reps_s
        return float(dose.reps * dose.hold_s + (dose.reps - 1) * rest_s)

    def _planned_s(self, index: int) -> float:
        """The whole of one exercise as planned: get ready, every side, the side switches."""
        sides = 2 if self._items[index].exercise.sided else 1
        return (
            self._get_ready_s(index)
            + sides * self._side_s(index)
            + (sides - 1) * self._switch_side_s(index)
        )

    def _session_left_s(self, left_s: float) -> float:
        """An estimate of the time still to go, for "time left" on screen (not a promise)."""
        item = self._items[self._index]
        dose, rest_s = item.dose, item.exercise.rest_between_reps_s
        sides_after = len(self._sides()) - self._side_index - 1
        active = self._active_state()
        this_side: float
        if active is SessionState.HOLD:
            n = dose.reps - self._rep - 1
            this_side = n * (dose.hold_s + rest_s)
        elif active is SessionState.REST:
            n = dose.reps - self._rep
            this_side = n * dose.hold_s + (n - 1) * rest_s
        else:  # getting ready, or switching to the next side
            this_side = self._side_s(self._index)
            sides_after -= int(active is SessionState.SWITCH_SIDE)
        later = sum(self._planned_s(i) for i in range(self._index + 1, len(self._items)))
        per_side = self._switch_side_s(self._index) + self._side_s(self._index)
        return left_s + this_side + max(0, sides_after) * per_side + later

    def record(self) -> SessionRecord:
        """The session as it stands (outcome ``IN_PROGRESS`` until it has ended)."""
        return SessionRecord(
            started_at=self.started_at,
            outcome=self._outcome,
            pain_before=self._pain_before,
            pain_after=self._pain_after,
            ended_at=self._ended_at,
            stop_exercise_id=self._stop_exercise_id,
            stop_at=self._stop_at,
            sets=tuple(self._sets),
            time_zone=self.time_zone,
        )

    # --- pain ---------------------------------------------------------------------------------

    def _pain(self, score: object, what: str, expected: SessionState) -> int:
        try:
            value = validate_pain(score, what)
        except PainScoreError as exc:
            raise InvalidPainScore(str(exc)) from None
        if self.state is not expected:
            raise SessionError(f"{what} is asked only at the {_PROMPTS[expected]!r} step")
        return value

    def record_pain_before(self, score: int, now: datetime) -> list[SessionEffect]:
        """Pain before (0-10); starts the first exercise. Raises ``InvalidPainScore``."""
        self._pain_before = self._pain(score, "pain before", SessionState.PAIN_BEFORE)
        return self._begin_exercise(self._clock(now))

    def record_pain_after(self, score: int, now: datetime) -> list[SessionEffect]:
        """Pain after (0-10); completes the session."""
        self._pain_after = self._pain(score, "pain after", SessionState.PAIN_AFTER)
        return self._end(self._clock(now), SessionOutcome.COMPLETED, None)

    # --- time ---------------------------------------------------------------------------------

    def _clock(self, now: datetime) -> datetime:
        """Time never runs backwards inside a session (a late event keeps the latest time)."""
        self._now = max(_aware(now), self._now)
        return self._now

    def _countdown(self, state: SessionState, at: datetime, seconds: float) -> None:
        self.state = state
        self._phase_s = seconds
        self._deadline = at + timedelta(seconds=seconds)

    def tick(self, now: datetime) -> list[SessionEffect]:
        """Advance every countdown that has run out by ``now`` (several, after a long gap)."""
        now = self._clock(now)
        effects: list[SessionEffect] = []
        while self.state in _TIMED and self._deadline is not None and self._deadline <= now:
            if self.state is SessionState.HOLD and self.camera:
                # In camera mode the camera ends the hold; past the timer, say what to do, and
                # after the grace period move on as a timed hold would.
                if not self._overdue_cued:
                    self._overdue_cued = True
                    effects.append(Cue(self._overdue_hint()))
                grace_end = self._deadline + timedelta(seconds=self.pacing.camera_grace_s)
                if grace_end > now:
                    break
                hold_s = float(self._items[self._index].dose.hold_s)
                # As a timed hold: the page was seen throughout (core.attendance).
                effects += self._finish_rep(grace_end, hold_s, None, full=True)
                continue
            effects += self._countdown_over(self._deadline)
        return effects

    def _countdown_over(self, at: datetime) -> list[SessionEffect]:
        if self.state is SessionState.HOLD:
            hold_s = float(self._items[self._index].dose.hold_s)
            return self._finish_rep(at, hold_s, None, full=True)
        if self.state is SessionState.SWITCH_SIDE:
            self._side_index += 1
            self._rep = 0
        return self._start_hold(at)

    # --- the exercise flow --------------------------------------------------------------------

    def _begin_exercise(self, at: datetime) -> list[SessionEffect]:
        self._side_index = 0
        self._rep = 0
        if self._index >= len(self._items):
            self.state = SessionState.PAIN_AFTER
            self._deadline = self._phase_s = None
            return [Cue("Well done. How does your back feel now, from 0 to 10?")]
        exercise = self._items[self._index].exercise
        self._countdown(SessionState.GET_READY, at, self._get_ready_s(self._index))
        before = self._items[self._index - 1].exercise if self._index else None
        if before is not None and before.position != exercise.position and before.get_up_s:
            return [Cue(f"Take your time getting up. Next: {exercise.name}. {exercise.steps[0]}")]
        return [Cue(f"Get ready: {exercise.name}. {exercise.steps[0]}")]

    def _start_hold(self, at: datetime) -> list[SessionEffect]:
        item = self._items[self._index]
        self._hold_started_at = at
        self._overdue_cued = False
        self._countdown(SessionState.HOLD, at, item.dose.hold_s)
        side = self._side()
        on_side = f", {side.value} side" if side else ""
        return [Cue(f"Hold: repetition {self._rep + 1} of {item.dose.reps}{on_side}.")]

    def _finish_rep(
        self, at: datetime, hold_s: float, quality: float | None, *, full: bool
    ) -> list[SessionEffect]:
        """One repetition done; ``full`` when it reached the prescribed hold or the camera
        counted it (only those count toward the dose and progression)."""
        if self._set_started_at is None:
            self._set_started_at = self._hold_started_at or at - timedelta(seconds=hold_s)
        self._holds.append(hold_s)
        self._full_reps += int(full)
        if quality is not None:
            self._qualities.append(quality)
        self._rep += 1
        item = self._items[self._index]
        if self._rep < item.dose.reps:
            rest_s = item.exercise.rest_between_reps_s
            if rest_s == 0:
                return self._start_hold(at)
            self._countdown(SessionState.REST, at, rest_s)
            return [Cue("Rest.")]
        return self._finish_side(at)

    def _finish_side(self, at: datetime) -> list[SessionEffect]:
        effects = self._flush_set(at)
        if self._side_index + 1 < len(self._sides()):
            self._countdown(SessionState.SWITCH_SIDE, at, self._switch_side_s(self._index))
            other = self._sides()[self._side_index + 1]
            side = other.value if other else "other"
            return [*effects, Cue(f"Switch sides: now the {side} leg steps back.")]
        self._index += 1
        return effects + self._begin_exercise(at)

    def _flush_set(self, at: datetime) -> list[SessionEffect]:
        """Emit the reps done on this side as a set (nothing if none were done)."""
        if not self._holds:
            return []
        record = SetRecord(
            exercise_id=self._items[self._index].exercise.id,
            reps=len(self._holds),
            hold_s=round(sum(self._holds) / len(self._holds), 1),
            started_at=self._set_started_at or at,
            ended_at=at,
            side=self._side(),
            source=SetSource.CAMERA if self._camera_used else SetSource.MANUAL,
            quality=round(sum(self._qualities) / len(self._qualities), 3)
            if self._qualities
            else None,
            full_reps=self._full_reps,
            range_deg=set_range_deg(self._ranges) if self._camera_used else None,
        )
        self._sets.append(record)
        self._holds, self._qualities, self._ranges = [], [], []
        self._full_reps = 0
        self._camera_used = False
        self._set_started_at = None
        return [SetCompleted(record)]

    # --- controls -----------------------------------------------------------------------------

    def next(self, now: datetime) -> list[SessionEffect]:
        """Skip ahead: end the current countdown now (a hold ended early still counts)."""
        now = self._clock(now)
        if self.state not in _TIMED:
            return []
        if self.state is SessionState.HOLD:
            held = (now - (self._hold_started_at or now)).total_seconds()
            target = self._items[self._index].dose.hold_s
            return self._finish_rep(now, held, None, full=held >= target)
        return self._countdown_over(now)

    def skip_exercise(self, now: datetime) -> list[SessionEffect]:
        """Leave the current exercise (saving any repetitions done) and go to the next one."""
        now = self._clock(now)
        if self._active_state() not in _TIMED:
            return []
        self.state, self._paused_from = self._active_state(), None
        effects = self._flush_set(now)
        self._index += 1
        return effects + self._begin_exercise(now)

    def pause(self, now: datetime) -> list[SessionEffect]:
        """Freeze the current countdown; ``resume`` continues it where it stopped."""
        now = self._clock(now)
        if self.state not in _TIMED or self._deadline is None:
            return []
        self._remaining_s = max(0.0, (self._deadline - now).total_seconds())
        self._paused_from, self._paused_at = self.state, now
        self.state = SessionState.PAUSED
        return [Cue("Paused.")]

    def resume(self, now: datetime) -> list[SessionEffect]:
        now = self._clock(now)
        if self.state is not SessionState.PAUSED or self._paused_from is None:
            return []
        self.state, self._paused_from = self._paused_from, None
        self._deadline = now + timedelta(seconds=self._remaining_s)
        if self._hold_started_at is not None and self._paused_at is not None:
            self._hold_started_at += now - self._paused_at  # a pause is not holding
        return [Cue("Carry on.")]

    def camera_rep(
        self, hold_s: float, side: str | None, quality: float | None, now: datetime,
        *, range_deg: float | None = None,
    ) -> list[SessionEffect]:
        """A repetition the camera saw, counted for the current exercise and side.

        Ignored outside an exercise. A repetition on the wrong side is not counted; the returned
        cue says which side is due. ``range_deg`` is how far the person moved above their own
        resting level (the set records the largest, ``core/motion/range_of_movement.py``).
        """
        if not math.isfinite(hold_s) or hold_s < 0:
            raise SessionError(f"hold_s must be a non-negative number of seconds, not {hold_s!r}")
        if quality is not None and not 0.0 <= quality <= 1.0:
            raise SessionError(f"quality must be between 0 and 1, not {quality!r}")
        if range_deg is not None and not (math.isfinite(range_deg) and 0.0 <= range_deg <= 360.0):
            raise SessionError(f"range_deg must be between 0 and 360 degrees, not {range_deg!r}")
        now = self._clock(now)
        due = self._side() if self._item() else None
        if self.state not in (SessionState.GET_READY, SessionState.HOLD, SessionState.REST):
            return []
        if due is not None and side is not None and side != due.value:
            return [Cue(f"Now the {due.value} side: the {due.value} leg steps back.")]
        self._camera_used = True
        if range_deg is not None:
            self._ranges.append(range_deg)
        if self.state is not SessionState.HOLD:
            self._hold_started_at = now - timedelta(seconds=hold_s)
        return self._finish_rep(now, float(hold_s), quality, full=True)

    def stop(self, now: datetime) -> list[SessionEffect]:
        """End the session now (outcome ``STOPPED``); repetitions already done are kept."""
        return self._halt(self._clock(now), SessionOutcome.STOPPED, None)

    def sharp_pain(self, now: datetime) -> list[SessionEffect]:
        """The sharp-pain stop: ends at once, records the exercise and time, holds progression."""
        return self._halt(self._clock(now), SessionOutcome.SHARP_PAIN, SHARP_PAIN_MESSAGE)

    def _halt(
        self, now: datetime, outcome: SessionOutcome, message: str | None
    ) -> list[SessionEffect]:
        if self.state is SessionState.DONE:
            return []
        item = self._item()
        self.state = self._active_state()
        effects = self._flush_set(now) if item else []
        self._stop_exercise_id = item.exercise.id if item else None
        self._stop_at = now
        return effects + self._end(now, outcome, message)

    def _end(
        self, now: datetime, outcome: SessionOutcome, message: str | None
    ) -> list[SessionEffect]:
        self._outcome = outcome
        self._ended_at = now
        self.state = SessionState.DONE
        self._deadline = self._phase_s = None
        self._paused_from = None
        return [SessionEnded(self.record(), message)]
