"""Reading named body landmarks: index lookup, aspect correction, visibility-weighted midpoints.

Landmarks arrive with x normalised to the image width and y to the height; multiplying x (and z,
which MediaPipe gives on the scale of x) by the aspect ratio (width / height) makes distances and
angles true to the picture. Midpoints of left/right pairs are plain averages while both sides are
reasonably visible (so the body's width cancels out when the camera is turned), and lean toward
the seen side when one is nearly invisible; a left/right swap (a common MediaPipe slip) leaves the
midpoint where it was.
"""

from __future__ import annotations

from collections.abc import Sequence

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS
from backcoach.core.motion.types import Landmark

#: Landmark index by name: the one place where names become list positions.
INDEX: dict[str, int] = {name: i for i, name in enumerate(BLAZEPOSE_LANDMARKS)}

#: Below this visibility a landmark is treated as not seen.
MIN_VISIBILITY = 0.2
#: The weight a barely visible landmark still gets in a midpoint (so weights never vanish).
_MIN_WEIGHT = 0.05
#: At or above this visibility both sides of a pair count fully in a midpoint.
_FULL_WEIGHT_VISIBILITY = 0.3

Landmarks = Sequence[Landmark]


def pair(name: str) -> tuple[int, int]:
    """Indices of ``left_<name>`` and ``right_<name>``."""
    return INDEX["left_" + name], INDEX["right_" + name]


def point(lms: Landmarks, i: int, aspect: float) -> tuple[float, float]:
    """Landmark ``i`` in aspect-corrected image units (x scaled by width / height)."""
    p = lms[i]
    return p[0] * aspect, p[1]


def mid(lms: Landmarks, left: int, right: int, aspect: float) -> tuple[float, float, float]:
    """Midpoint (x, y) of a left/right pair (see the module docstring) and the better visibility."""
    a = lms[left]
    b = lms[right]
    va = a[3]
    vb = b[3]
    wa = 1.0 if va >= _FULL_WEIGHT_VISIBILITY else max(va / _FULL_WEIGHT_VISIBILITY, _MIN_WEIGHT)
    wb = 1.0 if vb >= _FULL_WEIGHT_VISIBILITY else max(vb / _FULL_WEIGHT_VISIBILITY, _MIN_WEIGHT)
    total = wa + wb
    x = (a[0] * wa + b[0] * wb) / total * aspect
    y = (a[1] * wa + b[1] * wb) / total
    return x, y, (va if va > vb else vb)


def point3(lms: Landmarks, i: int, aspect: float) -> tuple[float, float, float]:
    """Landmark ``i`` in 3D (x and z scaled by width / height; z is depth, smaller is nearer)."""
    p = lms[i]
    return p[0] * aspect, p[1], p[2] * aspect


def visibility(lms: Landmarks, i: int) -> float:
    return float(lms[i][3])
