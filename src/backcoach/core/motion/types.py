"""Values that flow through motion analysis: pose frames in, events and a summary out.

These types are the contract between pose backends (video, webcam, WebSocket, landmark files),
the analysers, and whatever shows the results. The JSON produced by ``AnalysisSummary.to_dict``
is an external interface (``backcoach analyze --json``): keep its field names stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

#: One landmark: x and y normalised to image width and height (y grows downward), z as the pose
#: model gives it, visibility 0..1.
Landmark = Sequence[float]

LANDMARK_COUNT = 33


@dataclass(frozen=True, slots=True)
class PoseFrame:
    """One frame's body landmarks (33 BlazePose landmarks), or ``None`` when no person was found.

    ``t`` is seconds from the start of the stream; it comes from the frame, never from a clock.
    """

    t: float
    landmarks: Sequence[Landmark] | None


class EventKind(StrEnum):
    REP_STARTED = "rep_started"
    HOLD_PROGRESS = "hold_progress"
    REP_COMPLETED = "rep_completed"
    FAULT = "fault"
    PERSON_LOST = "person_lost"
    PERSON_FOUND = "person_found"


@dataclass(frozen=True, slots=True)
class MotionEvent:
    """Something a live display or a session log should react to."""

    kind: EventKind
    t: float
    rep: int | None = None  # repetition number (1-based) the event belongs to
    hold_s: float | None = None
    side: str | None = None  # "left" / "right" for sided exercises
    quality: float | None = None
    code: str | None = None  # fault code
    message: str | None = None  # plain-language text for the person
    range_deg: float | None = None  # peak above the person's resting level (range_of_movement)

    def to_dict(self) -> dict[str, Any]:
        data = {
            "kind": self.kind.value,
            "t": round(self.t, 4),
            "rep": self.rep,
            "hold_s": None if self.hold_s is None else round(self.hold_s, 3),
            "side": self.side,
            "quality": None if self.quality is None else round(self.quality, 3),
            "code": self.code,
            "message": self.message,
            "range_deg": self.range_deg,
        }
        return {key: value for key, value in data.items() if value is not None}


@dataclass(frozen=True, slots=True)
class FaultNote:
    code: str
    t: float
    message: str


@dataclass(frozen=True, slots=True)
class RepetitionResult:
    start: float
    end: float
    hold_s: float
    side: str | None
    quality: float
    faults: tuple[str, ...] = ()
    #: The peak above the person's resting level, degrees (core/motion/range_of_movement.py).
    range_deg: float | None = None


@dataclass(frozen=True)
class AnalysisSummary:
    """What an analysis found, for the CLI's ``--json`` and for the session log."""

    exercise: str
    reps: int
    sides: dict[str, int]
    rep_events: tuple[RepetitionResult, ...]
    faults: tuple[FaultNote, ...]
    frames: int
    duration_s: float
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape of ``backcoach analyze --json``."""
        return {
            "exercise": self.exercise,
            "reps": self.reps,
            "sides": dict(self.sides),
            "rep_events": [
                {
                    "start": round(rep.start, 3),
                    "end": round(rep.end, 3),
                    "hold_s": round(rep.hold_s, 3),
                    "side": rep.side,
                    "quality": round(rep.quality, 3),
                    "faults": list(rep.faults),
                    "range_deg": rep.range_deg,
                }
                for rep in self.rep_events
            ],
            "faults": [
                {"code": f.code, "t": round(f.t, 3), "message": f.message} for f in self.faults
            ],
            "frames": self.frames,
            "duration_s": round(self.duration_s, 3),
        }


class Analyser(Protocol):
    """A causal, per-exercise movement analyser. Live and batch use the same ``update``."""

    exercise_id: str

    def update(self, frame: PoseFrame) -> list[MotionEvent]:
        """Feed the next frame (timestamps increasing); return what happened at it."""
        ...

    def summary(self) -> AnalysisSummary:
        """Everything found so far; may be called at any time, including mid-stream."""
        ...

    def signals(self) -> dict[str, float]:
        """The latest filtered signals, for overlays and plots.

        Angles are in degrees; a name ending in ``_ratio`` is a length ratio (no unit).
        """
        ...
