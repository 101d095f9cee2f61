"""``backcoach analyze`` through the real entry point: summary, --json, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backcoach.pose.landmark_file import LandmarkHeader, write_landmark_file
from backcoach.synthetic import generate, simple_spec


def _run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(tmp_path / "data"), COLUMNS="160", NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "backcoach", "analyze", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, dict[str, int]]:
    seq = generate(simple_spec("hip-flexor-stretch", reps=2, hold_s=4.0), seed=21)
    path = tmp_path_factory.mktemp("rec") / "hip.jsonl"
    write_landmark_file(path, LandmarkHeader(seq.fps, seq.width, seq.height), seq.frames)
    return path, seq.truth.count, seq.truth.sides


def test_json_is_one_object_with_the_interface_fields(
    recording: tuple[Path, int, dict[str, int]], tmp_path: Path
) -> None:
    path, reps, sides = recording
    result = _run(str(path), "--exercise", "hip-flexor-stretch", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # exactly one JSON document
    assert set(data) == {"exercise", "reps", "sides", "rep_events", "faults", "frames",
                         "duration_s"}
    assert data["exercise"] == "hip-flexor-stretch"
    assert data["reps"] == reps and data["sides"] == sides
    for rep in data["rep_events"]:
        assert set(rep) == {"start", "end", "hold_s", "side", "quality", "faults", "range_deg"}
        assert rep["side"] in ("left", "right") and 0 <= rep["quality"] <= 1
        assert 5 < rep["range_deg"] < 180  # degrees above the person's own resting position
    for fault in data["faults"]:
        assert set(fault) == {"code", "t", "message"}
    assert data["frames"] > 0 and data["duration_s"] > 0


def test_readable_summary(recording: tuple[Path, int, dict[str, int]], tmp_path: Path) -> None:
    path, reps, _ = recording
    result = _run(str(path), "-e", "hip-flexor-stretch", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{reps} repetition(s)" in result.stdout
    assert "Sides: left" in result.stdout
    assert "Range of movement:" in result.stdout and "above your resting position" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "line 1"),
        ('{"format": "backcoach-landmarks", "version": 1, "fps": 30, "width": 640, '
         '"height": 480}\n{"t": 0, "landmarks": [[0,0,0,1]]}\n', "line 2"),
        ('{"format": "backcoach-landmarks", "version": 1, "fps": 30, "width": 640, '
         '"height": 480}\n{"t": 0, "landmarks": null}\n{"t": 0, "landmarks": null}\n', "line 3"),
    ],
)
def test_malformed_file_names_the_line_without_traceback(
    tmp_path: Path, content: str, expected: str
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content, encoding="utf-8")
    result = _run(str(bad), "--exercise", "knee-to-chest", "--json", tmp_path=tmp_path)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_unknown_exercise_is_a_clear_error(
    recording: tuple[Path, int, dict[str, int]], tmp_path: Path
) -> None:
    result = _run(str(recording[0]), "--exercise", "plank", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "unknown exercise 'plank'" in result.stderr and "knee-to-chest" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = _run(str(tmp_path / "nope.jsonl"), "--exercise", "knee-to-chest", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("exercise_id", ["knee-to-chest", "neck-flexion", "hip-flexor-stretch"])
def test_degenerate_landmarks_are_no_person_not_a_crash(exercise_id: str, tmp_path: Path) -> None:
    """33 identical points per frame is legal input: it counts nothing and exits 0."""
    from backcoach.core.motion.types import PoseFrame

    path = tmp_path / "same.jsonl"
    same = [[0.5, 0.5, 0.0, 1.0] for _ in range(33)]
    frames = [PoseFrame(i / 30.0, same) for i in range(60)]
    write_landmark_file(path, LandmarkHeader(30.0, 640, 480), frames)
    result = _run(str(path), "-e", exercise_id, "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["reps"] == 0 and data["frames"] == 60


def test_missing_exercise_names_the_real_command(
    recording: tuple[Path, int, dict[str, int]], tmp_path: Path
) -> None:
    result = _run(str(recording[0]), tmp_path=tmp_path)
    assert result.returncode != 0
    assert "`backcoach exercises`" in result.stderr
    assert "exercises list" not in result.stderr
