"""The room around the person: floor, walls, a rug or cupboard, the exercise mat and a chair.

Geometry is plain coloured boxes (flat triangles with normals), enough for a pose model to see a
person in a furnished room rather than on a blank background. Positions are world metres, ``y``
up, floor at ``y = 0``, the same frame as ``synthetic.skeleton``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from backcoach.avatar.assets import Array

Rgb = tuple[float, float, float]
MAT_TOP_M = 0.012


@dataclass(frozen=True)
class Room:
    """A room's colours and light. ``light_deg`` is the sun's (azimuth, elevation)."""

    floor: Rgb = (0.55, 0.40, 0.26)
    walls: Rgb = (0.85, 0.83, 0.78)
    mat: Rgb = (0.30, 0.55, 0.50)
    chair: Rgb = (0.45, 0.30, 0.18)
    furniture: Rgb = (0.35, 0.35, 0.40)
    sun: float = 0.85
    ambient: float = 0.35
    light_deg: tuple[float, float] = (35.0, 55.0)
    warmth: Rgb = (1.0, 0.97, 0.92)
    half_size_m: float = 4.0


ROOMS: dict[str, Room] = {
    "bright": Room(),
    "dim": Room(sun=0.45, ambient=0.22, walls=(0.70, 0.72, 0.75), light_deg=(-60.0, 35.0)),
    "warm": Room(floor=(0.35, 0.25, 0.18), walls=(0.88, 0.78, 0.62),
                 warmth=(1.0, 0.86, 0.70), mat=(0.55, 0.20, 0.35), light_deg=(120.0, 45.0)),
    "dark_floor": Room(floor=(0.12, 0.11, 0.11), walls=(0.45, 0.45, 0.48), mat=(0.10, 0.10, 0.12),
                       sun=0.7, ambient=0.3, light_deg=(200.0, 60.0)),
}  # fmt: skip


@dataclass
class Geometry:
    """Triangles as flat arrays: positions, normals and colours, three rows per triangle."""

    positions: list[Array] = field(default_factory=list)
    normals: list[Array] = field(default_factory=list)
    colours: list[Array] = field(default_factory=list)

    def box(self, low: Array, high: Array, colour: Rgb, yaw_deg: float = 0.0,
            about: Array | None = None) -> None:  # fmt: skip
        """An axis-aligned box from ``low`` to ``high``, turned ``yaw_deg`` about ``about``."""
        corners = np.array([[x, y, z] for x in (low[0], high[0]) for y in (low[1], high[1])
                            for z in (low[2], high[2])])  # fmt: skip
        quads = [(0, 1, 3, 2, (-1, 0, 0)), (4, 6, 7, 5, (1, 0, 0)), (0, 4, 5, 1, (0, -1, 0)),
                 (2, 3, 7, 6, (0, 1, 0)), (0, 2, 6, 4, (0, 0, -1)),
                 (1, 5, 7, 3, (0, 0, 1))]  # fmt: skip
        turn = _yaw(yaw_deg)
        centre = np.zeros(3) if about is None else about
        for a, b, c, d, n in quads:
            tri = corners[[a, b, c, a, c, d]]
            self.positions.append((tri - centre) @ turn.T + centre)
            self.normals.append(np.tile(turn @ np.asarray(n, dtype=np.float64), (6, 1)))
            self.colours.append(np.tile(np.asarray(colour), (6, 1)))

    def arrays(self) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
        return (np.concatenate(self.positions).astype(np.float32),
                np.concatenate(self.normals).astype(np.float32),
                np.concatenate(self.colours).astype(np.float32))  # fmt: skip


def _yaw(deg: float) -> Array:
    a = np.radians(deg)
    return np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])


def room_geometry(room: Room, centre: Array) -> Geometry:
    """Floor, four walls and some furniture around ``centre`` (x, z of the person)."""
    g = Geometry()
    s = room.half_size_m
    cx, cz = float(centre[0]), float(centre[2])
    g.box(np.array([cx - s, -0.02, cz - s]), np.array([cx + s, 0.0, cz + s]), room.floor)
    for dx, dz in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        x0, z0 = cx + dx * s, cz + dz * s
        half = np.array([0.05 if dx else s, 0, 0.05 if dz else s])
        g.box(np.array([x0, 0, z0]) - half, np.array([x0, 2.7, z0]) + half, room.walls)
        # skirting board, a picture frame and a cupboard against each wall
        g.box(np.array([x0, 0, z0]) - half * 1.02 - [0, 0, 0],
              np.array([x0, 0.08, z0]) + half * 1.02, (0.95, 0.95, 0.93))  # fmt: skip
    g.box(np.array([cx + s - 0.5, 0, cz - 1.2]), np.array([cx + s - 0.05, 0.9, cz + 0.2]),
          room.furniture)  # fmt: skip
    g.box(np.array([cx - 1.0, 0, cz - s + 0.05]), np.array([cx + 0.6, 0.75, cz - s + 0.5]),
          room.furniture)  # fmt: skip
    g.box(np.array([cx - 0.6, 1.3, cz + s - 0.08]), np.array([cx + 0.4, 1.9, cz + s - 0.05]),
          (0.3, 0.45, 0.6))  # fmt: skip
    return g


def yaw_towards(direction: Array) -> float:
    """The ``Geometry.box`` yaw that turns the box's +x axis to the horizontal ``direction``."""
    return float(np.degrees(np.arctan2(-direction[2], direction[0])))


