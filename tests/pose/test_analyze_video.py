"""``backcoach analyze VIDEO`` through the real entry point: real model, outputs, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import pytest

from backcoach.pose.landmark_file import read_landmark_file
from backcoach.pose.plot import HEIGHT_PX, WIDTH_PX

EXERCISES = ("knee-to-chest", "neck-flexion", "hip-flexor-stretch")


def _run(tmp_path: Path, *args: str, timeout_s: float = 180) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(tmp_path / "data"), COLUMNS="160", NO_COLOR="1")
    result = subprocess.run(
        [sys.executable, "-m", "backcoach", "analyze", *args],
        capture_output=True, text=True, env=env, timeout=timeout_s, check=False,
    )
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


# -- bad input: refused before the model loads ---------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"just some notes, not a video\n" * 50, "not a video")],
)
@pytest.mark.timeout(60)
def test_a_bad_video_file_gets_a_clear_message(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)
    result = _run(tmp_path, str(path), "--exercise", "knee-to-chest", "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert message in result.stderr and "clip.mp4" in result.stderr


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(tmp_path / "data"), COLUMNS="160", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "backcoach", *args], capture_output=True,
                          text=True, env=env, timeout=60, check=False)  # fmt: skip


def _ready(tmp_path: Path) -> None:
    """The disclaimer accepted and a clean screening: what a session needs first."""
    assert _cli(tmp_path, "disclaimer", "--accept").returncode == 0
    assert _cli(tmp_path, "screen", "--no-to-all").returncode == 0


@pytest.mark.timeout(120)
def test_the_camera_is_refused_where_a_session_would_be(tmp_path: Path) -> None:
    """``analyze --camera`` means exercising now: the session's safety gate applies (disclaimer,
    red flag, the rest day after sharp pain); analysing a recording made earlier stays open."""
    fresh = _run(tmp_path, "--camera", "7", "--exercise", "knee-to-chest", timeout_s=60)
    assert fresh.returncode == 1 and "disclaimer" in (fresh.stdout + fresh.stderr).lower()
    assert "camera 7" not in fresh.stderr  # refused before any camera is opened
    assert "Next step: backcoach disclaimer" in fresh.stdout
    assert not (tmp_path / "data" / "journal.sqlite3").exists()  # looking creates no journal
    _ready(tmp_path)
    sharp = _cli(tmp_path, "sharp-pain", "--pain", "6")
    assert sharp.returncode == 0, sharp.stderr
    resting = _run(tmp_path, "--camera", "7", "--exercise", "knee-to-chest", timeout_s=60)
    assert resting.returncode == 1 and "no camera exercise now" in resting.stderr
    assert "camera 7" not in resting.stderr


@pytest.mark.timeout(60)
def test_missing_video_and_camera_are_refused(tmp_path: Path) -> None:
    missing = _run(tmp_path, str(tmp_path / "missing.mp4"), "--exercise", "knee-to-chest")
    assert missing.returncode == 1 and "no such file" in missing.stderr
    _ready(tmp_path)
    camera = _run(tmp_path, "--camera", "7", "--exercise", "knee-to-chest", timeout_s=60)
    assert camera.returncode == 1 and "camera 7" in camera.stderr
    nothing = _run(tmp_path, "--exercise", "knee-to-chest")
    assert nothing.returncode == 1 and "--camera" in nothing.stderr


@pytest.mark.timeout(60)
def test_video_outputs_need_a_video(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    path.write_text('{"format": "backcoach-landmarks", "version": 1, "fps": 30, "width": 640, '
                    '"height": 360}\n{"t": 0, "landmarks": null}\n')
    result = _run(tmp_path, str(path), "--exercise", "knee-to-chest", "--plot",
                  str(tmp_path / "p.png"))
    assert result.returncode == 1 and "need a video" in result.stderr


# -- the real model -----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_real_people_walking_count_no_repetition(
    tmp_path: Path, demo_3s: Path, exercise_id: str
) -> None:
    result = _run(tmp_path, str(demo_3s), "--exercise", exercise_id, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["exercise"] == exercise_id
    assert data["reps"] == 0 and data["rep_events"] == []
    assert data["frames"] >= 10 and data["duration_s"] > 2.0
    assert "no person" not in result.stderr


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_annotated_video_plot_and_landmarks_are_written(tmp_path: Path, demo_3s: Path) -> None:
    annotated, plot, landmarks = tmp_path / "a.mp4", tmp_path / "a.png", tmp_path / "a.jsonl"
    result = _run(tmp_path, str(demo_3s), "--exercise", "neck-flexion", "--annotate",
                  str(annotated), "--plot", str(plot), "--save-landmarks", str(landmarks))
    assert result.returncode == 0, result.stderr
    assert "Seated neck and shoulder loosening: 0 repetition(s)" in result.stdout
    assert "Person found on" in result.stdout
    capture = cv2.VideoCapture(str(annotated))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 90
    ok, frame = capture.read()
    capture.release()
    assert ok and frame.shape == (540, 960, 3)
    image = cv2.imread(str(plot))
    assert image is not None and image.shape == (HEIGHT_PX, WIDTH_PX, 3)
    header, frames = read_landmark_file(landmarks)
    saved = list(frames)
    assert (header.width, header.height) == (960, 540)
    assert sum(f.landmarks is not None for f in saved) >= 0.8 * len(saved) >= 8
    again = _run(tmp_path, str(landmarks), "--exercise", "neck-flexion", "--json")
    assert json.loads(again.stdout)["frames"] == len(saved)


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_mannequin_doing_knee_to_chest_is_counted(
    tmp_path: Path, mannequin_knee_to_chest: tuple[Path, int]
) -> None:
    video, true_count = mannequin_knee_to_chest
    result = _run(tmp_path, str(video), "--exercise", "knee-to-chest", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["reps"] == true_count == 1
    assert data["rep_events"][0]["hold_s"] >= 2.0


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_an_empty_room_says_no_person_was_found(tmp_path: Path, blank_video: Path) -> None:
    human = _run(tmp_path, str(blank_video), "--exercise", "knee-to-chest")
    assert human.returncode == 0
    assert "No person was found" in human.stdout
    machine = _run(tmp_path, str(blank_video), "--exercise", "knee-to-chest", "--json")
    assert machine.returncode == 0
    assert json.loads(machine.stdout)["reps"] == 0
    assert "no person was found" in machine.stderr


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_video_shorter_than_a_second_gives_a_summary(
    tmp_path: Path, demo_video: Path, make_reencoded: Callable[..., Path]
) -> None:
    short = make_reencoded(demo_video, tmp_path / "short.mp4", seconds=0.3, width=640)
    result = _run(tmp_path, str(short), "--exercise", "hip-flexor-stretch", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["reps"] == 0 and 1 <= data["frames"] <= 9


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_truncated_video_is_analysed_as_far_as_it_goes(tmp_path: Path, demo_3s: Path) -> None:
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(demo_3s.read_bytes()[: demo_3s.stat().st_size // 2])
    result = _run(tmp_path, str(cut), "--exercise", "knee-to-chest")
    if result.returncode == 0:
        assert "ended early" in result.stdout
    else:
        assert result.returncode == 1 and "cut.mp4" in result.stderr

