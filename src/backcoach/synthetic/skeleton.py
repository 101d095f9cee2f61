"""A parametric 3D skeleton posed by anatomical joint angles (forward kinematics).

Segment lengths are fractions of standing height from Winter's anthropometric tables
(D. A. Winter, *Biomechanics and Motor Control of Human Movement*, 4th ed., Wiley 2009,
Fig. 4.1 / Table 4.1): upper arm 0.186 H, forearm 0.146 H, hand 0.108 H, thigh 0.245 H,
shank 0.246 H, foot length 0.152 H, ankle height 0.039 H, shoulder width 0.259 H,
shoulder height 0.818 H, hip (greater trochanter) height 0.530 H, chin 0.870 H, eye 0.936 H.
The face offsets (ears, eyes, nose, mouth) and the hip-joint spacing are our own approximations
chosen to sit where BlazePose puts its landmarks, not anthropometric data.

Every angle may be a float or a NumPy array with one value per frame, so a whole sequence is posed
in one vectorised call. Positions are in metres in a world frame with ``y`` up and the floor at
``y = 0``. Body-local directions are *anterior* (``a``), *superior* (``s``) and the person's own
*left* (``l``); the root orientation (upright, or lying on the back) and heading map them to the
world.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS

Posture = Literal["lying", "sitting", "standing"]
Side = Literal["left", "right"]
Array = NDArray[np.float64]
Angle = float | Array

INDEX: dict[str, int] = {name: i for i, name in enumerate(BLAZEPOSE_LANDMARKS)}

# Hip-joint landmark height above the mat when lying on the back, as a fraction of height
# (our approximation of half the pelvis depth).
LYING_JOINT_HEIGHT = 0.055
_MAT_CONTACT_M = 0.01  # a heel or toe touching the mat


@dataclass(frozen=True)
class BodyShape:
    """Body size and proportions. Scales multiply Winter's fractions (1.0 = average adult)."""

    height_m: float = 1.72
    leg_scale: float = 1.0
    arm_scale: float = 1.0
    trunk_scale: float = 1.0
    shoulder_width_scale: float = 1.0
    hip_width_scale: float = 1.0
    head_scale: float = 1.0

    @property
    def thigh_m(self) -> float:
        return 0.245 * self.height_m * self.leg_scale

    @property
    def shank_m(self) -> float:
        return 0.246 * self.height_m * self.leg_scale

    @property
    def foot_m(self) -> float:
        return 0.152 * self.height_m * self.leg_scale

    @property
    def ankle_height_m(self) -> float:
        return 0.039 * self.height_m * self.leg_scale

    @property
    def upper_arm_m(self) -> float:
        return 0.186 * self.height_m * self.arm_scale

    @property
    def forearm_m(self) -> float:
        return 0.146 * self.height_m * self.arm_scale

    @property
    def hand_m(self) -> float:
        return 0.108 * self.height_m * self.arm_scale

    @property
    def trunk_m(self) -> float:
        """Hip-joint midpoint to shoulder midpoint (0.818 H - 0.530 H)."""
        return 0.288 * self.height_m * self.trunk_scale

    @property
    def shoulder_half_m(self) -> float:
        # BlazePose shoulders sit a little inside the acromion width (0.259 H).
        return 0.5 * 0.225 * self.height_m * self.shoulder_width_scale

    @property
    def hip_half_m(self) -> float:
        return 0.5 * 0.115 * self.height_m * self.hip_width_scale

    @property
    def head_unit_m(self) -> float:
        return self.height_m * self.head_scale

    def segment_lengths(self) -> dict[str, float]:
        """Lengths the forward kinematics preserves under any pose (for tests and demos)."""
        return {
            "thigh": self.thigh_m,
            "shank": self.shank_m,
            "upper_arm": self.upper_arm_m,
            "forearm": self.forearm_m,
            "shoulder_width": 2 * self.shoulder_half_m,
            "hip_width": 2 * self.hip_half_m,
        }


