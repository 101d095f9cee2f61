"""Clean, noise-free movements for animated demonstrations (the web app's exercise previews)."""

from __future__ import annotations

from dataclasses import replace

from backcoach.synthetic.camera import Camera, CameraSpec, to_landmarks
from backcoach.synthetic.generate import SyntheticSequence, generate
from backcoach.synthetic.noise import DropoutSpec, NoiseSpec
from backcoach.synthetic.skeleton import BodyAngles, BodyShape, Side, body_axes, forward_kinematics
from backcoach.synthetic.specs import simple_spec


def pose_landmarks(angles: BodyAngles, body: BodyShape, camera: Camera) -> list[list[float]]:
    """One pose (scalar angles) as 33 BlazePose landmarks ``[x, y, z, visibility]``."""
    world = forward_kinematics(angles, body)
    left = body_axes(angles.posture, angles.heading_deg)["left"]
    return [[float(v) for v in point] for point in to_landmarks(camera, world, left)[0]]


def demonstration(
    exercise_id: str,
    *,
    reps: int = 1,
    hold_s: float = 3.0,
    first_side: Side = "left",
    fps: float = 30.0,
    width: int = 640,
    height: int = 480,
    camera: CameraSpec | None = None,
    body: BodyShape | None = None,
) -> SyntheticSequence:
    """A textbook performance: clean repetitions, no noise, no dropouts, no fidgets."""
    spec = simple_spec(
        exercise_id, reps, hold_s, first_side=first_side, fps=fps,
        camera=camera or CameraSpec(fill=0.8),
        noise=NoiseSpec(jitter=0.0, far_side_bias=0.0, visibility_jitter=0.0, outlier_rate=0.0),
        dropouts=DropoutSpec(short_per_min=0.0),
    )  # fmt: skip
    spec = replace(spec, width=width, height=height, fidgets_per_min=0.0, body=body or spec.body)
    return generate(spec, seed=0)
