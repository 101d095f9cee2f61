"""Is the person lying down or upright? A small check that a recording fits its exercise.

A calibration stores the person's own range for one exercise, so a recording of the wrong
exercise (someone lying on the floor offered for the seated neck exercise) must not become it.
The trunk's direction in the picture tells lying from upright whatever the exercise's signal
reads: from the side, a lying trunk runs across the picture and an upright one up and down.
Sitting and standing are not told apart (a lunge and a chair both keep the trunk upright).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS, Exercise
from backcoach.core.motion.types import Landmark

Posture = Literal["lying", "upright"]

_INDEX = {name: i for i, name in enumerate(BLAZEPOSE_LANDMARKS)}
#: The trunk (mid-shoulders to mid-hips) tilted this far from vertical or more reads as lying;
#: this far or less as upright. Between them the frame says nothing. Our own choice, with wide
#: margins: a slouch or a lunge's lean stays under 35 degrees, a raised head on a mat over 60.
LYING_FROM_DEG = 60.0
UPRIGHT_UP_TO_DEG = 35.0
MIN_VISIBILITY = 0.3
#: The recording is refused when at least this share of the frames that say something disagree.
WRONG_SHARE = 0.6

_WORDS = {"lying": "lying down", "sitting": "sitting", "standing": "standing"}


def trunk_tilt_deg(landmarks: Sequence[Landmark], aspect_ratio: float = 1.0) -> float | None:
    """The trunk's angle from vertical in the picture (0 upright, 90 lying), or ``None`` when
    the shoulders or hips are not seen."""
    points = {}
    for part in ("shoulder", "hip"):
        left, right = landmarks[_INDEX[f"left_{part}"]], landmarks[_INDEX[f"right_{part}"]]
        if max(_visibility(left), _visibility(right)) < MIN_VISIBILITY:
            return None
        points[part] = ((left[0] + right[0]) / 2 * aspect_ratio, (left[1] + right[1]) / 2)
    dx = points["hip"][0] - points["shoulder"][0]
    dy = points["hip"][1] - points["shoulder"][1]
    if dx == 0 and dy == 0:
        return None
    return math.degrees(math.atan2(abs(dx), abs(dy)))


def _visibility(landmark: Landmark) -> float:
    return float(landmark[3]) if len(landmark) > 3 else 1.0


def posture_of(landmarks: Sequence[Landmark], aspect_ratio: float = 1.0) -> Posture | None:
    """``lying``, ``upright``, or ``None`` when the frame does not say."""
    tilt = trunk_tilt_deg(landmarks, aspect_ratio)
    if tilt is None:
        return None
    if tilt >= LYING_FROM_DEG:
        return "lying"
    return "upright" if tilt <= UPRIGHT_UP_TO_DEG else None


def expected_posture(exercise: Exercise) -> Posture:
    return "lying" if exercise.position == "lying" else "upright"


class PostureTally:
    """Counts the postures of a recording's frames; ``problem`` says if it fits the exercise."""

    def __init__(self, aspect_ratio: float = 1.0) -> None:
        self.aspect_ratio = aspect_ratio
        self.counts: dict[Posture, int] = {"lying": 0, "upright": 0}

    def add(self, landmarks: Sequence[Landmark] | None) -> None:
        if landmarks is None:
            return
        posture = posture_of(landmarks, self.aspect_ratio)
        if posture is not None:
            self.counts[posture] += 1

    def problem(self, exercise: Exercise, then: str = "record it again") -> str | None:
        """A plain sentence when the person was mostly in the other posture, else ``None``;
        ``then`` is what to do once in position (record again, check again)."""
        wanted = expected_posture(exercise)
        other: Posture = "upright" if wanted == "lying" else "lying"
        said = self.counts[wanted] + self.counts[other]
        if said == 0 or self.counts[other] < WRONG_SHARE * said:
            return None
        seen = "lying down" if other == "lying" else "upright (sitting or standing)"
        return (f"The camera saw you {seen}, but the {exercise.name.lower()} is done "
                f"{_WORDS[exercise.position]}. Take the exercise's start position, then "
                f"{then}.")  # fmt: skip

