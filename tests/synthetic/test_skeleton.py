"""The skeleton keeps its proportions under any pose and stands, sits and lies on the floor."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcoach.synthetic.skeleton import INDEX, BodyAngles, BodyShape, forward_kinematics

SEGMENTS = {
    "thigh": ("hip", "knee"),
    "shank": ("knee", "ankle"),
    "upper_arm": ("shoulder", "elbow"),
    "forearm": ("elbow", "wrist"),
}

angle = st.floats(-60, 150, allow_nan=False)


def _length(points: np.ndarray, a: str, b: str) -> np.ndarray:
    return np.linalg.norm(points[:, INDEX[a]] - points[:, INDEX[b]], axis=-1)


@settings(max_examples=40, deadline=None)
@given(
    posture=st.sampled_from(["lying", "sitting", "standing"]),
    heading=st.sampled_from([0.0, 180.0, 37.0]),
    hip=angle, knee=st.floats(0, 150), trunk=st.floats(-40, 60), neck=st.floats(-30, 90),
    shoulder=angle, elbow=st.floats(0, 140), grip=st.floats(0, 1), shrug=st.floats(0, 0.6),
    height=st.floats(1.4, 2.0),
)  # fmt: skip
def test_segment_lengths_hold_in_any_pose(
    posture: str,
    heading: float,
    hip: float,
    knee: float,
    trunk: float,
    neck: float,
    shoulder: float,
    elbow: float,
    grip: float,
    shrug: float,
    height: float,
) -> None:
    body = BodyShape(height_m=height)
    pose = BodyAngles(
        posture=posture, heading_deg=heading, hip_flex_l=hip, hip_flex_r=-hip / 3,  # type: ignore[arg-type]
        knee_flex_l=knee, trunk_flex=trunk, neck_flex=neck, shoulder_flex_l=shoulder,
        elbow_flex_l=elbow, grip=grip, shrug=shrug, hip_abd_r=12.0,
    )  # fmt: skip
    points = forward_kinematics(pose, body)
    expected = body.segment_lengths()
    for segment, (a, b) in SEGMENTS.items():
        for side in ("left", "right"):
            got = _length(points, f"{side}_{a}", f"{side}_{b}")
            assert got == pytest.approx(expected[segment], rel=1e-6), (segment, side)
    hips = _length(points, "left_hip", "right_hip")
    assert hips == pytest.approx(expected["hip_width"], rel=1e-6)
    assert np.isfinite(points).all()


def test_arrays_pose_many_frames_at_once() -> None:
    knee = np.linspace(0, 120, 50)
    points = forward_kinematics(BodyAngles(knee_flex_l=knee, hip_flex_l=knee / 2), BodyShape())
    assert points.shape == (50, 33, 3)
    one = forward_kinematics(BodyAngles(knee_flex_l=60.0, hip_flex_l=30.0), BodyShape())
    assert np.allclose(points[25], one[0], atol=0.01)  # knee[25] is about 61


def test_standing_upright_proportions_and_floor() -> None:
    body = BodyShape(height_m=1.80)
    points = forward_kinematics(BodyAngles(posture="standing"), body)[0]
    feet = [INDEX[n] for n in ("left_heel", "right_heel", "left_foot_index", "right_foot_index")]
    assert points[feet, 1].min() == pytest.approx(0.0, abs=1e-9)
    hip_y = points[INDEX["left_hip"], 1]
    shoulder_y = points[INDEX["left_shoulder"], 1]
    ear_y = points[INDEX["left_ear"], 1]
    # Winter: hip (trochanter) about 0.53 H, shoulder 0.82 H, ear a little below the eyes (0.94 H).
    assert hip_y / 1.8 == pytest.approx(0.53, abs=0.03)
    assert shoulder_y / 1.8 == pytest.approx(0.818, abs=0.03)
    assert 0.88 < ear_y / 1.8 < 0.95
    assert points[INDEX["nose"], 0] > points[INDEX["left_ear"], 0]  # faces +x at heading 0


def test_lying_body_is_on_the_mat_with_the_head_toward_minus_x() -> None:
    points = forward_kinematics(BodyAngles(posture="lying"), BodyShape())[0]
    assert points[:, 1].max() < 0.3  # only the upturned toes and the nose rise this high
    assert points[INDEX["nose"], 1] > points[INDEX["left_ear"], 1]  # the face looks up
    assert points[INDEX["nose"], 0] < points[INDEX["left_ankle"], 0]


def test_hip_flexion_lifts_the_knee_toward_the_chest_when_lying() -> None:
    flat = forward_kinematics(BodyAngles(posture="lying"), BodyShape())[0]
    bent = forward_kinematics(
        BodyAngles(posture="lying", hip_flex_l=120, hip_flex_r=120, knee_flex_l=135,
                   knee_flex_r=135), BodyShape()
    )[0]  # fmt: skip
    knee = INDEX["left_knee"]
    assert bent[knee, 1] > flat[knee, 1] + 0.15
    assert bent[knee, 0] < flat[INDEX["left_hip"], 0]  # toward the head (-x)
