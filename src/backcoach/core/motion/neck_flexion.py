"""Seated neck flexion: head tip, slouching, shrugging, forcing the range.

The primary signal is the angle from the trunk line (hip → shoulder) to the head line
(shoulder → ear), positive when the head tips toward the front. The front is where the nose is
(the nose is ahead of the ears in any view from the side), so it reads the same facing left or
right in the picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

from backcoach.core.catalog import Exercise
from backcoach.core.motion.analyser import (
    HOLD,
    MOVING,
    REST,
    RETURNING,
    UNSURE,
    RepetitionAnalyser,
    RepInProgress,
)
from backcoach.core.motion.body import INDEX, MIN_VISIBILITY, mid, pair
from backcoach.core.motion.filters import OneEuroFilter
from backcoach.core.motion.geometry import length, tilt_from_vertical_deg
from backcoach.core.motion.types import Landmark, MotionEvent

_SHOULDERS = pair("shoulder")
_HIPS = pair("hip")
_EARS = pair("ear")
_KNEES = pair("knee")
_NOSE = INDEX["nose"]
#: How quickly the facing direction and the resting neck length follow new evidence (per frame).
_FACING_RATE = 0.2
_BASELINE_RATE = 0.05
_MAX_TURN_RAD = math.radians(30.0)
_DEG = 180.0 / math.pi


class NeckFlexionAnalyser(RepetitionAnalyser):
    signal_name: ClassVar[str] = "neck_flexion"
    # The head line is short (about a tenth of body height), so landmark jitter moves it
    # several degrees: smooth harder than for the long leg and trunk segments.
    min_cutoff_hz: ClassVar[float] = 0.3
    beta: ClassVar[float] = 0.005
    median_window: ClassVar[int] = 5
    hold_fraction: ClassVar[float] = 0.96  # a little looser: the noisier signal

    def __init__(self, exercise: Exercise, **options: float | None) -> None:
        super().__init__(exercise, **options)  # type: ignore[arg-type]
        self._slouch_deg = self.limits.get("slouch_deg", 20.0)
        self._shrug_ratio = self.limits.get("shrug_ratio", 0.75)
        self._facing = 0.0
        self._trunk = OneEuroFilter(0.7, 0.0)
        self._neck = OneEuroFilter(0.7, 0.0)
        self._rest_shape: tuple[float, float] | None = None
        self._turn_dx = 0.0
        self._turn_dz = 0.0
        self._stretch = 1.0  # 1 / cos(camera turn from the side view)
        self._shoulder_rise = 0.0
        # faults.toml: the ear-to-shoulder height falls below shrug_ratio of rest. A shrug that
        # alone covers half of that fall is reported (the head's own tip covers the rest).
        self._shrug_rise = 0.5 * (1.0 - self._shrug_ratio)
        self._trunk_tilt = 0.0
        self._sx = self._sy = self._hx = self._hy = self._ex = self._ey = 0.0

    def _measure(self, lms: Sequence[Landmark]) -> float | None:
        a = self.aspect
        sx, sy, sv = mid(lms, _SHOULDERS[0], _SHOULDERS[1], a)
        hx, hy, hv = mid(lms, _HIPS[0], _HIPS[1], a)
        ex, ey, ev = mid(lms, _EARS[0], _EARS[1], a)
        if sv < MIN_VISIBILITY or ev < MIN_VISIBILITY:
            return None
        if ex == sx and ey == sy:
            return None  # collapsed head line: no usable person in this frame
        if hv < MIN_VISIBILITY:  # hips hidden (e.g. by a table): assume an upright trunk
            hx, hy = sx, sy + 1.0
        self._sx, self._sy, self._hx, self._hy, self._ex, self._ey = sx, sy, hx, hy, ex, ey
        if self._phase in (REST, UNSURE):
            self._update_facing(lms, ex, hx)
            self._update_turn(lms)
        facing = 1.0 if self._facing >= 0 else -1.0
        # Split the head line into its part along the trunk and its part across it (forward);
        # a camera turned from the side shortens only the forward part, by cos(turn).
        tx, ty = sx - hx, sy - hy
        trunk = length(tx, ty)
        if trunk <= 0:
            return None
        ux, uy = tx / trunk, ty / trunk
        dx, dy = ex - sx, ey - sy
        along = dx * ux + dy * uy
        across = (ux * dy - uy * dx) * self._stretch  # clockwise on screen is positive
        return facing * math.atan2(across, along) * _DEG

    def _update_turn(self, lms: Sequence[Landmark]) -> None:
        """Estimate how far the camera is turned from the side view, from the shoulders' depth.

        Seen exactly from the side, the shoulders differ in depth (z) but not in x; turned by
        an angle, the x difference grows with its sine. Depth is noisy, so both differences are
        averaged over the resting frames, and the correction stops at 30 degrees: beyond that an
        overestimate (depth is the pose model's weakest coordinate) would do more harm than good.
        """
        a = self.aspect
        left, right = lms[_SHOULDERS[0]], lms[_SHOULDERS[1]]
        self._turn_dx += _BASELINE_RATE * (abs(left[0] - right[0]) * a - self._turn_dx)
        self._turn_dz += _BASELINE_RATE * (abs(left[2] - right[2]) * a - self._turn_dz)
        turn = math.atan2(self._turn_dx, self._turn_dz)
        self._stretch = 1.0 / math.cos(min(turn, _MAX_TURN_RAD))

    def _update_facing(self, lms: Sequence[Landmark], ear_x: float, hip_x: float) -> None:
        """Learn which way the person faces while resting: knees and nose are in front.

        Only at rest: with the head tipped far down, the nose can fall behind the ears.
        """
        a = self.aspect
        kx, _, kv = mid(lms, _KNEES[0], _KNEES[1], a)
        nose = lms[_NOSE]
        evidence = (nose[0] * a - ear_x) * nose[3]
        if kv >= MIN_VISIBILITY:
            evidence += (kx - hip_x) * kv
        if evidence != 0.0:
            self._facing += _FACING_RATE * ((1.0 if evidence > 0 else -1.0) - self._facing)

    def _reset_tracking(self) -> None:
        self._trunk.reset()
        self._neck.reset()

    def _proportions(self, lms: Sequence[Landmark]) -> tuple[float, float] | None:
        """Trunk length and vertical shoulder-to-ear distance, both in thigh lengths.

        The seated thigh is a ruler that shrugging and head movement leave alone, so moving
        nearer the camera changes nothing here.
        """
        kx, ky, kv = mid(lms, _KNEES[0], _KNEES[1], self.aspect)
        thigh = length(kx - self._hx, ky - self._hy)
        if kv < MIN_VISIBILITY or thigh <= 0:
            return None
        trunk = length(self._sx - self._hx, self._sy - self._hy)
        return trunk / thigh, (self._sy - self._ey) / thigh

    def _rest_frame(self, lms: Sequence[Landmark], t: float) -> None:
        found = self._proportions(lms)
        if found is None:
            return
        if self._rest_shape is None:
            self._rest_shape = found
        else:
            trunk0, neck0 = self._rest_shape
            self._rest_shape = (trunk0 + _BASELINE_RATE * (found[0] - trunk0),
                                neck0 + _BASELINE_RATE * (found[1] - neck0))

    def _shrug(self, lms: Sequence[Landmark]) -> float | None:
        """How far the shoulders rose since rest, as a fraction of the resting ear height.

        Shrugging lifts the shoulders toward the ears, which lengthens the trunk line; tipping
        the head forward lowers the ears without lifting the shoulders, so unlike the plain
        ear-to-shoulder height this does not mistake a deep (or overflexed) nod for a shrug.
        """
        rest = self._rest_shape
        found = self._proportions(lms)
        if rest is None or found is None or rest[1] <= 0:
            return None
        return (found[0] - rest[0]) / rest[1]

    def _check(self, lms: Sequence[Landmark], t: float, dt: float, rep: RepInProgress, phase: int,
               events: list[MotionEvent]) -> None:
        if phase not in (MOVING, HOLD, RETURNING):
            return
        tilt = self._trunk(t, tilt_from_vertical_deg(self._sx - self._hx, self._sy - self._hy))
        self._trunk_tilt = tilt
        self._persist(rep, "slouching", tilt > self._slouch_deg, dt, t, events)
        self._persist(rep, "neck_overflexed", self._value > self._target_max, dt, t, events)
        rise = self._shrug(lms)
        if rise is not None:
            rise = self._neck(t, rise)
            self._shoulder_rise = rise
            self._persist(rep, "shoulders_shrugged", rise > self._shrug_rise, dt, t, events)

    def signals(self) -> dict[str, float]:
        return {self.signal_name: self._value, "trunk_tilt": self._trunk_tilt,
                "shoulder_rise": self._shoulder_rise}
