"""Hold-out landmark files from a generator that shares nothing with ``backcoach.synthetic``.

    python benchmarks/holdout/generate_holdout.py [OUT_DIR] [--seed 20261124] [--per-exercise 28]

Why a second generator: an analyser tuned against one body model can learn that model's habits
(its proportions, its angle conventions, its noise). These files are built the other way round:
a handful of *keyframe poses* per exercise, each drawn from anatomy (segment lengths from
anthropometric ratios, joints placed by simple planar geometry and two-link reach), and the
motion between them is a Catmull-Rom spline through the keyframes' **landmark positions**, timed
with minimum-jerk velocity profiles that vary in tempo and symmetry. Breathing, sway, fidgets,
MediaPipe-like jitter, far-side left/right swaps, low-visibility stretches and dropouts are
added on top, and a pinhole camera turned up to 35 degrees off the side view projects it all.

Only numpy and the standard library are used; nothing is imported from backcoach. Positions
are rounded to 4 decimals, MediaPipe's (noisy) z to 3 and visibility to 2, and the files are
xz-compressed, so the whole set stays commit-sized (about 15 MB).

Each sequence is written as ``NAME.jsonl.xz`` (xz/LZMA of a plain backcoach landmark file: header
line, then one ``{"t": ..., "landmarks": [[x, y, z, visibility] x 33] | null}`` line per frame) and
``NAME.truth.json``. Truth conventions:

* a repetition runs from the moment the body starts to move toward the position (3 % of the
  way) to the moment it is back (97 % of the way home);
* its hold runs from arriving (97 % of the way to the position) to starting back (3 % of the way
  home), so ``hold_s`` is the time spent still in the position, breathing and settling
  (``hold_s_90`` is the same measured from 90 % of the way there to 10 % of the way back:
  a looser reading of "arrived", about half a second longer);
* ``side`` (hip flexor stretch only) is the person's own leg that steps back;
* ``partials`` are movements that turn back clearly short of the position: never repetitions.
"""

from __future__ import annotations

import argparse
import json
import lzma
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

NAMES = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)
IDX = {name: i for i, name in enumerate(NAMES)}
N_LM = len(NAMES)
SIDES = ("left", "right")
# World frame: x = the person's forward (standing, sitting) or toward the feet (lying),
# y = up, z = the person's right (a right-handed frame: +z is the right side, -z the left).
LAT = {"left": -1.0, "right": 1.0}
MIRROR = [IDX[n.replace("left_", "#").replace("right_", "left_").replace("#", "right_")]
          for n in NAMES]
LEG_PARTS = ("hip", "knee", "ankle", "heel", "foot_index")
DISTAL = {IDX[f"{s}_{p}"] for s in SIDES
          for p in ("wrist", "pinky", "index", "thumb", "ankle", "heel", "foot_index")}
FACE = {IDX[n] for n in NAMES[:11]}
EXERCISES = ("knee-to-chest", "neck-flexion", "hip-flexor-stretch")
ARRIVE = 0.97  # fraction of the way that counts as "arrived" (see the module docstring)


# ----------------------------------------------------------------------------- body
@dataclass(frozen=True)
class Body:
    """Segment lengths in metres, from height-proportional ratios (Drillis & Contini style),
    shifted toward a child's larger head and shorter legs by ``child`` (0 adult, 1 young child).
    """

    height: float
    child: float
    thigh: float
    shank: float
    trunk: float
    hip_half: float
    shoulder_half: float
    upper_arm: float
    forearm: float
    hand: float
    foot: float
    neck: float
    head: float  # scale of the face/ear offsets (1.0 = adult head)
    hip_height: float


def make_body(rng: np.random.Generator) -> Body:
    kind = rng.choice(["child", "teen", "adult", "tall"], p=[0.15, 0.15, 0.5, 0.2])
    height = {"child": rng.uniform(1.05, 1.35), "teen": rng.uniform(1.4, 1.65),
              "adult": rng.uniform(1.55, 1.85), "tall": rng.uniform(1.85, 2.0)}[str(kind)]
    child = float(np.clip((1.6 - height) / 0.55, 0.0, 1.0)) if kind != "tall" else 0.0

    def var(scale: float = 0.04) -> float:
        return float(1.0 + rng.normal(0, scale))

    hip_h = height * (0.53 - 0.05 * child) * var(0.025)
    knee_h = hip_h * 0.535 * var(0.02)
    ankle_h = height * 0.042
    shoulder_h = height * (0.818 - 0.03 * child) * var(0.01)
    return Body(
        height=height, child=child,
        thigh=hip_h - knee_h, shank=knee_h - ankle_h, trunk=shoulder_h - hip_h,
        hip_half=height * 0.052 * var(0.08), shoulder_half=height * 0.1 * var(0.06),
        upper_arm=height * 0.186 * var(), forearm=height * 0.146 * var(),
        hand=height * 0.105 * var(), foot=height * 0.152 * var(0.03),
        neck=height * (0.075 + 0.005 * child) * var(0.06),
        head=(height / 1.75) * (1.0 + 0.35 * child) * var(0.04), hip_height=hip_h,
    )


# ----------------------------------------------------------------------------- geometry
def rot2(v: np.ndarray, deg: float) -> np.ndarray:
    """Rotate a 2D vector counter-clockwise (x forward, y up: positive turns forward into up)."""
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def p3(xy: np.ndarray, z: float) -> np.ndarray:
    return np.array([xy[0], xy[1], z], dtype=float)


def unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-9 else v


def rodrigues(v: np.ndarray, axis: np.ndarray, deg: float) -> np.ndarray:
    k = unit(axis)
    a = math.radians(deg)
    return v * math.cos(a) + np.cross(k, v) * math.sin(a) + k * np.dot(k, v) * (1 - math.cos(a))