@dataclass(frozen=True)
class BodyAngles:
    """A pose by joint angles in degrees (floats, or arrays with one value per frame).

    Flexion is positive: hip flexion brings the thigh forward, knee flexion folds the shank back,
    trunk flexion tips the trunk forward (or, lying, curls the shoulders off the mat), neck
    flexion brings the chin toward the chest. ``ankle_plantar`` points the toes away from the
    shin. ``shrug`` lifts the shoulders by that fraction of the shoulder-to-ear distance.
    Arms: the wrist goes where shoulder/elbow angles put it, blended by ``grip`` (0..1) toward the
    posture's grip target (shins when lying, thighs when sitting), and the elbow follows by
    two-link inverse kinematics.
    """

    posture: Posture = "standing"
    heading_deg: float = 0.0  # rotation about the vertical; 0 faces (or lies head-first toward) -x
    stance: Side | None = None  # standing: the foot that stays planted
    trunk_flex: Angle = 0.0
    trunk_side: Angle = 0.0  # lateral lean toward the person's left, degrees
    neck_flex: Angle = 0.0
    shrug: Angle = 0.0
    hip_flex_l: Angle = 0.0
    hip_flex_r: Angle = 0.0
    hip_abd_l: Angle = 0.0
    hip_abd_r: Angle = 0.0
    knee_flex_l: Angle = 0.0
    knee_flex_r: Angle = 0.0
    ankle_plantar_l: Angle = 0.0
    ankle_plantar_r: Angle = 0.0
    shoulder_flex_l: Angle = 0.0
    shoulder_flex_r: Angle = 0.0
    shoulder_abd_l: Angle = 8.0
    shoulder_abd_r: Angle = 8.0
    elbow_flex_l: Angle = 10.0
    elbow_flex_r: Angle = 10.0
    grip: Angle = 0.0

    def angle_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self) if f.name not in _NON_ANGLE_FIELDS)

    def with_angles(self, changes: Mapping[str, Angle]) -> BodyAngles:
        """A copy with the named angles replaced (names as the fields)."""
        unknown = set(changes) - set(self.angle_names())
        if unknown:
            raise ValueError(f"not joint angles: {sorted(unknown)}")
        values: dict[str, Any] = dict(changes)
        return replace(self, **values)

    def blend(self, other: BodyAngles, weight: Angle) -> BodyAngles:
        """Linear blend toward ``other`` by ``weight`` (0 = self, 1 = other), angle by angle."""
        changes = {
            name: getattr(self, name) + (getattr(other, name) - getattr(self, name)) * weight
            for name in self.angle_names()
        }
        return self.with_angles(changes)


_NON_ANGLE_FIELDS = frozenset({"posture", "heading_deg", "stance"})


def _rad(value: Angle) -> Array:
    return np.radians(np.asarray(value, dtype=np.float64))


def _local(a: Angle, s: Angle, lat: Angle, n: int) -> Array:
    """Stack body-local components (anterior, superior, left) into an (n, 3) array."""
    out = np.empty((n, 3))
    out[:, 0] = a
    out[:, 1] = s
    out[:, 2] = lat
    return out


def _unit(v: Array) -> Array:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.asarray(v / np.maximum(norm, 1e-12), dtype=np.float64)


def _frames(angles: BodyAngles) -> int:
    sizes = {np.size(getattr(angles, name)) for name in angles.angle_names()}
    sizes.discard(1)
    if len(sizes) > 1:
        raise ValueError(f"pose arrays have different lengths: {sorted(sizes)}")
    return sizes.pop() if sizes else 1


def _sagittal(angle_rad: Array, length: float | Array, n: int) -> Array:
    """A segment hanging down (-s) rotated forward (toward +a) by ``angle_rad``."""
    return _local(np.sin(angle_rad) * length, -np.cos(angle_rad) * length, 0.0, n)