def add_mat(g: Geometry, room: Room, centre: Array, along: Array, length_m: float) -> None:
    """An exercise mat under a person lying along the horizontal direction ``along``."""
    c = np.array([centre[0], 0.0, centre[2]])
    half = np.array([length_m / 2 + 0.15, 0, 0.33])
    g.box(c - half, c + half + [0, MAT_TOP_M, 0], room.mat, yaw_towards(along), c)


def add_chair(g: Geometry, room: Room, seat: Array, facing: Array, seat_m: float = 0.44) -> None:
    """A chair with its seat top at ``seat`` (under the person's buttocks), facing ``facing``;
    the backrest is behind the person."""
    c = np.array([seat[0], 0.0, seat[2]])
    top = float(seat[1])
    w = seat_m / 2
    turn = yaw_towards(-facing)

    def part(low: tuple[float, float, float], high: tuple[float, float, float]) -> None:
        g.box(c + np.array(low), c + np.array(high), room.chair, turn, c)

    part((-w, top - 0.04, -w), (w, top, w))  # seat
    for sx in (-1, 1):
        for sz in (-1, 1):
            x, z = sx * (w - 0.03), sz * (w - 0.03)
            part((x - 0.02, 0, z - 0.02), (x + 0.02, top - 0.04, z + 0.02))  # legs
    part((w - 0.03, top, -w), (w + 0.01, top + 0.45, w))  # backrest


def add_camera_marker(g: Geometry, position: Array, toward: Array) -> None:
    """A camera on a tripod at ``position`` (the lens), looking at ``toward``: for placement
    pictures that show where the camera goes."""
    look = toward - position
    facing = np.array([look[0], 0.0, look[2]])
    facing /= max(float(np.linalg.norm(facing)), 1e-9)
    turn = yaw_towards(facing)
    lens = np.asarray(position, dtype=np.float64)
    g.box(lens - np.array([0.06, 0.05, 0.08]), lens + np.array([0.06, 0.05, 0.08]),
          (0.08, 0.08, 0.09), turn, lens)  # fmt: skip
    g.box(lens - np.array([-0.06, 0.025, 0.025]), lens + np.array([0.11, 0.025, 0.025]),
          (0.02, 0.02, 0.02), turn, lens)  # fmt: skip
    for angle in (0.0, 120.0, 240.0):
        a = np.radians(angle)
        foot = lens + np.array([0.18 * np.cos(a), -lens[1], 0.18 * np.sin(a)])
        mid = (lens + foot) / 2
        g.box(mid - np.array([0.012, lens[1] / 2, 0.012]),
              mid + np.array([0.012, lens[1] / 2, 0.012]), (0.15, 0.15, 0.16))  # fmt: skip
