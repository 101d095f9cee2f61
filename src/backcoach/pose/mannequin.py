"""Drawing a simple mannequin from projected body points: test and demo videos without people.

There are no recordings of backcoach's exercises to test with, so benchmarks render the synthetic
body model (``backcoach.synthetic``) as a filled mannequin (skin-coloured head and hands, a shirt,
trousers) and run the real pose model on it. MediaPipe finds such a mannequin in most poses; it
is still not a person, and figures measured on it say so.
"""

from __future__ import annotations

import cv2
import numpy as np

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS

_I = {name: i for i, name in enumerate(BLAZEPOSE_LANDMARKS)}
SKIN_BGR = (150, 180, 225)
SHIRT_BGR = (160, 95, 55)
TROUSERS_BGR = (70, 55, 45)
SHOE_BGR = (35, 35, 35)
HAIR_BGR = (40, 45, 60)
WALL_BGR = (205, 210, 214)
FLOOR_BGR = (150, 160, 170)
_LIMBS = (  # (from, to, colour, width as a fraction of the limb width)
    ("hip", "knee", TROUSERS_BGR, 1.25), ("knee", "ankle", TROUSERS_BGR, 1.0),
    ("ankle", "foot_index", SHOE_BGR, 0.75), ("shoulder", "elbow", SHIRT_BGR, 0.9),
    ("elbow", "wrist", SKIN_BGR, 0.72), ("wrist", "index", SKIN_BGR, 0.6),
)  # fmt: skip


def torso_px(points: np.ndarray, width: int, height: int) -> float:
    """Median shoulder-to-hip distance in pixels over frames ``points`` (n, 33, ≥2) normalised."""
    xy = points[..., :2] * (width, height)
    shoulders = (xy[:, _I["left_shoulder"]] + xy[:, _I["right_shoulder"]]) / 2
    hips = (xy[:, _I["left_hip"]] + xy[:, _I["right_hip"]]) / 2
    return float(np.median(np.linalg.norm(shoulders - hips, axis=-1)))


def background(width: int, height: int, floor_from: float = 0.78) -> np.ndarray:
    """A plain wall and floor."""
    image = np.empty((height, width, 3), np.uint8)
    image[:] = WALL_BGR
    image[int(height * floor_from) :] = FLOOR_BGR
    return image


def _pt(xy: np.ndarray) -> tuple[int, int]:
    return int(xy[0]), int(xy[1])


def draw_mannequin(image: np.ndarray, points: np.ndarray, torso_len_px: float) -> None:
    """Draw one body in place. ``points`` (33, 3): x, y normalised to the image, and depth (any
    unit, larger = farther) to draw the far side first."""
    height, width = image.shape[:2]
    xy = points[:, :2] * (width, height)
    depth = points[:, 2]
    limb_w = max(3.0, 0.24 * torso_len_px)

    def side_limbs(side: str) -> None:
        for a, b, colour, scale in _LIMBS:
            pa, pb = xy[_I[f"{side}_{a}"]], xy[_I[f"{side}_{b}"]]
            w = max(2, int(limb_w * scale))
            cv2.line(image, _pt(pa), _pt(pb), colour, w, cv2.LINE_AA)
            cv2.circle(image, _pt(pb), w // 2, colour, -1, cv2.LINE_AA)

    near_left = depth[_I["left_hip"]] + depth[_I["left_shoulder"]] < (
        depth[_I["right_hip"]] + depth[_I["right_shoulder"]]
    )
    far, near = ("right", "left") if near_left else ("left", "right")
    side_limbs(far)
    torso = np.array([xy[_I[n]] for n in ("left_shoulder", "right_shoulder", "right_hip",
                                          "left_hip")], np.float32)
    hull = cv2.convexHull(torso.astype(np.int32))
    cv2.fillConvexPoly(image, hull, SHIRT_BGR, cv2.LINE_AA)
    shoulder = (xy[_I["left_shoulder"]] + xy[_I["right_shoulder"]]) / 2
    hip = (xy[_I["left_hip"]] + xy[_I["right_hip"]]) / 2
    cv2.line(image, _pt(shoulder), _pt(hip), SHIRT_BGR, int(limb_w * 1.9), cv2.LINE_AA)
    ear = (xy[_I["left_ear"]] + xy[_I["right_ear"]]) / 2
    cv2.line(image, _pt(shoulder), _pt(ear), SKIN_BGR, int(limb_w * 0.8), cv2.LINE_AA)
    radius = max(3, int(0.24 * torso_len_px))
    nose = xy[_I["nose"]]
    back_of_head = ear - (nose - ear) * 0.35
    cv2.circle(image, _pt(back_of_head), int(radius * 0.92), HAIR_BGR, -1, cv2.LINE_AA)
    cv2.circle(image, _pt((ear + nose) / 2), radius, SKIN_BGR, -1, cv2.LINE_AA)
    for eye in ("left_eye", "right_eye"):
        cv2.circle(image, _pt(xy[_I[eye]]), max(1, radius // 7), (30, 30, 30), -1, cv2.LINE_AA)
    cv2.circle(image, _pt(nose), max(1, radius // 6), (120, 150, 205), -1, cv2.LINE_AA)
    cv2.line(image, _pt(xy[_I["mouth_left"]]), _pt(xy[_I["mouth_right"]]), (70, 70, 160),
             max(1, radius // 10), cv2.LINE_AA)
    side_limbs(near)
