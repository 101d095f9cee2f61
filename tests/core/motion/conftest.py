"""Tiny 2D stick figures for unit tests of the analysers (independent of backcoach.synthetic).

Each builder turns a list of angles (one per frame) into PoseFrames of a person seen exactly from
the side, on a square image, with every landmark fully visible unless told otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pytest

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS
from backcoach.core.motion.types import PoseFrame

IDX = {name: i for i, name in enumerate(BLAZEPOSE_LANDMARKS)}
FPS = 30.0


def _blank() -> list[list[float]]:
    return [[0.5, 0.5, 0.0, 1.0] for _ in BLAZEPOSE_LANDMARKS]


def _put(lms: list[list[float]], name: str, x: float, y: float, z: float = 0.0) -> None:
    for side in ("left_", "right_"):
        if name.startswith(side) or (name in IDX):
            break
    lms[IDX[name]][0:3] = [x, y, z]


def _both(lms: list[list[float]], name: str, x: float, y: float, half_width: float) -> None:
    lms[IDX["left_" + name]][0:3] = [x, y, -half_width]
    lms[IDX["right_" + name]][0:3] = [x, y, half_width]


def lying(
    flexion_deg: float, direction: float = 1.0, head_lift_deg: float = 0.0
) -> list[list[float]]:
    """Lying on the back, head toward -x*direction; knees drawn up by ``flexion_deg``."""
    lms = _blank()
    d = direction
    hip = (0.5, 0.7)
    trunk = 0.25
    shoulder = (hip[0] - d * trunk, hip[1])
    _both(lms, "hip", *hip, 0.05)
    _both(lms, "shoulder", *shoulder, 0.08)
    lift = math.radians(head_lift_deg)
    ear = (shoulder[0] - d * 0.08 * math.cos(lift), shoulder[1] - 0.08 * math.sin(lift) - 0.01)
    _both(lms, "ear", *ear, 0.04)
    _put(lms, "nose", ear[0] - d * 0.02, ear[1] - 0.04)
    a = math.radians(flexion_deg)
    thigh = 0.2
    knee = (hip[0] + d * thigh * math.cos(a), hip[1] - thigh * math.sin(a))
    _both(lms, "knee", *knee, 0.05)
    ankle = (knee[0] + d * 0.2 * math.cos(a / 3), knee[1] + 0.02 * math.sin(a))
    _both(lms, "ankle", *ankle, 0.05)
    return lms


def seated(neck_deg: float, facing: float = 1.0, trunk_deg: float = 0.0,
           neck_scale: float = 1.0) -> list[list[float]]:
    """Seated upright facing +x*facing; head tipped forward by ``neck_deg``."""
    lms = _blank()
    f = facing
    hip = (0.5, 0.7)
    tr = math.radians(trunk_deg)
    shoulder = (hip[0] + f * 0.3 * math.sin(tr), hip[1] - 0.3 * math.cos(tr))
    _both(lms, "hip", *hip, 0.05)
    _both(lms, "shoulder", *shoulder, 0.08)
    n = math.radians(neck_deg + 5.0) + tr
    ear = (shoulder[0] + f * 0.12 * neck_scale * math.sin(n),
           shoulder[1] - 0.12 * neck_scale * math.cos(n))
    _both(lms, "ear", *ear, 0.04)
    _put(lms, "nose", ear[0] + f * 0.05 * math.cos(n), ear[1] + 0.05 * math.sin(n))
    _both(lms, "knee", hip[0] + f * 0.2, hip[1], 0.05)
    _both(lms, "ankle", hip[0] + f * 0.2, hip[1] + 0.2, 0.05)
    return lms


def standing(stride_deg: float, back: str = "left", facing: float = 1.0,
             lean_deg: float = 12.0, width: float = 0.05) -> list[list[float]]:
    """Standing facing +x*facing; the ``back`` leg steps back, thighs ``stride_deg`` apart."""
    lms = _blank()
    f = facing
    hip = (0.5, 0.5)
    ln = math.radians(lean_deg * min(1.0, stride_deg / 30.0))
    _both(lms, "hip", *hip, width)
    _both(lms, "shoulder", hip[0] + f * 0.3 * math.sin(ln), hip[1] - 0.3 * math.cos(ln), 0.08)
    _both(lms, "ear", hip[0] + f * 0.42 * math.sin(ln), hip[1] - 0.42 * math.cos(ln), 0.04)
    _put(lms, "nose", hip[0] + f * (0.42 * math.sin(ln) + 0.04), hip[1] - 0.42 * math.cos(ln))
    front = "right" if back == "left" else "left"
    half = math.radians(stride_deg / 2)
    for side, sign in ((back, -1.0), (front, 1.0)):
        knee = (hip[0] + f * sign * 0.2 * math.sin(half), hip[1] + 0.2 * math.cos(half))
        bend = 0.0 if sign < 0 else half  # the front shin stays upright
        ankle = (knee[0] + f * sign * 0.2 * math.sin(half - bend), knee[1] + 0.2 * math.cos(half))
        z = -width if side == "left" else width
        lms[IDX[side + "_knee"]][0:3] = [knee[0], knee[1], z]
        lms[IDX[side + "_ankle"]][0:3] = [ankle[0], ankle[1], z]
        lms[IDX[side + "_heel"]][0:3] = [ankle[0] - f * 0.02, ankle[1] + 0.02, z]
        lms[IDX[side + "_foot_index"]][0:3] = [ankle[0] + f * 0.06, ankle[1] + 0.03, z]
    return lms


def ramp(values: Sequence[tuple[float, float]], fps: float = FPS) -> list[float]:
    """Piecewise-linear angle track from (duration_s, end_value) steps, starting at the first."""
    out: list[float] = []
    current = values[0][1]
    for duration, end in values[1:]:
        n = max(1, round(duration * fps))
        for i in range(1, n + 1):
            out.append(current + (end - current) * i / n)
        current = end
    return out


def frames(poses: Sequence[list[list[float]] | None], fps: float = FPS) -> list[PoseFrame]:
    return [PoseFrame(round(i / fps, 6), p) for i, p in enumerate(poses)]


def rep_track(rest: float, target: float, reps: int, hold_s: float, move_s: float = 2.5,
              rest_s: float = 2.0) -> list[float]:
    steps = [(0.0, rest), (rest_s, rest)]
    for _ in range(reps):
        steps += [(move_s, target), (hold_s, target), (move_s, rest), (rest_s, rest)]
    return ramp(steps)


@pytest.fixture
def stick() -> dict[str, Callable[..., object]]:
    return {"lying": lying, "seated": seated, "standing": standing, "frames": frames,
            "ramp": ramp, "rep_track": rep_track}
