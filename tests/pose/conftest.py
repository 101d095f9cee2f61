"""Video fixtures for the pose tests: real people from an installed package, made short.

Sports2D ships ``Demo/demo.mp4`` (two people walking and moving about, 1768×994, 30 fps, VP9).
Tests use trimmed, smaller re-encodings of it so the real model runs for seconds, not minutes;
they are written to pytest's temporary folders, never kept.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest


def _demo_video() -> Path:
    """Where sports2d (installed by the Makefile, without its dependencies) keeps its demo."""
    spec = importlib.util.find_spec("Sports2D")
    assert spec is not None and spec.origin, "install sports2d (see the Makefile) for its demo"
    return Path(spec.origin).parent / "Demo" / "demo.mp4"


def reencode(
    src: Path,
    out: Path,
    *,
    seconds: float,
    width: int = 960,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Path:
    """The first ``seconds`` of ``src`` resized to ``width`` px, as MP4 (MPEG-4 part 2)."""
    capture = cv2.VideoCapture(str(src))
    fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    writer = None
    for _ in range(round(seconds * fps)):
        ok, frame = capture.read()
        if not ok:
            break
        height = round(frame.shape[0] * width / frame.shape[1])
        frame = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
        if transform is not None:
            frame = transform(frame)
        if writer is None:
            size = (frame.shape[1], frame.shape[0])
            writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
        writer.write(frame)
    capture.release()
    assert writer is not None
    writer.release()
    return out


def write_video(out: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return out


WriteVideo = Callable[..., Path]


@pytest.fixture(scope="session")
def make_video() -> WriteVideo:
    """``make_video(path, frames, fps=30.0)`` writes frames as an MP4 and returns the path."""
    return write_video


@pytest.fixture(scope="session")
def make_reencoded() -> Callable[..., Path]:
    """``make_reencoded(src, out, seconds=..., width=..., transform=...)`` (see ``reencode``)."""
    return reencode


@pytest.fixture(scope="session")
def demo_video() -> Path:
    """Sports2D's demo video as shipped (1768×994, 30 fps, VP9, 7.7 s)."""
    path = _demo_video()
    assert path.is_file(), f"{path}: the sports2d package ships this video"
    return path


@pytest.fixture(scope="session")
def demo_3s(tmp_path_factory: pytest.TempPathFactory, demo_video: Path) -> Path:
    """The first 3 seconds of the demo video, 960 px wide."""
    return reencode(demo_video, tmp_path_factory.mktemp("video") / "demo3s.mp4", seconds=3.0)


@pytest.fixture(scope="session")
def blank_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds of an empty room (no person), 320×240."""
    frames = []
    for i in range(60):
        frame = np.full((240, 320, 3), 200, np.uint8)
        cv2.rectangle(frame, (20 + i, 150), (120 + i, 230), (90, 110, 130), -1)  # some furniture
        frames.append(frame)
    return write_video(tmp_path_factory.mktemp("video") / "empty_room.mp4", frames)


@pytest.fixture(scope="session")
def mannequin_knee_to_chest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The synthetic body doing one knee-to-chest repetition, drawn as a mannequin (640×360);
    returns the video and the true count. Not a person, but the real model finds it."""
    from dataclasses import replace

    from backcoach.pose.mannequin import background, draw_mannequin, torso_px
    from backcoach.synthetic import generate, simple_spec

    spec = replace(simple_spec("knee-to-chest", reps=1, hold_s=3.0), width=640, height=360)
    sequence = generate(spec, seed=4)
    points = sequence.camera.project(sequence.world)
    scale = torso_px(points, spec.width, spec.height)
    frames = []
    for frame_points in points:
        image = background(spec.width, spec.height)
        draw_mannequin(image, frame_points, scale)
        frames.append(image)
    path = write_video(tmp_path_factory.mktemp("video") / "knee_to_chest.mp4", frames,
                       sequence.fps)
    return path, sequence.truth.count
