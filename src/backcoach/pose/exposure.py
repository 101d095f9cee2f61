"""Brightening dim frames before the pose model sees them.

A webcam in a dim room (or dark clothes on a dark floor) gives a picture whose useful detail
sits in the bottom fifth of the grey levels; the pose detector, trained mostly on well-lit
people, then often finds nobody. A gamma curve that lifts the picture's mean brightness to a
normal level spreads that detail out again without clipping the highlights, and it changes no
coordinates, so landmarks need no mapping back. Only the model's copy of the frame is changed:
the annotated video and the camera check's brightness still see the real picture.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

#: Frames whose mean grey level (0-255) is below ``DIM_BELOW`` are brightened towards
#: ``TARGET_MEAN``. Only dark pictures: on the rendered development clips of
#: benchmarks/video_accuracy.py (seeds 2026 and 2027) lifting pictures of mean 64 and 82 made
#: MediaPipe find a lying person in fewer frames, while at 34 it found them in more.
DIM_BELOW = 50.0
TARGET_MEAN = 110.0
#: The strongest curve used (gamma 0.4 lifts grey 20 to about 91): stronger ones mostly
#: amplify sensor noise and compression blocks.
MIN_GAMMA = 0.4
_PROBE_STEP = 4  # the mean is taken on every 4th pixel of every 4th row: plenty, and cheap


def mean_grey(image_bgr: np.ndarray) -> float:
    """The picture's mean brightness, 0-255 (a subsample: exact enough to choose a curve)."""
    sample = image_bgr[::_PROBE_STEP, ::_PROBE_STEP]
    if sample.size == 0:
        return 0.0
    grey = cv2.cvtColor(np.ascontiguousarray(sample), cv2.COLOR_BGR2GRAY)
    return float(np.mean(grey))


def gamma_for(mean: float, target: float = TARGET_MEAN) -> float:
    """The gamma (<= 1) that maps a picture of ``mean`` brightness to about ``target``;
    1 (no change) for a picture that is not dim, or a black one (nothing to lift)."""
    if mean >= min(target, DIM_BELOW) or mean < 1.0:
        return 1.0
    gamma = math.log(target / 255.0) / math.log(mean / 255.0)
    return max(MIN_GAMMA, min(1.0, gamma))


def _curve(gamma: float) -> np.ndarray:
    levels = np.arange(256, dtype=np.float64) / 255.0
    return np.clip(np.round(255.0 * levels**gamma), 0, 255).astype(np.uint8)


class Brightener:
    """Lifts dim frames; one per stream, so the curve changes smoothly and is cached."""

    def __init__(self, target: float = TARGET_MEAN) -> None:
        self.target = target
        self.gamma = 1.0  # the curve wanted now (1 = frames go to the model unchanged)
        self._started = False
        self._table: tuple[float, np.ndarray] | None = None  # (its gamma, the lookup table)

    def __call__(self, image_bgr: np.ndarray) -> np.ndarray:
        wanted = gamma_for(mean_grey(image_bgr), self.target)
        # lighting changes slowly: follow it by a share per frame after the first
        self.gamma = self.gamma + 0.3 * (wanted - self.gamma) if self._started else wanted
        self._started = True
        if self.gamma > 0.98:
            return image_bgr
        if self._table is None or abs(self._table[0] - self.gamma) > 0.01:
            self._table = (self.gamma, _curve(self.gamma))
        return cv2.LUT(image_bgr, self._table[1])