def _abduct(v: Array, angle_rad: Array, sign: float) -> Array:
    """Rotate in the superior-left plane: a downward vector swings toward ``sign`` * left."""
    c, s = np.cos(angle_rad), np.sin(angle_rad) * sign
    out = v.copy()
    out[:, 1] = v[:, 1] * c - v[:, 2] * s
    out[:, 2] = v[:, 2] * c - v[:, 1] * s
    return out


def _leg(angles: BodyAngles, body: BodyShape, side: Side, hip: Array, n: int) -> dict[str, Array]:
    suffix = "l" if side == "left" else "r"
    sign = 1.0 if side == "left" else -1.0
    hip_flex = _rad(getattr(angles, f"hip_flex_{suffix}"))
    knee = _rad(getattr(angles, f"knee_flex_{suffix}"))
    plantar = _rad(getattr(angles, f"ankle_plantar_{suffix}"))
    abd = _rad(getattr(angles, f"hip_abd_{suffix}"))
    shank_angle = hip_flex - knee  # shank direction from vertical, ankle forward positive
    thigh = _abduct(_sagittal(hip_flex, body.thigh_m, n), abd, sign)
    shank_dir = _abduct(_sagittal(shank_angle, 1.0, n), abd, sign)
    # The foot is perpendicular to the shank (toes forward), then pointed by plantar flexion.
    foot_angle = shank_angle + np.pi / 2 - plantar
    foot_dir = _abduct(_sagittal(foot_angle, 1.0, n), abd, sign)
    knee_p = hip + thigh
    ankle = knee_p + shank_dir * body.shank_m
    sole = ankle + shank_dir * body.ankle_height_m
    return {
        f"{side}_hip": hip,
        f"{side}_knee": knee_p,
        f"{side}_ankle": ankle,
        f"{side}_heel": sole - foot_dir * 0.22 * body.foot_m,
        f"{side}_foot_index": sole + foot_dir * 0.74 * body.foot_m,
    }


