"""Test videos for the benchmarks, made from videos that ship inside installed packages.

There are no real recordings of backcoach's exercises on this machine, so the benchmarks use the
real people of Sports2D's demo video (two people walking and moving about) and variants of it
re-encoded to the sizes the issue names, plus the synthetic body model drawn as a mannequin that
performs the exercises (MediaPipe finds it, but it is not a person). Variants are written to a
temporary folder and deleted afterwards: no video is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import Sports2D

DEMO_VIDEO = Path(Sports2D.__file__).parent / "Demo" / "demo.mp4"


def write_variant(
    src: Path,
    out: Path,
    *,
    size: tuple[int, int] | None = None,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
    max_frames: int | None = None,
    fps: float | None = None,
) -> Path:
    """Re-encode ``src`` to ``out`` (MPEG-4 part 2), resized and/or transformed per frame."""
    capture = cv2.VideoCapture(str(src))
    src_fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    writer: cv2.VideoWriter | None = None
    count = 0
    try:
        while max_frames is None or count < max_frames:
            ok, frame = capture.read()
            if not ok:
                break
            if size is not None:
                frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
            if transform is not None:
                frame = transform(frame)
            if writer is None:
                fourcc = cv2.VideoWriter.fourcc(*"mp4v")
                height, width = frame.shape[:2]
                writer = cv2.VideoWriter(str(out), fourcc, fps or src_fps, (width, height))
            writer.write(frame)
            count += 1
    finally:
        capture.release()
        if writer is not None:
            writer.release()
    return out


@dataclass(frozen=True)
class MannequinVideo:
    """The synthetic body acting out an exercise, drawn as a mannequin, with its ground truth."""

    exercise_id: str
    fps: float
    width: int
    height: int
    points: np.ndarray  # (n, 33, 3): true x, y (normalised) and depth of every landmark
    true_reps: int

    def frames(self, step: int = 1) -> Iterator[tuple[int, np.ndarray]]:
        """(frame index, BGR image) of every ``step``-th frame, drawn on demand."""
        from backcoach.pose.mannequin import background, draw_mannequin, torso_px

        scale = torso_px(self.points, self.width, self.height)
        for index in range(0, len(self.points), step):
            image = background(self.width, self.height)
            draw_mannequin(image, self.points[index], scale)
            yield index, image


def mannequin_video(exercise_id: str, *, reps: int, seed: int) -> MannequinVideo:
    """The synthetic body performing ``reps`` repetitions (1280×720, 30 fps, side view)."""
    from backcoach.synthetic.generate import SequenceSpec, generate
    from backcoach.synthetic.timeline import Attempt

    sided = exercise_id == "hip-flexor-stretch"
    attempts = tuple(
        Attempt(hold_s=4.0, up_s=2.5, down_s=2.5, rest_s=2.0,
                side=("left", "right")[i % 2] if sided else None)
        for i in range(reps)
    )
    sequence = generate(SequenceSpec(exercise_id, attempts=attempts), seed)
    points = sequence.camera.project(sequence.world)
    return MannequinVideo(exercise_id, sequence.fps, sequence.width, sequence.height, points,
                          len(sequence.truth.reps))


def write_mannequin(video: MannequinVideo, out: Path) -> Path:
    """Encode a mannequin video as MP4 (MPEG-4 part 2)."""
    fourcc = cv2.VideoWriter.fourcc(*"mp4v")
    writer = cv2.VideoWriter(str(out), fourcc, video.fps, (video.width, video.height))
    try:
        for _, image in video.frames():
            writer.write(image)
    finally:
        writer.release()
    return out
