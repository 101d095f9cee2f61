"""Turning frames so the body stands upright for the pose model, and turning landmarks back.

The pose detector and landmark model are trained mostly on upright people; a person lying on a
mat appears rotated by 90°. Rotating the image by a multiple of 90° is exact (no resampling), and
mapping the landmarks back is a change of coordinates, so the rest of backcoach never sees it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS
from backcoach.pose.backend import Landmarks

#: Clockwise rotations applied to the image before inference.
ROTATIONS_DEG = (0, 90, 180, 270)
_CV2_ROTATE = {
    90: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_COUNTERCLOCKWISE,
}
_INDEX = {name: i for i, name in enumerate(BLAZEPOSE_LANDMARKS)}


def rotate_image(image: np.ndarray, rotation_deg: int) -> np.ndarray:
    """The image turned clockwise by ``rotation_deg`` (a multiple of 90)."""
    if rotation_deg % 360 == 0:
        return image
    return cv2.rotate(image, _CV2_ROTATE[rotation_deg % 360])


def unrotate_landmarks(landmarks: Landmarks, rotation_deg: int) -> Landmarks:
    """Map landmarks found in an image rotated clockwise by ``rotation_deg`` back to the original
    image's normalised coordinates (z and visibility are unchanged)."""
    rotation = rotation_deg % 360
    if rotation == 0:
        return landmarks
    out: Landmarks = []
    for x, y, z, visibility in landmarks:
        if rotation == 90:
            x0, y0 = y, 1.0 - x
        elif rotation == 180:
            x0, y0 = 1.0 - x, 1.0 - y
        else:
            x0, y0 = 1.0 - y, x
        out.append([x0, y0, z, visibility])
    return out


def _midpoint(landmarks: Sequence[Sequence[float]], left: str, right: str) -> tuple[float, float]:
    a, b = landmarks[_INDEX[left]], landmarks[_INDEX[right]]
    return (a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0


def trunk_direction_deg(landmarks: Sequence[Sequence[float]], width: int, height: int) -> float:
    """Direction from mid-hip to mid-shoulder in the image, in degrees clockwise from straight up
    (0 = standing upright, 90 = head to the right, -90 = head to the left)."""
    hip_x, hip_y = _midpoint(landmarks, "left_hip", "right_hip")
    sh_x, sh_y = _midpoint(landmarks, "left_shoulder", "right_shoulder")
    dx, dy = (sh_x - hip_x) * width, (sh_y - hip_y) * height
    return math.degrees(math.atan2(dx, -dy))


def upright_rotation(trunk_deg: float) -> int:
    """The clockwise image rotation (0/90/180/270) that makes a trunk at ``trunk_deg`` upright."""
    return round(-trunk_deg / 90.0) % 4 * 90
