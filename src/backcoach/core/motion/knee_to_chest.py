"""Knee-to-chest (lying on the back): hip flexion, head lift, partial attempts.

The primary signal is hip flexion: the angle between the trunk line extended past the hips
(shoulder → hip) and the thighs (hip → knee), about 0° with the legs on the mat and 100°+ with the
knees at the chest. It is an unsigned angle between two image vectors, so it reads the same with the
head at either end of the picture, and it changes little when the camera turns away from the side
(angles near 90° barely foreshorten).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

from backcoach.core.catalog import Exercise
from backcoach.core.motion.analyser import (
    HOLD,
    MOVING,
    RETURNING,
    RepetitionAnalyser,
    RepInProgress,
)
from backcoach.core.motion.body import MIN_VISIBILITY, mid, pair
from backcoach.core.motion.filters import OneEuroFilter
from backcoach.core.motion.geometry import angle_between_deg, length
from backcoach.core.motion.types import Landmark, MotionEvent

_SHOULDERS = pair("shoulder")
_HIPS = pair("hip")
_KNEES = pair("knee")
_EARS = pair("ear")
#: How quickly the learned floor line follows the resting trunk (per frame at rest).
_FLOOR_RATE = 0.05
#: Legs count as lying flat (to learn the thigh's length) below this image hip angle.
_FLAT_DEG = 20.0
#: The sideways correction needs the trunk to run at least this much across the image.
_MIN_ALONG = 0.3
_DEG = 180.0 / math.pi


class KneeToChestAnalyser(RepetitionAnalyser):
    partial_fault: ClassVar[str | None] = "knees_not_to_chest"
    signal_name: ClassVar[str] = "hip_flexion"

    def __init__(self, exercise: Exercise, **options: float | None) -> None:
        super().__init__(exercise, **options)  # type: ignore[arg-type]
        self._head_lift_deg = self.limits.get("head_lift_deg", 20.0)
        self._lift = OneEuroFilter(0.7, 0.0)
        self._lift_value = 0.0
        self._floor: tuple[float, float] | None = None
        self._thigh_ratio: float | None = None
        self._plain = 0.0

    def _measure(self, lms: Sequence[Landmark]) -> float | None:
        a = self.aspect
        sx, sy, sv = mid(lms, _SHOULDERS[0], _SHOULDERS[1], a)
        hx, hy, hv = mid(lms, _HIPS[0], _HIPS[1], a)
        kx, ky, kv = mid(lms, _KNEES[0], _KNEES[1], a)
        if sv < MIN_VISIBILITY or hv < MIN_VISIBILITY or kv < MIN_VISIBILITY:
            return None
        tx, ty = hx - sx, hy - sy
        thx, thy = kx - hx, ky - hy
        trunk = length(tx, ty)
        if trunk <= 0.0 or length(thx, thy) <= 0.0:
            return None  # collapsed trunk or thigh: no usable person in this frame
        plain = angle_between_deg(tx, ty, thx, thy)
        self._plain = plain
        ratio = self._thigh_ratio
        if not ratio or abs(tx) < _MIN_ALONG * trunk:
            return plain
        # A camera turned from the side, or looking down, shortens lengths along the mat (and
        # tilts them) but keeps upright ones upright, which inflates the image angle. Along the
        # mat every length shrinks alike, so the thigh's sideways extent, in trunk extents and
        # over its value with the legs flat, is the cosine of the true hip flexion.
        along = thx / (tx * ratio)
        if along >= 1.0:
            return 0.0
        if along <= -1.0:
            return 180.0
        return math.acos(along) * _DEG

    def _reset_tracking(self) -> None:
        self._lift.reset()

    def _learn_thigh(self, lms: Sequence[Landmark]) -> None:
        """Thigh over trunk sideways extent while the legs lie flat (the reference for _measure)."""
        if self._plain > _FLAT_DEG:
            return
        a = self.aspect
        sx, sy, _ = mid(lms, _SHOULDERS[0], _SHOULDERS[1], a)
        hx, hy, _ = mid(lms, _HIPS[0], _HIPS[1], a)
        kx, _, _ = mid(lms, _KNEES[0], _KNEES[1], a)
        tx = hx - sx
        if tx == 0.0 or abs(tx) < _MIN_ALONG * length(tx, hy - sy):
            return
        ratio = (kx - hx) / tx
        if self._thigh_ratio is None:
            self._thigh_ratio = ratio
        else:
            self._thigh_ratio += _FLOOR_RATE * (ratio - self._thigh_ratio)

    def _rest_frame(self, lms: Sequence[Landmark], t: float) -> None:
        self._learn_thigh(lms)
        self._learn_floor(lms)

    def _learn_floor(self, lms: Sequence[Landmark]) -> None:
        """Learn the floor line: the trunk's direction (hip → shoulder) while lying at rest.

        The floor is not the image horizontal when the camera looks down from a turned
        position, so lifts are measured against the line the trunk lay along.
        """
        a = self.aspect
        sx, sy, _ = mid(lms, _SHOULDERS[0], _SHOULDERS[1], a)
        hx, hy, _ = mid(lms, _HIPS[0], _HIPS[1], a)
        size = length(sx - hx, sy - hy)
        if size <= 0:
            return
        ux, uy = (sx - hx) / size, (sy - hy) / size
        if self._floor is None:
            self._floor = (ux, uy)
        else:
            fx, fy = self._floor
            fx += _FLOOR_RATE * (ux - fx)
            fy += _FLOOR_RATE * (uy - fy)
            norm = length(fx, fy)
            if norm > 0.0:
                self._floor = (fx / norm, fy / norm)

    def _check(self, lms: Sequence[Landmark], t: float, dt: float, rep: RepInProgress,
               phase: int, events: list[MotionEvent]) -> None:
        if phase not in (MOVING, HOLD, RETURNING) or "head_lifted" in rep.faults:
            return
        floor = self._floor
        if floor is None:
            return
        fx, fy = floor
        # The normal of the floor line that points up on screen (image y grows downward).
        nx, ny = (fy, -fx) if -fx < 0 else (-fy, fx)
        a = self.aspect
        sx, sy, _ = mid(lms, _SHOULDERS[0], _SHOULDERS[1], a)
        hx, hy, _ = mid(lms, _HIPS[0], _HIPS[1], a)
        ex, ey, ev = mid(lms, _EARS[0], _EARS[1], a)
        # Shoulders: the hip-to-shoulder line rising off the floor line; head: the
        # shoulder-to-ear line rising off it (faults.toml, head_lifted).
        dx, dy = sx - hx, sy - hy
        lift = math.atan2(dx * nx + dy * ny, dx * fx + dy * fy) * _DEG
        if ev >= MIN_VISIBILITY:
            dx, dy = ex - sx, ey - sy
            head = math.atan2(dx * nx + dy * ny, dx * fx + dy * fy) * _DEG
            if head > lift:
                lift = head
        self._lift_value = value = self._lift(t, lift)
        self._persist(rep, "head_lifted", value > self._head_lift_deg, dt, t, events)

    def signals(self) -> dict[str, float]:
        return {self.signal_name: self._value, "head_lift": self._lift_value}
