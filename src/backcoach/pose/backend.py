"""The one small interface every pose backend offers: an image in, 33 landmarks (or nothing) out.

Like an HTTP transport, a backend hides where landmarks come from: the real model
(:mod:`backcoach.pose.mediapipe_backend`) or a recorded landmark file
(:mod:`backcoach.pose.replay_backend`). The pipeline, the camera loop and the tests only see this
protocol.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

#: 33 BlazePose landmarks, each ``[x, y, z, visibility]``; x and y normalised to the image given
#: to ``estimate`` (y grows downward).
Landmarks = list[list[float]]


class PoseBackendError(Exception):
    """A backend cannot start or cannot process an image; the message says what to do."""


class PoseBackend(Protocol):
    """Estimates one person's pose per image. Calls must come with increasing ``t``."""

    #: A short model name written into landmark files (for example ``"mediapipe-pose-full"``).
    name: str

    def estimate(self, image_bgr: np.ndarray, t: float) -> Landmarks | None:
        """Landmarks of the person followed at time ``t`` (seconds), or ``None`` if none is seen."""
        ...

    def close(self) -> None:
        """Free the model; the backend must not be used afterwards."""
        ...
