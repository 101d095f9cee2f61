"""Landmark files: BlazePose landmarks per frame as JSON Lines (see docs/landmark-format.md).

The format is an external interface: other tools write files that ``backcoach analyze`` reads,
so it is checked strictly and every problem is reported with its line number. Frames are read
lazily, one line at a time, so a long recording never has to fit in memory.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from backcoach.core import safejson
from backcoach.core.motion.types import LANDMARK_COUNT, PoseFrame

FORMAT_NAME = "backcoach-landmarks"
FORMAT_VERSION = 1
MODEL_NAME = "blazepose-33"


class LandmarkFileError(Exception):
    """A landmark file cannot be read; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class LandmarkHeader:
    """The first line of a landmark file: frame rate and the image size the landmarks refer to."""

    fps: float
    width: int
    height: int
    model: str = MODEL_NAME

    @property
    def aspect_ratio(self) -> float:
        """Image width / height: landmark x is normalised to the width, y to the height."""
        return self.width / self.height

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "fps": self.fps,
            "width": self.width,
            "height": self.height,
            "model": self.model,
        }


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


#: A frame line is about 3 KB; anything far longer (or a stream without newlines) is refused.
MAX_LINE_CHARS = 64 * 1024
_MAX_PIXELS_SIDE = 100_000
_MAX_FPS = 10_000.0
_MAX_T_S = 1e7


def _parse_json(text: str, where: str) -> Any:
    try:
        return safejson.loads(text)
    except safejson.JsonLimitError as exc:
        raise LandmarkFileError(f"{where}: {exc}") from None


def _readline(handle: Any, where: str) -> str:
    line: str = handle.readline(MAX_LINE_CHARS + 1)
    if len(line) > MAX_LINE_CHARS:
        raise LandmarkFileError(f"{where}: the line is too long (more than {MAX_LINE_CHARS} "
                                "characters): not a landmark file")
    return line


def _parse_header(text: str, where: str) -> LandmarkHeader:
    data = _parse_json(text, where)
    if not isinstance(data, dict):
        raise LandmarkFileError(f"{where}: the header must be a JSON object")
    if data.get("format") != FORMAT_NAME:
        raise LandmarkFileError(
            f"{where}: not a landmark file (the header needs \"format\": \"{FORMAT_NAME}\")"
        )
    version = data.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise LandmarkFileError(
            f"{where}: unsupported version {version!r} (this backcoach reads version "
            f"{FORMAT_VERSION})"
        )
    fps = data.get("fps")
    if not _is_number(fps) or not math.isfinite(fps) or not 0 < fps <= _MAX_FPS:
        raise LandmarkFileError(f"{where}: \"fps\" must be a positive number, got {fps!r}")
    sizes = {}
    for key in ("width", "height"):
        value = data.get(key)
        if (not isinstance(value, int) or isinstance(value, bool)
                or not 0 < value <= _MAX_PIXELS_SIDE):
            raise LandmarkFileError(
                f"{where}: \"{key}\" must be a positive whole number of pixels, got {value!r}"
            )
        sizes[key] = value
    model = data.get("model", MODEL_NAME)
    if model != MODEL_NAME:
        raise LandmarkFileError(
            f"{where}: unsupported model {model!r} (landmarks must be {MODEL_NAME!r})"
        )
    return LandmarkHeader(float(fps), sizes["width"], sizes["height"], model)


def _parse_landmarks(value: object, where: str) -> list[list[float]] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != LANDMARK_COUNT:
        count = len(value) if isinstance(value, list) else type(value).__name__
        raise LandmarkFileError(
            f"{where}: \"landmarks\" must be null or a list of {LANDMARK_COUNT} landmarks, "
            f"got {count}"
        )
    for index, point in enumerate(value):
        if (
            not isinstance(point, list)
            or len(point) != 4
            or not all(_is_number(c) and math.isfinite(c) for c in point)
        ):
            raise LandmarkFileError(
                f"{where}: landmark {index} must be [x, y, z, visibility] (four numbers), "
                f"got {json.dumps(point)[:80]}"
            )
    return value


