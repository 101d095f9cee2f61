"""One live coaching stream: frames in, pose + analyser feedback out, independent of transport.

The WebSocket handler (``ws.py``) owns the network side; this class owns what happens to one
frame: decode the JPEG, run the pose backend, feed the exercise's analyser, and summarise what a
person should see (repetitions, hold progress, the latest cue). It is synchronous and is run in a
worker thread so the event loop keeps serving other clients.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from backcoach.core.catalog import Exercise
from backcoach.core.motion.calibration import Calibration
from backcoach.core.motion.types import LANDMARK_COUNT, EventKind, MotionEvent, PoseFrame

if TYPE_CHECKING:
    from backcoach.pose.images import ImageLimits


class FrameError(ValueError):
    """A frame the protocol cannot use (not a JPEG, wrong landmark shape); the message says why."""


#: Landmarks for a picture at time t (``PoseTracker.analyse``: the model behind the pipeline).
Estimate = Callable[[Any, float], Sequence[Sequence[float]] | None]


AnalyserFactory = Callable[..., Any]  # (exercise, *, aspect_ratio, calibration) -> analyser


@dataclass
class CoachResult:
    """What the page shows after one frame."""

    t: float
    landmarks: list[list[float]] | None
    events: list[MotionEvent]
    reps: int
    holding: bool
    hold_s: float
    cue: str | None
    signals: dict[str, float] = field(default_factory=dict)
    process_ms: float = 0.0

    def to_message(self, seq: int, dropped: int, exercise_id: str) -> dict[str, Any]:
        return {
            "type": "result",
            "seq": seq,
            "t": round(self.t, 4),
            "exercise": exercise_id,
            "landmarks": self.landmarks,
            "events": [event.to_dict() for event in self.events],
            "reps": self.reps,
            "holding": self.holding,
            "hold_s": round(self.hold_s, 2),
            "cue": self.cue,
            "signals": {k: round(v, 1) for k, v in self.signals.items() if math.isfinite(v)},
            "dropped": dropped,
            "process_ms": round(self.process_ms, 1),
        }


def validate_landmarks(raw: object) -> list[list[float]] | None:
    """Check a landmark frame's shape: ``null`` or 33 lists of 3-4 finite numbers."""
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != LANDMARK_COUNT:
        raise FrameError(f"'landmarks' must be null or a list of {LANDMARK_COUNT} landmarks")
    clean: list[list[float]] = []
    for index, point in enumerate(raw):
        if not isinstance(point, list) or len(point) not in (3, 4):
            raise FrameError(f"landmark {index} must be [x, y, z, visibility]")
        values = []
        for value in point:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise FrameError(f"landmark {index} holds a value that is not a number")
            if not math.isfinite(value):
                raise FrameError(f"landmark {index} holds a value that is not finite")
            values.append(float(value))
        if len(values) == 3:
            values.append(1.0)
        clean.append(values)
    return clean


def decode_jpeg(data: bytes, limits: ImageLimits | None = None) -> Any:
    """A small BGR image from JPEG bytes, its declared size checked before decoding
    (``pose.images``); ``FrameError`` if it is not a JPEG, is damaged or is too large."""
    from backcoach.pose.images import ImageError, decode_image

    if not data.startswith(b"\xff\xd8"):
        raise FrameError("binary frames must be JPEG images")
    try:
        return decode_image(data, limits)
    except ImageError as exc:
        raise FrameError(str(exc)) from None


def _rounded(landmarks: Sequence[Sequence[float]] | None) -> list[list[float]] | None:
    if landmarks is None:
        return None
    return [[round(float(v), 4) for v in point[:4]] for point in landmarks]


class LiveCoach:
    """The analyser for one exercise plus the small state the display needs between frames.

    ``calibration``: the person's own range (``usecases.calibration``), counted from as in
    ``backcoach analyze``. The analyser is made at the first frame: pictures give it their
    width / height (as a video does), landmark frames are taken as already on one scale.
    """

    def __init__(self, exercise: Exercise, analyser_factory: AnalyserFactory,
                 calibration: Calibration | None = None) -> None:  # fmt: skip
        self.exercise = exercise
        self.calibration = calibration
        self._factory = analyser_factory
        self._analyser: Any = None
        self._reps = 0
        self._holding = False
        self._hold_s = 0.0
        self._cue: str | None = None
        self._last_t: float | None = None

    @property
    def reps(self) -> int:
        return self._reps

    def check_time(self, t: float) -> None:
        if not math.isfinite(t) or t < 0:
            raise FrameError("'t' must be a finite number of seconds, 0 or more")
        if self._last_t is not None and t <= self._last_t:
            raise FrameError("frame times must increase")

    def landmarks_frame(self, landmarks: list[list[float]] | None, t: float) -> CoachResult:
        self.check_time(t)
        return self._analyse(landmarks, t, 1.0)

    def image_frame(self, image_bgr: Any, t: float, estimate: Estimate) -> CoachResult:
        self.check_time(t)
        found = estimate(image_bgr, t)
        height, width = image_bgr.shape[:2]
        return self._analyse(_rounded(found), t, width / height if height else 1.0)

    def _analyse(self, landmarks: list[list[float]] | None, t: float,
                 aspect_ratio: float) -> CoachResult:  # fmt: skip
        self._last_t = t
        if self._analyser is None:
            self._analyser = self._factory(self.exercise, aspect_ratio=aspect_ratio,
                                           calibration=self.calibration)  # fmt: skip
        events = list(self._analyser.update(PoseFrame(t=t, landmarks=landmarks)))
        for event in events:
            self._apply(event)
        signals = dict(self._analyser.signals())
        return CoachResult(
            t=t,
            landmarks=landmarks,
            events=events,
            reps=self._reps,
            holding=self._holding,
            hold_s=self._hold_s,
            cue=self._cue,
            signals=signals,
        )

    def _apply(self, event: MotionEvent) -> None:
        if event.kind is EventKind.REP_STARTED:
            self._holding, self._hold_s = True, 0.0
        elif event.kind is EventKind.HOLD_PROGRESS:
            self._holding, self._hold_s = True, event.hold_s or 0.0
        elif event.kind is EventKind.REP_COMPLETED:
            self._holding = False
            self._reps = max(self._reps + 1, event.rep or 0)
            self._hold_s = event.hold_s or self._hold_s
            self._cue = "Good. Relax back to the start."
        elif event.kind is EventKind.FAULT and event.message:
            self._cue = event.message
        elif event.kind is EventKind.PERSON_LOST:
            self._holding = False
            self._cue = "I cannot see you: step back so your whole body is in view."
        elif event.kind is EventKind.PERSON_FOUND:
            self._cue = None
