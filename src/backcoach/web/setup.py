"""The exercise setup page's two tasks on the live coaching socket: camera check, calibration.

The page asks (``{"type": "check"}``, ``{"type": "calibrate"}``, ``{"type": "cancel"}``, see
docs/websocket-protocol.md) and the frames it is already sending answer: the camera check is
``usecases.video_analysis.ViewCheck`` (the same ``pose.camera_check`` API as
``backcoach analyze --camera``), the calibration ``core.motion.calibration.CalibrationRecorder``,
stored by the socket through ``usecases.calibration`` (as ``analyze --calibrate`` stores). This
module only keeps the tasks' state and words the messages; it runs in the frame worker.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from backcoach.core.catalog import Exercise
from backcoach.core.motion.calibration import (
    MAX_RECORDING_S,
    Calibration,
    CalibrationRecorder,
    RecorderStatus,
)
from backcoach.core.motion.types import PoseFrame
from backcoach.pose.camera_check import CameraCheck, placement_advice
from backcoach.usecases.video_analysis import CHECK_SECONDS, ViewCheck

TASKS = ("check", "calibrate")

_SAY: dict[RecorderStatus, str] = {
    "settling": "Take the start position and keep still for a moment.",
    "recording": "Now move slowly into a comfortable position, only as far as feels easy, hold "
                 "it for about 3 seconds, and come back to the start.",
}  # fmt: skip


@dataclass
class SetupOutput:
    """What one frame produced: messages for the page, and a range to store (once)."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    calibration: Calibration | None = None


def check_message(check: CameraCheck) -> dict[str, Any]:
    return {
        "type": "camera_check", "status": "done", "ok": check.ok, "view": check.view,
        "answers": [answer.to_dict() for answer in check.answers()],
        "instructions": check.instructions(), "placement": check.placement,
    }  # fmt: skip


class SetupTasks:
    """At most one task at a time; a new request replaces the one running. Requests come from
    the socket's receiver while frames are fed in a worker thread, hence the lock."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self._lock = threading.Lock()
        self._task: str | None = None
        self._last = "check"  # the task a cancel refers to when none is running
        self._check: ViewCheck | None = None
        self._recorder: CalibrationRecorder | None = None

    @property
    def active(self) -> bool:
        return self._task is not None

    def start(self, task: str) -> dict[str, Any]:
        """Begin ``check`` or ``calibrate`` with the next frame; the acknowledgement to send."""
        with self._lock:
            self._task, self._check, self._recorder = task, None, None
            self._last = task
        if task == "check":
            return {"type": "camera_check", "status": "checking", "seconds": CHECK_SECONDS,
                    "placement": placement_advice(self.exercise)}  # fmt: skip
        return {"type": "calibration", "status": "settling", "message": _SAY["settling"],
                "max_s": MAX_RECORDING_S}  # fmt: skip

    def cancel(self) -> dict[str, Any]:
        with self._lock:
            task, self._task, self._check, self._recorder = self._task, None, None, None
        kind = "camera_check" if (task or self._last) == "check" else "calibration"
        return {"type": kind, "status": "cancelled"}

    def feed(self, t: float, landmarks: Sequence[Sequence[float]] | None,
             image: Any = None) -> SetupOutput:  # fmt: skip
        """Take one frame the coach has just posed (``image`` is ``None`` for landmark frames,
        which are taken as already on one scale)."""
        with self._lock:
            return self._feed(t, landmarks, image)

    def _feed(self, t: float, landmarks: Sequence[Sequence[float]] | None,
              image: Any) -> SetupOutput:  # fmt: skip
        out = SetupOutput()
        if self._task is None:
            return out
        height, width = image.shape[:2] if image is not None else (1, 1)
        if self._task == "check":
            if self._check is None:
                self._check = ViewCheck(self.exercise, width, height)
            if (check := self._check.add(t, landmarks, image)) is not None:
                out.messages.append(check_message(check))
                self._task = None
            return out
        if self._recorder is None:
            self._recorder = CalibrationRecorder(self.exercise, aspect_ratio=width / height)
        recorder = self._recorder
        status = recorder.add(PoseFrame(t, landmarks))
        if status in ("settling", "recording"):
            out.messages.append({"type": "calibration", "status": status, "message": _SAY[status]})
        elif status == "failed":
            out.messages.append({"type": "calibration", "status": "failed",
                                 "message": recorder.error})  # fmt: skip
            self._task = None
        elif status == "done":
            out.calibration = recorder.result
            self._task = None
        return out
