"""Key poses for each exercise, by anatomical joint angles, with and without form faults.

Each exercise has a *rest* pose and a *target* pose (the position held); movement between them is
a blend with exercise-specific shaping (the knees bend before the hips flex, the hands reach for
the shins late, the stepping foot lifts off the floor mid-step). Clean poses sit well inside the
catalog's limits and faulty ones clearly past them (see ``data/faults.toml``); the margins are
checked against our own measurements of the true 3D pose (``measure.py``), never with the
analyser's code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np

from backcoach.synthetic import measure
from backcoach.synthetic.skeleton import (
    INDEX,
    Angle,
    Array,
    BodyAngles,
    BodyShape,
    Side,
    forward_kinematics,
)

# Used when an exercise's [kinematics.limits] does not (yet) name a threshold.
DEFAULT_LIMITS: dict[str, float] = {
    "min_move_s": 1.0,
    "attempt_ratio": 0.5,
    "head_lift_deg": 20.0,
    "slouch_deg": 20.0,
    "shrug_ratio": 0.45,
    "knee_past_toes_ratio": 0.1,
    "back_knee_max_deg": 30.0,
    "trunk_lean_min_deg": 5.0,
    "trunk_lean_max_deg": 40.0,
    "stance_width_min_ratio": 0.5,
}

EXERCISES = ("knee-to-chest", "neck-flexion", "hip-flexor-stretch")

FAULTS_BY_EXERCISE: dict[str, tuple[str, ...]] = {
    "knee-to-chest": ("head_lifted",),
    "neck-flexion": ("slouching", "shoulders_shrugged", "neck_overflexed"),
    "hip-flexor-stretch": (
        "front_knee_past_toes",
        "back_knee_bent",
        "trunk_not_leaning",
        "trunk_leaning_too_far",
        "stance_too_narrow",
    ),
}


def limit(limits: Mapping[str, float], name: str) -> float:
    return float(limits.get(name, DEFAULT_LIMITS[name]))


def _u(rng: np.random.Generator, low: float, high: float) -> float:
    return float(rng.uniform(low, high))


def posture_of(exercise_id: str) -> str:
    return {"knee-to-chest": "lying", "neck-flexion": "sitting"}.get(exercise_id, "standing")


# --- knee-to-chest ------------------------------------------------------------------------------


def _ktc_rest(rng: np.random.Generator, heading: float) -> BodyAngles:
    # Legs resting on the mat: a slightly bent knee comes with the hip flexed half as much, so
    # the heel stays on the mat.
    knee_l, knee_r = _u(rng, 0, 8), _u(rng, 0, 8)
    return BodyAngles(
        posture="lying", heading_deg=heading,
        hip_flex_l=knee_l / 2 + _u(rng, 0, 2), hip_flex_r=knee_r / 2 + _u(rng, 0, 2),
        knee_flex_l=knee_l, knee_flex_r=knee_r,
        ankle_plantar_l=_u(rng, 5, 25), ankle_plantar_r=_u(rng, 5, 25),
        hip_abd_l=_u(rng, 2, 6), hip_abd_r=_u(rng, 2, 6),
        neck_flex=_u(rng, -3, 4),
        shoulder_flex_l=_u(rng, 0, 8), shoulder_flex_r=_u(rng, 0, 8),
        shoulder_abd_l=_u(rng, 8, 22), shoulder_abd_r=_u(rng, 8, 22),
        elbow_flex_l=_u(rng, 3, 15), elbow_flex_r=_u(rng, 3, 15),
    )  # fmt: skip


def _ktc_target(
    rest: BodyAngles, faults: tuple[str, ...], rng: np.random.Generator, limits: Mapping[str, float]
) -> BodyAngles:
    hip = _u(rng, 118, 130)  # knees well up to the chest (hip flexion range about 120-135)
    knee = hip + _u(rng, 8, 22)
    pose = replace(
        rest,
        hip_flex_l=hip + _u(rng, -2, 2), hip_flex_r=hip + _u(rng, -2, 2),
        knee_flex_l=knee, knee_flex_r=knee + _u(rng, -3, 3),
        ankle_plantar_l=_u(rng, 10, 35), ankle_plantar_r=_u(rng, 10, 35),
        hip_abd_l=_u(rng, 4, 10), hip_abd_r=_u(rng, 4, 10),
        elbow_flex_l=60.0, elbow_flex_r=60.0, grip=1.0,
    )  # fmt: skip
    if "head_lifted" in faults:
        lift = limit(limits, "head_lift_deg")
        # The curl lifts the shoulders and the head tips up: both well past the limit.
        return replace(pose, trunk_flex=_u(rng, 0.6, 0.9) * lift, neck_flex=lift + _u(rng, 22, 35))
    return replace(pose, neck_flex=_u(rng, -3, 4), trunk_flex=0.0)


def _ktc_between(rest: BodyAngles, target: BodyAngles, w: Angle) -> BodyAngles:
    w = np.asarray(w, dtype=np.float64)
    pose = rest.blend(target, w)
    # Heels slide first: the knees bend faster than the hips flex, then the legs lift.
    knee_w = np.clip(w * 1.8, 0.0, 1.0)
    grip_w = np.clip((w - 0.45) / 0.45, 0.0, 1.0)
    head_w = np.clip((w - 0.3) / 0.5, 0.0, 1.0)
    knee_l = rest.knee_flex_l + (target.knee_flex_l - rest.knee_flex_l) * knee_w
    knee_r = rest.knee_flex_r + (target.knee_flex_r - rest.knee_flex_r) * knee_w
    return replace(
        pose, knee_flex_l=knee_l, knee_flex_r=knee_r, grip=target.grip * grip_w,
        neck_flex=rest.neck_flex + (target.neck_flex - rest.neck_flex) * head_w,
        trunk_flex=rest.trunk_flex + (target.trunk_flex - rest.trunk_flex) * head_w,
    )  # fmt: skip


# --- neck-flexion -------------------------------------------------------------------------------


def _neck_rest(rng: np.random.Generator, heading: float) -> BodyAngles:
    hip, knee = _u(rng, 82, 95), _u(rng, 75, 100)
    return BodyAngles(
        posture="sitting", heading_deg=heading,
        hip_flex_l=hip + _u(rng, -3, 3), hip_flex_r=hip + _u(rng, -3, 3),
        knee_flex_l=knee, knee_flex_r=knee + _u(rng, -8, 8),
        hip_abd_l=_u(rng, 3, 10), hip_abd_r=_u(rng, 3, 10),
        trunk_flex=_u(rng, -4, 5), neck_flex=_u(rng, -3, 4),
        shoulder_flex_l=_u(rng, 10, 30), shoulder_flex_r=_u(rng, 10, 30),
        shoulder_abd_l=_u(rng, 5, 15), shoulder_abd_r=_u(rng, 5, 15),
        elbow_flex_l=_u(rng, 30, 60), elbow_flex_r=_u(rng, 30, 60),
        grip=float(rng.choice([0.0, 1.0])),
    )  # fmt: skip


def _neck_feet_flat(pose: BodyAngles) -> BodyAngles:
    return replace(
        pose,
        ankle_plantar_l=pose.hip_flex_l - pose.knee_flex_l,
        ankle_plantar_r=pose.hip_flex_r - pose.knee_flex_r,
    )


def _neck_target(
    rest: BodyAngles,
    faults: tuple[str, ...],
    rng: np.random.Generator,
    limits: Mapping[str, float],
    body: BodyShape,
    target_deg: tuple[float, float],
) -> BodyAngles:
    pose = replace(rest, shrug=0.0)
    if "slouching" in faults:  # slumping while the head goes down
        pose = replace(pose, trunk_flex=neck_slouch(rng, limits))
    # Shrugging and slouching change the shoulder-to-ear signal too: choose the anatomical neck
    # flexion that puts the signal where it should be (past the comfortable range, or well
    # inside the target range).
    low, high = target_deg
    if "neck_overflexed" in faults:
        wanted = _u(rng, high + 8, high + 15)
    elif "shoulders_shrugged" in faults:
        wanted = _u(rng, high - 16, high - 10)
    else:
        wanted = _u(rng, low + 9, min(high - 10, low + 27))
    candidates = np.linspace(0.0, 110.0, 221)
    if "shoulders_shrugged" not in faults:
        return _with_signal(pose, "neck_flex", candidates, wanted, body, measure.neck_flexion_deg)
    # A shrug clearly past limits.shrug_ratio: the ear-to-shoulder height well below that
    # fraction of its value at rest.
    rest_height = float(measure.ear_shoulder_height(forward_kinematics(rest, body))[0])
    ceiling = limit(limits, "shrug_ratio") - 0.12
    shrug = _u(rng, 0.42, 0.5)
    while True:
        shrugged = _with_signal(
            replace(pose, shrug=shrug), "neck_flex", candidates, wanted, body,
            measure.neck_flexion_deg,
        )  # fmt: skip
        height = float(measure.ear_shoulder_height(forward_kinematics(shrugged, body))[0])
        if height / rest_height <= ceiling or shrug >= 0.7:
            return shrugged
        shrug += 0.03


def _with_signal(
    pose: BodyAngles,
    angle: str,
    candidates: Array,
    wanted: float,
    body: BodyShape,
    signal: Callable[[Array], Array],
) -> BodyAngles:
    """Set ``angle`` to the candidate whose measured ``signal`` is closest to ``wanted``."""
    trial = pose.with_angles({angle: candidates})
    trial = trial.with_angles(
        {name: np.full(candidates.shape, getattr(trial, name), dtype=np.float64)
         for name in trial.angle_names() if np.ndim(getattr(trial, name)) == 0}
    )  # fmt: skip
    values = signal(forward_kinematics(trial, body))
    return pose.with_angles({angle: float(candidates[int(np.argmin(np.abs(values - wanted)))])})


def neck_slouch(rng: np.random.Generator, limits: Mapping[str, float]) -> float:
    """A slouched trunk angle clearly past ``slouch_deg``: mostly forward, sometimes reclined."""
    slouch = limit(limits, "slouch_deg")
    if rng.random() < 0.7:
        return slouch + _u(rng, 10, 18)
    return -(slouch + _u(rng, 9, 14))


# --- hip-flexor-stretch -------------------------------------------------------------------------


def _other(side: Side) -> Side:
    return "right" if side == "left" else "left"


def _hfs_rest(rng: np.random.Generator, heading: float, body: BodyShape) -> BodyAngles:
    hip, knee = _u(rng, 0, 3), _u(rng, 0, 6)
    abd = _stance_abduction(body, _u(rng, 1.0, 1.6))
    return BodyAngles(
        posture="standing", heading_deg=heading,
        hip_flex_l=hip, hip_flex_r=hip, knee_flex_l=knee, knee_flex_r=knee,
        ankle_plantar_l=hip - knee, ankle_plantar_r=hip - knee,
        hip_abd_l=abd, hip_abd_r=abd, trunk_flex=_u(rng, -3, 3),
        shoulder_flex_l=_u(rng, 0, 12), shoulder_flex_r=_u(rng, 0, 12),
        shoulder_abd_l=_u(rng, 4, 12), shoulder_abd_r=_u(rng, 4, 12),
        elbow_flex_l=_u(rng, 5, 25), elbow_flex_r=_u(rng, 5, 25),
    )  # fmt: skip


def _stance_abduction(body: BodyShape, width_ratio: float) -> float:
    """Hip abduction (each leg) that puts the ankles ``width_ratio`` hip widths apart."""
    extra = (width_ratio - 1.0) * body.hip_half_m
    return float(np.degrees(np.arcsin(np.clip(extra / (body.thigh_m + body.shank_m), -1, 1))))


def _hfs_target(
    rest: BodyAngles,
    side: Side,
    faults: tuple[str, ...],
    rng: np.random.Generator,
    limits: Mapping[str, float],
    body: BodyShape,
) -> BodyAngles:
    front = "l" if side == "right" else "r"
    back = "l" if side == "left" else "r"
    lean_min, lean_max = limit(limits, "trunk_lean_min_deg"), limit(limits, "trunk_lean_max_deg")
    if "trunk_not_leaning" in faults:
        lean = _u(rng, min(-3.0, lean_min - 12), lean_min - 6)
    elif "trunk_leaning_too_far" in faults:
        lean = _u(rng, lean_max + 10, lean_max + 18)
    else:
        lean = _u(rng, lean_min + 6, max(lean_min + 7, min(lean_max - 8, lean_min + 22)))
    shin_tilt = _u(rng, 40, 48) if "front_knee_past_toes" in faults else _u(rng, 0, 12)
    back_knee = (
        limit(limits, "back_knee_max_deg") + _u(rng, 15, 25)
        if "back_knee_bent" in faults
        else _u(rng, 0, 6)
    )
    width = _u(rng, -0.1, 0.15) if "stance_too_narrow" in faults else _u(rng, 1.0, 1.5)
    front_hip = _u(rng, 26, 38)
    abd = _stance_abduction(body, width)
    heel_lift = _u(rng, 15, 30)
    wanted = _u(rng, 45, 55)  # stride: well inside the target range (30..90 degrees)
    while True:
        pose = replace(rest, stance=_other(side)).with_angles({
            "trunk_flex": lean, "hip_abd_l": abd, "hip_abd_r": abd,
            f"hip_flex_{front}": front_hip,
            f"knee_flex_{front}": front_hip + shin_tilt,
            f"ankle_plantar_{front}": -shin_tilt,
            f"knee_flex_{back}": back_knee,
        })  # fmt: skip
        pose = _solve_back_leg(pose, back, body, heel_lift_deg=heel_lift)
        stride = front_hip - float(getattr(pose, f"hip_flex_{back}"))
        if stride >= wanted or front_hip >= 75:
            return pose
        front_hip += 4.0


def _solve_back_leg(
    pose: BodyAngles, back: str, body: BodyShape, heel_lift_deg: float
) -> BodyAngles:
    """Extend the back hip until the back toes reach the floor the front foot stands on."""
    candidates = np.linspace(0.0, 70.0, 281)
    knee = float(getattr(pose, f"knee_flex_{back}"))
    plantar = -candidates - knee + heel_lift_deg
    trial = replace(pose, stance=None).with_angles(
        {f"hip_flex_{back}": -candidates, f"ankle_plantar_{back}": plantar}
    )
    trial = trial.with_angles(
        {name: np.full(candidates.shape, getattr(trial, name), dtype=np.float64)
         for name in trial.angle_names() if np.ndim(getattr(trial, name)) == 0}
    )  # fmt: skip
    points = forward_kinematics(trial, body)
    side = "left" if back == "l" else "right"
    other = "right" if side == "left" else "left"
    back_low = points[:, [INDEX[f"{side}_heel"], INDEX[f"{side}_foot_index"]], 1].min(axis=1)
    front_low = points[:, [INDEX[f"{other}_heel"], INDEX[f"{other}_foot_index"]], 1].min(axis=1)
    best = int(np.argmin(np.abs(back_low - front_low)))
    return pose.with_angles(
        {
            f"hip_flex_{back}": -float(candidates[best]),
            f"ankle_plantar_{back}": float(plantar[best]),
        }
    )


def _hfs_between(rest: BodyAngles, target: BodyAngles, w: Angle) -> BodyAngles:
    w = np.asarray(w, dtype=np.float64)
    pose = rest.blend(target, w)
    back = "l" if target.stance == "right" else "r"
    # The stepping foot lifts off the floor mid-step.
    lift = np.sin(np.pi * np.clip(w * 1.25, 0.0, 1.0))
    knee = getattr(pose, f"knee_flex_{back}") + 35.0 * lift
    hip = getattr(pose, f"hip_flex_{back}") + 12.0 * lift
    moved = pose.with_angles({f"knee_flex_{back}": knee, f"hip_flex_{back}": hip})
    return replace(moved, stance=target.stance)


# --- dispatch -----------------------------------------------------------------------------------


START_POSTURES: dict[str, tuple[str, ...]] = {
    "knee-to-chest": ("legs_extended", "knees_bent"),
    "neck-flexion": ("upright", "forward_head"),
    "hip-flexor-stretch": ("feet_hip_width", "feet_together", "feet_apart"),
}


def rest_pose(
    exercise_id: str,
    rng: np.random.Generator,
    heading: float,
    body: BodyShape,
    start: str | None = None,
) -> BodyAngles:
    """The starting position: lying with straight legs, sitting tall, or standing tall; or one
    of the other ``START_POSTURES`` people commonly start from (``None``: the first)."""
    if exercise_id == "knee-to-chest":
        pose = _ktc_rest(rng, heading)
    elif exercise_id == "neck-flexion":
        pose = _neck_feet_flat(_neck_rest(rng, heading))
    else:
        pose = _hfs_rest(rng, heading, body)
    if start is None or start == START_POSTURES[exercise_id][0]:
        return pose
    if start not in START_POSTURES[exercise_id]:
        raise ValueError(f"{exercise_id} has no start posture {start!r}")
    return _start_variant(pose, start, rng, body)


def _start_variant(
    pose: BodyAngles, start: str, rng: np.random.Generator, body: BodyShape
) -> BodyAngles:
    if start == "knees_bent":
        # Hook lying: knees up, feet flat on the mat (the sole faces the mat when
        # hip - knee - plantar = -90 degrees).
        hip, knee = _u(rng, 38, 50), _u(rng, 80, 100)
        return pose.with_angles({
            "hip_flex_l": hip, "hip_flex_r": hip + _u(rng, -3, 3),
            "knee_flex_l": knee, "knee_flex_r": knee + _u(rng, -5, 5),
            "ankle_plantar_l": hip - knee + 90, "ankle_plantar_r": hip - knee + 90,
            "hip_abd_l": _u(rng, 3, 8), "hip_abd_r": _u(rng, 3, 8),
        })  # fmt: skip
    if start == "forward_head":  # a slumped upper back with the head carried forward
        return pose.with_angles({"trunk_flex": _u(rng, 6, 12), "neck_flex": _u(rng, 10, 16)})
    width = _u(rng, 0.5, 0.75) if start == "feet_together" else _u(rng, 1.7, 2.1)
    abd = _stance_abduction(body, width)
    return pose.with_angles({"hip_abd_l": abd, "hip_abd_r": abd})


def target_pose(
    exercise_id: str,
    rest: BodyAngles,
    side: Side | None,
    faults: tuple[str, ...],
    rng: np.random.Generator,
    limits: Mapping[str, float],
    body: BodyShape,
    target_deg: tuple[float, float] = (25.0, 60.0),
) -> BodyAngles:
    """The held position, with ``faults`` (codes from faults.toml) injected clearly.

    ``target_deg`` is the catalog's target range of the primary signal.
    """
    if exercise_id == "knee-to-chest":
        return _ktc_target(rest, faults, rng, limits)
    if exercise_id == "neck-flexion":
        return _neck_target(rest, faults, rng, limits, body, target_deg)
    if side is None:
        raise ValueError("hip-flexor-stretch needs a side (the leg that steps back)")
    return _hfs_target(rest, side, faults, rng, limits, body)


def pose_between(exercise_id: str, rest: BodyAngles, target: BodyAngles, w: Angle) -> BodyAngles:
    """The pose a fraction ``w`` (0..1, may be an array) of the way from rest to target."""
    if exercise_id == "knee-to-chest":
        return _ktc_between(rest, target, w)
    if exercise_id == "hip-flexor-stretch":
        return _hfs_between(rest, target, w)
    return rest.blend(target, np.asarray(w, dtype=np.float64))
