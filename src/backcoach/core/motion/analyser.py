"""The shared repetition state machine: rest → moving → hold → returning, with hysteresis.

Every exercise analyser is this machine plus two things of its own: how to measure its primary
angle from the landmarks (``_measure``) and which form faults to look for (``_check``). All
thresholds come from the exercise's ``[kinematics]`` data; the code only knows their meaning:

* rest zone: signal at or below ``rest.max_deg``; the rest zone is left only at
  ``rest.max_deg + hysteresis/2``, so jitter at the edge cannot start a repetition twice;
* target zone: signal at or above ``target.min_deg``; it is left only at
  ``target.min_deg - hysteresis``;
* the signal is a running median (drops landmark glitches) then a One Euro filter; during the
  first second at rest it is the median of all samples so far (the resting level is learned
  from it, and a pose model's unsettled first frames cannot set it);
* the resting level is the person's own (see ``_settle``): measured above the rest range (a
  hook-lying start, a forward head, a camera angle) it moves the rest range up with it, by up to
  ``limits.rest_follow_deg`` (at least the hysteresis), so the return to rest is still seen and
  noise cannot start repetitions; the target stays where it is (the knees at the chest do not
  depend on the start), except that with ``limits.target_excursion_deg`` (the neck: the tip of
  a head carried forward is judged from its own resting position) it is at least that far
  above the resting level; measured below the rest range it moves both ranges down by up to
  the hysteresis, so the target is not put out of reach;
* a position held well beyond the target is left once the signal is back half of the way from
  its peak to the resting level, and is home (counted) within 35 % of the way from the resting
  level to the peak: a pose model often reads the way back short (a tipped head returns to a
  few degrees above its resting reading), so the absolute rest range alone could miss it; a new
  movement must then rise from the lowest point of that way back;
* with ``limits.target_excursion_deg`` the excursion is measured from the lowest resting level
  of the last 5 s: the first degrees of a slow movement, still inside the rest range, lift the
  resting level with them;
* the target range is entered ``limits.target_tolerance_deg`` below its lower bound: pose
  models read a held position some degrees off, and a repetition still needs a position held
  still for ``min_hold_s``, which a partial movement that turns back does not have;
* a repetition counts only when the signal reached the target range, stayed there for at least
  ``min_hold_s`` in total, and the position was held (see below) for ``min_hold_s``; a movement
  that turns back earlier is a partial movement;
* the hold is the time in the position: from arriving (``hold_fraction``, 97 %, of the way from
  the resting level to the held level) to starting back (the last time that far), so the slow
  ends of a smooth movement are not counted as holding while a real hold's small drift is;
* the movement time (for "too fast") is the whole movement into the position, or back out,
  estimated from its middle (10 % to 90 % of the way from the resting level to the held level;
  see ``tempo.py`` and ``data/faults.toml``). The way in is timed once the hold is established
  (``min_hold_s`` in the target range, or on leaving it), from the samples seen so far plus the
  last few resting samples; the way back is timed when the signal passes 10 % on the way home,
  which may be a moment after the repetition was counted (its result is then updated);
* a movement that stops and stays still for ``_STILL_S`` below the halfway mark to the target
  has found a new resting level (a person who bends the knees up from lying flat, or a resting
  level misread at the start): the attempt ends there and the rest range follows the new level;
* tracking gaps up to ``max_gap_s`` are bridged; a longer gap means the person left the view: the
  machine reports PERSON_LOST, pauses (nothing is counted or timed while out of view), and
  carries on with PERSON_FOUND from the position it then sees.

The machine is causal (it never looks ahead) and never reads a clock: time is ``frame.t``. Live
use and batch analysis therefore give the same result.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import ClassVar

from backcoach.core.catalog import Exercise
from backcoach.core.motion.calibration import Calibration
from backcoach.core.motion.faults import fault_message, shipped_faults
from backcoach.core.motion.filters import OneEuroFilter
from backcoach.core.motion.range_of_movement import repetition_range_deg
from backcoach.core.motion.tempo import MOVE_FROM, MOVE_TO, middle_share, min_move_s
from backcoach.core.motion.types import (
    AnalysisSummary,
    EventKind,
    FaultNote,
    Landmark,
    MotionEvent,
    PoseFrame,
    RepetitionResult,
)

REST = 0
MOVING = 1
HOLD = 2
RETURNING = 3
UNSURE = 4  # position not trusted (start mid-movement, or back after leaving the view)

PHASE_NAMES = ("rest", "moving", "hold", "returning", "unsure")

#: Time constant of the resting level (seconds).
_BASELINE_TAU_S = 3.0
#: A target set from the person's own resting level uses its lowest value over this many
#: seconds: every exercise moves the signal up, and the first degrees of a slow movement, still
#: inside the rest range, lift the resting level with them.
_TARGET_BASE_S = 5.0
#: Resting this long away from the resting level restarts it.
_BASELINE_RESTART_S = 3.0
#: The resting level follows every sample for this long after the start.
_BASELINE_WARMUP_S = 1.0
#: A fault condition must last this long within a repetition before it is reported.
_FAULT_PERSIST_S = 0.3
#: Hold-progress events are sent at this interval during a hold.
_PROGRESS_INTERVAL_S = 0.5
#: Smoothing of the primary signal (One Euro filter settings, tuned on the benchmark).
_MIN_CUTOFF_HZ = 0.5
_BETA = 0.005
#: A held position is left once the signal is back this share of the way from its peak to
#: the resting level, and home once within this share of the way from the resting level to
#: the peak (for positions held beyond the target: see ``_leave_level``, ``_home_level``).
_LEAVE_SHARE = 0.5
_HOME_SHARE = 0.35
#: Still this long below the halfway mark while moving or returning: a new resting level.
_STILL_S = 2.0
#: Resting samples kept to time the start of the next movement (3 s at 60 frames/s).
_REST_HISTORY = 180


class RepInProgress:
    """A repetition in progress: timings, peak, faults and side votes."""

    __slots__ = (
        "base",
        "counted_hold_s",
        "down_move_s",
        "fault_s",
        "faults",
        "held",
        "in_target_s",
        "last_in_target",
        "move_start",
        "next_progress",
        "peak",
        "pre_ts",
        "pre_vs",
        "qualified",
        "reached",
        "side_vote",
        "ts",
        "up_move_s",
        "vs",
    )

    def __init__(self, move_start: float, base: float) -> None:
        self.move_start = move_start  # last moment in the rest range before the movement
        self.base = base  # the resting level the movement started from
        self.peak = 0.0
        self.reached: float | None = None  # first moment in the target range
        self.last_in_target = 0.0
        self.in_target_s = 0.0  # time spent in the target range so far
        self.qualified = False  # once a repetition, always one (counts never go down)
        self.counted_hold_s = 0.0
        self.ts: list[float] = []  # the movement's samples (time, signal), to time the hold
        self.vs: list[float] = []
        self.held: list[float] = []  # the samples of the hold phase
        self.up_move_s: float | None = None
        self.down_move_s: float | None = None
        self.next_progress = 0.0
        self.faults: list[str] = []
        self.fault_s: dict[str, float] = {}
        self.side_vote = 0.0
        self.pre_ts: list[float] = []  # the resting samples just before the movement
        self.pre_vs: list[float] = []


class RepetitionAnalyser:
    """Base class of the per-exercise analysers (see the module docstring for the rules).

    ``aspect_ratio`` is the image width divided by its height (landmark x is normalised to the
    width and y to the height); ``target_hold_s`` is the hold the person was asked for, used
    only for the quality score (default: the exercise's ``min_hold_s``).
    """

    #: Fault reported when a clear attempt turns back before the target (None: no such fault).
    partial_fault: ClassVar[str | None] = None
    #: Name of the primary signal in ``signals()``.
    signal_name: ClassVar[str] = "signal"
    #: One Euro settings for the primary signal: slower-moving, noisier signals smooth more.
    min_cutoff_hz: ClassVar[float] = _MIN_CUTOFF_HZ
    beta: ClassVar[float] = _BETA
    #: "Too fast" below this fraction of ``min_move_s`` (1.0: exactly the data's limit).
    tempo_tolerance: ClassVar[float] = 1.0
    #: A hold starts this far (0..1) of the way from rest to the held position.
    hold_fraction: ClassVar[float] = 0.97
    #: Samples in the running median before the smoothing (odd; 1 turns it off).
    median_window: ClassVar[int] = 3

    def __init__(
        self,
        exercise: Exercise,
        *,
        aspect_ratio: float = 1.0,
        target_hold_s: float | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        if aspect_ratio <= 0:
            raise ValueError("aspect_ratio must be positive (image width / height)")
        kin = exercise.kinematics
        self.exercise_id = exercise.id
        self.exercise = exercise
        self.aspect = aspect_ratio
        self.limits: dict[str, float] = dict(kin.limits)
        self._sided = exercise.sided
        self._rest_max = kin.rest.max_deg
        self._rest_min = kin.rest.min_deg
        self._target_min = kin.target.min_deg
        self._target_max = kin.target.max_deg
        gap = self._target_min - self._rest_max
        half_h = min(kin.hysteresis_deg / 2.0, gap / 4.0)
        self._half_h = half_h
        self._rest_exit = self._rest_max + half_h
        # Person-relative limits (data/exercises/*.toml [kinematics.limits]): how far the rest
        # range may follow a resting level above it, and how far below the target range a
        # position held still counts as reached (see the module docstring).
        self._rest_follow = max(self.limits.get("rest_follow_deg", 0.0), 2.0 * half_h)
        self._target_enter = self._target_min - self.limits.get("target_tolerance_deg", 0.0)
        if calibration is not None:  # the person's own range (core/motion/calibration.py)
            self._target_enter = calibration.target_enter_deg(exercise, self._target_enter)
        self._excursion = self.limits.get("target_excursion_deg", 0.0)
        self._hold_exit = max(self._target_enter - 2.0 * half_h, self._rest_exit + 1.0)
        self._attempt_level = self._rest_max + self.limits.get("attempt_ratio", 0.5) * gap
        self._min_hold_s = kin.min_hold_s
        self._target_hold_s = target_hold_s or kin.min_hold_s
        self._min_move_s = min_move_s(self.limits)
        self._too_fast_s = self.tempo_tolerance * self._min_move_s
        self._middle_share = middle_share(self.limits)
        self._rest_ts: deque[float] = deque(maxlen=_REST_HISTORY)
        self._rest_vs: deque[float] = deque(maxlen=_REST_HISTORY)
        self._still: deque[tuple[float, float]] = deque()  # recent samples while moving
        # The way back of the last counted repetition, still being timed: (repetition, its
        # index in _reps, when it left the position, the 10 % level, last time, last value).
        self._homing: tuple[RepInProgress, int, float, float, float, float] | None = None
        self._max_gap_s = kin.max_gap_s
        known = shipped_faults()
        self._messages = {
            code: fault.message
            for code, fault in known.items()
            if exercise.id in fault.exercises
        }
        self._filter = OneEuroFilter(self.min_cutoff_hz, self.beta)
        self._recent: list[float] = []
        self._phase = UNSURE
        self._started = False
        self._rep: RepInProgress | None = None
        self._rest_t = 0.0  # last moment in the rest range
        self._baseline = 0.0  # the resting level of the filtered signal
        self._bases: deque[tuple[float, float]] = deque()  # (t, resting level), see _TARGET_BASE_S
        # Back home above the rest range (_home_level): the lowest value since, until the rest
        # range is reached; a new movement must rise from it (the way back is still going on).
        self._low_since_home: float | None = None
        self._offset = 0.0  # how far the ranges are moved (see _settle)
        self._away_s = 0.0  # resting time spent away from the resting level
        self._rest_age_s = 0.0  # resting time seen so far
        self._warm: list[float] = []  # the samples of the first second at rest
        self._last_t: float | None = None
        self._last_seen_t: float | None = None
        self._lost = False
        self._first_t: float | None = None
        self._frames = 0
        self._value = 0.0
        self._reps: list[RepetitionResult] = []
        self._faults: list[FaultNote] = []

    # -- what each exercise supplies ---------------------------------------------------------

    def _measure(self, lms: Sequence[Landmark]) -> float | None:
        """The primary signal (degrees) from one frame's landmarks, or None if not seen."""
        raise NotImplementedError

    def _check(self, lms: Sequence[Landmark], t: float, dt: float, rep: RepInProgress, phase: int,
               events: list[MotionEvent]) -> None:
        """Look for form faults in a frame that belongs to repetition ``rep``."""

    def _side(self, rep: RepInProgress) -> str | None:
        """The side of a finished repetition (sided exercises only)."""
        return None

    def _reset_tracking(self) -> None:
        """Forget smoothing state after a long gap (subclasses reset their own filters)."""

    def _rest_frame(self, lms: Sequence[Landmark], t: float) -> None:
        """Called for frames at rest (subclasses may learn a baseline here)."""

    # -- the public interface ------------------------------------------------------------------

    def update(self, frame: PoseFrame) -> list[MotionEvent]:
        """Feed the next frame; return the events it caused (often none)."""
        t = frame.t
        events: list[MotionEvent] = []
        self._frames += 1
        if self._first_t is None:
            self._first_t = t
        self._last_t = t
        lms = frame.landmarks
        raw = None if lms is None else self._measure(lms)
        if raw is None or lms is None:
            self._missing(t, events)
            return events
        last_seen = self._last_seen_t
        if not self._lost and last_seen is not None and t - last_seen > self._max_gap_s:
            self._lose(t, events)
        if self._lost or not self._started:
            self._filter.reset()
            self._recent.clear()
            self._reset_tracking()
        # Median of the last few samples first: a landmark glitch of a frame or two is dropped
        # instead of being smeared over the following frames by the smoothing.
        window = self._recent
        window.append(raw)
        if len(window) > self.median_window:
            del window[0]
        median = sorted(window)[len(window) // 2]
        if self._rest_age_s < _BASELINE_WARMUP_S and (not self._started or self._phase == REST):
            # The first second at rest: the level is the median of everything seen so far. A
            # pose model's first frames are often off (its tracking and smoothing settle), and
            # a smoothed signal would carry that error for seconds; the median drops it.
            self._warm.append(raw)
            median = sorted(self._warm)[len(self._warm) // 2]
            self._filter.reset()
        filtered = self._filter(t, median)
        self._value = filtered
        value = filtered - self._offset
        if self._lost:
            self._find(t, value, events)
        elif not self._started:
            self._started = True
            events.append(MotionEvent(EventKind.PERSON_FOUND, t))  # first seen: "I can see you"
            # Below the target at the start counts as resting, even a little above the rest
            # range: the person's own resting position then sets the baseline (see _settle).
            start_limit = self._target_enter + (self._rest_follow if self._excursion else 0.0)
            self._phase = REST if value < start_limit else UNSURE
            self._rest_t = t
            self._baseline = filtered
        else:
            # Time since the last frame with a person: a bridged gap counts toward the hold.
            seen = self._last_seen_t
            self._step(lms, t, t - (seen if seen is not None else t), value, events)
        self._last_seen_t = t
        return events

    def summary(self) -> AnalysisSummary:
        """Everything so far; a repetition whose hold already qualifies is included."""
        reps = list(self._reps)
        pending = self._pending_result()
        if pending is not None:
            reps.append(pending)
        sides = {"left": 0, "right": 0}
        for rep in reps:
            if rep.side in sides:
                sides[rep.side] += 1
        first = self._first_t if self._first_t is not None else 0.0
        last = self._last_t if self._last_t is not None else first
        return AnalysisSummary(
            exercise=self.exercise_id,
            reps=len(reps),
            sides=sides,
            rep_events=tuple(reps),
            faults=tuple(self._faults),
            frames=self._frames,
            duration_s=max(0.0, last - first),
            extra={"phase": PHASE_NAMES[self._phase], "person_lost": self._lost},
        )

    def signals(self) -> dict[str, float]:
        return {self.signal_name: self._value}

    @property
    def phase(self) -> str:
        """The current phase name ("rest", "moving", "hold", ...), for displays; a repetition
        counted before the rest range was reached is "returning" until it is (the pipeline
        keeps its fastest frame rate while the person still moves)."""
        if self._phase == REST and self._low_since_home is not None:
            return PHASE_NAMES[RETURNING]
        return PHASE_NAMES[self._phase]

    # -- the state machine ---------------------------------------------------------------------

    def _step(self, lms: Sequence[Landmark], t: float, dt: float, value: float,
              events: list[MotionEvent]) -> None:
        phase = self._phase
        if phase == REST:
            if value <= self._rest_max:
                self._rest_t = t
                self._low_since_home = None
            elif self._low_since_home is not None:
                self._low_since_home = min(self._low_since_home, value)
            if self._homing is not None:
                self._home(t, value, events)
            self._rest_ts.append(t)
            self._rest_vs.append(value)
            # The first moments at rest only learn the resting level, wherever it is.
            low = self._low_since_home
            rising = low is None or value > low + 2.0 * self._half_h
            if value > self._rest_exit and self._rest_age_s >= _BASELINE_WARMUP_S and rising:
                self._start_rep(t, events)
            else:
                self._settle(t, dt, value + self._offset)
                self._rest_frame(lms, t)
                return
        elif phase == UNSURE:
            if value <= self._rest_max:
                self._phase = REST
                self._rest_t = t
                self._warm.clear()  # the resting level is learned from here
            return
        rep = self._rep
        if rep is None:  # pragma: no cover - every phase below has a repetition
            return
        if value > rep.peak:
            rep.peak = value
        rep.ts.append(t)
        rep.vs.append(value)
        phase = self._phase
        toward = self._toward_target(value)
        enter, leave = self._target_levels()
        if phase in (MOVING, RETURNING) and self._still_elsewhere(t, value):
            # Resting at a new level below the halfway mark (the knees bent up from lying
            # flat, or a resting level first misread): this is the new rest.
            if phase == MOVING:
                self._abandon(t, events)
            else:
                self._finish(t, events)
            self._rebase(value)
            return
        if toward >= enter:
            if phase != HOLD:
                self._phase = HOLD  # reached (or, after a dip, back in) the target range
                if rep.reached is None:
                    self._reach(rep, t, events)
            else:
                rep.in_target_s += dt
                if rep.up_move_s is None and rep.in_target_s >= self._min_hold_s:
                    self._time_way_in(rep, t, events)
            rep.last_in_target = t
            if t >= rep.next_progress:
                rep.next_progress = t + _PROGRESS_INTERVAL_S
                events.append(MotionEvent(EventKind.HOLD_PROGRESS, t, rep=len(self._reps) + 1,
                                          hold_s=rep.in_target_s))
        elif phase == HOLD:
            # Hysteresis: the target range is left only below its exit threshold.
            leave = self._leave_level(rep, leave)
            if toward < leave:
                rep.in_target_s += dt / 2.0  # left somewhere within this frame interval
                self._phase = RETURNING
                if rep.up_move_s is None:
                    self._time_way_in(rep, t, events)
            else:
                rep.in_target_s += dt
        elif phase == RETURNING and toward >= self._leave_level(rep, leave) + self._half_h:
            self._phase = HOLD  # back up after a dip: the hold goes on (noise, or a wobble)
            rep.in_target_s += dt
        elif value <= self._home_level(rep):
            if phase == MOVING:
                self._abandon(t, events)
            else:
                self._finish(t, events)
                if value > self._rest_max:
                    self._low_since_home = value
            return
        if self._phase == HOLD:
            rep.held.append(value)
        self._check(lms, t, dt, rep, self._phase, events)

    def _leave_level(self, rep: RepInProgress, leave: float) -> float:
        """Where a hold ends (compared with ``_toward_target``): the target's exit threshold,
        or, for a position held well beyond it, once the signal has come back
        ``_LEAVE_SHARE`` of the way from the peak to the resting level. A pose model often
        reads the way back short (a head that tipped further than the target returns to a
        few degrees above its resting reading), so an absolute exit alone could miss it."""
        peak = self._toward_target(rep.peak)
        base = self._toward_target(rep.base)
        return max(leave, peak - max(2.0 * self._half_h, _LEAVE_SHARE * (peak - base)))

    def _home_level(self, rep: RepInProgress) -> float:
        """Where a repetition that reached its position is back at rest: the rest range, or
        within ``_HOME_SHARE`` of the way from the resting level to the peak (see
        ``_leave_level``); a movement that never reached the position needs the rest range."""
        if rep.reached is None:
            return self._rest_max
        return max(self._rest_max, rep.base + _HOME_SHARE * (rep.peak - rep.base))

    def _reach(self, rep: RepInProgress, t: float, events: list[MotionEvent]) -> None:
        rep.reached = t
        rep.next_progress = t

    # -- tempo ("too fast", see tempo.py) ----------------------------------------------------

    def _levels(self, rep: RepInProgress) -> tuple[float, float] | None:
        """The 10 % and 90 % levels between the resting level and the held level."""
        zone = sorted(rep.held)
        held = zone[len(zone) // 2] if zone else rep.peak
        span = held - rep.base
        if span <= 0:
            return None
        return rep.base + MOVE_FROM * span, rep.base + MOVE_TO * span

    def _tempo_value(self, t: float, value: float) -> float:
        """The value at time ``t`` that the movement is timed on (``too_fast``).

        The signal itself here. A subclass whose signal borrows a stand-in that moves before or
        after the movement proper (the hip flexor's whole legs, which open while the back foot
        steps back with its knee still under the hip) takes the stand-in's share out.
        """
        return value

    def _time_way_in(self, rep: RepInProgress, t: float, events: list[MotionEvent]) -> None:
        """Time the movement into the position (once the hold tells where the position is)."""
        rep.up_move_s = float("inf")  # timed once; stays untimed if it cannot be
        levels = self._levels(rep)
        if levels is None:
            return
        low, high = levels
        ts = rep.pre_ts + rep.ts
        vs = [self._tempo_value(s, v) for s, v in zip(ts, rep.pre_vs + rep.vs, strict=True)]
        top = next((i for i, v in enumerate(vs) if v >= high), None)
        if top is None:
            return
        t_high = _crossing(ts, vs, top, high)
        bottom = next((i for i in range(top - 1, -1, -1) if vs[i] <= low), None)
        if bottom is None:
            return  # its start was not seen (before the samples kept): not "too fast"
        rep.up_move_s = (t_high - _crossing(ts, vs, bottom + 1, low)) / self._middle_share
        if rep.up_move_s < self._too_fast_s:
            self._fault(rep, "too_fast", t, events)

    def _start_way_back(self, rep: RepInProgress, index: int, events: list[MotionEvent]) -> None:
        """Time the way back of a counted repetition (number ``index + 1``), now or later."""
        levels = self._levels(rep)
        if levels is None or not rep.vs:
            return
        low, high = levels
        ts = rep.ts
        vs = [self._tempo_value(s, v) for s, v in zip(ts, rep.vs, strict=True)]
        last = next((i for i in range(len(vs) - 1, -1, -1) if vs[i] >= high), None)
        if last is None:
            return
        t_high = _crossing(ts, vs, last + 1, high) if last + 1 < len(vs) else ts[last]
        self._homing = (rep, index, t_high, low, ts[-1], vs[-1])
        below = next((i for i in range(last + 1, len(vs)) if vs[i] <= low), None)
        if below is not None:  # already home: time it now
            self._homing = (rep, index, t_high, low, ts[below - 1], vs[below - 1])
            self._home(ts[below], rep.vs[below], events)  # _home takes the signal's value

    def _home(self, t: float, value: float, events: list[MotionEvent]) -> None:
        """Follow the way back of the last repetition until it passes 10 % (or is slow enough)."""
        homing = self._homing
        if homing is None:
            return
        rep, index, t_high, low, last_t, last_v = homing
        value = self._tempo_value(t, value)
        if value > low:
            if (t - t_high) / self._middle_share >= self._too_fast_s:
                self._homing = None  # already slow enough, wherever it goes now
            else:
                self._homing = (rep, index, t_high, low, t, value)
            return
        self._homing = None
        t_low = t if last_v <= low or t <= last_t else last_t + (t - last_t) * (
            (last_v - low) / (last_v - value))
        rep.down_move_s = (t_low - t_high) / self._middle_share
        if rep.down_move_s < self._too_fast_s and "too_fast" not in rep.faults:
            self._fault(rep, "too_fast", t, events, rep_no=index + 1)
            self._reps[index] = self._result(rep, self._reps[index].end)

    def _settle(self, t: float, dt: float, filtered: float) -> None:
        """Follow the resting level; if it sits outside the rest range, move the ranges with it.

        A resting position measured near ``rest.max_deg`` (a camera angle, a person's posture,
        a pose model's habit) would let noise start repetitions, and one measured below
        ``rest.min_deg`` would make the target look further away than it is. Resting is by
        definition in the rest range, so the ranges follow it, by at most the hysteresis.
        """
        base = self._baseline
        self._rest_age_s += dt
        if self._rest_age_s < _BASELINE_WARMUP_S:  # the first second: its median (see update)
            self._baseline = filtered
            self._follow(self._baseline)
            self._bases.clear()
            return
        if abs(filtered - base) > 2.0 * self._half_h:
            # A movement starting or ending, not the resting level; but resting somewhere else
            # for a while (or a first sample taken mid-movement) restarts the level.
            self._away_s += dt
            if self._away_s < _BASELINE_RESTART_S:
                return
            base = filtered
            self._bases.clear()
        self._away_s = 0.0
        base += dt / (_BASELINE_TAU_S + dt) * (filtered - base)
        self._baseline = base
        self._follow(base)
        self._bases.append((t, base))
        while t - self._bases[0][0] > _TARGET_BASE_S:
            self._bases.popleft()

    def _follow(self, base: float) -> None:
        """Move the ranges with the resting level ``base`` (see ``_settle``)."""
        cap = 2.0 * self._half_h
        high = base - (self._rest_max - self._half_h)
        low = base - self._rest_min
        if high > 0:
            self._offset = min(high, self._rest_follow)
        elif low < 0:
            self._offset = max(low, -cap)
        else:
            self._offset = 0.0

    def _still_elsewhere(self, t: float, value: float) -> bool:
        """Whether the signal has stayed still for ``_STILL_S`` below the halfway mark."""
        still = self._still
        still.append((t, value))
        while still and t - still[0][0] > _STILL_S:
            still.popleft()
        if value >= self._attempt_level or t - still[0][0] < 0.9 * _STILL_S:
            return False
        values = [v for _, v in still]
        return max(values) - min(values) <= 2.0 * self._half_h

    def _rebase(self, value: float) -> None:
        """Take ``value`` (compared as usual, after the offset) as the new resting level."""
        self._still.clear()
        self._baseline = value + self._offset
        self._bases.clear()
        self._rest_age_s = max(self._rest_age_s, _BASELINE_WARMUP_S)
        self._away_s = 0.0
        self._follow(self._baseline)

    def _toward_target(self, value: float) -> float:
        """``value`` as compared with the target range: a resting level read low moves the
        target down with the rest range, one read high does not move it up."""
        return value + max(self._offset, 0.0)

    def _target_levels(self) -> tuple[float, float]:
        """Where the target range is entered and left (compared with ``_toward_target``):
        the catalog's range, and for exercises with ``limits.target_excursion_deg`` at least
        that far above the person's own resting level (a head carried forward reads high at
        rest; the tip of the head is judged from there)."""
        if not self._excursion:
            return self._target_enter, self._hold_exit
        own = min([b for _, b in self._bases], default=self._baseline) + self._excursion
        if own <= self._target_enter:
            return self._target_enter, self._hold_exit
        return own, max(self._hold_exit, own - 2.0 * self._half_h)

    def _start_rep(self, t: float, events: list[MotionEvent]) -> None:
        self._phase = MOVING
        self._homing = None  # moving again: the last way back is over
        rep = self._rep = RepInProgress(self._rest_t, self._baseline - self._offset)
        rep.pre_ts = list(self._rest_ts)
        rep.pre_vs = list(self._rest_vs)
        self._still.clear()
        self._rest_ts.clear()
        self._rest_vs.clear()
        events.append(MotionEvent(EventKind.REP_STARTED, t, rep=len(self._reps) + 1))

    def _abandon(self, t: float, events: list[MotionEvent]) -> None:
        """A movement that went back to rest without reaching the target."""
        rep = self._rep
        if rep is not None and self.partial_fault and rep.peak >= self._attempt_level:
            self._fault(rep, self.partial_fault, t, events)
        self._rep = None
        self._phase = REST
        self._rest_t = t

    def _qualifies(self, rep: RepInProgress) -> bool:
        """Held long enough: in the target range, and still near its peak, for ``min_hold_s``."""
        if rep.qualified:
            return True
        if rep.reached is None or rep.in_target_s < self._min_hold_s:
            return False
        hold_s = self._hold_s(rep)
        rep.qualified = hold_s >= self._min_hold_s
        rep.counted_hold_s = hold_s
        return rep.qualified

    def _hold_s(self, rep: RepInProgress) -> float:
        """How long the position was held: from arriving to starting back.

        Arriving is reaching ``hold_fraction`` of the way from the resting level to the held
        level (the median of the samples in the hold phase); starting back is the last time
        the signal was that far. The slow ends of a smooth movement are not counted as holding,
        while the small drift of a real hold is.
        """
        zone = sorted(rep.held)
        if not zone:
            return 0.0
        held = zone[len(zone) // 2]
        level = rep.base + self.hold_fraction * (held - rep.base)
        vs = rep.vs
        first = next((i for i, v in enumerate(vs) if v >= level), None)
        if first is None:
            return 0.0
        last = next(i for i in range(len(vs) - 1, -1, -1) if vs[i] >= level)
        return rep.ts[last] - rep.ts[first]

    def _finish(self, t: float, events: list[MotionEvent], seen_return: bool = True) -> None:
        """The repetition is back at rest: count it if its hold qualified."""
        rep = self._rep
        self._rep = None
        self._phase = REST
        self._rest_t = t
        if rep is None or not self._qualifies(rep):
            return
        if rep.up_move_s is None:
            self._time_way_in(rep, t, events)
        result = self._result(rep, t)
        self._reps.append(result)
        events.append(MotionEvent(EventKind.REP_COMPLETED, t, rep=len(self._reps),
                                  hold_s=result.hold_s, side=result.side,
                                  quality=result.quality, range_deg=result.range_deg))
        if seen_return:
            self._start_way_back(rep, len(self._reps) - 1, events)

    def _result(self, rep: RepInProgress, end: float) -> RepetitionResult:
        return RepetitionResult(
            start=rep.move_start,
            end=end,
            # The hold that made it count stays a lower bound (later samples may move the level).
            hold_s=max(self._hold_s(rep), rep.counted_hold_s),
            side=self._side(rep) if self._sided else None,
            quality=self._quality(rep, end),
            faults=tuple(rep.faults),
            range_deg=repetition_range_deg(rep.peak, rep.base),
        )

    def _pending_result(self) -> RepetitionResult | None:
        rep = self._rep
        if rep is None or self._phase not in (HOLD, RETURNING):
            return None
        if not self._qualifies(rep):
            return None
        end = self._last_seen_t if self._last_seen_t is not None else rep.move_start
        return self._result(rep, end)

    def _quality(self, rep: RepInProgress, end: float) -> float:
        """0..1 from depth, hold against the asked hold, tempo, and faults."""
        span = self._target_min - self._rest_max
        depth = min(1.0, max(0.0, (rep.peak - self._rest_max) / span)) if span > 0 else 1.0
        hold = min(1.0, self._hold_s(rep) / self._target_hold_s)
        tempo = 1.0
        if self._min_move_s > 0:
            moves = [m for m in (rep.up_move_s, rep.down_move_s)
                     if m is not None and m != float("inf")]
            if moves:
                tempo = min(1.0, min(moves) / (1.5 * self._min_move_s))
        score = 0.35 * depth + 0.35 * hold + 0.3 * tempo - 0.15 * len(rep.faults)
        return min(1.0, max(0.0, score))

    # -- faults ----------------------------------------------------------------------------------

    def _fault(self, rep: RepInProgress, code: str, t: float, events: list[MotionEvent],
               rep_no: int | None = None) -> None:
        """Report ``code`` once for this repetition (number ``rep_no``, default the next one)."""
        if code in rep.faults:
            return
        rep.faults.append(code)
        message = self._messages.get(code) or fault_message(code)
        self._faults.append(FaultNote(code, t, message))
        number = rep_no if rep_no is not None else len(self._reps) + 1
        events.append(MotionEvent(EventKind.FAULT, t, rep=number, code=code, message=message))

    def _persist(self, rep: RepInProgress, code: str, condition: bool, dt: float, t: float,
                 events: list[MotionEvent]) -> None:
        """Report ``code`` once its condition has held for a while within the repetition."""
        if not condition or code in rep.faults:
            return
        total = rep.fault_s.get(code, 0.0) + dt
        rep.fault_s[code] = total
        if total >= _FAULT_PERSIST_S:
            self._fault(rep, code, t, events)

    def _persist_share(self, rep: RepInProgress, code: str, condition: bool, dt: float, t: float,
                       events: list[MotionEvent], share: float = 0.5, min_s: float = 1.0) -> None:
        """Like ``_persist`` for noisy measures: the condition must fill ``share`` of the hold."""
        if code in rep.faults:
            return
        total = rep.fault_s.get(code, 0.0) + (dt if condition else 0.0)
        rep.fault_s[code] = total
        if condition and total >= min_s and total >= share * rep.in_target_s:
            self._fault(rep, code, t, events)

    # -- leaving and coming back -------------------------------------------------------------

    def _missing(self, t: float, events: list[MotionEvent]) -> None:
        if self._lost or self._last_seen_t is None:
            return
        if t - self._last_seen_t > self._max_gap_s:
            self._lose(t, events)

    def _lose(self, t: float, events: list[MotionEvent]) -> None:
        """The person has been out of view too long: pause, keeping what is certain."""
        self._lost = True
        self._homing = None  # a way back not seen is not timed
        self._rest_ts.clear()
        self._rest_vs.clear()
        events.append(MotionEvent(EventKind.PERSON_LOST, t))

    def _find(self, t: float, value: float, events: list[MotionEvent]) -> None:
        """Back in view: carry on from the position seen now, counting nothing unseen.

        A repetition under way continues (its hold keeps what was timed before the gap); one
        found already in the target range starts there, with its unseen movement untimed. The
        time out of view never counts as holding.
        """
        self._lost = False
        events.append(MotionEvent(EventKind.PERSON_FOUND, t))
        rep = self._rep
        if rep is not None and rep.up_move_s is None:
            rep.up_move_s = float("inf")  # partly unseen: not timed
        if rep is None:
            if value <= self._rest_exit:
                self._phase = REST
                self._rest_t = t
                return
            rep = self._rep = RepInProgress(t, self._baseline - self._offset)
            rep.up_move_s = float("inf")  # its start was not seen: not timed
            events.append(MotionEvent(EventKind.REP_STARTED, t, rep=len(self._reps) + 1))
        if value > rep.peak:
            rep.peak = value
        if self._toward_target(value) >= self._target_levels()[0]:
            self._phase = HOLD
            if rep.reached is None:
                rep.reached = t
                rep.next_progress = t
            rep.last_in_target = t
        elif value > self._rest_exit:
            self._phase = MOVING if rep.reached is None else RETURNING
        elif rep.reached is not None:
            self._finish(t, events, seen_return=False)
        else:
            self._rep = None  # a movement we did not see: neither a repetition nor a fault
            self._phase = REST
            self._rest_t = t


def _crossing(ts: Sequence[float], vs: Sequence[float], i: int, level: float) -> float:
    """When the signal crossed ``level`` between samples ``i - 1`` and ``i`` (linear)."""
    if i <= 0 or i >= len(vs):
        return ts[max(0, min(i, len(ts) - 1))]
    v0, v1 = vs[i - 1], vs[i]
    if v1 == v0:
        return ts[i]
    share = min(1.0, max(0.0, (level - v0) / (v1 - v0)))
    return ts[i - 1] + share * (ts[i] - ts[i - 1])
