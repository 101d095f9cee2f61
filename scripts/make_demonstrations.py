"""Render the web app's demonstration clips from each exercise's motion definition.

    .venv/bin/python scripts/make_demonstrations.py [OUT_DIR]

For every exercise in the catalog, into ``src/backcoach/web/static/demos`` by default:

- ``<id>.webm``: a looping clip at real speed of a person doing one repetition (one per side for
  sided exercises), on the mat or the chair, seen from where the camera should stand;
- ``<id>.png``: a still in the middle of the hold (reduced motion, and the clip's poster);
- ``<id>-placement.png``: a small top view of where to put the camera.

The movement is the synthetic model's (``synthetic.demo.demonstration``: the one motion definition
per exercise), the person, room, mat and chair are the avatar renderer's (``avatar.clip``). Nothing
is random or hand-made: running it again gives the same pictures.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import cv2
import numpy as np

from backcoach.avatar.clip import Staging, write_video
from backcoach.core.catalog import Exercise, load_catalog
from backcoach.synthetic.camera import CameraSpec
from backcoach.synthetic.demo import demonstration

ROOT = Path(__file__).resolve().parents[1]
SIZE = (640, 360)
FPS = 12.0
HOLD_S = 4.0  # the clip shows the movement at real speed; the hold itself is kept short


def render_clip(exercise: Exercise, out: Path) -> tuple[Path, Path]:
    """The looping clip and its still; the still is the middle of the first hold."""
    seq = demonstration(
        exercise.id, reps=2 if exercise.sided else 1, hold_s=HOLD_S, fps=FPS,
        width=SIZE[0], height=SIZE[1],
        camera=CameraSpec(side="left", height_m=exercise.camera.height_m, fill=0.8),
    )  # fmt: skip
    clip = out / f"{exercise.id}.webm"
    write_video(seq, Staging(), clip)
    first = seq.truth.reps[0]
    capture = cv2.VideoCapture(str(clip))
    capture.set(cv2.CAP_PROP_POS_FRAMES, round((first.start + first.end) / 2 * FPS))
    ok, frame = capture.read()
    capture.release()
    if not ok:
        raise SystemExit(f"{clip}: could not read back the clip")
    still = out / f"{exercise.id}.png"
    cv2.imwrite(str(still), frame)
    return clip, still


def _person(image: np.ndarray, centre: tuple[int, int], position: str) -> None:
    """The person seen from above: lying along the mat, or a head and shoulders upright."""
    ink = (60, 50, 40)
    x, y = centre
    if position == "lying":
        cv2.ellipse(image, (x, y), (70, 16), 0, 0, 360, ink, -1)
        cv2.circle(image, (x + 82, y), 13, ink, -1)
    else:
        cv2.ellipse(image, (x, y), (14, 30), 0, 0, 360, ink, -1)
        cv2.circle(image, (x, y), 12, (90, 80, 70), -1)


def render_placement(exercise: Exercise, out: Path) -> Path:
    """A top view: the person (on the mat or chair), the camera where the exercise's ``[camera]``
    table puts it, labelled with its distance, height and view."""
    width, height = 320, 240
    image = np.full((height, width, 3), 245, np.uint8)
    person = (width // 2, 62)
    if exercise.position == "lying":
        cv2.rectangle(image, (person[0] - 100, person[1] - 28), (person[0] + 100, person[1] + 28),
                      (150, 160, 60), -1)  # fmt: skip
    elif exercise.position == "sitting":
        cv2.rectangle(image, (person[0] - 24, person[1] - 24), (person[0] + 24, person[1] + 24),
                      (60, 90, 140), -1)  # fmt: skip
    _person(image, person, exercise.position)
    camera = (width // 2, height - 46)
    half_fov = math.radians(31)
    for sign in (-1, 1):
        end = (int(camera[0] + sign * 150 * math.sin(half_fov)),
               int(camera[1] - 150 * math.cos(half_fov)))  # fmt: skip
        cv2.line(image, camera, end, (120, 120, 120), 1, cv2.LINE_AA)
    cv2.rectangle(image, (camera[0] - 16, camera[1] - 8), (camera[0] + 16, camera[1] + 12),
                  (30, 30, 30), -1)  # fmt: skip
    cv2.circle(image, (camera[0], camera[1] - 8), 6, (30, 30, 30), -1)
    ruler_x = 28
    cv2.arrowedLine(image, (ruler_x, camera[1]), (ruler_x, person[1] + 10), (0, 0, 0), 2,
                    cv2.LINE_AA, tipLength=0.08)  # fmt: skip
    cv2.arrowedLine(image, (ruler_x, person[1] + 10), (ruler_x, camera[1]), (0, 0, 0), 2,
                    cv2.LINE_AA, tipLength=0.08)  # fmt: skip
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(image, exercise.camera.distance_words(), (ruler_x + 8, (camera[1] + person[1]) // 2), font, 0.6,
                (0, 0, 0), 2, cv2.LINE_AA)  # fmt: skip
    # The labels come from the exercise's [camera] table, as the page's words do.
    label = f"camera, {exercise.camera.height_m:.1f} m high, {exercise.camera.view_words()}"
    cv2.putText(image, label, (12, height - 12), font, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    path = out / f"{exercise.id}-placement.png"
    cv2.imwrite(str(path), image)
    return path


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "src/backcoach/web/static/demos"
    out.mkdir(parents=True, exist_ok=True)
    for exercise in load_catalog():
        for path in (*render_clip(exercise, out), render_placement(exercise, out)):
            print(f"{path}: {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
