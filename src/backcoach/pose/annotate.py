"""The annotated video: skeleton, key angles, repetition counter, hold timer and current cue.

Drawing is separate from analysing: :class:`OverlayState` turns the analyser's events into what a
person should see (it never looks ahead), and :class:`AnnotatedVideoWriter` draws it on each frame.
Frames the model skipped show the latest pose, so the skeleton stays on screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS
from backcoach.core.motion.types import EventKind, MotionEvent

_SKELETON_NAMES = (
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
    ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
    ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
    ("left_hip", "left_knee"), ("left_knee", "left_ankle"), ("left_ankle", "left_foot_index"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
    ("right_ankle", "right_foot_index"), ("left_ear", "nose"), ("right_ear", "nose"),
)  # fmt: skip
_INDEX = {name: i for i, name in enumerate(BLAZEPOSE_LANDMARKS)}
SKELETON = tuple((_INDEX[a], _INDEX[b]) for a, b in _SKELETON_NAMES)
_MIN_VISIBILITY = 0.3
_CUE_SHOW_S = 4.0
_LEFT_BGR = (255, 160, 0)
_RIGHT_BGR = (0, 140, 255)
_MID_BGR = (230, 230, 230)
_TEXT_BGR = (255, 255, 255)
_PANEL_BGR = (40, 40, 40)


class AnnotationError(Exception):
    """The annotated video cannot be written (for example an unwritable folder)."""


@dataclass(slots=True)
class OverlayState:
    """What the overlay shows, updated from the analyser's events as they happen."""

    title: str
    reps: int = 0
    hold_s: float | None = None
    cue: str | None = None
    cue_until_t: float = -1.0
    person_seen: bool = False

    def update(self, t: float, events: Iterable[MotionEvent]) -> None:
        for event in events:
            if event.kind is EventKind.REP_STARTED:
                self.hold_s = None
            elif event.kind is EventKind.HOLD_PROGRESS:
                self.hold_s = event.hold_s
            elif event.kind is EventKind.REP_COMPLETED:
                self.reps = event.rep or self.reps + 1
                self.hold_s = event.hold_s
                self._say(f"Repetition {self.reps} done", t)
            elif event.kind is EventKind.FAULT and event.message:
                self._say(event.message, t)
            elif event.kind is EventKind.PERSON_LOST:
                self._say("Person out of view", t)

    def _say(self, text: str, t: float) -> None:
        self.cue = text
        self.cue_until_t = t + _CUE_SHOW_S

    def current_cue(self, t: float) -> str | None:
        return self.cue if t <= self.cue_until_t else None


def _point(landmark: Sequence[float], width: int, height: int) -> tuple[int, int]:
    return round(landmark[0] * width), round(landmark[1] * height)


def _limb_colour(a: int, b: int) -> tuple[int, int, int]:
    names = BLAZEPOSE_LANDMARKS[a] + BLAZEPOSE_LANDMARKS[b]
    if "left" in names and "right" not in names:
        return _LEFT_BGR
    if "right" in names and "left" not in names:
        return _RIGHT_BGR
    return _MID_BGR


def draw_skeleton(image: np.ndarray, landmarks: Sequence[Sequence[float]]) -> None:
    """Draw the body in place: left side blue, right side orange (as seen on the person)."""
    height, width = image.shape[:2]
    thickness = max(2, round(min(width, height) / 240))
    for a, b in SKELETON:
        if min(landmarks[a][3], landmarks[b][3]) < _MIN_VISIBILITY:
            continue
        pa, pb = _point(landmarks[a], width, height), _point(landmarks[b], width, height)
        cv2.line(image, pa, pb, _limb_colour(a, b), thickness, cv2.LINE_AA)
    for landmark in landmarks:
        if landmark[3] >= _MIN_VISIBILITY:
            cv2.circle(image, _point(landmark, width, height), thickness + 1, _MID_BGR, -1)


def _signal_text(name: str, value: float) -> str:
    """Angles in degrees; ``*_ratio`` signals are unitless length ratios."""
    if name.endswith("_ratio"):
        return f"{name.removesuffix('_ratio').replace('_', ' ')}: {value:5.2f} x"
    return f"{name.replace('_', ' ')}: {value:5.1f} deg"


def _text_lines(
    state: OverlayState, signals: Mapping[str, float], t: float, found: bool
) -> list[str]:
    lines = [state.title, f"Repetitions: {state.reps}"]
    if state.hold_s is not None:
        lines.append(f"Hold: {state.hold_s:4.1f} s")
    lines.extend(_signal_text(name, value) for name, value in signals.items())
    if not found:
        lines.append("No person found")
    return lines


def draw_panel(image: np.ndarray, lines: Sequence[str], cue: str | None) -> None:
    """Draw the text panel (top left) and the cue (bottom) in place."""
    height, width = image.shape[:2]
    scale = max(0.5, min(width, height) / 900)
    line_h = int(32 * scale)
    panel_w = int(max(cv2.getTextSize(s, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0][0] for s in lines))
    cv2.rectangle(image, (0, 0), (panel_w + 20, line_h * len(lines) + 12), _PANEL_BGR, -1)
    for i, text in enumerate(lines):
        origin = (10, line_h * (i + 1))
        cv2.putText(image, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, _TEXT_BGR, 1, cv2.LINE_AA)
    if cue:
        size = cv2.getTextSize(cue, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)[0]
        top = height - line_h - 16
        cv2.rectangle(image, (0, top), (min(width, size[0] + 24), height), _PANEL_BGR, -1)
        cv2.putText(image, cue, (12, height - 16), cv2.FONT_HERSHEY_SIMPLEX, scale, (120, 255, 255),
                    2, cv2.LINE_AA)


class AnnotatedVideoWriter:
    """Writes annotated frames to an MP4 (MPEG-4 part 2, readable by OpenCV and most players)."""

    def __init__(self, path: Path, fps: float, width: int, height: int) -> None:
        if not path.parent.is_dir():
            raise AnnotationError(f"{path}: the folder {path.parent} does not exist")
        self.path = path
        self._size = (width, height)
        fourcc = cv2.VideoWriter.fourcc(*"mp4v")
        self._writer = cv2.VideoWriter(str(path), fourcc, fps, (width, height))
        if not self._writer.isOpened():
            raise AnnotationError(f"{path}: cannot write a video here (use a .mp4 name)")
        self.frames = 0

    def write(
        self,
        image: np.ndarray,
        landmarks: Sequence[Sequence[float]] | None,
        state: OverlayState,
        signals: Mapping[str, float],
        t: float,
    ) -> None:
        frame = image.copy()
        if frame.shape[1::-1] != self._size:
            frame = cv2.resize(frame, self._size)
        if landmarks is not None:
            draw_skeleton(frame, landmarks)
        draw_panel(frame, _text_lines(state, signals, t, landmarks is not None),
                   state.current_cue(t))
        self._writer.write(frame)
        self.frames += 1

    def close(self) -> None:
        self._writer.release()
