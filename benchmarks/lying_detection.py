"""Lying and seated bodies: detection rate and landmark stability, with and without turning the
image so the body stands upright for the pose model.

    .venv/bin/python benchmarks/lying_detection.py

MediaPipe's issue tracker reports weaker landmarks for people lying down or seated. Two sets of
frames, each analysed frame by frame by the real model (video mode, as ``analyze`` runs it):

* real people: Sports2D's demo video downscaled to 640 px, as recorded (upright reference) and
  turned by 90° both ways so the people lie sideways in the image, analysed as they come and with
  ``PipelineSettings(upright=True)`` (the pipeline turns the image back before inference);
* mannequin: the synthetic body drawn as a filled mannequin lying (knee-to-chest), seated
  (neck flexion) and standing (hip flexor stretch), whose true landmark positions are known.

Printed per condition: detection rate; error = median distance of the key joints (shoulders,
hips, knees, ankles) from the reference (the upright run for real people, the true positions for
the mannequin), in pixels of a 640-px-wide image; jitter = median frame-to-frame second
difference of the key joints (pixels; lower is steadier). The mannequin is not a person: its
figures show the effect of the rotation on MediaPipe, not MediaPipe's accuracy on people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import numpy as np

from _videos import DEMO_VIDEO, mannequin_video
from backcoach.core.catalog import BLAZEPOSE_LANDMARKS
from backcoach.pose.backend import Landmarks
from backcoach.pose.mediapipe_backend import MediaPipePoseBackend
from backcoach.pose.orientation import rotate_image
from backcoach.pose.pipeline import PipelineSettings, PoseTracker
from backcoach.pose.video import downscale

KEY = [
    BLAZEPOSE_LANDMARKS.index(name)
    for name in ("left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_knee",
                 "right_knee", "left_ankle", "right_ankle")
]
WIDTH_PX = 640
STEP = 2  # every 2nd frame (15 fps), as the fast pipeline at most analyses


@dataclass
class Result:
    found: float
    error_px: float
    jitter_px: float


def track(images: Iterable[tuple[float, np.ndarray]], upright: bool) -> list[Landmarks | None]:
    settings = PipelineSettings(every_frame=True, upright=upright)
    tracker = PoseTracker(MediaPipePoseBackend, settings)
    try:
        return [tracker.analyse(image, t) for t, image in images]
    finally:
        tracker.close()


def _xy(landmarks: Landmarks, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(landmarks)[KEY, :2] * size


def score(found: list[Landmarks | None], reference: list[np.ndarray | None],
          size: tuple[int, int]) -> Result:
    errors: list[float] = []
    for got, ref in zip(found, reference, strict=True):
        if got is not None and ref is not None:
            errors.extend(np.linalg.norm(_xy(got, size) - ref, axis=1).tolist())
    jitters: list[float] = []
    for a, b, c in zip(found, found[1:], found[2:], strict=False):
        if a is not None and b is not None and c is not None:
            second = _xy(a, size) - 2 * _xy(b, size) + _xy(c, size)
            jitters.extend(np.linalg.norm(second, axis=1).tolist())
    rate = sum(f is not None for f in found) / max(len(found), 1)
    return Result(rate, float(np.median(errors)) if errors else float("nan"),
                  float(np.median(jitters)) if jitters else float("nan"))


def demo_frames() -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(DEMO_VIDEO))
    frames = []
    index = 0
    while True:
        ok, image = capture.read()
        if not ok:
            break
        if index % STEP == 0:
            frames.append(downscale(image, WIDTH_PX))
        index += 1
    capture.release()
    return frames


def real_people() -> None:
    frames = demo_frames()
    fps = 30.0 / STEP
    height, width = frames[0].shape[:2]
    upright = track(((i / fps, f) for i, f in enumerate(frames)), upright=False)
    reference = [None if lm is None else _xy(lm, (width, height)) for lm in upright]
    print(f"real people (Sports2D demo, {len(frames)} frames at {fps:.0f} fps, {width}x{height})")
    print(f"  {'condition':44} {'found':>6} {'error px':>9} {'jitter px':>10}")
    base = score(upright, reference, (width, height))
    print(f"  {'upright as recorded (reference)':44} {base.found:6.0%} {'-':>9} "
          f"{base.jitter_px:10.2f}")
    for turn in (90, 270):
        turned = [rotate_image(f, turn) for f in frames]
        for upright_on in (False, True):
            found = track(((i / fps, f) for i, f in enumerate(turned)), upright=upright_on)
            back = [None if lm is None else _unturn(lm, turn) for lm in found]
            result = score(back, reference, (width, height))
            label = f"turned {turn}°, " + ("turned upright first" if upright_on else "as is")
            print(f"  {label:44} {result.found:6.0%} {result.error_px:9.2f} "
                  f"{result.jitter_px:10.2f}")


def _unturn(landmarks: Landmarks, turn: int) -> Landmarks:
    """Landmarks of a turned frame back in the original frame's coordinates."""
    from backcoach.pose.orientation import unrotate_landmarks

    return unrotate_landmarks(landmarks, turn)


def mannequins() -> None:
    print(f"mannequin (synthetic body model, every {STEP}nd frame, {WIDTH_PX} px wide)")
    print(f"  {'exercise (posture)':44} {'found':>6} {'error px':>9} {'jitter px':>10}")
    for exercise_id, posture in (("knee-to-chest", "lying"), ("neck-flexion", "seated"),
                                 ("hip-flexor-stretch", "standing")):
        video = mannequin_video(exercise_id, reps=1, seed=3)
        images = [(index / video.fps, downscale(image, WIDTH_PX))
                  for index, image in video.frames(STEP)]
        height, width = images[0][1].shape[:2]
        truth = [video.points[index][KEY, :2] * (width, height)
                 for index in range(0, len(video.points), STEP)]
        for upright_on in (False, True):
            result = score(track(images, upright_on), list(truth), (width, height))
            label = f"{exercise_id} ({posture}), " + ("turned upright" if upright_on else "as is")
            print(f"  {label:44} {result.found:6.0%} {result.error_px:9.2f} "
                  f"{result.jitter_px:10.2f}")


def main() -> None:
    real_people()
    mannequins()


if __name__ == "__main__":
    main()
