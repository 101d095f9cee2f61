"""A pose backend that plays recorded landmarks instead of running a model.

For fast tests and demos: the pipeline, the annotated video and the camera loop can run on a
landmark file in milliseconds. ``estimate`` ignores the pixels and returns the recorded frame
nearest in time to ``t``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from backcoach.core.motion.types import PoseFrame
from backcoach.pose.backend import Landmarks


class ReplayBackend:
    """Returns the recorded landmarks nearest to each requested time (``None`` past the end)."""

    def __init__(self, frames: Iterable[PoseFrame], *, name: str = "replay") -> None:
        self._frames = sorted(frames, key=lambda frame: frame.t)
        self._times = [frame.t for frame in self._frames]
        self.name = name
        gaps = np.diff(self._times) if len(self._times) > 1 else np.array([1.0])
        self._tolerance_s = float(np.median(gaps)) if len(gaps) else 1.0

    @classmethod
    def from_file(cls, path: Path) -> ReplayBackend:
        """Play a backcoach landmark file (see :mod:`backcoach.pose.landmark_file`)."""
        from backcoach.pose.landmark_file import read_landmark_file

        header, frames = read_landmark_file(path)
        return cls(list(frames), name=f"replay:{header.model}")

    def estimate(self, image_bgr: np.ndarray, t: float) -> Landmarks | None:
        del image_bgr  # the recording replaces the image
        if not self._frames:
            return None
        i = bisect.bisect_left(self._times, t)
        candidates = [j for j in (i - 1, i) if 0 <= j < len(self._frames)]
        best = min(candidates, key=lambda j: abs(self._times[j] - t))
        if abs(self._times[best] - t) > self._tolerance_s:
            return None
        landmarks = self._frames[best].landmarks
        return None if landmarks is None else [list(map(float, lm)) for lm in landmarks]

    def close(self) -> None:
        self._frames = []
        self._times = []
