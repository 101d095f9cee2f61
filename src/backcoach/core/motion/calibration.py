"""Calibration: the person's own range for an exercise, from one comfortable repetition.

People move through different ranges, and a camera and pose model read the same position a few
degrees differently in different rooms. "Show me one comfortable repetition" measures both at
once: the resting level and the held level of that repetition, as this camera sees them. Later
analyses count a repetition once the person reaches ``REACH_SHARE`` of their own way from rest
to that position, never further than the catalog's target (calibration only ever makes the
target easier to reach) and never closer to rest than ``MIN_EXCURSION_HYSTERESES`` hystereses,
so that noise and fidgets still cannot count. Stored as plain data (``to_dict``) per profile and
exercise by the caller; this module does no I/O.
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from backcoach.core.catalog import Exercise
from backcoach.core.motion.posture import PostureTally
from backcoach.core.motion.types import PoseFrame

#: A repetition counts from this share of the calibrated way from rest to the held position.
REACH_SHARE = 0.7
#: The calibrated target stays at least this many hystereses above the calibrated rest.
MIN_EXCURSION_HYSTERESES = 2.0


class CalibrationError(ValueError):
    """The calibration recording shows no usable repetition; the message says what to do."""


@dataclass(frozen=True)
class Calibration:
    """Primary-signal levels (degrees) of the person at rest and holding a comfortable position."""

    rest_deg: float
    peak_deg: float

    def to_dict(self) -> dict[str, float]:
        return {"rest_deg": round(self.rest_deg, 2), "peak_deg": round(self.peak_deg, 2)}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Calibration:
        try:
            rest, peak = float(data["rest_deg"]), float(data["peak_deg"])  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError) as exc:
            raise CalibrationError(f"not a calibration: {dict(data)!r}") from exc
        if not peak > rest:
            raise CalibrationError("a calibration's peak must be above its rest level")
        return cls(rest, peak)

    def target_enter_deg(self, exercise: Exercise, catalog_enter_deg: float) -> float:
        """Where the target range starts for this person (see the module docstring)."""
        kin = exercise.kinematics
        own = self.rest_deg + REACH_SHARE * (self.peak_deg - self.rest_deg)
        floor = self.rest_deg + MIN_EXCURSION_HYSTERESES * kin.hysteresis_deg
        return min(catalog_enter_deg, max(own, floor))


def calibrate(exercise: Exercise, frames: Iterable[PoseFrame], *,
              aspect_ratio: float = 1.0) -> Calibration:  # fmt: skip
    """The person's range from a recording of one comfortable repetition (rest, move, hold,
    back): the analyser's own filtered signal at rest, and the level held at the top. A
    recording in the other posture (lying for a seated exercise) is refused
    (``core/motion/posture.py``)."""
    from backcoach.core.motion.registry import create_analyser

    analyser = create_analyser(exercise, aspect_ratio=aspect_ratio)
    postures = PostureTally(aspect_ratio)
    resting: list[float] = []
    values: list[float] = []
    for frame in frames:
        analyser.update(frame)
        if frame.landmarks is None:
            continue
        postures.add(frame.landmarks)
        value = analyser.signals()[analyser.signal_name]
        values.append(value)
        if analyser.phase == "rest" and len(values) > 3:
            resting.append(value)
    if (wrong := postures.problem(exercise)) is not None:
        raise CalibrationError(wrong)  # another exercise's recording must not set this range
    if not resting or not values:
        raise CalibrationError("no resting position was seen: start the recording at rest, "
                               "with your whole body in view")  # fmt: skip
    rest = statistics.median(resting)
    top = max(values)
    held = [v for v in values if v >= rest + 0.9 * (top - rest)]
    peak = statistics.median(held)
    if peak - rest < MIN_EXCURSION_HYSTERESES * exercise.kinematics.hysteresis_deg:
        raise CalibrationError("no clear repetition was seen: move into your comfortable "
                               "position, hold it for a few seconds, and come back")  # fmt: skip
    return Calibration(rest, peak)


#: Live calibration: the person is still at the start for this long before recording begins
#: (the signal's standard deviation within this share of a hysteresis: pose noise is allowed,
#: a movement is not), and has ``MAX_RECORDING_S`` in all to show the repetition.
STILL_S = 1.0
STILL_SPREAD = 0.5
MAX_RECORDING_S = 45.0
#: Back at rest: within this share of the way from rest to the top.
RETURN_SHARE = 0.3

RecorderStatus = Literal["settling", "recording", "done", "failed"]


class CalibrationRecorder:
    """Live "show me one comfortable repetition" (the web app's setup page).

    Waits until the person is still at the start position (``settling``), then records
    (``recording``) until they have moved away and come back, and measures that stretch with
    ``calibrate`` (``done``, ``result``) or says why it cannot (``failed``, ``error``). If the
    signal falls well below the level it took for rest, the person was not at rest after all
    (they were already holding the position): it waits for stillness again.
    """

    def __init__(self, exercise: Exercise, *, aspect_ratio: float = 1.0,
                 max_s: float = MAX_RECORDING_S) -> None:  # fmt: skip
        from backcoach.core.motion.registry import create_analyser

        self.exercise = exercise
        self.aspect_ratio = aspect_ratio
        self.max_s = max_s
        self.status: RecorderStatus = "settling"
        self.result: Calibration | None = None
        self.error: str | None = None
        self._analyser = create_analyser(exercise, aspect_ratio=aspect_ratio)
        self._min_move = MIN_EXCURSION_HYSTERESES * exercise.kinematics.hysteresis_deg
        self._still: deque[tuple[PoseFrame, float]] = deque()
        self._frames: list[PoseFrame] = []
        self._rest = 0.0
        self._top = 0.0
        self._start_t: float | None = None

    def add(self, frame: PoseFrame) -> RecorderStatus | None:
        """Take one frame; the new status when it changed, else ``None``."""
        if self.status in ("done", "failed"):
            return None
        before = self.status
        self._start_t = frame.t if self._start_t is None else self._start_t
        self._analyser.update(frame)
        value = self._analyser.signals()[self._analyser.signal_name] if frame.landmarks else None
        if self.status == "settling":
            self._settle(frame, value)
        else:
            self._record(frame, value)
        if self.status in ("settling", "recording") and frame.t - self._start_t > self.max_s:
            self._fail(f"no clear repetition was seen in {self.max_s:.0f} s: start at rest with "
                       "your whole body in view, move into your comfortable position, hold it "
                       "for a few seconds, and come back")  # fmt: skip
        return self.status if self.status != before else None

    def _settle(self, frame: PoseFrame, value: float | None) -> None:
        if value is None:
            self._still.clear()
            return
        self._still.append((frame, value))
        while self._still and frame.t - self._still[0][0].t > STILL_S:
            self._still.popleft()
        levels = [v for _, v in self._still]
        spread = STILL_SPREAD * self.exercise.kinematics.hysteresis_deg
        if (frame.t - self._still[0][0].t >= 0.9 * STILL_S and len(levels) > 2
                and statistics.pstdev(levels) <= spread):  # fmt: skip
            self._frames = [f for f, _ in self._still]
            postures = PostureTally(self.aspect_ratio)
            for still in self._frames:
                postures.add(still.landmarks)
            if (wrong := postures.problem(self.exercise)) is not None:
                self._fail(wrong)  # say so at once, not after a repetition
                return
            self._rest = statistics.median(levels)
            self._top = self._rest
            self.status = "recording"

    def _record(self, frame: PoseFrame, value: float | None) -> None:
        self._frames.append(frame)
        if value is None:
            return
        if value < self._rest - self.exercise.kinematics.hysteresis_deg:
            # Well below what was taken for rest: that was not rest (the person was holding
            # or coming back): wait for stillness again.
            self._still.clear()
            self.status = "settling"
            return
        self._top = max(self._top, value)
        moved = self._top - self._rest >= self._min_move
        if moved and value <= self._rest + RETURN_SHARE * (self._top - self._rest):
            try:
                self.result = calibrate(self.exercise, self._frames,
                                        aspect_ratio=self.aspect_ratio)  # fmt: skip
                self.status = "done"
            except CalibrationError as exc:
                self._fail(str(exc))

    def _fail(self, message: str) -> None:
        self.error = message
        self.status = "failed"
