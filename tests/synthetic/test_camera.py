"""The camera sees the body the right way round: facing, lying direction, depth, visibility."""

from __future__ import annotations

import numpy as np
import pytest

from backcoach.synthetic.camera import CameraSpec, place_camera, to_landmarks
from backcoach.synthetic.skeleton import INDEX, BodyAngles, BodyShape, body_axes, forward_kinematics


def _landmarks(posture: str, heading: float, side: str, yaw: float = 0.0) -> np.ndarray:
    pose = BodyAngles(posture=posture, heading_deg=heading)  # type: ignore[arg-type]
    world = forward_kinematics(pose, BodyShape())
    camera = place_camera(CameraSpec(side=side, yaw_deg=yaw), world, pose.posture, heading,  # type: ignore[arg-type]
                          1280, 720)  # fmt: skip
    return to_landmarks(camera, world, body_axes(pose.posture, heading)["left"])[0]


def _x(lms: np.ndarray, name: str) -> float:
    return float(lms[INDEX[name], 0])


@pytest.mark.parametrize("yaw", [-35.0, 0.0, 35.0])
@pytest.mark.parametrize(
    ("side", "heading", "faces"),
    [("left", 0.0, "left"), ("right", 0.0, "right"), ("left", 180.0, "left"),
     ("right", 180.0, "right")],
)  # fmt: skip
def test_standing_person_faces_the_expected_image_side(
    side: str, heading: float, faces: str, yaw: float
) -> None:
    # Seen from their own left, a person facing +x looks toward the image's left.
    lms = _landmarks("standing", heading, side, yaw)
    ahead = _x(lms, "nose") - _x(lms, f"{side}_ear")
    assert (ahead < 0) == (faces == "left")
    assert lms[INDEX["nose"], 1] < lms[INDEX["left_hip"], 1] < lms[INDEX["left_ankle"], 1]  # y down


@pytest.mark.parametrize(
    ("side", "heading", "head_at"),
    [("left", 0.0, "right"), ("right", 0.0, "left"), ("left", 180.0, "right"),
     ("right", 180.0, "left")],
)  # fmt: skip
def test_lying_person_has_the_head_at_the_expected_end(
    side: str, heading: float, head_at: str
) -> None:
    lms = _landmarks("lying", heading, side)
    head_right = _x(lms, "nose") > _x(lms, "left_ankle")
    assert head_right == (head_at == "right")
    # The face points up (toward smaller y) while lying on the back.
    assert lms[INDEX["nose"], 1] < lms[INDEX[f"{side}_ear"], 1]


@pytest.mark.parametrize("side", ["left", "right"])
def test_near_side_is_nearer_and_more_visible(side: str) -> None:
    far = "right" if side == "left" else "left"
    lms = _landmarks("standing", 0.0, side, yaw=20.0)
    for joint in ("shoulder", "hip", "knee", "ankle"):
        near_lm, far_lm = lms[INDEX[f"{side}_{joint}"]], lms[INDEX[f"{far}_{joint}"]]
        assert near_lm[2] < far_lm[2]  # MediaPipe: smaller z is nearer the camera
        assert near_lm[3] > far_lm[3]
    hip_z = (lms[INDEX["left_hip"], 2] + lms[INDEX["right_hip"], 2]) / 2
    assert hip_z == pytest.approx(0.0, abs=1e-9)
    assert ((lms[:, :2] > 0) & (lms[:, :2] < 1)).all()


def test_fill_controls_how_large_the_body_appears() -> None:
    pose = BodyAngles(posture="standing")
    world = forward_kinematics(pose, BodyShape())
    spans = []
    for fill in (0.4, 0.8):
        camera = place_camera(CameraSpec(fill=fill), world, "standing", 0.0, 1280, 720)
        lms = to_landmarks(camera, world, body_axes("standing", 0.0)["left"])[0]
        spans.append(np.ptp(lms[:, 1]))
    assert spans[0] == pytest.approx(0.4, abs=0.03)
    assert spans[1] == pytest.approx(0.8, abs=0.05)


def test_offset_moves_the_body_off_centre() -> None:
    pose = BodyAngles(posture="standing")
    world = forward_kinematics(pose, BodyShape())
    left = body_axes("standing", 0.0)["left"]
    centred = place_camera(CameraSpec(), world, "standing", 0.0, 1280, 720)
    shifted = place_camera(CameraSpec(offset=(0.1, -0.05)), world, "standing", 0.0, 1280, 720)
    a, b = to_landmarks(centred, world, left)[0], to_landmarks(shifted, world, left)[0]
    assert b[:, 0] - a[:, 0] == pytest.approx(np.full(33, 0.1))
    assert b[:, 1] - a[:, 1] == pytest.approx(np.full(33, -0.05))
