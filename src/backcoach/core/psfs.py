"""The Patient-Specific Functional Scale (PSFS): how well the person does what matters to them.

Pain scores say how the back feels; the PSFS says what the person can do. Once a week they name up
to three activities their back makes hard and rate each from 0 (unable) to 10 (as well as before
the back problem). A clinician reads the trend of each activity, so the same activity names should
be asked again each week (``previous_activities`` offers them).

Source and licence: Stratford et al., Physiotherapy Canada 1995 (free to use with attribution; the
text lives in ``data/psfs.toml``). Questionnaires that may not be bundled (the Oswestry Disability
Index is proprietary) are deliberately absent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backcoach.core.datafile import load_data_file, shipped_data_file

#: The PSFS asks for at most three activities (Stratford et al., 1995).
MAX_ACTIVITIES = 3
MAX_ACTIVITY_NAME_CHARS = 120


class PsfsError(ValueError):
    """A PSFS answer is out of range or malformed; the message says which one and why."""


class PsfsScale(BaseModel):
    """The instrument's text and rules, loaded from ``data/psfs.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    attribution: str = Field(min_length=1)
    max_activities: int = Field(ge=1, le=MAX_ACTIVITIES)
    interval_days: int = Field(ge=1, le=60)
    min_score: int = Field(ge=0)
    max_score: int = Field(le=10)
    min_label: str = Field(min_length=1)
    max_label: str = Field(min_length=1)
    activity_prompt: str = Field(min_length=1)
    rating_prompt: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> PsfsScale:
        if self.min_score >= self.max_score:
            raise ValueError("min_score must be below max_score")
        return self


def load_psfs_scale(path: Path | None = None) -> PsfsScale:
    """The shipped PSFS definition (or ``path``); a bad file raises ``PsfsError`` naming it."""
    return load_data_file(path or shipped_data_file("psfs.toml"), PsfsScale, PsfsError)


@dataclass(frozen=True)
class PsfsActivity:
    """One named activity and its rating, 0 (unable) to 10 (as before the back problem)."""

    name: str
    score: int

    def __post_init__(self) -> None:
        name = " ".join(self.name.split())
        if not name:
            raise PsfsError("an activity needs a name, e.g. 'putting on socks'")
        if len(name) > MAX_ACTIVITY_NAME_CHARS:
            raise PsfsError(
                f"activity name is {len(name)} characters; keep it under "
                f"{MAX_ACTIVITY_NAME_CHARS + 1}"
            )
        if isinstance(self.score, bool) or not isinstance(self.score, int):
            raise PsfsError(f"rating for {name!r} must be a whole number from 0 to 10")
        if not 0 <= self.score <= 10:
            raise PsfsError(
                f"rating for {name!r} is {self.score}; use 0 (unable) to 10 (as before)"
            )
        object.__setattr__(self, "name", name)


@dataclass(frozen=True)
class PsfsRecord:
    """One weekly PSFS: one to three activities, rated at ``at`` (UTC-aware)."""

    at: datetime
    activities: tuple[PsfsActivity, ...]
    id: int | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise PsfsError("the time of a PSFS record must be timezone-aware")
        if not 1 <= len(self.activities) <= MAX_ACTIVITIES:
            raise PsfsError(
                f"a PSFS has 1 to {MAX_ACTIVITIES} activities, got {len(self.activities)}"
            )
        seen: set[str] = set()
        for activity in self.activities:
            key = activity.name.casefold()
            if key in seen:
                raise PsfsError(f"activity {activity.name!r} is named twice")
            seen.add(key)

    @property
    def mean_score(self) -> float:
        """The mean rating over the activities (the usual PSFS summary score)."""
        return sum(a.score for a in self.activities) / len(self.activities)


def make_psfs_record(
    at: datetime, answers: Sequence[tuple[str, int]], record_id: int | None = None
) -> PsfsRecord:
    """Build a validated record from ``(activity, rating)`` pairs; raises ``PsfsError``."""
    activities = tuple(PsfsActivity(name=name, score=score) for name, score in answers)
    return PsfsRecord(at=at, activities=activities, id=record_id)


def parse_psfs_answer(text: str) -> tuple[str, int]:
    """Parse ``"activity=score"`` (as given on the command line) into a pair.

    The last ``=`` separates the score, so an activity name may itself contain one.
    """
    name, sep, score_text = text.rpartition("=")
    if not sep or not name.strip():
        raise PsfsError(f"{text!r}: write an activity and its rating as 'activity=score'")
    try:
        score = int(score_text.strip())
    except ValueError:
        raise PsfsError(
            f"{text!r}: the rating {score_text.strip()!r} is not a whole number from 0 to 10"
        ) from None
    PsfsActivity(name=name, score=score)  # validate now, to name the bad answer
    return " ".join(name.split()), score


def psfs_due(records: Iterable[PsfsRecord], now: datetime, interval_days: int) -> bool:
    """True when no PSFS was recorded in the last ``interval_days`` days (weekly by default)."""
    latest = max((r.at for r in records), default=None)
    return latest is None or now - latest >= timedelta(days=interval_days)


def previous_activities(records: Iterable[PsfsRecord]) -> tuple[str, ...]:
    """The activity names of the latest record, so the next one rates the same activities."""
    latest = max(records, key=lambda r: r.at, default=None)
    return () if latest is None else tuple(a.name for a in latest.activities)
