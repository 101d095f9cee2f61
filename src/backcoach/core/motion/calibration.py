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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from backcoach.core.catalog import Exercise
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
    back): the analyser's own filtered signal at rest, and the level held at the top."""
    from backcoach.core.motion.registry import create_analyser

    analyser = create_analyser(exercise, aspect_ratio=aspect_ratio)
    resting: list[float] = []
    values: list[float] = []
    for frame in frames:
        analyser.update(frame)
        if frame.landmarks is None:
            continue
        value = analyser.signals()[analyser.signal_name]
        values.append(value)
        if analyser.phase == "rest" and len(values) > 3:
            resting.append(value)
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
