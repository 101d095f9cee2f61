"""The ground truth of a synthetic sequence, measured on the exact 3D pose.

Measured with the catalog's own definitions (``measure.py``) on a fine time grid independent of
the frame rate:

* a **repetition** is a full attempt whose primary signal stays in the target range for at least
  the catalog's ``min_hold_s``; its ``start`` is the movement onset, its ``end`` the moment it is
  back at rest; its ``hold_s`` the time the primary signal was in the target range, and its
  ``in_position_s`` the time spent in the position, from arriving (97 % of the way there) to
  starting back (3 % of the way home), whatever small fidgets happen meanwhile (shorter: the
  target range also takes in the ends of the ramps);
* its **faults** are the codes acted out during it, plus ``too_fast`` when the whole movement
  into the position (or back) took less than ``limits.min_move_s``, by the definition in
  ``data/faults.toml`` that the analysers share (``backcoach.core.motion.tempo``): the time from
  10 % to 90 % of the way from the resting level (the signal at the attempt's start) to the held
  level (the median over the hold), divided by ``limits.move_middle_share``;
* **non-repetition faults**: ``knees_not_to_chest`` at the peak of a knee-to-chest attempt that
  passed ``limits.attempt_ratio`` of the way from the rest range to the target and turned back.

Form faults are acted out clearly past their thresholds and clean repetitions stay clearly
inside them (tests/synthetic check the margins on the true 3D pose). One reading note:
``shoulders_shrugged`` in the truth means the shoulders were really raised (and the
ear-to-shoulder height then falls well below ``shrug_ratio`` of rest); a forward slouch or an
over-flexed neck also lowers that height without any shrug, and the truth does not call those
shrugs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from backcoach.core.catalog import Exercise
from backcoach.core.motion.tempo import MOVE_FROM, MOVE_TO, middle_share, min_move_s
from backcoach.synthetic import measure
from backcoach.synthetic.poses import limit
from backcoach.synthetic.skeleton import Array, Side, body_axes
from backcoach.synthetic.timeline import Attempt, Phase, progress

TRUTH_DT_S = 1 / 120  # ground-truth time grid, finer than any frame rate
ARRIVED = 0.97  # "in the position": this fraction of the way from rest to the held pose


@dataclass(frozen=True)
class TrueRep:
    start: float
    end: float
    hold_s: float  # the primary signal in the catalog's target range
    side: Side | None
    faults: tuple[str, ...]
    in_position_s: float = 0.0  # in the position: arrived (97 % of the way) until starting back


@dataclass(frozen=True)
class TrueFault:
    """A fault outside any repetition, at ``t`` (the attempt's peak) within [start, end]."""

    code: str
    t: float
    start: float
    end: float


@dataclass(frozen=True)
class TrueAttempt:
    """Every attempt as planned and as measured (for tests and for debugging an analyser)."""

    kind: str
    start: float
    end: float
    peak_deg: float
    hold_s: float
    in_position_s: float
    up_transit_s: float | None  # 10 % to 90 % of the way into the position (s)
    down_transit_s: float | None  # 90 % back down to 10 % (s)
    counted: bool
    side: Side | None
    faults: tuple[str, ...]
    metrics: Mapping[str, float]


@dataclass(frozen=True)
class GroundTruth:
    exercise: str
    reps: tuple[TrueRep, ...]
    faults: tuple[TrueFault, ...]  # faults outside any repetition
    attempts: tuple[TrueAttempt, ...]

    @property
    def count(self) -> int:
        return len(self.reps)

    @property
    def sides(self) -> dict[str, int]:
        return {s: sum(1 for r in self.reps if r.side == s) for s in ("left", "right")}


def _transit(t: Array, signal: Array, low: float, high: float, rising: bool) -> float | None:
    """Time from leaving ``low`` to reaching ``high`` (rising) or from leaving ``high`` to
    reaching ``low`` (falling)."""
    if rising:
        reached = np.flatnonzero(signal >= high)
        if not len(reached):
            return None
        before = np.flatnonzero(signal[: reached[0]] <= low)
        return float(t[reached[0]] - t[before[-1]]) if len(before) else None
    left = np.flatnonzero(signal >= high)
    if not len(left):
        return None
    after = np.flatnonzero(signal[left[-1] :] <= low)
    return float(t[left[-1] + after[0]] - t[left[-1]]) if len(after) else None


def _metrics(
    exercise_id: str, points: Array, heading: float, side: Side | None
) -> dict[str, float]:
    """Fault-relevant measurements at the middle of the hold (true 3D)."""
    posture = "lying" if exercise_id == "knee-to-chest" else "upright"
    forward = body_axes("standing", heading)["anterior"]
    if posture == "lying":
        return {"head_lift_deg": float(measure.head_lift_deg(points)[0])}
    if exercise_id == "neck-flexion":
        return {
            "trunk_from_vertical_deg": float(measure.trunk_from_vertical_deg(points, forward)[0]),
            "ear_shoulder_m": float(measure.ear_shoulder_height(points)[0]),
            "neck_flexion_deg": float(measure.neck_flexion_deg(points)[0]),
        }
    front = "right" if side == "left" else "left"
    return {
        "trunk_from_vertical_deg": float(measure.trunk_from_vertical_deg(points, forward)[0]),
        "knee_past_toes_ratio": float(measure.knee_past_toes_ratio(points, front, forward)[0]),
        "back_knee_flexion_deg": float(measure.knee_flexion_deg(points, side or "left")[0]),
        "stance_width_ratio": float(measure.stance_width_ratio(points, forward)[0]),
    }


def measure_truth(
    exercise: Exercise,
    planned: list[tuple[Attempt, float]],
    phases: list[Phase],
    t: Array,
    signal: Array,
    world_at: Callable[[Array], Array],
    heading: float,
) -> GroundTruth:
    """The truth of the ``planned`` attempts (each with how far toward the target it goes),
    from the exact primary ``signal`` on the fine time grid ``t``."""
    kin = exercise.kinematics
    # "Too fast": the middle of a movement took less than this (see tempo.py).
    fast_middle_s = min_move_s(kin.limits) * middle_share(kin.limits)
    attempt_level = kin.rest.max_deg + limit(kin.limits, "attempt_ratio") * (
        kin.target.min_deg - kin.rest.max_deg
    )
    reps: list[TrueRep] = []
    faults: list[TrueFault] = []
    attempts: list[TrueAttempt] = []
    for (attempt, peak_w), phase in zip(planned, phases, strict=True):
        inside = (t >= phase.start) & (t <= phase.end)
        ts, sig = t[inside], signal[inside]
        hold_s = float(np.count_nonzero(sig >= kin.target.min_deg) * TRUTH_DT_S)
        arrived = progress(phase, ts) >= ARRIVED
        in_position_s = float(np.count_nonzero(arrived) * TRUTH_DT_S) if peak_w >= 1 else 0.0
        up = down = None
        if len(sig):
            base = float(sig[0])
            in_hold = (ts >= phase.peak) & (ts <= phase.leave)
            held = float(np.median(sig[in_hold])) if np.any(in_hold) else float(sig.max())
            low, high = base + MOVE_FROM * (held - base), base + MOVE_TO * (held - base)
            if held > base:
                up = _transit(ts, sig, low, high, rising=True)
                down = _transit(ts, sig, low, high, rising=False)
        counted = attempt.kind != "partial" and hold_s >= kin.min_hold_s
        codes = [c for c in attempt.faults if c != "too_fast"]
        if any(x is not None and x < fast_middle_s for x in (up, down)):
            codes.append("too_fast")
        mid = (phase.peak + phase.leave) / 2
        points = world_at(np.array([mid]))
        metrics = _metrics(exercise.id, points, heading, attempt.side)
        peak = float(sig.max()) if len(sig) else 0.0
        attempts.append(
            TrueAttempt(
                attempt.kind, phase.start, phase.back, peak, hold_s, in_position_s, up,
                down, counted, attempt.side, tuple(sorted(codes)), metrics,
            )
        )  # fmt: skip
        if counted:
            reps.append(TrueRep(phase.start, phase.back, hold_s, attempt.side,
                                tuple(sorted(codes)), in_position_s))  # fmt: skip
        elif exercise.id == "knee-to-chest" and attempt_level <= peak < kin.target.min_deg:
            peak_t = float(ts[int(np.argmax(sig))])
            faults.append(TrueFault("knees_not_to_chest", peak_t, phase.start, phase.back))
    return GroundTruth(exercise.id, tuple(reps), tuple(faults), tuple(attempts))
