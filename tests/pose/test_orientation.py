"""Turning images by quarter turns and mapping landmarks back must be exact."""

from __future__ import annotations

import numpy as np
import pytest

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS
from backcoach.pose.orientation import (
    rotate_image,
    trunk_direction_deg,
    unrotate_landmarks,
    upright_rotation,
)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_marked_pixel_maps_back_to_where_it_was(rotation: int) -> None:
    height, width = 40, 60
    image = np.zeros((height, width, 3), np.uint8)
    x, y = 45, 12
    image[y, x] = 255
    turned = rotate_image(image, rotation)
    ty, tx = np.argwhere(turned[:, :, 0] == 255)[0]
    th, tw = turned.shape[:2]
    # the pixel's centre, normalised in the turned image, mapped back
    found = [[(tx + 0.5) / tw, (ty + 0.5) / th, 0.1, 0.9]]
    (bx, by, z, visibility), = unrotate_landmarks(found, rotation)
    assert bx * width == pytest.approx(x + 0.5)
    assert by * height == pytest.approx(y + 0.5)
    assert (z, visibility) == (0.1, 0.9)


def _body(head: tuple[float, float]) -> list[list[float]]:
    """Hips at the centre, shoulders toward ``head`` (a direction in the image)."""
    landmarks = [[0.5, 0.5, 0.0, 1.0] for _ in BLAZEPOSE_LANDMARKS]
    for name in ("left_shoulder", "right_shoulder"):
        landmarks[BLAZEPOSE_LANDMARKS.index(name)] = [0.5 + head[0], 0.5 + head[1], 0.0, 1.0]
    return landmarks


@pytest.mark.parametrize(
    ("head", "trunk_deg", "rotation"),
    [((0, -0.2), 0, 0), ((-0.2, 0), -90, 90), ((0.2, 0), 90, 270), ((0, 0.2), 180, 180)],
)
def test_a_sideways_body_is_turned_so_the_head_is_up(
    head: tuple[float, float], trunk_deg: float, rotation: int
) -> None:
    body = _body(head)
    assert trunk_direction_deg(body, 100, 100) == pytest.approx(trunk_deg) or abs(trunk_deg) == 180
    assert upright_rotation(trunk_direction_deg(body, 100, 100)) == rotation
    # after turning the image that way, the body is upright
    turned = [[1 - y, x, z, v] for x, y, z, v in body] if rotation == 90 else None
    if turned is not None:
        assert trunk_direction_deg(turned, 100, 100) == pytest.approx(0.0)
