"""Render a synthetic sequence (``synthetic.generate``) as a video of a clothed person in a room.

The sequence supplies the movement (its exact 3D landmarks, from the shared exercise definitions)
and the camera; this module dresses the body, settles it on the floor, mat or chair, and draws
every frame. Frames are RGB ``uint8`` arrays; ``degrade.py`` makes them look like a webcam's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from backcoach.avatar import assets
from backcoach.avatar.assets import Array
from backcoach.avatar.body import Look, ShapedBody, shaped_body
from backcoach.avatar.degrade import Degrader, Webcam
from backcoach.avatar.render import Renderer
from backcoach.avatar.scene import (
    MAT_TOP_M,
    ROOMS,
    Geometry,
    Room,
    add_camera_marker,
    add_chair,
    add_mat,
    room_geometry,
)
from backcoach.avatar.skinning import pose_vertices
from backcoach.synthetic.camera import Camera
from backcoach.synthetic.generate import SyntheticSequence
from backcoach.synthetic.poses import posture_of
from backcoach.synthetic.skeleton import INDEX, body_axes

_CHUNK = 32  # frames skinned at once
_WALL_CLEARANCE_M = 0.6  # the wall behind a camera is at least this far behind it


@dataclass(frozen=True)
class Staging:
    """How a sequence is shown: who, where, and (optionally) another camera than the sequence's."""

    look: Look = field(default_factory=Look)
    room: Room = field(default_factory=lambda: ROOMS["bright"])
    camera: Camera | None = None
    show_camera: Camera | None = None  # draw this camera on a tripod (placement pictures)


def settle(vertices: Array, posture: str) -> Array:
    """Shift each posed frame vertically so the body rests on the mat or the floor."""
    skin = assets.base_mesh().groups["body"]
    lowest = vertices[:, skin, 1].min(axis=1)
    floor = MAT_TOP_M if posture == "lying" else 0.0
    return np.asarray(vertices - (lowest - floor)[:, None, None] * np.array([0, 1, 0]))


def room_around(room: Room, centre: Array, *cameras: Camera | None) -> Room:
    """``room``, made larger if a camera would stand outside it: a person films from inside
    their room, and a wall between the lens and the body would hide them (a standing body
    filled to 80 % of a narrow lens's picture needs the camera about 5 m away)."""
    need = room.half_size_m
    for camera in cameras:
        if camera is not None:
            off = np.abs(np.asarray(camera.position)[[0, 2]] - centre[[0, 2]])
            need = max(need, float(off.max()) + _WALL_CLEARANCE_M)
    return room if need == room.half_size_m else replace(room, half_size_m=need)


def _scene(seq: SyntheticSequence, staging: Staging, body: ShapedBody, first: Array) -> Geometry:
    posture = posture_of(seq.spec.exercise_id)
    axes = body_axes(posture, seq.spec.heading_deg)  # type: ignore[arg-type]
    hips = (seq.world[0, INDEX["left_hip"]] + seq.world[0, INDEX["right_hip"]]) / 2
    centre = seq.world.reshape(-1, 3).mean(axis=0)
    room = room_around(staging.room, centre, staging.camera or seq.camera, staging.show_camera)
    geometry = room_geometry(room, centre)
    if staging.show_camera is not None:
        shown = staging.show_camera
        add_camera_marker(geometry, shown.position, shown.position + shown.forward)
    if posture == "lying":
        add_mat(geometry, room, centre, axes["superior"], body.look.height_m)
    elif posture == "sitting":
        skin = assets.base_mesh().groups["body"]
        near_hips = skin[np.linalg.norm(first[skin] - hips, axis=1) < 0.25]
        seat_y = float(first[near_hips, 1].min())
        facing = axes["anterior"]
        add_chair(geometry, room, hips - facing * 0.04 + [0, seat_y - hips[1], 0], facing)
    return geometry


def render_frames(
    seq: SyntheticSequence, staging: Staging, renderer: Renderer | None = None
) -> Iterator[NDArray[np.uint8]]:
    """Yield the sequence's frames as RGB images of its size (``seq.width`` × ``seq.height``)."""
    camera = staging.camera or seq.camera
    own = renderer is None
    renderer = renderer or Renderer(camera.width, camera.height)
    body = shaped_body(staging.look)
    posture = posture_of(seq.spec.exercise_id)
    renderer.set_body(assets.base_mesh().triangles, body.colours)
    first, _ = pose_vertices(body, seq.world[:1])
    first = settle(first, posture)[0]
    renderer.set_scene(_scene(seq, staging, body, first))
    centre = seq.world.reshape(-1, 3).mean(axis=0)
    try:
        for start in range(0, len(seq.world), _CHUNK):
            vertices, normals = pose_vertices(body, seq.world[start : start + _CHUNK])
            vertices = settle(vertices, posture)
            for v, n in zip(vertices, normals, strict=True):
                yield renderer.render(camera, staging.room, v, n, centre)
    finally:
        if own:
            renderer.release()


def write_video(
    seq: SyntheticSequence,
    staging: Staging,
    path: Path,
    webcam: Webcam | None = None,
    seed: int = 0,
) -> int:
    """Render ``seq`` to a video file (MP4 by its suffix; WebM works too); returns the frame
    count. ``webcam`` degrades every frame as a cheap camera would."""
    camera = staging.camera or seq.camera
    fourcc = cv2.VideoWriter.fourcc(*("VP80" if path.suffix == ".webm" else "mp4v"))
    writer = cv2.VideoWriter(str(path), fourcc, seq.fps, (camera.width, camera.height))
    if not writer.isOpened():
        raise OSError(f"{path}: cannot open a video writer")
    degrade = Degrader(webcam or Webcam(), seed)
    count = 0
    try:
        for frame in render_frames(seq, staging):
            writer.write(np.ascontiguousarray(degrade(frame)[:, :, ::-1]))
            count += 1
    finally:
        writer.release()
    return count