def _rotate_about_left(v: Array, angle_rad: Array) -> Array:
    """Rotate body-local vectors in the sagittal plane: +angle tips superior toward anterior."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    out = v.copy()
    out[:, 0] = v[:, 0] * c + v[:, 1] * s
    out[:, 1] = v[:, 1] * c - v[:, 0] * s
    return out


# Head points relative to the neck pivot, as fractions of height: (anterior, superior, left).
_HEAD_POINTS: dict[str, tuple[float, float, float]] = {
    "left_ear": (0.014, 0.088, 0.042),
    "right_ear": (0.014, 0.088, -0.042),
    "nose": (0.060, 0.082, 0.0),
    "left_eye_inner": (0.052, 0.098, 0.010),
    "left_eye": (0.050, 0.099, 0.019),
    "left_eye_outer": (0.046, 0.099, 0.028),
    "right_eye_inner": (0.052, 0.098, -0.010),
    "right_eye": (0.050, 0.099, -0.019),
    "right_eye_outer": (0.046, 0.099, -0.028),
    "mouth_left": (0.052, 0.062, 0.014),
    "mouth_right": (0.052, 0.062, -0.014),
}


def _trunk_and_head(angles: BodyAngles, body: BodyShape, n: int) -> dict[str, Array]:
    flex = _rad(angles.trunk_flex)
    side = _rad(angles.trunk_side)
    up = _local(0.0, 1.0, 0.0, n)
    trunk_dir = _rotate_about_left(up, flex)
    trunk_dir = _abduct(trunk_dir * -1.0, side, -1.0) * -1.0  # lateral lean toward +left
    anterior = _rotate_about_left(_local(1.0, 0.0, 0.0, n), flex)
    # Component-wise cross products in (a, s, l) order: a x s = l, s x l = a.
    left = _unit(np.cross(anterior, trunk_dir))
    anterior = _unit(np.cross(trunk_dir, left))
    shoulder_mid = trunk_dir * body.trunk_m
    ear_rest = 0.1 * body.height_m  # shoulder-to-ear height when upright and relaxed
    shrug = np.asarray(angles.shrug, dtype=np.float64).reshape(-1, 1)
    pivot = shoulder_mid + trunk_dir * (0.012 * body.height_m) - anterior * (0.006 * body.height_m)
    lifted = shoulder_mid + trunk_dir * shrug * ear_rest
    out = {
        "left_shoulder": lifted + left * body.shoulder_half_m,
        "right_shoulder": lifted - left * body.shoulder_half_m,
    }
    head_angle = flex + _rad(angles.neck_flex)
    for name, (a, s, lat) in _HEAD_POINTS.items():
        offset = _local(a, s, 0.0, n) * body.head_unit_m
        offset = _rotate_about_left(offset, head_angle)
        out[name] = pivot + offset + left * (lat * body.head_unit_m)
    out["_trunk_dir"] = trunk_dir
    out["_anterior"] = anterior
    out["_left"] = left
    return out


def _arm_angle_wrist(
    angles: BodyAngles, body: BodyShape, side: Side, shoulder: Array, n: int
) -> Array:
    """Where the shoulder and elbow angles alone would put the wrist."""
    suffix = "l" if side == "left" else "r"
    sign = 1.0 if side == "left" else -1.0
    flex = _rad(getattr(angles, f"shoulder_flex_{suffix}"))
    abd = _rad(getattr(angles, f"shoulder_abd_{suffix}"))
    elbow = _rad(getattr(angles, f"elbow_flex_{suffix}"))
    upper = _abduct(_sagittal(flex, body.upper_arm_m, n), abd, sign)
    fore = _abduct(_sagittal(flex + elbow, body.forearm_m, n), abd, sign)
    # Arm angles are relative to the trunk: express them in the trunk's frame.
    trunk_flex = _rad(angles.trunk_flex)
    upper = _rotate_about_left(upper, trunk_flex)
    fore = _rotate_about_left(fore, trunk_flex)
    return shoulder + upper + fore


def _grip_target(angles: BodyAngles, body: BodyShape, side: Side, legs: dict[str, Array]) -> Array:
    """Where the hands hold on: the shin just below the knee (lying) or the mid-thigh (sitting)."""
    knee, ankle, hip = legs[f"{side}_knee"], legs[f"{side}_ankle"], legs[f"{side}_hip"]
    if angles.posture == "lying":
        return knee + (ankle - knee) * 0.28
    return hip + (knee - hip) * 0.62 + _local(0.0, 0.045 * body.height_m, 0.0, len(knee))


def _two_link(root: Array, target: Array, l1: float, l2: float, pole: Array) -> tuple[Array, Array]:
    """Elbow and wrist for an arm of lengths l1, l2 reaching toward ``target``."""
    offset = target - root
    dist = np.linalg.norm(offset, axis=-1, keepdims=True)
    direction = offset / np.maximum(dist, 1e-9)
    reach = np.clip(dist, abs(l1 - l2) + 1e-6, l1 + l2 - 1e-6)
    along = (l1**2 - l2**2 + reach**2) / (2 * reach)
    across = np.sqrt(np.maximum(l1**2 - along**2, 0.0))
    bend = pole - np.sum(pole * direction, axis=-1, keepdims=True) * direction
    bend = _unit(bend)
    elbow = root + direction * along + bend * across
    return elbow, root + direction * reach


def _arm(
    angles: BodyAngles,
    body: BodyShape,
    side: Side,
    parts: dict[str, Array],
    legs: dict[str, Array],
    n: int,
) -> dict[str, Array]:
    shoulder = parts[f"{side}_shoulder"]
    sign = 1.0 if side == "left" else -1.0
    wrist_free = _arm_angle_wrist(angles, body, side, shoulder, n)
    grip = np.asarray(angles.grip, dtype=np.float64).reshape(-1, 1)
    target = wrist_free + (_grip_target(angles, body, side, legs) - wrist_free) * grip
    pole = parts["_left"] * (0.6 * sign) - parts["_anterior"] * 0.5 - parts["_trunk_dir"] * 0.2
    elbow, wrist = _two_link(shoulder, target, body.upper_arm_m, body.forearm_m, pole)
    hand_dir = _unit(wrist - elbow)
    radial = _unit(np.cross(hand_dir, parts["_left"] * sign) * -1.0 + parts["_anterior"] * 0.3)
    h = body.hand_m
    return {
        f"{side}_elbow": elbow,
        f"{side}_wrist": wrist,
        f"{side}_index": wrist + hand_dir * (0.62 * h) + radial * (0.10 * h),
        f"{side}_pinky": wrist + hand_dir * (0.52 * h) - radial * (0.18 * h),
        f"{side}_thumb": wrist + hand_dir * (0.30 * h) + radial * (0.30 * h),
    }


def _root_matrix(posture: Posture, heading_deg: float) -> Array:
    """Columns: world images of the body's anterior, superior and left directions."""
    if posture == "lying":  # on the back: anterior up, head toward -x at heading 0
        a, s, lft = (0.0, 1.0, 0.0), (-1.0, 0.0, 0.0), (0.0, 0.0, -1.0)
    else:
        a, s, lft = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, -1.0)
    base = np.array([a, s, lft]).T
    h = np.radians(heading_deg)
    yaw = np.array([[np.cos(h), 0.0, np.sin(h)], [0.0, 1.0, 0.0], [-np.sin(h), 0.0, np.cos(h)]])
    return np.asarray(yaw @ base, dtype=np.float64)


