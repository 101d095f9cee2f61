"""Our own measurements of the true 3D pose, following the catalog's and faults.toml's wording.

These define the ground truth (when a position is reached, how long it is held, which faults are
present). They deliberately share no code with the analysers in ``backcoach.core.motion``: the
analysers see noisy 2D projections, this module sees the exact 3D skeleton.
"""

from __future__ import annotations

import numpy as np

from backcoach.synthetic.skeleton import INDEX, Array

UP = np.array([0.0, 1.0, 0.0])


def _p(points: Array, name: str) -> Array:
    return np.asarray(points[:, INDEX[name]], dtype=np.float64)


def _mid(points: Array, name: str) -> Array:
    return (_p(points, f"left_{name}") + _p(points, f"right_{name}")) / 2


def _angle_deg(u: Array, v: Array) -> Array:
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.asarray(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))), dtype=np.float64)


def hip_flexion_deg(points: Array) -> Array:
    """Angle between the trunk line (shoulder to hip, extended past the hip) and the thighs."""
    trunk = _mid(points, "hip") - _mid(points, "shoulder")
    thigh = _mid(points, "knee") - _mid(points, "hip")
    return _angle_deg(trunk, thigh)


def neck_flexion_deg(points: Array) -> Array:
    """Head direction (shoulder to ear midpoints) relative to the trunk (hip to shoulder)."""
    head = _mid(points, "ear") - _mid(points, "shoulder")
    trunk = _mid(points, "shoulder") - _mid(points, "hip")
    return _angle_deg(head, trunk)


def stride_deg(points: Array) -> Array:
    """Angle between the two thighs at the hips."""
    left = _p(points, "left_knee") - _p(points, "left_hip")
    right = _p(points, "right_knee") - _p(points, "right_hip")
    return _angle_deg(left, right)


PRIMARY_SIGNALS = {
    "knee-to-chest": hip_flexion_deg,
    "neck-flexion": neck_flexion_deg,
    "hip-flexor-stretch": stride_deg,
}


def primary_signal_deg(exercise_id: str, points: Array) -> Array:
    return PRIMARY_SIGNALS[exercise_id](points)


def trunk_from_vertical_deg(points: Array, forward: Array) -> Array:
    """Signed trunk lean from vertical, forward (toward ``forward``) positive."""
    trunk = _mid(points, "shoulder") - _mid(points, "hip")
    ahead = trunk @ forward
    return np.asarray(np.degrees(np.arctan2(ahead, trunk @ UP)), dtype=np.float64)


def ear_shoulder_height(points: Array) -> Array:
    """Vertical ear-to-shoulder distance (metres), averaged over both sides."""
    return np.asarray(_mid(points, "ear")[:, 1] - _mid(points, "shoulder")[:, 1], dtype=np.float64)


def head_lift_deg(points: Array) -> Array:
    """Lying: the larger of the shoulder-to-ear line's and the hip-to-shoulder line's rise."""
    sh, ear, hip = _mid(points, "shoulder"), _mid(points, "ear"), _mid(points, "hip")

    def rise(a: Array, b: Array) -> Array:
        d = b - a
        flat = np.hypot(d[:, 0], d[:, 2])
        return np.asarray(np.degrees(np.arctan2(d[:, 1], flat)), dtype=np.float64)

    return np.maximum(rise(sh, ear), rise(hip, sh))


def knee_past_toes_ratio(points: Array, front: str, forward: Array) -> Array:
    """How far the front knee is ahead of the front toes, in shin lengths (negative: behind)."""
    knee, toe = _p(points, f"{front}_knee"), _p(points, f"{front}_foot_index")
    shin = np.linalg.norm(knee - _p(points, f"{front}_ankle"), axis=-1)
    return np.asarray(((knee - toe) @ forward) / shin, dtype=np.float64)


def knee_flexion_deg(points: Array, side: str) -> Array:
    thigh = _p(points, f"{side}_knee") - _p(points, f"{side}_hip")
    shank = _p(points, f"{side}_ankle") - _p(points, f"{side}_knee")
    return _angle_deg(thigh, shank)


def stance_width_ratio(points: Array, forward: Array) -> Array:
    """Sideways ankle distance (across the walking direction) over the hip width."""
    across = np.cross(UP, forward)
    ankles = (_p(points, "left_ankle") - _p(points, "right_ankle")) @ across
    hips = np.linalg.norm(_p(points, "left_hip") - _p(points, "right_hip"), axis=-1)
    return np.asarray(np.abs(ankles) / hips, dtype=np.float64)
