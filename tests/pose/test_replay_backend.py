"""The replay backend plays a landmark file: the nearest recorded frame, nothing past the end."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backcoach.core.motion.types import PoseFrame
from backcoach.pose.landmark_file import LandmarkHeader, write_landmark_file
from backcoach.pose.replay_backend import ReplayBackend


def _pose(x: float) -> list[list[float]]:
    return [[x, 0.5, 0.0, 1.0] for _ in range(33)]


def test_plays_the_nearest_recorded_frame_from_a_file(tmp_path: Path) -> None:
    frames = [PoseFrame(0.0, _pose(0.1)), PoseFrame(0.1, None), PoseFrame(0.2, _pose(0.3))]
    path = tmp_path / "rec.jsonl"
    write_landmark_file(path, LandmarkHeader(10.0, 640, 360), frames)
    backend = ReplayBackend.from_file(path)
    image = np.zeros((4, 4, 3), np.uint8)
    first = backend.estimate(image, 0.02)
    assert first is not None and first[0][0] == 0.1
    assert backend.estimate(image, 0.11) is None  # no person was recorded then
    last = backend.estimate(image, 0.19)
    assert last is not None and last[5][0] == 0.3
    assert backend.estimate(image, 5.0) is None  # past the end of the recording
    backend.close()
