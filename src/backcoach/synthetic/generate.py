"""Synthetic exercise sequences with ground truth: SequenceSpec -> SyntheticSequence.

The body performs the planned attempts (see ``timeline.py``) with the poses of ``poses.py``; the
camera sees it from the side (turned up to about 35 degrees either way); noise and dropouts make
the landmarks look like a real pose model's. The ground truth (``truth.py``) is measured on the
exact 3D pose with the catalog's own definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from backcoach.core.catalog import Exercise, load_catalog
from backcoach.core.motion.tempo import MOVE_FROM, MOVE_TO, middle_share, min_move_s
from backcoach.core.motion.types import PoseFrame
from backcoach.synthetic import measure
from backcoach.synthetic.camera import Camera, CameraSpec, far_side_mask, place_camera, to_landmarks
from backcoach.synthetic.noise import (
    DropoutSpec,
    NoiseSpec,
    add_noise,
    dropout_mask,
    swap_glitches,
    walk_out,
)
from backcoach.synthetic.poses import (
    FAULTS_BY_EXERCISE,
    pose_between,
    posture_of,
    rest_pose,
    target_pose,
)
from backcoach.synthetic.skeleton import (
    Array,
    BodyAngles,
    BodyShape,
    body_axes,
    forward_kinematics,
)
from backcoach.synthetic.timeline import (
    Attempt,
    Fidget,
    Phase,
    attempt_index,
    profile_inverse,
    progress,
    schedule,
    sway,
)
from backcoach.synthetic.truth import (
    TRUTH_DT_S,
    GroundTruth,
    measure_truth,
)

_MAX_RAMP_S = 9.0  # slower than this is not a plausible single movement
_GENTLE_MARGIN_DEG = 6.0  # a gentle repetition's peak, above the target range's lower bound


@dataclass(frozen=True)
class SequenceSpec:
    """Everything that shapes one synthetic sequence (the random parts come from the seed).

    Which way the body faces in the image (or, lying, which end the head is at) follows from
    ``camera.side``; ``heading_deg`` only turns the whole scene in the room (world coordinates).
    """

    exercise_id: str
    attempts: tuple[Attempt, ...] = ()
    lead_in_s: float = 2.0
    body: BodyShape = field(default_factory=BodyShape)
    camera: CameraSpec = field(default_factory=CameraSpec)
    heading_deg: float = 0.0
    noise: NoiseSpec = field(default_factory=NoiseSpec)
    dropouts: DropoutSpec = field(default_factory=DropoutSpec)
    fps: float = 30.0
    width: int = 1280
    height: int = 720
    fidgets_per_min: float = 2.0
    time_jitter: float = 0.0  # frame timing irregularity, as a fraction of the frame interval
    start: str | None = None  # the starting posture (poses.START_POSTURES; None: the first)


@dataclass(frozen=True)
class SyntheticSequence:
    spec: SequenceSpec
    frames: list[PoseFrame]
    fps: float
    width: int
    height: int
    truth: GroundTruth
    camera: Camera
    world: Array  # (n_frames, 33, 3) exact 3D positions, metres
    signal_deg: Array  # the exact primary signal at each frame

    @property
    def duration_s(self) -> float:
        return self.frames[-1].t if self.frames else 0.0


@lru_cache(maxsize=1)
def _shipped_exercises() -> dict[str, Exercise]:
    return {e.id: e for e in load_catalog()}


def exercise_for(exercise_id: str) -> Exercise:
    return _shipped_exercises()[exercise_id]


# --- planning -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    attempt: Attempt
    target: BodyAngles
    peak_w: float  # how far toward the target pose the attempt goes


def _curve(
    exercise_id: str, rest: BodyAngles, target: BodyAngles, body: BodyShape
) -> tuple[Array, Array]:
    w = np.linspace(0.0, 1.0, 201)
    points = forward_kinematics(pose_between(exercise_id, rest, target, w), body)
    signal = measure.primary_signal_deg(exercise_id, points)
    return w, np.maximum.accumulate(signal)


def _w_at(w: Array, signal: Array, value: float) -> float:
    """First fraction of the way at which the (monotone) signal reaches ``value``."""
    if value >= signal[-1]:
        return 1.0
    return float(np.interp(value, signal, w))


def _plan_attempt(
    exercise: Exercise,
    attempt: Attempt,
    rest: BodyAngles,
    body: BodyShape,
    rng: np.random.Generator,
) -> _Plan:
    kin = exercise.kinematics
    target = target_pose(exercise.id, rest, attempt.side, attempt.faults, rng, kin.limits, body)
    w, signal = _curve(exercise.id, rest, target, body)
    if attempt.kind != "partial" and attempt.amplitude < 1.0:
        # A gentler repetition: the peak lands just inside the target range (amplitude 0) or
        # part of the way from there to the full position.
        floor = kin.target.min_deg + _GENTLE_MARGIN_DEG
        if signal[-1] > floor:
            peak = floor + attempt.amplitude * (signal[-1] - floor)
            target = replace(pose_between(exercise.id, rest, target, _w_at(w, signal, peak)),
                             stance=target.stance)  # fmt: skip
            w, signal = _curve(exercise.id, rest, target, body)
    if attempt.kind == "partial":
        peak_value = signal[0] + attempt.reach * (kin.target.min_deg - signal[0])
        return _Plan(attempt, target, min(_w_at(w, signal, peak_value), 0.98))
    u_target = profile_inverse(attempt.profile, _w_at(w, signal, kin.target.min_deg))
    above = 1.0 - u_target  # fraction of a ramp spent inside the target range
    # "Too fast" (data/faults.toml, core/motion/tempo.py) times the middle of the movement:
    # 10 % to 90 % of the way from the resting level to the held one.
    way = signal[-1] - signal[0]
    u_from = profile_inverse(attempt.profile, _w_at(w, signal, signal[0] + MOVE_FROM * way))
    u_to = profile_inverse(attempt.profile, _w_at(w, signal, signal[0] + MOVE_TO * way))
    transit = max(u_to - u_from, 1e-3)  # fraction of a ramp spent in the middle
    fast_middle_s = min_move_s(kin.limits) * middle_share(kin.limits)
    up_s, down_s, hold_s = attempt.up_s, attempt.down_s, attempt.hold_s
    # Keep every movement clearly on one side of the limit: unhurried ramps are slowed until
    # their middle takes 1.4 x the limit; when that would need an implausibly slow movement,
    # the catalog's threshold calls any plausible tempo too fast, so the ramp is kept short
    # enough to be clearly so (and the truth says too_fast).
    slow = 1.4 * fast_middle_s / transit
    fast = 0.6 * fast_middle_s / transit
    if slow <= _MAX_RAMP_S:
        up_s, down_s = max(up_s, slow), max(down_s, slow)
    else:
        up_s, down_s = min(up_s, fast), min(down_s, fast)
    if "too_fast" in attempt.faults:
        which = rng.choice(["up", "down", "both"])
        up_s = min(up_s, fast) if which != "down" else up_s
        down_s = min(down_s, fast) if which != "up" else down_s
    if attempt.kind == "short_hold":
        budget = 0.45 * kin.min_hold_s
        ramps = (up_s + down_s) * above
        if ramps > budget:
            scale = budget / ramps
            up_s, down_s = up_s * scale, down_s * scale
        hold_s = max(0.0, budget - (up_s + down_s) * above)
    planned = replace(attempt, up_s=up_s, down_s=down_s, hold_s=hold_s)
    return _Plan(planned, target, 1.0)


# --- fidgets ------------------------------------------------------------------------------------

# Fidgets: which angles move together (with weights), and by how much (degrees, low..high).
# Lying, a knee bends with the hip flexing half as much so the heel slides along the mat.
_Moves = tuple[tuple[str, float], ...]
_REST_FIDGETS: dict[str, tuple[tuple[_Moves, float, float], ...]] = {
    "knee-to-chest": (
        ((("knee_flex_l", 1.0), ("hip_flex_l", 0.5)), 12, 28),
        ((("knee_flex_r", 1.0), ("hip_flex_r", 0.5)), 12, 28),
        ((("neck_flex", 1.0),), -6, 6),
        ((("shoulder_flex_l", 1.0),), 20, 50), ((("shoulder_flex_r", 1.0),), 20, 50),
    ),
    "neck-flexion": (
        ((("neck_flex", 1.0),), -4, 4), ((("trunk_flex", 1.0),), -5, 5),
        ((("shoulder_flex_l", 1.0),), 10, 30),
        ((("knee_flex_r", 1.0), ("ankle_plantar_r", -1.0)), -15, 15),
    ),
    "hip-flexor-stretch": (
        ((("trunk_flex", 1.0),), -4, 5),
        ((("knee_flex_l", 1.0), ("hip_flex_l", 0.5)), 6, 14),
        ((("knee_flex_r", 1.0), ("hip_flex_r", 0.5)), 6, 14),
        ((("shoulder_flex_l", 1.0),), 15, 40), ((("shoulder_flex_r", 1.0),), 15, 40),
    ),
}  # fmt: skip
_HOLD_FIDGETS: dict[str, tuple[_Moves, float]] = {
    "knee-to-chest": ((("hip_flex_l", 1.0), ("hip_flex_r", 1.0)), 5.0),
    "neck-flexion": ((("neck_flex", 1.0),), 4.0),
    "hip-flexor-stretch": ((("trunk_flex", 1.0),), 3.0),
}


def _plan_fidgets(
    exercise_id: str,
    phases: list[Phase],
    plans: list[_Plan],
    lead_in_s: float,
    per_min: float,
    rng: np.random.Generator,
) -> list[Fidget]:
    windows = [(0.3, lead_in_s - 0.3)]
    windows += [(p.back + 0.3, p.end - 0.3) for p in phases]
    holds = [(p.peak + 0.3, p.leave - 0.3) for p, pl in zip(phases, plans, strict=True)
             if pl.attempt.kind == "rep"]  # fmt: skip
    fidgets: list[Fidget] = []
    for start, stop in windows:
        length = stop - start
        if length < 1.0:
            continue
        for _ in range(rng.poisson(per_min * length / 60.0)):
            choices = _REST_FIDGETS[exercise_id]
            moves, low, high = choices[rng.integers(len(choices))]
            duration = min(rng.uniform(0.6, 2.0), length)
            t = rng.uniform(start, stop - duration)
            amount = rng.uniform(low, high)
            fidgets += [Fidget(t, duration, a, amount * w) for a, w in moves]
    moves, size = _HOLD_FIDGETS[exercise_id]
    for start, stop in holds:
        length = stop - start
        if length < 1.0:
            continue
        for _ in range(rng.poisson(per_min * length / 60.0)):
            duration = min(rng.uniform(0.5, 1.5), length)
            t = rng.uniform(start, stop - duration)
            amount = rng.uniform(-size, size)
            fidgets += [Fidget(t, duration, a, amount * w) for a, w in moves]
    return fidgets


# --- posing over time ---------------------------------------------------------------------------


def _as_arrays(pose: BodyAngles, n: int) -> BodyAngles:
    return pose.with_angles(
        {name: np.broadcast_to(np.asarray(getattr(pose, name), dtype=np.float64), (n,)).copy()
         for name in pose.angle_names()}
    )  # fmt: skip


def _pose_at(
    exercise_id: str,
    rest: BodyAngles,
    plan: _Plan | None,
    phase: Phase | None,
    t: Array,
    fidgets: list[Fidget],
    sway_deg: float,
    sway_rng_seed: int,
) -> BodyAngles:
    if plan is None or phase is None:
        pose = _as_arrays(rest, len(t))
    else:
        w = progress(phase, t) * plan.peak_w
        pose = _as_arrays(pose_between(exercise_id, rest, plan.target, w), len(t))
    changes: dict[str, Array] = {}
    for fidget in fidgets:
        base = changes.get(fidget.angle, getattr(pose, fidget.angle))
        changes[fidget.angle] = base + fidget.at(t)
    if sway_deg > 0:
        rng = np.random.default_rng(sway_rng_seed)
        changes["trunk_flex"] = changes.get("trunk_flex", pose.trunk_flex) + sway(t, sway_deg, rng)
        breathing = 0.02 * np.sin(2 * np.pi * 0.25 * t + rng.uniform(0, 6.3))
        changes["shrug"] = changes.get("shrug", pose.shrug) + breathing
    return pose.with_angles(changes)


def _world_at(
    exercise_id: str,
    rest: BodyAngles,
    plans: list[_Plan],
    phases: list[Phase],
    t: Array,
    fidgets: list[Fidget],
    sway_deg: float,
    body: BodyShape,
    sway_seed: int,
) -> Array:
    world = np.empty((len(t), 33, 3))
    index = attempt_index(phases, t)
    for k in range(max(len(plans), 1)):
        mask = index == k
        if not mask.any():
            continue
        plan = plans[k] if plans else None
        phase = phases[k] if phases else None
        pose = _pose_at(exercise_id, rest, plan, phase, t[mask], fidgets, sway_deg, sway_seed)
        world[mask] = forward_kinematics(pose, body)
    return world


# --- the whole sequence -------------------------------------------------------------------------

_SWAY_DEG = {"lying": 0.0, "sitting": 0.6, "standing": 1.2}


def generate(spec: SequenceSpec, seed: int, exercise: Exercise | None = None) -> SyntheticSequence:
    """Act out ``spec`` and return its landmark frames with the ground truth. Deterministic."""
    exercise = exercise or exercise_for(spec.exercise_id)
    _check_spec(spec, exercise)
    rng = np.random.default_rng(seed)
    body = spec.body
    rest = rest_pose(exercise.id, rng, spec.heading_deg, body, spec.start)
    plans = [_plan_attempt(exercise, a, rest, body, rng) for a in spec.attempts]
    phases = schedule(tuple(p.attempt for p in plans), spec.lead_in_s)
    fidgets = _plan_fidgets(exercise.id, phases, plans, spec.lead_in_s, spec.fidgets_per_min, rng)
    sway_deg = _SWAY_DEG[posture_of(exercise.id)]
    sway_seed = int(rng.integers(2**31))
    duration = phases[-1].end if phases else spec.lead_in_s + 3.0

    def world_at(t: Array) -> Array:
        return _world_at(exercise.id, rest, plans, phases, t, fidgets, sway_deg, body, sway_seed)

    fine_t = np.arange(0.0, duration, TRUTH_DT_S)
    fine_signal = _fine_signal(exercise.id, world_at, fine_t)
    planned = [(p.attempt, p.peak_w) for p in plans]
    truth = measure_truth(
        exercise, planned, phases, fine_t, fine_signal, world_at, spec.heading_deg
    )

    times = _frame_times(duration, spec.fps, spec.time_jitter, rng)
    world = world_at(times)
    posture = rest.posture
    camera = place_camera(spec.camera, world, posture, spec.heading_deg, spec.width, spec.height)
    left = body_axes(posture, spec.heading_deg)["left"]
    clean = to_landmarks(camera, world, left, spec.noise.far_visibility_drop)
    far = far_side_mask(camera, world, left)
    noisy = add_noise(clean, far, spec.noise, spec.fps, rng)
    noisy = swap_glitches(noisy, spec.noise, spec.fps, rng)
    noisy = walk_out(noisy, times, spec.dropouts.away)
    missing = dropout_mask(times, spec.dropouts, rng)
    frames = _frames(times, noisy, missing)
    signal = measure.primary_signal_deg(exercise.id, world)
    return SyntheticSequence(
        spec, frames, spec.fps, spec.width, spec.height, truth, camera, world, signal
    )


def _frame_times(duration: float, fps: float, jitter: float, rng: np.random.Generator) -> Array:
    """Capture times: steady, or (webcams) each frame up to ``jitter`` frame intervals late or
    early, still strictly increasing."""
    steps = np.arange(int(duration * fps) + 1, dtype=np.float64)
    if jitter > 0:
        steps[1:] += rng.uniform(-jitter / 2, jitter / 2, len(steps) - 1)
    return np.asarray(steps / fps, dtype=np.float64)


def _fine_signal(exercise_id: str, world_at: object, t: Array) -> Array:
    chunks = [
        measure.primary_signal_deg(exercise_id, world_at(t[i : i + 4096]))  # type: ignore[operator]
        for i in range(0, len(t), 4096)
    ]
    return np.concatenate(chunks) if chunks else np.zeros(0)


def _frames(times: Array, landmarks: Array, missing: Array) -> list[PoseFrame]:
    rounded = np.round(landmarks, 5).tolist()
    return [
        PoseFrame(float(round(t, 6)), None if gone else lm)
        for t, lm, gone in zip(times.tolist(), rounded, missing.tolist(), strict=True)
    ]


class SpecError(ValueError):
    """A sequence spec asks for something the body model cannot act out."""


def _check_spec(spec: SequenceSpec, exercise: Exercise) -> None:
    allowed = {*FAULTS_BY_EXERCISE[exercise.id], "too_fast"}
    for n, attempt in enumerate(spec.attempts, 1):
        unknown = set(attempt.faults) - allowed
        if unknown:
            raise SpecError(
                f"attempt {n}: fault(s) {sorted(unknown)} do not apply to {exercise.id}; "
                f"choose from {sorted(allowed)}"
            )
        if exercise.sided and attempt.side is None:
            raise SpecError(f"attempt {n}: {exercise.id} is sided; give the side that steps back")
        if not exercise.sided and attempt.side is not None:
            raise SpecError(f"attempt {n}: {exercise.id} has no sides; leave side as None")
    if not 5 <= spec.fps <= 240:
        raise SpecError(f"fps {spec.fps} is outside 5..240")
    if not 0 <= spec.time_jitter < 1:
        raise SpecError(f"time_jitter {spec.time_jitter} must be in 0..1 (frame intervals)")
