"""Which analyser serves which exercise, and batch analysis through the same code as live use."""

from __future__ import annotations

from collections.abc import Iterable

from backcoach.core.catalog import Exercise
from backcoach.core.motion.analyser import RepetitionAnalyser
from backcoach.core.motion.calibration import Calibration
from backcoach.core.motion.hip_flexor import HipFlexorAnalyser
from backcoach.core.motion.knee_to_chest import KneeToChestAnalyser
from backcoach.core.motion.neck_flexion import NeckFlexionAnalyser
from backcoach.core.motion.types import AnalysisSummary, PoseFrame

#: Analyser class by primary signal name (the exercise's ``kinematics.signal``).
ANALYSERS: dict[str, type[RepetitionAnalyser]] = {
    "hip_flexion": KneeToChestAnalyser,
    "neck_flexion": NeckFlexionAnalyser,
    "stride": HipFlexorAnalyser,
}


class NoAnalyserError(ValueError):
    """The exercise's kinematic signal has no analyser."""


def create_analyser(
    exercise: Exercise,
    *,
    aspect_ratio: float = 1.0,
    target_hold_s: float | None = None,
    calibration: Calibration | None = None,
) -> RepetitionAnalyser:
    """A fresh analyser for ``exercise``.

    ``aspect_ratio`` is the image width / height of the landmarks' source (1.0 when x and y are
    already on one scale); ``target_hold_s`` the hold the person was asked for (quality score);
    ``calibration`` the person's own range (``core/motion/calibration.py``), if they gave one.
    """
    cls = ANALYSERS.get(exercise.kinematics.signal)
    if cls is None:
        known = ", ".join(sorted(ANALYSERS))
        raise NoAnalyserError(
            f"exercise {exercise.id!r}: no movement analyser for signal "
            f"{exercise.kinematics.signal!r} (known signals: {known})"
        )
    return cls(exercise, aspect_ratio=aspect_ratio, target_hold_s=target_hold_s,
               calibration=calibration)  # fmt: skip


def analyse_frames(
    exercise: Exercise,
    frames: Iterable[PoseFrame],
    *,
    aspect_ratio: float = 1.0,
    target_hold_s: float | None = None,
    calibration: Calibration | None = None,
) -> AnalysisSummary:
    """Run the live analyser over a whole recording and return its summary."""
    analyser = create_analyser(exercise, aspect_ratio=aspect_ratio, target_hold_s=target_hold_s,
                               calibration=calibration)  # fmt: skip
    update = analyser.update
    for frame in frames:
        update(frame)
    return analyser.summary()
