"""Analysis relative to the person: starting postures that read high at rest still count right.

The synthetic body (backcoach.synthetic) starts from the postures the rendered-video benchmark
found hard: lying with the knees bent (the hip angle rests at about 40-50 degrees, above the
catalog's rest range), sitting with a forward head (the neck angle rests near the target range),
and standing with the feet wide apart. Gentle repetitions only just reach the target range.
"""

from __future__ import annotations

import pytest

from backcoach.core.motion.registry import analyse_frames
from backcoach.synthetic import CameraSpec, SequenceSpec, generate
from backcoach.synthetic.generate import exercise_for
from backcoach.synthetic.timeline import Attempt

CASES = [
    ("knee-to-chest", "knees_bent", None),
    ("neck-flexion", "forward_head", None),
    ("hip-flexor-stretch", "feet_apart", "left"),
]


def _spec(exercise_id: str, start: str, side: str | None, amplitude: float,
          partial: bool = False) -> SequenceSpec:  # fmt: skip
    other = {"left": "right", "right": "left"}.get(side or "")
    attempts = [Attempt("rep", 3.5, 2.0, 2.0, 2.5, side, amplitude=amplitude),  # type: ignore[arg-type]
                Attempt("rep", 3.5, 2.5, 2.5, 2.5, other, amplitude=amplitude)]  # type: ignore[arg-type]
    if partial:
        attempts.append(Attempt("partial", 0.8, 2.0, 2.0, 2.5, side, reach=0.45))  # type: ignore[arg-type]
    return SequenceSpec(exercise_id, tuple(attempts), camera=CameraSpec(yaw_deg=15.0),
                        fidgets_per_min=0.0, start=start)  # fmt: skip


@pytest.mark.parametrize(("exercise_id", "start", "side"), CASES)
@pytest.mark.parametrize("amplitude", [0.0, 1.0])
def test_resting_posture_above_the_rest_range_still_counts_each_repetition(
    exercise_id: str, start: str, side: str | None, amplitude: float
) -> None:
    seq = generate(_spec(exercise_id, start, side, amplitude, partial=True), seed=5)
    assert seq.truth.count == 2
    rest_deg = float(seq.signal_deg[:10].mean())
    assert rest_deg > exercise_for(exercise_id).kinematics.rest.max_deg - 6  # a high rest
    summary = analyse_frames(exercise_for(exercise_id), seq.frames,
                             aspect_ratio=seq.width / seq.height)  # fmt: skip
    assert summary.reps == 2  # two repetitions apart, and the partial attempt not counted
    if side is not None:
        assert summary.sides == seq.truth.sides


@pytest.mark.parametrize(("exercise_id", "start", "side"), CASES)
def test_resting_in_a_high_posture_with_fidgets_counts_nothing(
    exercise_id: str, start: str, side: str | None
) -> None:
    spec = SequenceSpec(exercise_id, (), lead_in_s=25.0, fidgets_per_min=8.0, start=start)
    seq = generate(spec, seed=9)
    summary = analyse_frames(exercise_for(exercise_id), seq.frames,
                             aspect_ratio=seq.width / seq.height)  # fmt: skip
    assert summary.reps == 0
