"""The camera check on landmarks of the synthetic body seen from known camera placements."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from backcoach.pose.camera_check import CameraCheck, CameraChecker, placement_advice
from backcoach.synthetic import CameraSpec, generate, simple_spec
from backcoach.synthetic.generate import exercise_for

GREY = np.full((36, 64, 3), 120, dtype=np.uint8)


def _check(exercise_id: str, camera: CameraSpec, image: np.ndarray = GREY) -> CameraCheck:
    spec = replace(simple_spec(exercise_id, reps=1), camera=camera)
    seq = generate(spec, seed=3)
    checker = CameraChecker(exercise_for(exercise_id), seq.width, seq.height)
    for frame in seq.frames[:90]:  # the first 3 s, at rest
        checker.add(frame.landmarks, image)
    return checker.result()


@pytest.mark.parametrize("exercise_id", ["knee-to-chest", "neck-flexion", "hip-flexor-stretch"])
@pytest.mark.parametrize("yaw", [0.0, -35.0, 35.0])
def test_a_side_view_within_35_degrees_is_good(exercise_id: str, yaw: float) -> None:
    check = _check(exercise_id, CameraSpec(yaw_deg=yaw))
    assert check.ok, check.problems
    assert check.view == "side"
    assert check.instructions() == ["The camera view is good."]


def test_lying_seen_from_the_feet_is_the_wrong_view() -> None:
    check = _check("knee-to-chest", CameraSpec(yaw_deg=85.0, fill=0.5))
    assert "wrong_view" in [p.code for p in check.problems]
    assert check.instructions()[-1] == exercise_for("knee-to-chest").camera_placement


def test_seated_seen_from_the_front_is_fine_but_standing_is_not() -> None:
    assert _check("neck-flexion", CameraSpec(yaw_deg=88.0)).ok
    standing = _check("hip-flexor-stretch", CameraSpec(yaw_deg=88.0))
    assert "wrong_view" in [p.code for p in standing.problems]


def test_far_away_and_cut_off_and_dark() -> None:
    far = _check("hip-flexor-stretch", CameraSpec(fill=0.2))
    assert [p.code for p in far.problems] == ["too_far"]
    cut = _check("knee-to-chest", CameraSpec(offset=(0.4, 0.0)))
    assert "not_in_view" in [p.code for p in cut.problems]
    dark = _check("neck-flexion", CameraSpec(), image=np.full((36, 64, 3), 12, dtype=np.uint8))
    assert [p.code for p in dark.problems] == ["too_dark"]


def test_nobody_in_the_picture() -> None:
    checker = CameraChecker(exercise_for("knee-to-chest"), 640, 360)
    for _ in range(30):
        checker.add(None, GREY)
    check = checker.result()
    assert not check.ok and [p.code for p in check.problems] == ["no_person"]
    dark = CameraChecker(exercise_for("knee-to-chest"), 640, 360)
    dark.add(None, np.zeros((36, 64, 3), dtype=np.uint8))
    assert [p.code for p in dark.result().problems] == ["too_dark"]


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_analyze_camera_checks_the_view_first() -> None:
    """``analyze --camera`` with a stand-in camera (a rendered clip read as a camera stream):
    it says where the camera goes, then judges the view from the first seconds."""
    from rich.console import Console

    from backcoach.cli.analyze_video import analyse_camera

    clip = Path(__file__).resolve().parents[1] / "fixtures" / "avatar"
    console = Console(record=True, width=200)
    analyse_camera(str(clip / "knee-to-chest-hook-lying.mp4"), exercise_for("knee-to-chest"),
                   console=console)  # fmt: skip
    text = console.export_text()
    assert "0.5 m above the floor" in text  # the placement advice for a lying exercise
    assert "Camera check: the view is good." in text


def test_the_five_answers_in_plain_words() -> None:
    good = _check("knee-to-chest", CameraSpec())
    assert [a.key for a in good.answers()] == ["in_view", "posture", "view", "distance", "light"]
    assert all(a.ok for a in good.answers())
    assert "lying down" in good.answers()[1].text
    assert "from the side" in good.answers()[2].text
    far = _check("hip-flexor-stretch", CameraSpec(fill=0.2)).answers()
    assert [a.ok for a in far] == [True, True, True, False, True]
    assert "closer" in far[3].text
    nobody = CameraChecker(exercise_for("knee-to-chest"), 640, 360)
    nobody.add(None, np.zeros((36, 64, 3), dtype=np.uint8))
    answers = nobody.result().answers()
    assert answers[0].ok is False and "too dark" in answers[0].text
    assert [a.ok for a in answers[1:]] == [None, None, None, False]  # dark: the light answers


def test_a_good_view_of_the_wrong_posture_is_not_good() -> None:
    """Someone lying down, seen well from the side, offered for the seated neck exercise."""
    spec = replace(simple_spec("knee-to-chest", reps=1), camera=CameraSpec())
    seq = generate(spec, seed=3)
    checker = CameraChecker(exercise_for("neck-flexion"), seq.width, seq.height)
    for frame in seq.frames[:90]:
        checker.add(frame.landmarks, GREY)
    check = checker.result()
    answers = {a.key: a for a in check.answers()}
    assert not check.ok and answers["posture"].ok is False
    assert "lying down" in answers["posture"].text and "sitting" in answers["posture"].text
    assert answers["posture"].text.endswith("then check again.")
    seated = _check("neck-flexion", CameraSpec()).answers()
    assert seated[1].ok and seated[1].text == "Yes: you are upright, as this exercise needs."


@pytest.mark.parametrize("exercise_id", ["knee-to-chest", "neck-flexion", "hip-flexor-stretch"])
def test_one_placement_for_advice_page_and_picture(exercise_id: str) -> None:
    """The check's advice is the exercise's [camera] table, and it says what the shipped
    placement picture shows (web/static/demos/<id>-placement.png, drawn by
    scripts/make_demonstrations.py: "2-3 m", the lens height, "side-on")."""
    exercise = exercise_for(exercise_id)
    drawn = {"knee-to-chest": 0.5, "neck-flexion": 1.0, "hip-flexor-stretch": 0.9}
    assert placement_advice(exercise) == exercise.camera_placement
    assert exercise.camera.distance_words() == "2-3 m" and exercise.camera.views[0] == "side"
    assert f"{drawn[exercise_id]:.1f} m above the floor" in exercise.camera_placement
    assert exercise.camera.label().endswith(f"{drawn[exercise_id]:.1f} m high, side-on")
