"""The range of movement is the peak above the person's own resting level, None without a camera."""

from __future__ import annotations

import pytest

from backcoach.core.motion.range_of_movement import (
    repetition_range_deg,
    set_range_deg,
    summary_range_deg,
)
from backcoach.core.motion.registry import analyse_frames
from backcoach.synthetic import CameraSpec, SequenceSpec, generate
from backcoach.synthetic.generate import exercise_for
from backcoach.synthetic.timeline import Attempt


def test_a_repetition_range_is_its_peak_above_rest_never_negative() -> None:
    assert repetition_range_deg(71.26, 40.0) == 31.3
    assert repetition_range_deg(38.0, 40.0) == 0.0


def test_a_set_takes_the_furthest_measured_repetition_and_none_without_camera() -> None:
    assert set_range_deg([30.0, 34.52, None, 31.0]) == 34.5
    assert set_range_deg([]) is None
    assert set_range_deg([None, None]) is None  # timed reps only: no measurement, not zero


def _range(exercise_id: str, start: str, amplitude: float) -> tuple[float | None, float]:
    """(measured range, the true peak above the true resting level) of two repetitions."""
    attempts = tuple(Attempt("rep", 3.5, 2.0, 2.0, 2.5, None, amplitude=amplitude)
                     for _ in range(2))  # fmt: skip
    spec = SequenceSpec(exercise_id, attempts, camera=CameraSpec(yaw_deg=10.0),
                        fidgets_per_min=0.0, start=start)  # fmt: skip
    seq = generate(spec, seed=3)
    summary = analyse_frames(exercise_for(exercise_id), seq.frames,
                             aspect_ratio=seq.width / seq.height)  # fmt: skip
    assert summary.reps == 2
    truth = float(seq.signal_deg.max() - seq.signal_deg[:10].mean())
    return summary_range_deg(summary), truth


STARTS = [("knee-to-chest", "legs_extended"), ("knee-to-chest", "knees_bent"),
          ("neck-flexion", "upright"), ("neck-flexion", "forward_head")]  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "start"), STARTS)
def test_the_range_follows_the_movement_above_the_persons_own_rest(
    exercise_id: str, start: str
) -> None:
    gentle, gentle_truth = _range(exercise_id, start, 0.0)
    full, full_truth = _range(exercise_id, start, 1.0)
    assert gentle is not None and full is not None
    # The neck's signal adds the face's turn scaled by face_gain, chosen on rendered bodies whose
    # shoulder->ear line under-reads a tip of the head; on this synthetic body, whose head line
    # reads the full tip, the range reads up to a third above that line's truth.
    share = 0.35 if exercise_id == "neck-flexion" else 0.15
    assert abs(gentle - gentle_truth) <= share * gentle_truth + 3.0
    assert abs(full - full_truth) <= share * full_truth + 3.0
    assert full > gentle  # a fuller movement reads as a larger range
