"""Make clean renders look like a webcam's: blur, sensor noise, compression, shake, exposure.

Every effect is seeded, so a clip renders the same every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]


@dataclass(frozen=True)
class Webcam:
    """How poor the camera is. All zero: the clean render."""

    blur_px: float = 0.0  # Gaussian blur sigma (focus, motion)
    noise: float = 0.0  # sensor noise, standard deviation in 0..255 units
    jpeg_quality: int = 0  # 0: none; else each frame is JPEG-compressed at this quality
    shake_px: float = 0.0  # hand-held or wobbly mount: smooth random image shift
    exposure: float = 1.0  # brightness gain (below 1: a dim room, a cheap sensor)
    downscale: float = 1.0  # captured at this fraction of the size, then scaled back up


class Degrader:
    """Applies a ``Webcam`` to consecutive frames (the shake is smooth over time)."""

    def __init__(self, webcam: Webcam, seed: int) -> None:
        self.webcam = webcam
        self._rng = np.random.default_rng(seed)
        self._shake = np.zeros(2)

    def __call__(self, image: Image) -> Image:
        cam = self.webcam
        out: Any = image
        h, w = image.shape[:2]
        if cam.downscale < 1.0:
            size = (max(1, int(w * cam.downscale)), max(1, int(h * cam.downscale)))
            small = cv2.resize(out, size, interpolation=cv2.INTER_AREA)
            out = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
        if cam.shake_px > 0:
            self._shake = 0.85 * self._shake + self._rng.normal(0, cam.shake_px * 0.5, 2)
            shift = np.array([[1, 0, self._shake[0]], [0, 1, self._shake[1]]], dtype=np.float32)
            out = cv2.warpAffine(out, shift, (w, h), borderMode=cv2.BORDER_REPLICATE)
        if cam.blur_px > 0:
            out = cv2.GaussianBlur(out, (0, 0), cam.blur_px)
        if cam.exposure != 1.0 or cam.noise > 0:
            pixels = out.astype(np.float32) * cam.exposure
            if cam.noise > 0:
                pixels += self._rng.normal(0, cam.noise, pixels.shape).astype(np.float32)
            out = np.clip(pixels, 0, 255).astype(np.uint8)
        if cam.jpeg_quality > 0:
            ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, cam.jpeg_quality])
            if ok:
                out = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
        return np.ascontiguousarray(out)