def _parse_frame(text: str, where: str) -> PoseFrame:
    data = _parse_json(text, where)
    if not isinstance(data, dict):
        raise LandmarkFileError(f"{where}: a frame must be a JSON object with \"t\" and "
                                "\"landmarks\"")
    t = data.get("t")
    if not _is_number(t) or not math.isfinite(t) or abs(t) > _MAX_T_S:
        raise LandmarkFileError(f"{where}: \"t\" must be a number of seconds, got {t!r}")
    if "landmarks" not in data:
        raise LandmarkFileError(f"{where}: missing \"landmarks\" (use null when no person)")
    return PoseFrame(float(t), _parse_landmarks(data["landmarks"], where))


def _frames(path: Path) -> Iterator[PoseFrame]:
    last_t: float | None = None
    with _open(path) as handle:
        _readline(handle, f"{path}: line 1")  # the header, already checked
        number = 1
        while line := _readline(handle, f"{path}: line {number + 1}"):
            number += 1
            if not line.strip():
                continue
            where = f"{path}: line {number}"
            frame = _parse_frame(line, where)
            if last_t is not None and frame.t <= last_t:
                raise LandmarkFileError(
                    f"{where}: time {frame.t} is not after the previous frame's {last_t} "
                    "(\"t\" must increase)"
                )
            last_t = frame.t
            yield frame


def _open(path: Path) -> Any:
    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            raise LandmarkFileError(f"{path}: not a regular file (a device or a pipe)")
        return path.open("r", encoding="utf-8")
    except FileNotFoundError:
        raise LandmarkFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise LandmarkFileError(f"{path}: is a folder, not a landmark file") from None
    except OSError as exc:
        raise LandmarkFileError(f"{path}: cannot be read ({exc.strerror})") from None


def read_landmark_file(path: Path) -> tuple[LandmarkHeader, Iterator[PoseFrame]]:
    """Read the header now and return it with a lazy iterator over the frames.

    Problems in the header raise ``LandmarkFileError`` here; problems in a frame line raise it
    when the iterator reaches that line. An empty file, or one with a header and no frames, is
    an error too: there is nothing to analyse.
    """
    try:
        with _open(path) as handle:
            first = _readline(handle, f"{path}: line 1")
            second = _readline(handle, f"{path}: line 2")
            while second and not second.strip():
                second = _readline(handle, f"{path}: line 2")
    except UnicodeDecodeError:
        raise LandmarkFileError(f"{path}: not a text file (expected UTF-8 JSON Lines)") from None
    if not first.strip():
        raise LandmarkFileError(f"{path}: line 1: the file is empty (expected a header line)")
    header = _parse_header(first, f"{path}: line 1")
    if not second:
        raise LandmarkFileError(f"{path}: line 2: no frames after the header")
    return header, _guard_decode(path, _frames(path))


def _guard_decode(path: Path, frames: Iterator[PoseFrame]) -> Iterator[PoseFrame]:
    try:
        yield from frames
    except UnicodeDecodeError:
        raise LandmarkFileError(f"{path}: not a text file (expected UTF-8 JSON Lines)") from None


def _format_frame(frame: PoseFrame) -> str:
    landmarks = None
    if frame.landmarks is not None:
        if len(frame.landmarks) != LANDMARK_COUNT:
            raise LandmarkFileError(
                f"frame at t={frame.t}: {len(frame.landmarks)} landmarks, "
                f"expected {LANDMARK_COUNT}"
            )
        landmarks = [[float(c) for c in point] for point in frame.landmarks]
    return json.dumps({"t": frame.t, "landmarks": landmarks}, separators=(",", ":"),
                      allow_nan=False)


def write_landmark_file(path: Path, header: LandmarkHeader, frames: Iterable[PoseFrame]) -> None:
    """Write ``frames`` (timestamps increasing) under ``header`` as a landmark file."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(header.to_dict(), separators=(",", ":")) + "\n")
        for frame in frames:
            handle.write(_format_frame(frame) + "\n")