def reach(root: np.ndarray, end: np.ndarray, l1: float, l2: float,
          bend: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Middle joint of a two-segment limb from root toward end, bending toward ``bend``.

    Returns (middle, end); the end is pulled in when it lies out of reach."""
    d = end - root
    dist = float(np.linalg.norm(d))
    dist_ok = min(max(dist, abs(l1 - l2) + 1e-4), (l1 + l2) * 0.9995)
    axis = unit(d)
    end = root + axis * dist_ok
    a = (l1 * l1 - l2 * l2 + dist_ok * dist_ok) / (2 * dist_ok)
    h = math.sqrt(max(l1 * l1 - a * a, 0.0))
    perp = unit(bend - axis * np.dot(bend, axis))
    return root + axis * a + perp * h, end


def circles(c1: np.ndarray, r1: float, c2: np.ndarray, r2: float) -> np.ndarray:
    """The upper intersection of two circles in the sagittal plane (hip over two feet)."""
    d = float(np.linalg.norm(c2 - c1))
    d = min(max(d, abs(r1 - r2) + 1e-4), r1 + r2 - 1e-4)
    a = (r1 * r1 - r2 * r2 + d * d) / (2 * d)
    h = math.sqrt(max(r1 * r1 - a * a, 0.0))
    e = unit(c2 - c1)
    base = c1 + e * a
    cand = [base + np.array([-e[1], e[0]]) * h, base - np.array([-e[1], e[0]]) * h]
    return max(cand, key=lambda q: q[1])


def leg_span(b: Body, knee_deg: float) -> float:
    """Hip-to-ankle distance for a knee bent by ``knee_deg`` (law of cosines)."""
    k = math.radians(knee_deg)
    return math.sqrt(b.thigh ** 2 + b.shank ** 2 + 2 * b.thigh * b.shank * math.cos(k))


Pose = dict[str, np.ndarray]


def put_head(pose: Pose, b: Body, pivot: np.ndarray, fwd: np.ndarray, up: np.ndarray) -> None:
    """Face and ear landmarks around the head pivot (atlanto-occipital joint); adult metres."""
    right = unit(np.cross(fwd, up))  # fwd x up = right in this frame
    s = b.head
    for side in SIDES:
        r = right * LAT[side]
        pose[f"{side}_ear"] = pivot + s * (-0.012 * fwd + 0.005 * up + 0.072 * r)
        pose[f"{side}_eye_inner"] = pivot + s * (0.088 * fwd + 0.036 * up + 0.016 * r)
        pose[f"{side}_eye"] = pivot + s * (0.083 * fwd + 0.037 * up + 0.031 * r)
        pose[f"{side}_eye_outer"] = pivot + s * (0.072 * fwd + 0.036 * up + 0.046 * r)
        pose[f"mouth_{side}"] = pivot + s * (0.086 * fwd - 0.042 * up + 0.024 * r)
    pose["nose"] = pivot + s * (0.108 * fwd + 0.0 * up)


def put_hand(pose: Pose, b: Body, side: str, elbow: np.ndarray, wrist: np.ndarray,
             thumb_hint: np.ndarray) -> None:
    pose[f"{side}_elbow"] = elbow
    pose[f"{side}_wrist"] = wrist
    h = unit(wrist - elbow)
    t = unit(thumb_hint - h * np.dot(thumb_hint, h))
    pose[f"{side}_index"] = wrist + b.hand * (0.78 * h + 0.12 * t)
    pose[f"{side}_pinky"] = wrist + b.hand * (0.62 * h - 0.14 * t)
    pose[f"{side}_thumb"] = wrist + b.hand * (0.42 * h + 0.3 * t)


def put_foot(pose: Pose, b: Body, side: str, ankle: np.ndarray, along: np.ndarray,
             dorsal: np.ndarray) -> None:
    """Heel and toe tip from the ankle and the foot's direction (heel to toe) and its top."""
    pose[f"{side}_ankle"] = ankle
    heel = ankle - b.foot * (0.2 * along + 0.27 * dorsal)
    pose[f"{side}_heel"] = heel
    pose[f"{side}_foot_index"] = heel + b.foot * (1.0 * along + 0.03 * dorsal)


def put_arm(pose: Pose, b: Body, side: str, wrist_goal: np.ndarray, bend: np.ndarray,
            thumb_hint: np.ndarray) -> None:
    shoulder = pose[f"{side}_shoulder"]
    elbow, wrist = reach(shoulder, wrist_goal, b.upper_arm, b.forearm, bend)
    put_hand(pose, b, side, elbow, wrist, thumb_hint)


def neck_and_head(pose: Pose, b: Body, shoulder_c: np.ndarray, trunk_up: np.ndarray,
                  trunk_fwd: np.ndarray, flex_deg: float, posture_deg: float, yaw_deg: float = 0,
                  roll_deg: float = 0) -> None:
    """Neck from C7 (behind and above the shoulder joints) to the head pivot; flexion is shared
    between the lower and middle neck (about 70 %, lumped at C7) and the head-on-neck nod (about
    30 %), as in cervical range-of-motion studies. ``posture_deg`` is the neck's resting forward
    inclination."""
    side_axis = np.cross(trunk_fwd, trunk_up)  # right
    c7 = shoulder_c + b.height * (0.025 * trunk_up - 0.01 * trunk_fwd)
    lower = 0.72 * flex_deg
    neck_dir = rodrigues(trunk_up, side_axis, -(posture_deg + lower))
    pivot = c7 + b.neck * neck_dir
    fwd = rodrigues(trunk_fwd, side_axis, -flex_deg)
    up = rodrigues(trunk_up, side_axis, -flex_deg)
    if yaw_deg:
        fwd = rodrigues(fwd, up, yaw_deg)
    if roll_deg:
        up = rodrigues(up, fwd, roll_deg)
    put_head(pose, b, pivot, fwd, up)


# ----------------------------------------------------------------------------- poses
def standing_pose(b: Body, p: dict[str, Any]) -> Pose:
    """Standing, facing +x. ``back`` is the leg placed behind (or None), ``step`` how far its
    toes are behind the front foot (m), ``air`` how high the moving foot is lifted (m),
    ``front_knee``/``back_knee`` knee flexion (deg), ``lean`` trunk lean forward (deg)."""
    pose: Pose = {}
    back = p.get("back")
    front = "right" if back == "left" else "left"
    stance = b.hip_half * p["stance"]
    toe_front = np.array([p["front_x"] + b.foot * 0.8, 0.0])
    fk = p["front_knee"]
    if back is None:
        legs = {s: (np.array([p["front_x"] + p.get(f"dx_{s}", 0.0), b.height * 0.042]), fk)
                for s in SIDES}
        hip_xy = (legs["left"][0] + legs["right"][0]) / 2
        hip_xy = np.array([hip_xy[0] + p["sway_x"], b.height * 0.042 + leg_span(b, fk)])
        foot_pitch = {s: 0.0 for s in SIDES}
    else:
        front_ankle = toe_front + np.array([-b.foot * 0.8, b.height * 0.042])
        pitch = p["heel_lift"]
        along = np.array([math.cos(math.radians(pitch)), -math.sin(math.radians(pitch))])
        dorsal = rot2(along, 90)
        toe_back = np.array([toe_front[0] - p["step"], 0.0])
        back_ankle = toe_back - b.foot * (0.8 * along) + b.foot * 0.24 * dorsal
        if p["air"]:  # the moving foot is off the floor: the knee bends, the thigh hangs
            hip_xy = front_ankle + np.array([-0.03, math.sqrt(leg_span(b, fk) ** 2 - 0.03 ** 2)])
            thigh = rot2(np.array([0.0, -1.0]), p["swing_thigh"])
            back_ankle = hip_xy + b.thigh * thigh + b.shank * rot2(thigh, -p["back_knee"])
        else:
            hip_xy = circles(front_ankle, leg_span(b, fk), back_ankle, leg_span(b, p["back_knee"]))
        legs = {front: (front_ankle, fk), back: (back_ankle, p["back_knee"])}
        foot_pitch = {front: 0.0, back: pitch}
    hip_c = p3(hip_xy, 0.0)
    trunk_up2 = rot2(np.array([0.0, 1.0]), -p["lean"])
    trunk_up = p3(trunk_up2, 0.0)
    trunk_fwd = p3(rot2(trunk_up2, -90), 0.0)
    shoulder_c = hip_c + b.trunk * trunk_up
    for s in SIDES:
        z = LAT[s]
        pose[f"{s}_hip"] = hip_c + np.array([0, p.get("pelvis_drop", 0) * z, b.hip_half * z])
        pose[f"{s}_shoulder"] = shoulder_c + np.array([0, p.get("shrug", 0), b.shoulder_half * z])
        ankle = p3(legs[s][0], stance * z)
        knee, ankle = reach(pose[f"{s}_hip"], ankle, b.thigh, b.shank, np.array([1.0, 0, 0]))
        pose[f"{s}_knee"] = knee
        pitch = foot_pitch[s]
        along = np.array([math.cos(math.radians(pitch)), -math.sin(math.radians(pitch)), 0.1 * z])
        put_foot(pose, b, s, ankle, unit(along), p3(rot2(along[:2], 90), 0.0))
    neck_and_head(pose, b, shoulder_c, trunk_up, trunk_fwd, p["neck"] - 0.6 * p["lean"],
                  p["posture"], p.get("head_yaw", 0.0))
    _arms(pose, b, p, hip_c, trunk_up, trunk_fwd)
    return pose


def _arms(pose: Pose, b: Body, p: dict[str, Any], hip_c: np.ndarray, trunk_up: np.ndarray,
          trunk_fwd: np.ndarray) -> None:
    style = p["arms"]
    for s in SIDES:
        z = np.array([0, 0, LAT[s]])
        sh = pose[f"{s}_shoulder"]
        if style == "hips":
            goal = hip_c + trunk_up * 0.05 * b.height + z * (b.hip_half * 1.9)
            put_arm(pose, b, s, goal, z * 1.0 - trunk_fwd * 0.5, trunk_fwd)
        elif style == "chair" and s == p["chair_hand"]:
            goal = np.array([p["chair_x"], p["chair_y"], LAT[s] * b.shoulder_half * 1.2])
            put_arm(pose, b, s, goal, -trunk_up + z * 0.5, trunk_up)
        elif style == "lap":
            knee = pose.get(f"{s}_knee", hip_c)
            goal = (hip_c * 0.45 + knee * 0.55) + np.array([0, 0.07 * b.height, 0]) + z * 0.02
            put_arm(pose, b, s, goal, -trunk_fwd + z * 0.3, z * -1.0)
        else:  # hanging, a little forward, swinging with ``arm_swing`` degrees
            swing = p.get("arm_swing", 0.0) * (1 if s == "left" else -1)
            down = rodrigues(-trunk_up, np.array([0, 0, 1.0]), 6 + swing)
            goal = sh + down * (b.upper_arm + b.forearm) * 0.97 + z * 0.03
            put_arm(pose, b, s, goal, -trunk_fwd, trunk_fwd)


def seated_pose(b: Body, p: dict[str, Any]) -> Pose:
    """Sitting toward the front of a chair, facing +x, thighs about level, feet flat."""
    pose: Pose = {}
    seat_y = b.shank + b.height * 0.042 + 0.02 + p["seat"]
    hip_c = np.array([0.0, seat_y + b.height * 0.01, 0.0])
    trunk_up2 = rot2(np.array([0.0, 1.0]), -p["lean"])
    trunk_up = p3(trunk_up2, 0.0)
    trunk_fwd = p3(rot2(trunk_up2, -90), 0.0)
    shoulder_c = hip_c + b.trunk * 0.97 * trunk_up
    for s in SIDES:
        z = LAT[s]
        pose[f"{s}_hip"] = hip_c + np.array([0, 0, b.hip_half * z])
        pose[f"{s}_shoulder"] = shoulder_c + np.array([0, p["shrug"], b.shoulder_half * z])
        knee = pose[f"{s}_hip"] + np.array([b.thigh * math.cos(math.radians(p["thigh"])),
                                            b.thigh * math.sin(math.radians(p["thigh"])),
                                            z * p["knees_apart"]])
        pose[f"{s}_knee"] = knee
        shin = rot2(np.array([0.0, -1.0]), p["shin"] + (p["foot_fwd"] if s == "left" else 0))
        ankle = knee + np.array([shin[0] * b.shank, shin[1] * b.shank, 0.0])
        put_foot(pose, b, s, ankle, unit(np.array([1.0, 0.0, 0.12 * z])), np.array([0, 1.0, 0]))
    neck_and_head(pose, b, shoulder_c, trunk_up, trunk_fwd, p["neck"], p["posture"],
                  p.get("head_yaw", 0.0), p.get("head_roll", 0.0))
    _arms(pose, b, p, hip_c, trunk_up, trunk_fwd)
    return pose


def supine_pose(b: Body, p: dict[str, Any]) -> Pose:
    """Lying on the back on the floor, feet toward +x, face up. ``hip``/``knee`` are flexion in
    degrees (per leg via ``hip_left`` etc.); ``hands`` 0 = arms by the sides, 1 = on the shins."""
    pose: Pose = {}
    lift = 0.028 * b.height * min(max((p["hip"] - 60) / 60, 0.0), 1.0)  # pelvis curls up
    hip_c = np.array([-0.3 * lift, 0.05 * b.height + lift, 0.0])
    shoulder_c = np.array([-b.trunk * 0.97, 0.045 * b.height, 0.0])
    cranial = unit(shoulder_c - hip_c)
    anterior = np.cross(cranial, np.array([0, 0, 1.0]))  # cranial x right: the face points up
    for s in SIDES:
        z = LAT[s]
        pose[f"{s}_hip"] = hip_c + np.array([0, 0, b.hip_half * z])
        pose[f"{s}_shoulder"] = shoulder_c + np.array([0, 0, b.shoulder_half * z])
        h = p.get(f"hip_{s}", p["hip"])
        k = p.get(f"knee_{s}", p["knee"])
        thigh2 = rot2(np.array([1.0, 0.0]), h)
        knee = pose[f"{s}_hip"] + p3(thigh2 * b.thigh, z * p["knees_apart"])
        shank2 = rot2(thigh2, -k)
        ankle = knee + p3(shank2 * b.shank, z * p["knees_apart"] * 0.6)
        ankle[1] = max(ankle[1], 0.045 * b.height)
        pose[f"{s}_knee"] = knee
        along2 = rot2(shank2, 90 - p["point"])
        put_foot(pose, b, s, ankle, p3(along2, 0.15 * z), p3(rot2(along2, 90), 0.0))
    neck_and_head(pose, b, shoulder_c, cranial, anterior, p["neck"], p["posture"],
                  p.get("head_yaw", 0.0))
    w = p["hands"]
    for s in SIDES:
        z = np.array([0, 0, LAT[s]])
        side_goal = pose[f"{s}_hip"] + np.array([-0.03 * b.height, -0.01 * b.height, 0]) \
            + z * b.hip_half * 0.9
        shin_goal = pose[f"{s}_knee"] + 0.3 * (pose[f"{s}_ankle"] - pose[f"{s}_knee"]) \
            + z * 0.035 * b.height
        goal = (1 - w) * side_goal + w * shin_goal
        put_arm(pose, b, s, goal, z * 1.0 - anterior * 0.3 * (1 - w), anterior)
    return pose


def as_array(pose: Pose) -> np.ndarray:
    return np.array([pose[n] for n in NAMES], dtype=float)


# ----------------------------------------------------------------------------- timing
def min_jerk(tau: np.ndarray) -> np.ndarray:
    tau = np.clip(tau, 0.0, 1.0)
    return tau ** 3 * (10 - 15 * tau + 6 * tau ** 2)


def catmull(points: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Catmull-Rom through ``points`` (k, 33, 3) at parameters ``u`` in [0, k-1]."""
    k = len(points)
    if k == 1:
        return np.repeat(points[:1], len(u), axis=0)
    ext = np.concatenate([2 * points[:1] - points[1:2], points, 2 * points[-1:] - points[-2:-1]])
    i = np.clip(np.floor(u).astype(int), 0, k - 2)
    f = (u - i)[:, None, None]
    p0, p1, p2, p3_ = ext[i], ext[i + 1], ext[i + 2], ext[i + 3]
    return 0.5 * ((2 * p1) + (-p0 + p2) * f + (2 * p0 - 5 * p1 + 4 * p2 - p3_) * f ** 2
                  + (-p0 + 3 * p1 - 3 * p2 + p3_) * f ** 3)


@dataclass
class Track:
    """The whole sequence as timed pieces; each piece maps times to world landmark arrays."""

    pieces: list[tuple[float, float, Any]] = field(default_factory=list)
    t: float = 0.0

    def add(self, duration: float, fn: Any) -> tuple[float, float]:
        start = self.t
        self.pieces.append((start, start + duration, fn))
        self.t += duration
        return start, self.t


def move_fn(path: list[np.ndarray], duration: float, skew: float,
            pause: tuple[float, float] | None) -> tuple[Any, dict[float, float]]:
    """A movement along keyframe poses with a minimum-jerk profile, warped by ``skew`` (>1 = slow
    start, fast finish); optional ``pause`` = (fraction of the path, seconds) mid-way.

    Returns the function and the times (from its start) at 3, 10, 90 and 97 % of the way."""
    pts = np.stack(path)
    k = len(pts) - 1

    def progress(tt: np.ndarray) -> np.ndarray:
        if pause is None:
            return np.asarray(min_jerk((tt / duration) ** skew))
        frac, hold = pause
        d1 = (duration - hold) * frac
        d2 = duration - hold - d1
        out = np.where(tt < d1, frac * min_jerk(tt / d1), frac)
        return np.where(tt > d1 + hold, frac + (1 - frac) * min_jerk((tt - d1 - hold) / d2), out)

    grid = np.linspace(0, duration, 4001)
    s = progress(grid)
    marks = {f: float(grid[np.argmax(s >= f)]) for f in (1 - ARRIVE, 0.1, 0.9, ARRIVE)}

    def fn(tt: np.ndarray) -> np.ndarray:
        return catmull(pts, progress(tt) * k)

    return fn, marks


def drift_fn(poses: list[np.ndarray], duration: float) -> Any:
    """Slow settling between a few variants of the same pose (holding still is never still)."""
    pts = np.stack(poses)
    k = len(pts) - 1

    def fn(tt: np.ndarray) -> np.ndarray:
        u = min_jerk(tt / duration) * k if k == 1 else np.clip(tt / duration, 0, 1) * k
        return catmull(pts, np.asarray(u))

    return fn


# ----------------------------------------------------------------------------- exercises
class Exercise:
    """Keyframe parameters for one exercise; subclasses draw them from anatomy."""

    id = ""
    builder: Any = None

    def __init__(self, body: Body, rng: np.random.Generator) -> None:
        self.b = body
        self.rng = rng
        self.base = self.rest_params()

    def pose(self, p: dict[str, Any]) -> np.ndarray:
        return as_array(type(self).builder(self.b, p))

    def jitter(self, p: dict[str, Any], scale: float) -> dict[str, Any]:
        q = dict(p)
        for key, sd in self.jitter_sd().items():
            if key in q and isinstance(q[key], float):
                q[key] = q[key] + float(self.rng.normal(0, sd * scale))
        return q

    def rest_params(self) -> dict[str, Any]:
        raise NotImplementedError

    def jitter_sd(self) -> dict[str, float]:
        raise NotImplementedError

    def target(self, side: str | None) -> dict[str, Any]:
        raise NotImplementedError

    def partial(self, side: str | None) -> dict[str, Any]:
        raise NotImplementedError

    def path_in(self, rest: dict[str, Any], goal: dict[str, Any],
                side: str | None) -> list[dict[str, Any]]:
        return [rest, goal]

    def fidget(self) -> list[dict[str, Any]]:
        return [self.jitter(self.base, 3.0)]


class KneeToChest(Exercise):
    id = "knee-to-chest"
    builder = staticmethod(supine_pose)

    def rest_params(self) -> dict[str, Any]:
        u = self.rng.uniform
        return {"hip": u(0, 8), "knee": u(0, 10), "knees_apart": u(0.0, 0.03), "point": u(0, 25),
                "neck": u(-5, 10), "posture": u(5, 25), "hands": 0.0, "head_lift": 0.0}

    def jitter_sd(self) -> dict[str, float]:
        return {"hip": 1.0, "knee": 1.5, "neck": 1.5, "point": 2.0, "hands": 0.02}

    def target(self, side: str | None) -> dict[str, Any]:
        u = self.rng.uniform
        return {**self.base, "hip": u(110, 132), "knee": u(112, 138), "point": u(10, 35),
                "knees_apart": u(0.02, 0.09), "hands": u(0.85, 1.0), "neck": u(-5, 12)}

    def partial(self, side: str | None) -> dict[str, Any]:
        u = self.rng.uniform
        return {**self.base, "hip": u(28, 58), "knee": u(55, 95), "hands": u(0.0, 0.3)}

    def path_in(self, rest: dict[str, Any], goal: dict[str, Any],
                side: str | None) -> list[dict[str, Any]]:
        if goal["hip"] < 70:
            return [rest, goal]
        u = self.rng.uniform
        hook = {**rest, "hip": u(38, 60), "knee": u(80, 105), "hands": u(0.1, 0.4)}
        return [rest, hook, goal]

    def fidget(self) -> list[dict[str, Any]]:
        u = self.rng.uniform
        kind = self.rng.integers(4)
        side = str(self.rng.choice(SIDES))
        if kind == 0:  # one knee bent up a little, then down
            return [{**self.base, f"hip_{side}": u(20, 45), f"knee_{side}": u(40, 80)}, self.base]
        if kind == 1:  # hands on the belly
            return [{**self.base, "hands": u(0.2, 0.35)}, self.base]
        if kind == 2:  # head turns
            return [{**self.base, "head_yaw": u(-35, 35)}, self.base]
        return [self.jitter(self.base, 4.0)]


class NeckFlexion(Exercise):
    id = "neck-flexion"
    builder = staticmethod(seated_pose)

    def rest_params(self) -> dict[str, Any]:
        u = self.rng.uniform
        return {"seat": u(-0.03, 0.06), "lean": u(-6, 8), "thigh": u(-4, 10), "shin": u(-15, 15),
                "foot_fwd": u(-10, 10), "knees_apart": u(0.0, 0.06), "neck": u(-6, 6),
                "posture": u(10, 28), "shrug": 0.0,
                "arms": str(self.rng.choice(["lap", "lap", "hang"])), "arm_swing": u(-5, 5)}

    def jitter_sd(self) -> dict[str, float]:
        return {"lean": 1.0, "neck": 1.5, "shrug": 0.002, "head_yaw": 2.0}

    def target(self, side: str | None) -> dict[str, Any]:
        u = self.rng.uniform
        return {**self.base, "neck": u(45, 60), "shrug": -u(0.0, 0.012),
                "lean": self.base["lean"] + u(-2, 3)}

    def partial(self, side: str | None) -> dict[str, Any]:
        return {**self.base, "neck": self.base["neck"] + self.rng.uniform(6, 13)}

    def fidget(self) -> list[dict[str, Any]]:
        u = self.rng.uniform
        kind = self.rng.integers(5)
        if kind == 0:  # look around
            return [{**self.base, "head_yaw": u(-40, 40)}, {**self.base, "head_yaw": u(-40, 40)},
                    self.base]
        if kind == 1:  # look up a little
            return [{**self.base, "neck": self.base["neck"] - u(8, 18)}, self.base]
        if kind == 2:  # tilt the head to one side
            return [{**self.base, "head_roll": u(-18, 18)}, self.base]
        if kind == 3:  # shoulder roll / shrug and drop
            return [{**self.base, "shrug": u(0.02, 0.04)}, self.base]
        return [self.jitter(self.base, 4.0)]


class HipFlexorStretch(Exercise):
    id = "hip-flexor-stretch"
    builder = staticmethod(standing_pose)

    def rest_params(self) -> dict[str, Any]:
        u = self.rng.uniform
        style = str(self.rng.choice(["hang", "hips", "chair"], p=[0.45, 0.25, 0.3]))
        return {"back": None, "front_x": 0.0, "stance": u(0.9, 1.5), "front_knee": u(0, 6),
                "back_knee": 0.0, "step": 0.0, "air": False, "heel_lift": 0.0, "lean": u(-3, 4),
                "neck": u(-5, 8), "posture": u(8, 25), "sway_x": 0.0, "arms": style,
                "chair_hand": str(self.rng.choice(SIDES)),
                "chair_x": self.b.height * u(0.3, 0.38), "chair_y": self.b.height * u(0.47, 0.55),
                "arm_swing": u(-4, 4), "dx_left": 0.0, "dx_right": 0.0}

    def jitter_sd(self) -> dict[str, float]:
        return {"lean": 1.0, "neck": 2.0, "sway_x": 0.01, "front_knee": 1.5, "arm_swing": 2.0}

    def target(self, side: str | None) -> dict[str, Any]:
        u = self.rng.uniform
        return {**self.base, "back": side, "step": self.b.height * u(0.33, 0.45),
                "front_knee": u(18, 38), "back_knee": u(4, 18), "heel_lift": u(18, 40),
                "lean": u(8, 20), "air": False}

    def partial(self, side: str | None) -> dict[str, Any]:
        u = self.rng.uniform
        return {**self.base, "back": side, "step": self.b.height * u(0.05, 0.1),
                "front_knee": u(0, 6), "back_knee": u(0, 6), "heel_lift": u(0, 12),
                "lean": self.base["lean"] + u(0, 3), "air": False}

    def path_in(self, rest: dict[str, Any], goal: dict[str, Any],
                side: str | None) -> list[dict[str, Any]]:
        u = self.rng.uniform
        lift = {**rest, "back": side, "air": True, "swing_thigh": u(-10, -2),
                "heel_lift": u(20, 45), "front_knee": u(3, 8), "back_knee": u(30, 55)}
        if goal["step"] < self.b.height * 0.2:
            return [rest, lift, goal]
        placed = {**goal, "front_knee": u(2, 8), "lean": rest["lean"] + u(0, 4)}
        return [rest, lift, placed, goal]

    def fidget(self) -> list[dict[str, Any]]:
        u = self.rng.uniform
        kind = self.rng.integers(3)
        if kind == 0:  # weight shift / rock on the feet
            return [{**self.base, "sway_x": u(-0.04, 0.04)},
                    {**self.base, "sway_x": u(-0.04, 0.04)}, self.base]
        if kind == 1:  # shuffle one foot a few centimetres
            s = str(self.rng.choice(SIDES))
            return [{**self.base, f"dx_{s}": u(-0.06, 0.06)}, self.base]
        return [{**self.base, "head_yaw": u(-40, 40), "arm_swing": u(-12, 12)}, self.base]


EXERCISE_CLASSES: dict[str, type[Exercise]] = {
    cls.id: cls for cls in (KneeToChest, NeckFlexion, HipFlexorStretch)
}


# ----------------------------------------------------------------------------- scripts
@dataclass
class Plan:
    """What the person does: a list of ("rep" | "partial" | "fidget", side, hold_s) items."""

    kind: str
    items: list[tuple[str, str | None, float]]
    lead_in_s: float
    tail_s: float


SET_SIZES = (1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 10)  # the "set" cases, in turn


def make_plan(ex_id: str, kind: str, rng: np.random.Generator, number: int) -> Plan:
    sided = ex_id == "hip-flexor-stretch"
    items: list[tuple[str, str | None, float]] = []
    if kind == "rest":
        items = [("fidget", None, 0.0) for _ in range(int(rng.integers(0, 3)))]
    elif kind == "partials":
        for _ in range(int(rng.integers(1, 4))):
            side = str(rng.choice(SIDES)) if sided else None
            items.append(("partial", side, float(rng.uniform(0.0, 2.0))))
    else:
        n = SET_SIZES[number % len(SET_SIZES)] if kind == "set" else int(rng.integers(1, 3))
        long_hold = rng.random() < 0.3 and n <= 2
        first = str(rng.choice(SIDES))
        pattern = str(rng.choice(["alternate", "blocks"]))
        for i in range(n):
            if sided:
                other = "right" if first == "left" else "left"
                side: str | None = (first if i % 2 == 0 else other) if pattern == "alternate" \
                    else (first if i < (n + 1) // 2 else other)
            else:
                side = None
            hold = float(rng.uniform(10, 16) if long_hold else rng.uniform(3.6, 5.6))
            items.append(("rep", side, hold))
        if kind == "leaves":  # walks out of the picture between two repetitions
            items.insert(int(rng.integers(1, len(items) + 1)), ("away", None, 0.0))
        if kind == "mixed":
            for _ in range(int(rng.integers(1, 3))):
                side = str(rng.choice(SIDES)) if sided else None
                items.insert(int(rng.integers(0, len(items) + 1)), ("partial", side, 0.5))
            if rng.random() < 0.5:
                items.insert(int(rng.integers(0, len(items) + 1)), ("fidget", None, 0.0))
    lead_in = float(rng.uniform(5.0, 12.0) if kind == "rest" else rng.uniform(1.0, 2.4))
    return Plan(kind, items, lead_in, float(rng.uniform(0.8, 1.6)))


def perform(ex: Exercise, plan: Plan, rng: np.random.Generator) -> tuple[Track, list[dict], list]:
    """Lay the plan out in time as keyframe splines; returns the track, reps and partials."""
    track = Track()
    current = ex.pose(ex.base)
    reps: list[dict[str, Any]] = []
    partials: list[dict[str, Any]] = []
    tempo = float(rng.uniform(0.8, 1.3))

    def rest(duration: float) -> None:
        nonlocal current
        n = max(1, int(duration / rng.uniform(1.2, 2.5)))
        poses = [current] + [ex.pose(ex.jitter(ex.base, 1.0)) for _ in range(n)]
        track.add(duration, drift_fn(poses, duration))
        current = poses[-1]

    def move(path: list[np.ndarray], duration: float, may_pause: bool) -> dict[float, float]:
        nonlocal current
        pause = (float(rng.uniform(0.3, 0.7)), float(rng.uniform(0.3, 0.8))) \
            if may_pause and rng.random() < 0.15 else None
        fn, marks = move_fn([current, *path], duration, float(rng.uniform(0.8, 1.25)), pause)
        start, _ = track.add(duration, fn)
        current = path[-1]
        return {f: start + t for f, t in marks.items()}

    rest(plan.lead_in_s)
    for what, side, hold in plan.items:
        if what == "away":
            a, b = track.t, track.t + float(rng.uniform(4.5, 6.5))
            rest(b - a)
            partials.append({"away": [round(a + 1.0, 3), round(b - 1.0, 3)]})
            continue
        if what == "fidget":
            for p in ex.fidget():
                move([ex.pose(p)], float(rng.uniform(0.8, 2.0)), False)
                rest(float(rng.uniform(0.4, 1.5)))
            continue
        goal_p = ex.target(side) if what == "rep" else ex.partial(side)
        keys = ex.path_in(ex.base, goal_p, side)
        path = [ex.pose(p) for p in keys[1:]]
        t_in = float(rng.uniform(1.6, 3.2) * tempo)
        going = move(path, t_in, True)
        if hold > 0:
            n = max(1, int(hold / rng.uniform(1.0, 2.0)))
            variants = [current] + [ex.pose(ex.jitter(goal_p, 1.0)) for _ in range(n)]
            track.add(hold, drift_fn(variants, hold))
            current = variants[-1]
        back = [ex.pose(p) for p in reversed(keys[:-1])][:-1]
        back.append(ex.pose(ex.jitter(ex.base, 0.5)))
        coming = move(back, float(rng.uniform(1.6, 3.2) * tempo), True)
        lo, hi = 1 - ARRIVE, ARRIVE
        entry = {"start": round(going[lo], 3), "end": round(coming[hi], 3), "side": side}
        if what == "rep":
            reps.append({**entry, "hold_start": round(going[hi], 3),
                         "hold_end": round(coming[lo], 3),
                         "hold_s": round(coming[lo] - going[hi], 3),
                         "hold_s_90": round(coming[0.1] - going[0.9], 3)})
        else:
            partials.append(entry)
        rest(float(rng.uniform(0.9, 2.4)))
    rest(plan.tail_s)
    return track, reps, partials


# ----------------------------------------------------------------------------- camera
@dataclass(frozen=True)
class Camera:
    position: np.ndarray
    right: np.ndarray
    up: np.ndarray
    forward: np.ndarray
    focal_px: float
    cx: float
    cy: float
    width: int
    height: int
    extent_px: float  # the person's (whole movement's) larger side in the image


def look_at(position: np.ndarray, target: np.ndarray, roll_deg: float) -> tuple[np.ndarray, ...]:
    fwd = unit(target - position)
    right = unit(np.cross(fwd, np.array([0, 1.0, 0])))
    up = np.cross(right, fwd)
    right, up = rodrigues(right, fwd, roll_deg), rodrigues(up, fwd, roll_deg)
    return right, up, fwd


def place_camera(world: np.ndarray, setting: str, rng: np.random.Generator,
                 size: tuple[int, int]) -> tuple[Camera, dict[str, Any]]:
    """A camera on the person's left or right, turned up to 35 degrees off the side view,
    zoomed so the whole movement fills a random share of the frame."""
    width, height = size
    flat = world.reshape(-1, 3)
    lo, hi = flat.min(axis=0), flat.max(axis=0)
    target = (lo + hi) / 2
    side = float(rng.choice([-1.0, 1.0]))  # +1: camera on the person's right side
    yaw = float(rng.uniform(-35, 35))
    dist = {"lying": rng.uniform(2.2, 3.8), "sitting": rng.uniform(1.8, 3.4),
            "standing": rng.uniform(2.5, 4.5)}[setting]
    cam_h = {"lying": rng.uniform(0.35, 1.3), "sitting": rng.uniform(0.7, 1.3),
             "standing": rng.uniform(0.8, 1.5)}[setting]
    direction = rodrigues(np.array([0, 0, side]), np.array([0, 1.0, 0]), yaw)
    position = target + direction * dist
    position[1] = cam_h
    right, up, fwd = look_at(position, target, float(rng.normal(0, 1.5)))
    rel = flat - position
    depth = rel @ fwd
    u0, v0 = (rel @ right) / depth, -(rel @ up) / depth
    span_u, span_v = u0.max() - u0.min(), v0.max() - v0.min()
    fill = float(rng.uniform(0.45, 0.85))
    focal = fill * min(width / span_u, height / span_v)
    free_u = max(width - focal * span_u, 0.0)
    free_v = max(height - focal * span_v, 0.0)
    cx = float(rng.uniform(0.1, 0.9) * free_u - focal * u0.min())
    cy = float(rng.uniform(0.1, 0.9) * free_v - focal * v0.min())
    cam = Camera(position, right, up, fwd, focal, cx, cy, width, height,
                 focal * max(span_u, span_v))
    info = {"camera_side": "right" if side > 0 else "left", "yaw_deg": round(yaw, 1),
            "distance_m": round(float(dist), 2), "height_m": round(float(cam_h), 2)}
    return cam, info


def project(cam: Camera, world: np.ndarray, z_scale: float) -> np.ndarray:
    """(frames, 33, 3) world -> (frames, 33, 3) normalised x, y and MediaPipe-like z."""
    rel = world - cam.position
    depth = rel @ cam.forward
    u = cam.focal_px * (rel @ cam.right) / depth + cam.cx
    v = -cam.focal_px * (rel @ cam.up) / depth + cam.cy
    hips = (depth[:, IDX["left_hip"]] + depth[:, IDX["right_hip"]]) / 2
    z = (depth - hips[:, None]) * cam.focal_px / hips[:, None] / cam.width * z_scale
    return np.stack([u / cam.width, v / cam.height, z], axis=-1)


# ----------------------------------------------------------------------------- tracking noise
def ar1(rng: np.random.Generator, shape: tuple[int, ...], rho: float) -> np.ndarray:
    """Unit-variance AR(1) noise along the first axis (slow wander of a tracked point)."""
    e = rng.normal(0, 1, shape)
    out = np.empty(shape)
    out[0] = e[0]
    k = math.sqrt(1 - rho * rho)
    for i in range(1, shape[0]):
        out[i] = rho * out[i - 1] + k * e[i]
    return out


def degrade(rng: np.random.Generator, lm: np.ndarray, world: np.ndarray, cam: Camera,
            fps: float, info: dict[str, Any], phases: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MediaPipe-like faults: jitter, visibility, far-side swaps, low-confidence spells,
    dropouts. Returns landmarks (frames, 33, 4) and a per-frame 'person found' mask."""
    n = len(lm)
    level = float(rng.uniform(0.003, 0.01))
    info["jitter"] = round(level, 4)
    # depth toward the camera: positive when nearer than the hip midpoint
    depth = (world - cam.position) @ cam.forward
    near = ((depth[:, IDX["left_hip"]] + depth[:, IDX["right_hip"]])[:, None] / 2 - depth)
    far = near < -0.03
    scale = np.ones((n, N_LM))
    scale[:, list(DISTAL)] *= 1.6
    scale[:, list(FACE)] *= 0.6
    scale = scale * np.where(far, 1.5, 1.0)
    # MediaPipe tracks a crop around the person, so its jitter scales with the person's size:
    # ``level`` is the jitter as a share of the image when the person fills 70 % of it.
    sigma = level * cam.extent_px / 0.7
    rho = math.exp(-1 / (fps * float(rng.uniform(0.08, 0.3))))
    noise_px = sigma * (0.6 * rng.normal(0, 1, (n, N_LM, 2)) + 0.8 * ar1(rng, (n, N_LM, 2), rho))
    noise_px += sigma * 0.4 * ar1(rng, (n, 1, 2), rho)  # the whole box wobbles together
    out = np.empty((n, N_LM, 4))
    out[..., 0] = lm[..., 0] + noise_px[..., 0] * scale / cam.width
    out[..., 1] = lm[..., 1] + noise_px[..., 1] * scale / cam.height
    out[..., 2] = lm[..., 2] + level * 3 * ar1(rng, (n, N_LM), rho) * scale
    # visibility: high on the near side, lower on the far side and at the far hands and feet
    vis = np.where(far, rng.uniform(0.35, 0.8, N_LM), rng.uniform(0.9, 0.995, N_LM)) - np.where(
        far, 0.12, 0.0) * np.isin(np.arange(N_LM), list(DISTAL))[None, :]
    # MediaPipe's visibility drifts slowly (about a second), it does not flicker frame to frame
    vis = vis + 0.04 * ar1(rng, (n, N_LM), math.exp(-1 / fps))
    # low-confidence spells: whole-body visibility drops and the jitter doubles
    for _ in range(int(rng.integers(0, 4))):
        a = int(rng.integers(0, n))
        b = min(n, a + int(fps * rng.uniform(0.15, 0.6)))
        vis[a:b] *= rng.uniform(0.25, 0.6)
        out[a:b, :, :2] += rng.normal(0, 1.5 * sigma / cam.height, (b - a, N_LM, 2))
    out[..., 3] = np.clip(vis, 0.01, 0.999)
    # far-side swaps: the two legs (or the whole body) trade labels for a few frames
    swaps = 0
    if rng.random() < 0.6:
        for _ in range(int(rng.integers(1, 4 + n // int(fps * 20)))):
            a = int(rng.integers(0, n))
            b = min(n, a + int(rng.integers(1, max(2, int(fps * 0.25)))))
            if rng.random() < 0.5:
                legs = [IDX[f"left_{p}"] for p in LEG_PARTS if p != "hip"]
                legs_r = [IDX[f"right_{p}"] for p in LEG_PARTS if p != "hip"]
                out[a:b, legs + legs_r] = out[a:b, legs_r + legs]
            else:
                out[a:b] = out[a:b][:, MIRROR]
            swaps += 1
    info["swaps"] = swaps
    found = np.ones(n, dtype=bool)
    drops = []
    for _ in range(int(rng.integers(0, 4))):
        a = int(rng.integers(0, n))
        max_s = 0.5 if phases[a] == 2 else 1.0  # shorter inside holds
        b = min(n, a + int(fps * rng.uniform(0.1, max_s)))
        found[a:b] = False
        drops.append([round(a / fps, 3), round(b / fps, 3)])
    found[rng.random(n) < rng.uniform(0, 0.01)] = False  # isolated misses
    info["dropouts"] = drops
    return out, found


# ----------------------------------------------------------------------------- one sequence
SIZES = ((640, 480), (854, 480), (960, 540), (1280, 720), (1920, 1080), (720, 1280))
SETTING = {"knee-to-chest": "lying", "neck-flexion": "sitting", "hip-flexor-stretch": "standing"}


def make_sequence(ex_id: str, kind: str, seed: int,
                  number: int = 0) -> tuple[dict[str, Any], list[str], dict]:
    rng = np.random.default_rng(seed)
    body = make_body(rng)
    ex = EXERCISE_CLASSES[ex_id](body, rng)
    plan = make_plan(ex_id, kind, rng, number)
    track, reps, partials = perform(ex, plan, rng)
    fps = float(rng.choice([24.0, 25.0, 30.0, 60.0], p=[0.35, 0.3, 0.25, 0.1]))
    if track.t > 25 and fps == 60.0:
        fps = 30.0
    if track.t > 40:  # keep the long sets small on disk
        fps = min(fps, 25.0)
    setting = SETTING[ex_id]
    sizes = SIZES[:5] if setting == "lying" else SIZES
    width, height = sizes[int(rng.integers(len(sizes)))]
    n = int(track.t * fps)
    times = np.arange(n) / fps
    world = np.empty((n, N_LM, 3))
    phases = np.zeros(n, dtype=int)
    for a, b, fn in track.pieces:
        sel = (times >= a) & (times < b)
        if sel.any():
            world[sel] = fn(times[sel] - a)
    for r in reps:
        phases[(times >= r["hold_start"]) & (times <= r["hold_end"])] = 2
    world = add_life(world, times, setting, body, rng)
    if setting == "lying" and rng.random() < 0.5:  # head at the other end of the mat
        world[..., 0] *= -1
        world[..., 2] *= -1  # turn the body round (a rotation, not a mirror)
    cam, info = place_camera(world, setting, rng, (width, height))
    lm = project(cam, world, float(rng.uniform(0.6, 1.3)))
    info["image_direction"] = image_direction(lm, setting)
    noisy, found = degrade(rng, lm, world, cam, fps, info, phases)
    for away in [p.pop("away") for p in partials if "away" in p]:
        found[(times >= away[0]) & (times < away[1])] = False
        info["away"] = away
    partials = [p for p in partials if p]
    t0 = float(rng.choice([0.0, 0.0, 0.0, round(float(rng.uniform(5, 300)), 2)]))
    header = {"format": "backcoach-landmarks", "version": 1, "fps": fps, "width": width,
              "height": height, "model": "blazepose-33"}
    lines = [json.dumps(header)]
    for i in range(n):
        t = round(t0 + times[i], 4)
        if not found[i]:
            lines.append(json.dumps({"t": t, "landmarks": None}, separators=(",", ":")))
            continue
        row = noisy[i]
        lms = [[round(float(x), 4), round(float(y), 4), round(float(z), 3), round(float(v), 2)]
               for x, y, z, v in row]
        lines.append(json.dumps({"t": t, "landmarks": lms}, separators=(",", ":")))

    def shift(e: dict[str, Any]) -> dict[str, Any]:
        return {k: (round(v + t0, 3) if k in ("start", "end", "hold_start", "hold_end") else v)
                for k, v in e.items()}

    truth = {
        "exercise": ex_id, "reps": len(reps), "rep_events": [shift(r) for r in reps],
        "partials": [shift(p) for p in partials],
        "sides": {s: sum(1 for r in reps if r["side"] == s) for s in SIDES} if ex_id ==
        "hip-flexor-stretch" else {"left": 0, "right": 0},
        "case": kind, "seed": seed, "fps": fps, "width": width, "height": height,
        "frames": n, "duration_s": round(n / fps, 3), "t0": t0,
        "body": {"height_m": round(body.height, 2), "child": round(body.child, 2)},
        "camera": info,
    }
    return header, lines, truth


def image_direction(lm: np.ndarray, setting: str) -> str:
    """Where the person faces in the picture ("facing left/right"), or, lying, where the head is."""
    ears = (lm[:, IDX["left_ear"], 0] + lm[:, IDX["right_ear"], 0]) / 2
    if setting == "lying":
        hips = (lm[:, IDX["left_hip"], 0] + lm[:, IDX["right_hip"], 0]) / 2
        return "head left" if float(np.median(ears - hips)) < 0 else "head right"
    return "facing left" if float(np.median(lm[:, IDX["nose"], 0] - ears)) < 0 else "facing right"


def add_life(world: np.ndarray, times: np.ndarray, setting: str, b: Body,
             rng: np.random.Generator) -> np.ndarray:
    """Breathing (chest and shoulders rise and fall) and, standing or sitting, postural sway."""
    out = world.copy()
    rate = float(rng.uniform(0.18, 0.33))
    phase = float(rng.uniform(0, 2 * math.pi))
    breath = np.sin(2 * math.pi * rate * times + phase) * b.height * 0.003
    upper = [i for i, n in enumerate(NAMES) if i < 11 or "shoulder" in n]
    out[:, upper, 1] += breath[:, None]
    if setting != "lying":
        sway_f = rng.uniform(0.1, 0.4, 2)
        sway = (np.sin(2 * math.pi * sway_f[0] * times) * 0.006
                + np.sin(2 * math.pi * sway_f[1] * times + 1.0) * 0.004) * b.height / 1.7
        heightfrac = np.clip(world[..., 1] / b.height, 0, 1)
        out[..., 0] += sway[:, None] * heightfrac
        out[..., 2] += 0.5 * sway[::-1][:, None] * heightfrac
    return out


# ----------------------------------------------------------------------------- the set
CASES = (["rest"] * 3 + ["partials"] * 4 + ["leaves"] * 2 + ["mixed"] * 5 + ["set"] * 14)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, nargs="?",
                        default=Path(__file__).resolve().parents[2] / "tests/fixtures/holdout")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--per-exercise", type=int, default=len(CASES))
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    master = np.random.default_rng(args.seed)
    total = 0
    for ex_id in EXERCISES:
        for i in range(args.per_exercise):
            kind = CASES[i % len(CASES)]
            seed = int(master.integers(2**31))
            _, lines, truth = make_sequence(ex_id, kind, seed, i)
            name = f"{ex_id}-{i:02d}-{kind}"
            data = ("\n".join(lines) + "\n").encode()
            packed = lzma.compress(data, preset=9 | lzma.PRESET_EXTREME)
            (args.out_dir / f"{name}.jsonl.xz").write_bytes(packed)
            truth["file"] = f"{name}.jsonl.xz"
            (args.out_dir / f"{name}.truth.json").write_text(json.dumps(truth, indent=1) + "\n")
            total += len(packed)
            print(f"{name}: {truth['reps']} reps, {truth['frames']} frames, "
                  f"{len(packed) // 1024} KiB")
    print(f"total {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