def body_axes(posture: Posture, heading_deg: float) -> dict[str, Array]:
    """World directions of the (root) body's anterior, superior and left axes."""
    m = _root_matrix(posture, heading_deg)
    return {"anterior": m[:, 0], "superior": m[:, 1], "left": m[:, 2]}


def forward_kinematics(angles: BodyAngles, body: BodyShape) -> Array:
    """World positions (n_frames, 33, 3) in metres of all BlazePose landmarks for a pose.

    The body is placed on the floor: lying on the mat, sitting with the feet on the floor, or
    standing on the planted (``stance``) foot; horizontally the hip midpoint (or the planted
    ankle) stays at the origin.
    """
    n = _frames(angles)
    parts = _trunk_and_head(angles, body, n)
    hip_mid = np.zeros((n, 3))
    hip_left = _local(0.0, 0.0, body.hip_half_m, n)
    legs = {
        **_leg(angles, body, "left", hip_mid + hip_left, n),
        **_leg(angles, body, "right", hip_mid - hip_left, n),
    }
    arms = {
        **_arm(angles, body, "left", parts, legs, n),
        **_arm(angles, body, "right", parts, legs, n),
    }
    points = {**parts, **legs, **arms}
    local = np.stack([points[name] for name in BLAZEPOSE_LANDMARKS], axis=1)
    world = local @ _root_matrix(angles.posture, angles.heading_deg).T
    return _place(world, angles, body)


def _place(world: Array, angles: BodyAngles, body: BodyShape) -> Array:
    feet = [
        INDEX[f"{side}_{part}"] for side in ("left", "right") for part in ("heel", "foot_index")
    ]
    if angles.posture == "lying":
        world[:, :, 1] += LYING_JOINT_HEIGHT * body.height_m
        # Heels and toes rest on the mat rather than sink into it while the knees bend.
        world[:, feet, 1] = np.maximum(world[:, feet, 1], _MAT_CONTACT_M)
        return world
    if angles.posture == "standing":
        # Each foot rests on the floor or above it; the lower of the two carries the body.
        lowest = world[:, feet, 1].min(axis=1)
        world[:, :, 1] -= lowest[:, None]
        if angles.stance is not None:
            # The planted foot stays put along the walking direction.
            forward = _root_matrix("standing", angles.heading_deg)[:, 0]
            along = world[:, INDEX[f"{angles.stance}_ankle"]] @ forward
            world -= along[:, None, None] * forward[None, None, :]
        return world
    lowest = world[:, feet, 1].min(axis=1)
    world[:, :, 1] -= lowest[:, None]
    return world
