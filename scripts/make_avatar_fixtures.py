"""Render the small avatar test clips committed under ``tests/fixtures/avatar/``.

    .venv/bin/python scripts/make_avatar_fixtures.py [OUT_DIR]

Each clip is a short, low-resolution MP4 of the rendered person doing one exercise (the start
postures the issue found hard: hook lying, a forward head, feet apart), with a ``.truth.json``
beside it (repetitions and sides from the synthetic ground truth). ``tests/pose/
test_avatar_videos.py`` runs the real MediaPipe model and the analysers on them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from backcoach.avatar.body import SKIN_TONES, Look
from backcoach.avatar.clip import Staging, write_video
from backcoach.avatar.degrade import Webcam
from backcoach.avatar.scene import ROOMS
from backcoach.synthetic import generate
from backcoach.synthetic.camera import CameraSpec
from backcoach.synthetic.generate import SequenceSpec
from backcoach.synthetic.skeleton import BodyShape
from backcoach.synthetic.timeline import Attempt

ROOT = Path(__file__).resolve().parents[1]
SIZE = (480, 270)
FPS = 10.0

CLIPS = {
    "knee-to-chest-hook-lying": (
        "knee-to-chest", "knees_bent", (Attempt("rep", 3.5, 2.0, 2.0, 1.5, amplitude=0.5),),
        CameraSpec(side="left", yaw_deg=-15, height_m=0.45, fill=0.75),
        Look(sex="female", height_m=1.64, skin=SKIN_TONES[4]), "bright",
    ),
    "neck-flexion-forward-head": (
        "neck-flexion", "forward_head", (Attempt("rep", 3.5, 2.0, 2.0, 1.5, amplitude=0.6),),
        CameraSpec(side="right", yaw_deg=20, height_m=1.0, fill=0.7),
        Look(sex="male", height_m=1.80, weight=0.8, skin=SKIN_TONES[1]), "warm",
    ),
    "hip-flexor-stretch-feet-apart": (
        "hip-flexor-stretch", "feet_apart",
        (Attempt("rep", 4.0, 2.0, 2.0, 1.5, side="left", amplitude=0.6),
         Attempt("rep", 4.0, 2.0, 2.0, 1.5, side="right", amplitude=0.6)),
        CameraSpec(side="left", yaw_deg=10, height_m=0.9, fill=0.75),
        Look(sex="female", height_m=1.70, weight=0.3, skin=SKIN_TONES[2],
             shirt=(0.6, 0.2, 0.2)), "bright",
    ),
}  # fmt: skip


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "fixtures" / "avatar"
    out.mkdir(parents=True, exist_ok=True)
    for n, (name, (exercise_id, start, attempts, camera, look, room)) in enumerate(CLIPS.items()):
        spec = SequenceSpec(
            exercise_id, attempts, lead_in_s=1.5, body=BodyShape(height_m=look.height_m),
            camera=camera, fps=FPS, width=SIZE[0], height=SIZE[1], fidgets_per_min=0.0,
            start=start,
        )  # fmt: skip
        seq = generate(spec, seed=100 + n)
        video = out / f"{name}.mp4"
        write_video(seq, Staging(look=look, room=ROOMS[room]), video, Webcam(jpeg_quality=60))
        truth = {
            "exercise": exercise_id,
            "reps": len(seq.truth.reps),
            "sides": seq.truth.sides,
            "hold_s": [round(r.in_position_s, 2) for r in seq.truth.reps],
        }
        video.with_suffix(".truth.json").write_text(json.dumps(truth, indent=1) + "\n")
        print(f"{video}: {video.stat().st_size // 1024} KiB, {len(seq.frames)} frames, {truth}")


if __name__ == "__main__":
    main()
