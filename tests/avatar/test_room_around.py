"""The room grows to hold the camera (avatar/clip.py: room_around)."""

from __future__ import annotations

import numpy as np

from backcoach.avatar.clip import room_around
from backcoach.avatar.scene import ROOMS
from backcoach.synthetic.camera import Camera

CENTRE = np.array([0.0, 0.5, 0.0])


def _camera_at(x: float, z: float) -> Camera:
    position = np.array([x, 1.0, z])
    forward = (CENTRE - position) / np.linalg.norm(CENTRE - position)
    return Camera(position, forward, np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]),
                  500.0, 640, 360)  # fmt: skip


def test_a_camera_inside_the_room_leaves_it_as_it_is() -> None:
    room = ROOMS["bright"]
    assert room_around(room, CENTRE, _camera_at(1.0, 2.0), None) is room


def test_a_camera_beyond_a_wall_moves_the_wall_behind_it() -> None:
    room = ROOMS["bright"]
    bigger = room_around(room, CENTRE, _camera_at(-1.7, room.half_size_m + 0.3))
    assert bigger.half_size_m >= room.half_size_m + 0.3 + 0.5
    assert bigger.floor == room.floor and bigger.walls == room.walls  # the same room, larger
