"""A parametric body model that performs the exercises, seen by a virtual camera.

It produces BlazePose-style landmark frames with ground truth (repetitions, holds, sides,
faults) for the tests and the accuracy benchmark, and poses for animated demonstrations.
"""

from backcoach.synthetic.camera import Camera, CameraSpec
from backcoach.synthetic.demo import demonstration, pose_landmarks
from backcoach.synthetic.generate import (
    SequenceSpec,
    SpecError,
    SyntheticSequence,
    generate,
)
from backcoach.synthetic.noise import DropoutSpec, NoiseSpec
from backcoach.synthetic.skeleton import BodyAngles, BodyShape
from backcoach.synthetic.specs import random_spec, simple_spec
from backcoach.synthetic.timeline import Attempt
from backcoach.synthetic.truth import GroundTruth, TrueAttempt, TrueFault, TrueRep

__all__ = [
    "Attempt",
    "BodyAngles",
    "BodyShape",
    "Camera",
    "CameraSpec",
    "DropoutSpec",
    "GroundTruth",
    "NoiseSpec",
    "SequenceSpec",
    "SpecError",
    "SyntheticSequence",
    "TrueAttempt",
    "TrueFault",
    "TrueRep",
    "demonstration",
    "generate",
    "pose_landmarks",
    "random_spec",
    "simple_spec",
]
