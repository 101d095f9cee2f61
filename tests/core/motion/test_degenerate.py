"""Degenerate but legal landmarks (every point equal, collapsed segments) never raise.

Such frames carry no usable person: each analyser treats them like frames where nobody is seen,
so a recording that mixes them with normal frames still counts its repetitions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from backcoach.core.catalog import load_catalog
from backcoach.core.motion.registry import analyse_frames, create_analyser
from backcoach.core.motion.types import PoseFrame

CATALOG = load_catalog()
N_LANDMARKS = 33


def _same_point(x: float = 0.5, y: float = 0.5) -> list[list[float]]:
    return [[x, y, 0.0, 1.0] for _ in range(N_LANDMARKS)]


def _collapsed(pose: list[list[float]]) -> list[list[float]]:
    """Shoulders, hips and knees all on one point; the rest of the body left where it was."""
    out = [list(p) for p in pose]
    for i in (11, 12, 23, 24, 25, 26):  # shoulders, hips, knees
        out[i][0:3] = [0.4, 0.6, 0.0]
    return out


CASES: dict[str, tuple[str, float, float]] = {
    # exercise id -> (stick builder, rest angle, target angle)
    "knee-to-chest": ("lying", 5.0, 120.0),
    "neck-flexion": ("seated", 0.0, 45.0),
    "hip-flexor-stretch": ("standing", 0.0, 40.0),
}


@pytest.mark.parametrize("exercise_id", sorted(CASES))
def test_all_points_equal_is_no_person(exercise_id: str) -> None:
    exercise = CATALOG.get(exercise_id)
    frames = [PoseFrame(i / 30.0, _same_point()) for i in range(90)]
    summary = analyse_frames(exercise, frames)
    assert summary.reps == 0
    assert summary.frames == 90
    analyser = create_analyser(exercise)
    assert analyser._measure(_same_point()) is None


@pytest.mark.parametrize("exercise_id", sorted(CASES))
def test_collapsed_segments_are_no_person(stick: dict[str, Callable[..., Any]],
                                          exercise_id: str) -> None:
    builder, rest, _ = CASES[exercise_id]
    analyser = create_analyser(CATALOG.get(exercise_id))
    assert analyser._measure(_collapsed(stick[builder](rest))) is None


@pytest.mark.parametrize("exercise_id", sorted(CASES))
def test_degenerate_frames_mixed_with_normal_ones(stick: dict[str, Callable[..., Any]],
                                                  exercise_id: str) -> None:
    builder, rest, target = CASES[exercise_id]
    exercise = CATALOG.get(exercise_id)
    track = stick["rep_track"](rest, target, reps=2, hold_s=6.0)
    clean = [stick[builder](a) for a in track]
    expected = analyse_frames(exercise, stick["frames"](clean)).reps
    assert expected == 2
    mixed: list[list[list[float]]] = []
    for i, pose in enumerate(clean):
        if i % 7 == 3:
            mixed.append(_same_point())
        elif i % 7 == 5:
            mixed.append(_collapsed(pose))
        else:
            mixed.append(pose)
    # Degenerate frames from the very first one too, while the analyser learns its references.
    mixed = [_same_point(), _collapsed(clean[0])] * 10 + mixed
    summary = analyse_frames(exercise, stick["frames"](mixed))
    assert summary.frames == len(mixed)
    assert summary.reps == expected
