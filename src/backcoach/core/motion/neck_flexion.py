"""Seated neck flexion: head tip, slouching, shrugging, forcing the range.

The primary signal is the angle from the trunk line (hip → shoulder) to the head line
(shoulder → ear), positive when the head tips toward the front. The front is where the nose is
(the nose is ahead of the ears in any view from the side), so it reads the same facing left or
right in the picture.

On realistic bodies the shoulder → ear line alone moves too little: a head carried forward
already reads high at rest, and the pose model's shoulders move with the head, so a clear tip of
the head may add only 8-15 degrees. The face says more: the line from the ears to the nose turns
with the head by the full tip, whatever the head's resting position. So the signal fuses the two
(``limits.face_weight``): the head line's own reading, and its resting reading plus the face's
turn since the person's own resting face, scaled by ``limits.face_gain`` (how far the head line
turns per degree of face turn on the body the catalog's ranges were set on). Where the nose is
not seen, the head line alone is used.
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
from backcoach.core.motion.resting import RestingLevel
from backcoach.core.motion.types import Landmark, MotionEvent

_SHOULDERS = pair("shoulder")
_HIPS = pair("hip")
_EARS = pair("ear")
_KNEES = pair("knee")
_NOSE = INDEX["nose"]
#: How quickly the facing direction and the resting neck length follow new evidence (per frame).
_FACING_RATE = 0.2
_BASELINE_RATE = 0.05
#: The resting head line and face: the median of the first second at rest, then a moving
#: average with this time constant (seconds; resting.py).
_FACE_TAU_S = 1.0
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
        self._head_line = OneEuroFilter(self.min_cutoff_hz, self.beta)
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
        self._face_weight = self.limits.get("face_weight", 0.0)
        self._face_gain = self.limits.get("face_gain", 1.0)
        self._head = 0.0  # this frame's head line and face angles (degrees, see _measure)
        self._face: float | None = None
        # The person's own resting readings of both (learned in _rest_frame).
        self._rest_head = RestingLevel(tau_s=_FACE_TAU_S)
        self._rest_face = RestingLevel(tau_s=_FACE_TAU_S, circular=True)
        self._face_turn = 0.0

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
        tx, ty = sx - hx, sy - hy
        trunk = length(tx, ty)
        if trunk <= 0:
            return None
        ux, uy = tx / trunk, ty / trunk
        head = facing * self._trunk_angle(ex - sx, ey - sy, ux, uy)
        self._head = head
        nose = lms[_NOSE]
        self._face = None
        if nose[3] >= MIN_VISIBILITY and (nose[0] * a != ex or nose[1] != ey):
            self._face = facing * self._trunk_angle(nose[0] * a - ex, nose[1] - ey, ux, uy)
        return self._fuse(head, self._face)

    def _trunk_angle(self, dx: float, dy: float, ux: float, uy: float) -> float:
        """Angle (degrees) of the image vector (dx, dy) from the trunk direction (ux, uy).

        Split into its part along the trunk and its part across it (forward); a camera turned
        from the side shortens only the forward part, by cos(turn).
        """
        along = dx * ux + dy * uy
        across = (ux * dy - uy * dx) * self._stretch  # clockwise on screen is positive
        return math.atan2(across, along) * _DEG

    def _fuse(self, head: float, face: float | None) -> float:
        """The head line's reading fused with the face's turn since rest (module docstring)."""
        w = self._face_weight
        turn = None if face is None else self._rest_face.since_rest(face)
        rest_head = self._rest_head.value
        if w <= 0.0 or turn is None or rest_head is None:
            self._face_turn = 0.0
            return head
        self._face_turn = turn
        return (1.0 - w) * head + w * (rest_head + self._face_gain * turn)

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
        self._head_line.reset()

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
        if self._face is not None:  # both from the same frames, so they stay paired
            self._rest_head.add(t, self._head)
            self._rest_face.add(t, self._face)
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
        # Forcing the range is judged on the shoulder-to-ear angle alone (the catalog's range is
        # set on it); the face's part of the signal serves the counting.
        head = self._head_line(t, self._head)
        self._persist(rep, "neck_overflexed", head > self._target_max, dt, t, events)
        rise = self._shrug(lms)
        if rise is not None:
            rise = self._neck(t, rise)
            self._shoulder_rise = rise
            self._persist(rep, "shoulders_shrugged", rise > self._shrug_rise, dt, t, events)

    def signals(self) -> dict[str, float]:
        return {self.signal_name: self._value, "trunk_tilt": self._trunk_tilt,
                "shoulder_rise": self._shoulder_rise, "face_turn": self._face_turn}
