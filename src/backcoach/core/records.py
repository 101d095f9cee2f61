"""The journal's records as plain, immutable values.

These are what the core reasons about (plan, safety) and what storage persists. Storage maps them
to tables; the core never sees a database row. Times are timezone-aware UTC datetimes passed in by
the caller: the core never reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

#: The longest free text a record keeps (notes, a clearance's words, a plan change's reason):
#: the web and the CLI refuse longer notes, and an import must not smuggle one in.
MAX_TEXT_CHARS = 2000


class Side(StrEnum):
    """For sided exercises: the leg that steps back in the hip flexor stretch."""

    LEFT = "left"
    RIGHT = "right"


class SessionOutcome(StrEnum):
    """How a session ended. Only ``COMPLETED`` sessions count toward progression."""

    IN_PROGRESS = "in_progress"  # started, not (yet) ended: e.g. the process was killed
    COMPLETED = "completed"
    STOPPED = "stopped"  # stopped by the person for any reason other than sharp pain
    SHARP_PAIN = "sharp_pain"  # the sharp-pain stop: ends at once, holds progression


class SetSource(StrEnum):
    MANUAL = "manual"
    CAMERA = "camera"


class MorningFeeling(StrEnum):
    """Next-morning check-in: how the back feels compared with yesterday."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


@dataclass(frozen=True)
class DoseValue:
    """A dose as stored in plan changes (mirrors ``catalog.Dose`` without validation cost)."""

    reps: int
    hold_s: int
    sessions_per_day: int


@dataclass(frozen=True)
class SetRecord:
    """One exercise set within a session, committed as soon as it ends."""

    exercise_id: str
    reps: int
    hold_s: float  # mean hold per repetition, seconds
    started_at: datetime
    ended_at: datetime
    side: Side | None = None
    source: SetSource = SetSource.MANUAL
    quality: float | None = None  # 0..1 from the camera, when used
    id: int | None = None
    # Repetitions that reached the prescribed hold (or that the camera counted). ``None`` for
    # sets stored before this was recorded: then every repetition counts.
    full_reps: int | None = None
    # How far the person moved above their own resting level (degrees of the exercise's
    # analysed signal, core/motion/range_of_movement.py); ``None`` when no camera was used.
    range_deg: float | None = None

    @property
    def counted_reps(self) -> int:
        """The repetitions that count toward the dose and progression."""
        return self.reps if self.full_reps is None else self.full_reps


@dataclass(frozen=True)
class SessionRecord:
    """One exercise session with its pain scores (0-10 NRS) and how it ended."""

    started_at: datetime
    outcome: SessionOutcome
    pain_before: int | None = None
    pain_after: int | None = None
    ended_at: datetime | None = None
    stop_exercise_id: str | None = None  # the exercise being done when stopped
    stop_at: datetime | None = None
    sets: tuple[SetRecord, ...] = ()
    note: str | None = None
    id: int | None = None
    time_zone: str | None = None  # the person's IANA zone when the session started


@dataclass(frozen=True)
class MorningCheckin:
    """The next-morning check-in of the pain-monitoring model."""

    day: date
    feeling: MorningFeeling
    pain: int | None = None  # 0-10, optional
    at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class ScreeningRecord:
    """One completed red-flag screening. ``answers`` maps question id to yes/no."""

    taken_at: datetime
    answers: dict[str, bool]
    positive_flags: tuple[str, ...]  # flag ids (e.g. "cauda_equina") with a yes answer
    cleared_at: datetime | None = None  # a professional has cleared the person
    cleared_note: str | None = None  # what the professional said
    id: int | None = None
    cleared_by: str | None = None  # who cleared the person (name, role)
    cleared_on: date | None = None  # the day the professional saw the person


@dataclass(frozen=True)
class PlanChange:
    """A change of one exercise's dose, with the reason shown to the person."""

    exercise_id: str
    at: datetime
    from_dose: DoseValue | None  # None for the first plan
    to_dose: DoseValue
    reason_code: str  # stable code, e.g. "start", "progress", "hold", "step_back"
    reason: str  # plain-language explanation
    id: int | None = None


@dataclass(frozen=True)
class DisclaimerAck:
    """The person acknowledged the disclaimer whose text hashes to ``version``."""

    version: str
    at: datetime


@dataclass(frozen=True)
class Note:
    at: datetime
    text: str
    id: int | None = None


@dataclass(frozen=True)
class SharpPainEvent:
    """SHARP PAIN pressed outside a running session (or just after one ended).

    It counts like a sharp-pain stop in the safety and progression rules. ``place`` says where
    it was pressed ("history", "after_session", "cli", ...); ``session_id`` links it to the
    session that had just ended, when there was one.
    """

    at: datetime
    place: str
    pain: int | None = None
    note: str | None = None
    session_id: int | None = None
    id: int | None = None


@dataclass(frozen=True)
class ProfessionalAdvice:
    """A professional's advice recorded after repeated sharp pain (it lifts that hold)."""

    at: datetime  # when it was recorded
    by: str  # who gave it
    on: date  # the day they saw the person
    said: str  # what they said
    reason: str = "sharp_pain"
    id: int | None = None


@dataclass(frozen=True)
class History:
    """Everything the core needs to know about one profile, oldest first in every tuple."""

    sessions: tuple[SessionRecord, ...] = ()
    checkins: tuple[MorningCheckin, ...] = ()
    screenings: tuple[ScreeningRecord, ...] = ()
    plan_changes: tuple[PlanChange, ...] = ()
    disclaimer_acks: tuple[DisclaimerAck, ...] = ()
    notes: tuple[Note, ...] = field(default_factory=tuple)
    sharp_pain_events: tuple[SharpPainEvent, ...] = ()
    professional_advice: tuple[ProfessionalAdvice, ...] = ()
