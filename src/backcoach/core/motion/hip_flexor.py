"""Standing hip flexor stretch: stride, side (the leg that steps back), and stance faults.

The primary signal is the stride: the unsigned angle between the two thighs (hip → knee), near 0°
standing tall and 30°+ in the stretch. It needs no notion of front or back, so it reads the same
whichever way the person faces and is unchanged when the model swaps the far leg's labels.

Two additions make it hold up on realistic bodies seen through a pose model, which reads a held
lunge 10-25 degrees short (the far thigh is hidden behind the near one):

* the trunk's forward lean, measured from the person's own resting lean, adds to the stride
  (``limits.lean_weight`` per degree): leaning into the stretch is part of the position, and a
  second witness of it;
* when the two knees merge in the picture (closer than ``limits.knee_merge_ratio`` thigh
  lengths: the camera looks along the legs, or the model put both knees on one leg) the angle
  between the whole legs (hip → ankle) stands in for the thighs when it is the larger.

The stand-in also opens while the back foot steps back with its knee still under the hip, before
the thighs open or the trunk leans. So form is not judged on frames it carries (clean lunges were
told to lean forward), and "too fast" times the stride without its share (``_tempo_value``).

The side and the faults do need the walking direction ("front"): toes lie ahead of heels and the
nose ahead of the ears, whichever way the person faces in the picture. The side is decided by a
vote over every frame of the hold, so a few frames with swapped left/right labels do not flip it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

from backcoach.core.catalog import Exercise
from backcoach.core.motion.analyser import HOLD, RepetitionAnalyser, RepInProgress
from backcoach.core.motion.body import INDEX, MIN_VISIBILITY, mid, pair
from backcoach.core.motion.filters import OneEuroFilter
from backcoach.core.motion.geometry import angle_between_deg, length, tilt_from_vertical_deg
from backcoach.core.motion.resting import RestingLevel
from backcoach.core.motion.types import Landmark, MotionEvent, PoseFrame

_SHOULDERS = pair("shoulder")
_HIPS = pair("hip")
_KNEES = pair("knee")
_ANKLES = pair("ankle")
_HEELS = pair("heel")
_TOES = pair("foot_index")
_EARS = pair("ear")
_NOSE = INDEX["nose"]
_FACING_RATE = 0.1
_AXIS_RATE = 0.05
#: The resting lean: median of the first second at rest, then a moving average with this time
#: constant (seconds; resting.py).
_LEAN_TAU_S = 4.0
_DEG = 180.0 / math.pi
#: Frames whose stand-in share is kept to time the movements (68 s at 60 frames/s: the rest before
#: a repetition and its way in).
_EXCESS_HISTORY = 4096


class HipFlexorAnalyser(RepetitionAnalyser):
    signal_name: ClassVar[str] = "stride"

    def __init__(self, exercise: Exercise, **options: float | None) -> None:
        super().__init__(exercise, **options)  # type: ignore[arg-type]
        lim = self.limits
        self._past_toes = lim.get("knee_past_toes_ratio", 0.1)
        self._back_knee_max = lim.get("back_knee_max_deg", 35.0)
        self._lean_min = lim.get("trunk_lean_min_deg", 5.0)
        self._lean_max = lim.get("trunk_lean_max_deg", 35.0)
        self._stance_min = lim.get("stance_width_min_ratio", 0.4)
        self._facing = 0.0
        self._hip_axis: tuple[float, float] | None = None
        self._lean = OneEuroFilter(0.7, 0.0)
        self._back_knee = OneEuroFilter(0.7, 0.0)
        self._knee_toes = OneEuroFilter(0.7, 0.0)
        self._stance = OneEuroFilter(0.3, 0.0)  # depth is the noisiest coordinate
        self._values = {"trunk_lean": 0.0, "back_knee": 0.0, "knee_past_toes_ratio": 0.0,
                        "stance_width_ratio": 0.0, "lean_gain": 0.0}
        self._lean_weight = lim.get("lean_weight", 0.0)
        self._knee_merge = lim.get("knee_merge_ratio", 0.0)
        self._tilt: float | None = None  # this frame's trunk tilt from vertical (degrees)
        self._thighs = 0.0  # this frame's angle between the thighs (degrees)
        self._stand_in = False  # this frame's stride is the whole legs' angle (knees merged)
        self._now = 0.0  # this frame's time (seconds)
        #: The stride without the whole legs' stand-in, smoothed like the signal (``_twin``),
        #: and what the stand-in added to the smoothed signal, by frame time, for the recent
        #: frames (oldest first; see ``_tempo_value``).
        self._twin = OneEuroFilter(self.min_cutoff_hz, self.beta)
        self._twin_window: list[float] = []
        self._twin_now: float | None = None
        self._excess: dict[float, float] = {}
        self._rest_tilt = RestingLevel(tau_s=_LEAN_TAU_S)

    def _measure(self, lms: Sequence[Landmark]) -> float | None:
        lh = lms[_HIPS[0]]
        rh = lms[_HIPS[1]]
        lk = lms[_KNEES[0]]
        rk = lms[_KNEES[1]]
        if max(lh[3], rh[3]) < MIN_VISIBILITY or max(lk[3], rk[3]) < MIN_VISIBILITY:
            return None
        a = self.aspect
        lx, ly = (lk[0] - lh[0]) * a, lk[1] - lh[1]
        rx, ry = (rk[0] - rh[0]) * a, rk[1] - rh[1]
        if (lx == 0.0 and ly == 0.0) or (rx == 0.0 and ry == 0.0):
            return None  # a collapsed thigh: no usable person in this frame
        stride = self._thighs = angle_between_deg(lx, ly, rx, ry)
        self._stand_in = False
        if self._knee_merge > 0.0:
            legs = self._legs_if_knees_merge(lms, lx, ly, rx, ry)
            self._stand_in = legs > stride
            stride = max(stride, legs)
        gain = self._lean_gain(lms)
        self._follow_twin(self._thighs + gain)
        return stride + gain

    def _follow_twin(self, raw: float) -> None:
        """Smooth the stride without the stand-in exactly as the signal is smoothed."""
        window = self._twin_window
        window.append(raw)
        if len(window) > self.median_window:
            del window[0]
        self._twin_now = self._twin(self._now, sorted(window)[len(window) // 2])

    def _legs_if_knees_merge(self, lms: Sequence[Landmark], lx: float, ly: float, rx: float,
                             ry: float) -> float:
        """The angle between the whole legs (hip → ankle) when the knees merge, else 0."""
        a = self.aspect
        lk, rk = lms[_KNEES[0]], lms[_KNEES[1]]
        thigh = (length(lx, ly) + length(rx, ry)) / 2.0
        if length((lk[0] - rk[0]) * a, lk[1] - rk[1]) >= self._knee_merge * thigh:
            return 0.0
        lh, rh = lms[_HIPS[0]], lms[_HIPS[1]]
        la, ra = lms[_ANKLES[0]], lms[_ANKLES[1]]
        if min(la[3], ra[3]) < MIN_VISIBILITY:
            return 0.0
        lax, lay = (la[0] - lh[0]) * a, la[1] - lh[1]
        rax, ray = (ra[0] - rh[0]) * a, ra[1] - rh[1]
        if (lax == 0.0 and lay == 0.0) or (rax == 0.0 and ray == 0.0):
            return 0.0
        return angle_between_deg(lax, lay, rax, ray)

    def _lean_gain(self, lms: Sequence[Landmark]) -> float:
        """``lean_weight`` times the trunk's lean beyond its resting lean (0 when not leaning)."""
        self._tilt = None
        if self._lean_weight <= 0.0:
            return 0.0
        a = self.aspect
        sx, sy, sv = mid(lms, _SHOULDERS[0], _SHOULDERS[1], a)
        hx, hy, hv = mid(lms, _HIPS[0], _HIPS[1], a)
        if min(sv, hv) < MIN_VISIBILITY or (sx == hx and sy == hy):
            return 0.0
        tilt = self._tilt = tilt_from_vertical_deg(sx - hx, sy - hy)
        lean = self._rest_tilt.since_rest(tilt)
        gain = 0.0 if lean is None else self._lean_weight * max(0.0, lean)
        self._values["lean_gain"] = gain
        return gain

    def update(self, frame: PoseFrame) -> list[MotionEvent]:
        self._now = frame.t
        self._twin_now = None
        events = super().update(frame)
        excess = self._stand_in_share()
        if excess:
            self._excess[frame.t] = excess
            if len(self._excess) > _EXCESS_HISTORY:
                del self._excess[next(iter(self._excess))]
        return events

    def _stand_in_share(self) -> float:
        """What the stand-in adds to this frame's smoothed signal (0 without a reading)."""
        return 0.0 if self._twin_now is None else max(0.0, self._value - self._twin_now)

    def _tempo_value(self, t: float, value: float) -> float:
        """The stride without the whole legs' stand-in: "too fast" times the thighs' movement.

        The back foot steps back (and later forward) with its knee still under the hip, so the
        whole legs open before the thighs do and close after them; left in, those steps would
        make a quick lunge look slow.
        """
        if t == self._now:
            return value - self._stand_in_share()
        return value - self._excess.get(t, 0.0)

    def _reset_tracking(self) -> None:
        for f in (self._lean, self._back_knee, self._knee_toes, self._stance, self._twin):
            f.reset()
        self._twin_window.clear()

    def _update_facing(self, lms: Sequence[Landmark]) -> float:
        """+1 when the person faces image right, -1 when facing left (smoothed over frames)."""
        evidence = 0.0
        for heel, toe in ((_HEELS[0], _TOES[0]), (_HEELS[1], _TOES[1])):
            h = lms[heel]
            f = lms[toe]
            evidence += (f[0] - h[0]) * min(h[3], f[3])
        nose = lms[_NOSE]
        ex = (lms[_EARS[0]][0] + lms[_EARS[1]][0]) / 2.0
        evidence += (nose[0] - ex) * nose[3]
        if evidence != 0.0:
            self._facing += _FACING_RATE * ((1.0 if evidence > 0 else -1.0) - self._facing)
        return 1.0 if self._facing >= 0 else -1.0

    def _check(self, lms: Sequence[Landmark], t: float, dt: float, rep: RepInProgress, phase: int,
               events: list[MotionEvent]) -> None:
        facing = self._update_facing(lms)
        if phase != HOLD:
            return
        a = self.aspect
        lk, rk = lms[_KNEES[0]], lms[_KNEES[1]]
        la, ra = lms[_ANKLES[0]], lms[_ANKLES[1]]
        # Which leg is behind: compare knee + ankle positions along the walking direction.
        ahead = facing * ((lk[0] + la[0]) - (rk[0] + ra[0]))  # > 0: left leg in front
        # Frames where the thighs read far apart weigh more: a pose model that mirrors the legs
        # front to back for a while (seen on rendered bodies) also reads them closer together.
        weight = (min(lk[3], la[3], rk[3], ra[3]) + 0.05) * self._thighs / 30.0
        rep.side_vote += -weight if ahead > 0 else weight  # positive vote: left leg back
        left_back = ahead < 0
        back, front = (0, 1) if left_back else (1, 0)
        if self._stand_in:
            # The thighs do not show the lunge: the back foot is still stepping back with its
            # knee under the hip (the trunk not yet leaning), or the model has lost the legs.
            # Neither is the stretch position, so its form is not judged on this frame.
            return
        self._leg_faults(lms, t, dt, rep, facing, back, front, events)
        self._trunk_and_stance(lms, t, dt, rep, facing, a, events)

    # Position faults are judged over the hold (``_persist_share``), not its first moments: the
    # trunk and knees settle into the stretch a little after the stride reaches its range.

    def _leg_faults(self, lms: Sequence[Landmark], t: float, dt: float, rep: RepInProgress,
                    facing: float, back: int, front: int, events: list[MotionEvent]) -> None:
        a = self.aspect
        bh, bk, ba = lms[_HIPS[back]], lms[_KNEES[back]], lms[_ANKLES[back]]
        knee = angle_between_deg((bk[0] - bh[0]) * a, bk[1] - bh[1],
                                 (ba[0] - bk[0]) * a, ba[1] - bk[1])
        knee = self._back_knee(t, knee)
        self._values["back_knee"] = knee
        self._persist_share(rep, "back_knee_bent", knee > self._back_knee_max, dt, t, events)
        fk, fa, ft = lms[_KNEES[front]], lms[_ANKLES[front]], lms[_TOES[front]]
        shin = length((fk[0] - fa[0]) * a, fk[1] - fa[1])
        if shin > 0:
            past = self._knee_toes(t, facing * (fk[0] - ft[0]) * a / shin)
            self._values["knee_past_toes_ratio"] = past
            self._persist_share(rep, "front_knee_past_toes", past > self._past_toes, dt, t, events)

    def _trunk_and_stance(self, lms: Sequence[Landmark], t: float, dt: float, rep: RepInProgress,
                          facing: float, a: float, events: list[MotionEvent]) -> None:
        sx, sy, _ = mid(lms, _SHOULDERS[0], _SHOULDERS[1], a)
        hx, hy, _ = mid(lms, _HIPS[0], _HIPS[1], a)
        lean = self._lean(t, math.atan2(facing * (sx - hx), hy - sy) * _DEG)
        self._values["trunk_lean"] = lean
        self._persist_share(rep, "trunk_not_leaning", lean < self._lean_min, dt, t, events)
        self._persist_share(rep, "trunk_leaning_too_far", lean > self._lean_max, dt, t, events)
        width = self._stance_width(lms, a)
        if width is None:
            width = self._stance_width_by_feet(lms, a)
        if width is not None:
            width = abs(self._stance(t, width))
            self._values["stance_width_ratio"] = width
            self._persist_share(rep, "stance_too_narrow", width < self._stance_min, dt, t, events,
                                share=0.6, min_s=1.5)

    def _rest_frame(self, lms: Sequence[Landmark], t: float) -> None:
        """Learn the hip axis (left hip → right hip on the floor plane) while standing square,
        and the resting lean."""
        if self._tilt is not None:
            self._rest_tilt.add(t, self._tilt)
        lh, rh = lms[_HIPS[0]], lms[_HIPS[1]]
        a = self.aspect
        hx, hz = (lh[0] - rh[0]) * a, (lh[2] - rh[2]) * a
        axis = self._hip_axis
        if axis is None:
            self._hip_axis = (hx, hz)
        else:
            self._hip_axis = (axis[0] + _AXIS_RATE * (hx - axis[0]),
                              axis[1] + _AXIS_RATE * (hz - axis[1]))

    def _stance_width(self, lms: Sequence[Landmark], a: float) -> float | None:
        """Sideways distance between the ankles over hip width, on the floor plane (x, z).

        "Sideways" is along the hip axis learned while standing square at rest (averaged over
        many frames, which tames the model's noisy depth), so a pelvis turned by the stride
        does not leak the stride length into the width.
        """
        axis = self._hip_axis
        if axis is None:
            return None
        width_sq = axis[0] * axis[0] + axis[1] * axis[1]
        if width_sq <= 0:
            return None
        la, ra = lms[_ANKLES[0]], lms[_ANKLES[1]]
        dx, dz = (la[0] - ra[0]) * a, (la[2] - ra[2]) * a
        # Signed (left ankle toward the left hip is positive) so that depth noise averages out
        # in the smoothing instead of always adding width.
        return (dx * axis[0] + dz * axis[1]) / width_sq

    @staticmethod
    def _stance_width_by_feet(lms: Sequence[Landmark], a: float) -> float | None:
        """As ``_stance_width`` with the walking direction from the feet (heel → toe)."""
        fx = fz = 0.0
        for heel, toe in ((_HEELS[0], _TOES[0]), (_HEELS[1], _TOES[1])):
            h, f = lms[heel], lms[toe]
            fx += f[0] - h[0]
            fz += f[2] - h[2]
        norm = math.hypot(fx, fz)
        lh, rh = lms[_HIPS[0]], lms[_HIPS[1]]
        hip_w = math.hypot(lh[0] - rh[0], lh[2] - rh[2])
        if norm == 0 or hip_w == 0:
            return None
        la, ra = lms[_ANKLES[0]], lms[_ANKLES[1]]
        dx = la[0] - ra[0]
        dz = la[2] - ra[2]
        return abs(dx * fz - dz * fx) / norm / hip_w

    def _side(self, rep: RepInProgress) -> str | None:
        return "left" if rep.side_vote >= 0 else "right"

    def signals(self) -> dict[str, float]:
        return {self.signal_name: self._value, **self._values}
