"""The video-analysis use case's own rules: the camera check's timing and clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backcoach.core.catalog import load_catalog
from backcoach.synthetic import generate, simple_spec
from backcoach.usecases.video_analysis import (
    VideoAnalysisError,
    ViewCheck,
    activity,
    analyse_video,
)

KTC = load_catalog().get("knee-to-chest")


def test_the_view_check_answers_once_after_its_seconds() -> None:
    seq = generate(simple_spec("knee-to-chest", reps=1), seed=1)
    check = ViewCheck(KTC, seq.width, seq.height, seconds=2.0)
    grey = np.full((36, 64, 3), 120, dtype=np.uint8)
    answers = [(f.t, a) for f in seq.frames if (a := check.add(f.t + 5.0, f.landmarks, grey))]
    assert len(answers) == 1 and answers[0][0] == pytest.approx(2.0, abs=0.05)
    assert answers[0][1].ok and check.done and check.finish() is None
    early = ViewCheck(KTC, seq.width, seq.height)
    early.add(0.0, seq.frames[0].landmarks, grey)
    finished = early.finish()
    assert finished is not None and finished.view == "side"


def test_missing_inputs_and_output_folders_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(VideoAnalysisError, match="does not exist"):
        analyse_video(tmp_path / "clip.mp4", KTC, plot=tmp_path / "nowhere" / "plot.png")
    with pytest.raises(VideoAnalysisError):
        analyse_video(tmp_path / "missing.mp4", KTC)


def test_activity_follows_the_analysers_phase() -> None:
    class Phase:
        def __init__(self, phase: str) -> None:
            self.phase = phase

    assert [activity(Phase(p)) for p in ("rest", "hold", "moving")] == ["rest", "hold", "move"]
    assert activity(object()) is None
