"""Camera placement around the body and projection to BlazePose-style landmarks.

The convention follows MediaPipe Pose: ``x`` and ``y`` normalised to the image width and height
(``y`` grows downward), ``z`` the depth relative to the hip midpoint in roughly the same units as
``x`` (smaller is nearer the camera), and a visibility in 0..1 that is lower for landmarks on the
far side of the body and for landmarks outside the image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS
from backcoach.synthetic.skeleton import INDEX, Array, Posture, Side, body_axes

_SIDE_SIGN = np.array(
    [1.0 if n.startswith("left") else -1.0 if n.startswith("right") else 0.0
     for n in BLAZEPOSE_LANDMARKS]
)  # fmt: skip
# How reliably BlazePose reports each landmark when it faces the camera (hands and feet less).
_BASE_VISIBILITY = np.array(
    [0.93 if any(k in n for k in ("pinky", "index", "thumb", "heel", "foot")) else 0.985
     for n in BLAZEPOSE_LANDMARKS]
)  # fmt: skip


@dataclass(frozen=True)
class CameraSpec:
    """Where the camera stands, relative to the person.

    ``side`` is the person's own side that faces the camera: seen from their left, a standing or
    seated person faces the image's left and a person lying on the back has the head at the
    image's right (and the other way round from their right). ``yaw_deg`` turns the camera about
    the vertical through the body from the pure side view (either sign, up to about 35 degrees);
    ``fill`` is the fraction of the image the whole movement spans; ``height_m`` is the lens
    height above the floor (``None``: a typical height for the posture).
    """

    side: Side = "left"
    yaw_deg: float = 0.0
    height_m: float | None = None
    roll_deg: float = 0.0
    fill: float = 0.7
    fov_deg: float = 62.0
    offset: tuple[float, float] = (0.0, 0.0)  # the body off the image centre (fractions)


@dataclass(frozen=True)
class Camera:
    """A placed pinhole camera (world metres; image in pixels)."""

    position: Array
    forward: Array
    right: Array
    up: Array
    focal_px: float
    width: int
    height: int
    offset: tuple[float, float] = (0.0, 0.0)

    def project(self, world: Array) -> Array:
        """(..., 3) world points -> (..., 3): x and y normalised to the image, depth in metres."""
        rel = world - self.position
        depth = rel @ self.forward
        safe = np.where(np.abs(depth) < 1e-6, 1e-6, depth)
        x = (self.width / 2 + self.focal_px * (rel @ self.right) / safe) / self.width
        y = (self.height / 2 - self.focal_px * (rel @ self.up) / safe) / self.height
        x, y = x + self.offset[0], y + self.offset[1]
        return np.stack([x, y, depth], axis=-1)


_TYPICAL_HEIGHT_M = {"lying": 0.7, "sitting": 0.95, "standing": 1.1}


def _look_at(position: Array, target: Array, roll_deg: float) -> tuple[Array, Array, Array]:
    forward = target - position
    forward = forward / np.linalg.norm(forward)
    right = np.cross(forward, np.array([0.0, 1.0, 0.0]))
    right = right / np.linalg.norm(right)
    up = np.cross(right, forward)
    roll = np.radians(roll_deg)
    right, up = right * np.cos(roll) + up * np.sin(roll), up * np.cos(roll) - right * np.sin(roll)
    return forward, right, up


def place_camera(
    spec: CameraSpec, world: Array, posture: Posture, heading_deg: float, width: int, height: int
) -> Camera:
    """Aim so the picture of all ``world`` points (n, 33, 3) is centred in the image, and back
    off until it fills ``spec.fill`` of the image."""
    flat = world[:: max(1, len(world) // 400)].reshape(-1, 3)  # a few hundred poses suffice
    low, high = flat.min(axis=0), flat.max(axis=0)
    centre = (low + high) / 2
    toward = body_axes(posture, heading_deg)["left"] * (1.0 if spec.side == "left" else -1.0)
    yaw = np.radians(spec.yaw_deg)
    toward = np.array(
        [toward[0] * np.cos(yaw) + toward[2] * np.sin(yaw), 0.0,
         -toward[0] * np.sin(yaw) + toward[2] * np.cos(yaw)]
    )  # fmt: skip
    lens_y = spec.height_m if spec.height_m is not None else _TYPICAL_HEIGHT_M[posture]
    focal = (width / 2) / np.tan(np.radians(spec.fov_deg) / 2)
    distance = 3.0
    aim = centre.copy()
    for _ in range(6):
        position = centre + toward * distance
        position[1] = lens_y
        forward, right, up = _look_at(position, aim, spec.roll_deg)
        cam = Camera(position, forward, right, up, float(focal), width, height)
        xy = cam.project(flat)[:, :2]
        span = max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]))
        # Seen at an angle, the near end of the body looks bigger than the far end, so aiming
        # at the body's centre puts the picture of it off-centre (a head or feet outside the
        # frame at 40 degrees of yaw): aim where the picture's middle lands on the body.
        mid_x = (xy[:, 0].min() + xy[:, 0].max()) / 2 - 0.5
        mid_y = (xy[:, 1].min() + xy[:, 1].max()) / 2 - 0.5
        depth = float((centre - position) @ forward)
        aim = aim + (right * mid_x * width - up * mid_y * height) * depth / focal
        distance *= span / spec.fill
        distance = float(np.clip(distance, 0.8, 15.0))
    position = centre + toward * distance
    position[1] = lens_y
    forward, right, up = _look_at(position, aim, spec.roll_deg)
    return Camera(position, forward, right, up, float(focal), width, height, spec.offset)


def to_landmarks(
    camera: Camera, world: Array, person_left: Array, far_visibility_drop: float = 0.38
) -> Array:
    """World points (n, 33, 3) -> noiseless landmarks (n, 33, 4): x, y, z, visibility."""
    proj = camera.project(world)
    hip_mid = (world[:, INDEX["left_hip"]] + world[:, INDEX["right_hip"]]) / 2
    hip_depth = (hip_mid - camera.position) @ camera.forward
    z = (proj[:, :, 2] - hip_depth[:, None]) * camera.focal_px / hip_depth[:, None] / camera.width
    toward = camera.position - hip_mid
    toward /= np.linalg.norm(toward, axis=-1, keepdims=True)
    facing = (toward @ person_left)[:, None] * _SIDE_SIGN[None, :]  # +1 near side, -1 far side
    vis = _BASE_VISIBILITY[None, :] - np.where(facing < 0, far_visibility_drop * -facing, 0.0)
    inside = (proj[:, :, 0] > 0) & (proj[:, :, 0] < 1) & (proj[:, :, 1] > 0) & (proj[:, :, 1] < 1)
    vis = np.where(inside, vis, vis * 0.25)
    return np.stack([proj[:, :, 0], proj[:, :, 1], z, vis], axis=-1)


def far_side_mask(camera: Camera, world: Array, person_left: Array) -> Array:
    """(33,) booleans: landmarks on the side of the body turned away from the camera."""
    centre = world.reshape(-1, 3).mean(axis=0)
    toward = camera.position - centre
    return np.asarray((toward @ person_left) * _SIDE_SIGN < 0)
