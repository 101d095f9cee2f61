"""Lying or upright: a recording in the other posture cannot become an exercise's calibration."""

from __future__ import annotations

import pytest

from backcoach.core.motion.calibration import CalibrationError, calibrate
from backcoach.core.motion.posture import PostureTally, posture_of
from backcoach.synthetic import generate, simple_spec
from backcoach.synthetic.generate import exercise_for


@pytest.mark.parametrize(("exercise_id", "posture"), [
    ("knee-to-chest", "lying"), ("neck-flexion", "upright"), ("hip-flexor-stretch", "upright"),
])  # fmt: skip
def test_each_exercise_reads_as_its_own_posture(exercise_id: str, posture: str) -> None:
    seq = generate(simple_spec(exercise_id, reps=1), seed=5)
    aspect = seq.width / seq.height
    seen = [posture_of(f.landmarks, aspect) for f in seq.frames if f.landmarks is not None]
    assert seen.count(posture) >= 0.9 * len(seen)
    tally = PostureTally(aspect)
    for frame in seq.frames:
        tally.add(frame.landmarks)
    assert tally.problem(exercise_for(exercise_id)) is None


def test_a_lying_repetition_is_refused_for_the_seated_exercise_and_back() -> None:
    lying = generate(simple_spec("knee-to-chest", reps=1), seed=6)
    with pytest.raises(CalibrationError, match="lying down, but the seated"):
        calibrate(exercise_for("neck-flexion"), lying.frames,
                  aspect_ratio=lying.width / lying.height)  # fmt: skip
    seated = generate(simple_spec("neck-flexion", reps=1), seed=6)
    with pytest.raises(CalibrationError, match=r"upright .* done lying down"):
        calibrate(exercise_for("knee-to-chest"), seated.frames,
                  aspect_ratio=seated.width / seated.height)  # fmt: skip


def test_unseen_frames_say_nothing() -> None:
    tally = PostureTally()
    tally.add(None)
    assert tally.problem(exercise_for("neck-flexion")) is None
    hidden = [[0.5, 0.5, 0.0, 0.0]] * 33
    assert posture_of(hidden) is None
