"""Landmark files: round trip, lazy reading, and a clear error naming the line for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backcoach.core.motion.types import PoseFrame
from backcoach.pose.landmark_file import (
    LandmarkFileError,
    LandmarkHeader,
    read_landmark_file,
    write_landmark_file,
)

HEADER = {"format": "backcoach-landmarks", "version": 1, "fps": 30.0, "width": 1280,
          "height": 720, "model": "blazepose-33"}
POINTS = [[0.1 * (i % 10), 0.5, -0.1, 0.9] for i in range(33)]


def _write(path: Path, lines: list[object | str]) -> Path:
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    return path


def _frame(t: float, landmarks: object = POINTS) -> dict[str, object]:
    return {"t": t, "landmarks": landmarks}


def test_round_trip_keeps_frames_and_header(tmp_path: Path) -> None:
    header = LandmarkHeader(fps=25.0, width=640, height=480)
    frames = [PoseFrame(0.0, POINTS), PoseFrame(0.04, None), PoseFrame(0.08, POINTS)]
    path = tmp_path / "a.jsonl"
    write_landmark_file(path, header, frames)
    read_header, read_frames = read_landmark_file(path)
    assert read_header == header
    assert read_header.aspect_ratio == pytest.approx(640 / 480)
    again = list(read_frames)
    assert [f.t for f in again] == [0.0, 0.04, 0.08]
    assert again[1].landmarks is None
    assert again[0].landmarks == POINTS
    first_line = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert first_line["format"] == "backcoach-landmarks" and first_line["version"] == 1


def test_frames_are_read_lazily(tmp_path: Path) -> None:
    path = _write(tmp_path / "lazy.jsonl", [HEADER, _frame(0.0), "{broken"])
    _, frames = read_landmark_file(path)
    assert next(frames).t == 0.0  # the bad line 3 is not touched until reached
    with pytest.raises(LandmarkFileError, match="line 3"):
        next(frames)


@pytest.mark.parametrize(
    ("lines", "line", "words"),
    [
        ([], 1, "empty"),
        (["not json"], 1, "not valid JSON"),
        ([{**HEADER, "format": "other"}], 1, "not a landmark file"),
        ([{**HEADER, "version": 2}], 1, "version"),
        ([{**HEADER, "fps": -1}], 1, "fps"),
        ([{**HEADER, "width": "wide"}], 1, "width"),
        ([HEADER], 2, "no frames"),
        ([HEADER, _frame(0.0), "{oops"], 3, "not valid JSON"),
        ([HEADER, _frame(0.0, POINTS[:32])], 2, "33 landmarks"),
        ([HEADER, _frame(0.0, [[0, 0, 0]] * 33)], 2, "four numbers"),
        ([HEADER, _frame(0.0, [["a", 0, 0, 1]] * 33)], 2, "four numbers"),
        ([HEADER, {"t": "zero", "landmarks": None}], 2, "\"t\""),
        ([HEADER, {"t": 0.0}], 2, "missing \"landmarks\""),
        ([HEADER, _frame(0.1), _frame(0.1)], 3, "must increase"),
        ([HEADER, _frame(0.2), _frame(0.1)], 3, "must increase"),
        ([HEADER, [1, 2]], 2, "JSON object"),
        ([HEADER, "{\"t\": NaN, \"landmarks\": null}"], 2, "not valid JSON"),
    ],
)
def test_malformed_files_name_the_line(
    tmp_path: Path, lines: list[object], line: int, words: str
) -> None:
    path = _write(tmp_path / "bad.jsonl", lines) if lines else tmp_path / "bad.jsonl"
    if not lines:
        path.write_text("", encoding="utf-8")
    with pytest.raises(LandmarkFileError) as caught:
        _, frames = read_landmark_file(path)
        list(frames)
    message = str(caught.value)
    assert f"line {line}" in message
    assert words in message
    assert str(path) in message


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LandmarkFileError, match="no such file"):
        read_landmark_file(tmp_path / "absent.jsonl")


def test_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "video.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42\xff\xfe\xfd" * 10)
    with pytest.raises(LandmarkFileError):
        _, frames = read_landmark_file(path)
        list(frames)


def test_blank_lines_between_frames_are_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "blank.jsonl", [HEADER, _frame(0.0), "", _frame(0.1)])
    _, frames = read_landmark_file(path)
    assert [f.t for f in frames] == [0.0, 0.1]
