"""Plane geometry on plain floats: angles between segments, in degrees.

Kept free of numpy on purpose: the analysers run per frame on about ten landmarks, where plain
``math`` is many times faster than creating arrays (see benchmarks/motion_accuracy.py).
"""

from __future__ import annotations

import math

_DEG = 180.0 / math.pi


def angle_between_deg(ax: float, ay: float, bx: float, by: float) -> float:
    """Unsigned angle between vectors a and b, 0..180 degrees (0 for a zero vector)."""
    return math.atan2(abs(ax * by - ay * bx), ax * bx + ay * by) * _DEG


def signed_angle_deg(ax: float, ay: float, bx: float, by: float) -> float:
    """Angle that turns vector a onto vector b, -180..180 degrees, positive clockwise on screen.

    Image y grows downward, so a positive cross product is a clockwise turn as seen on screen.
    """
    return math.atan2(ax * by - ay * bx, ax * bx + ay * by) * _DEG


def tilt_from_vertical_deg(dx: float, dy: float) -> float:
    """Unsigned angle between the vector (dx, dy) and straight up on screen, 0..180 degrees."""
    return math.atan2(abs(dx), -dy) * _DEG


def elevation_deg(dx: float, dy: float) -> float:
    """How far the vector (dx, dy) points above the horizontal, -90..90 degrees (up positive)."""
    return math.atan2(-dy, abs(dx)) * _DEG


def length(dx: float, dy: float) -> float:
    return math.sqrt(dx * dx + dy * dy)
