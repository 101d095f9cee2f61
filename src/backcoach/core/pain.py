"""The pain-monitoring model: pain scores, what one session's pain says, and when to refer.

Pain is scored on the 0-10 numeric rating scale (NRS) before and after each session. Pain up to
about 5/10 that settles by the next morning is acceptable; a marked rise, a "worse" morning or a
sharp-pain stop means the dose was too much. Thresholds come from ``data/progression.toml``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from itertools import pairwise

from pydantic import BaseModel, ConfigDict, Field

from backcoach.core.records import (
    History,
    MorningCheckin,
    MorningFeeling,
    SessionOutcome,
    SessionRecord,
)

PAIN_MIN = 0
PAIN_MAX = 10


class PainScoreError(ValueError):
    """A pain score outside the 0-10 scale (or not a whole number)."""


def validate_pain(score: object, what: str = "pain score") -> int:
    """Return ``score`` if it is a whole number from 0 to 10; otherwise raise ``PainScoreError``."""
    if isinstance(score, bool) or not isinstance(score, int) or not PAIN_MIN <= score <= PAIN_MAX:
        raise PainScoreError(
            f"{what} must be a whole number from {PAIN_MIN} (no pain) to {PAIN_MAX} "
            f"(worst pain imaginable), not {score!r}"
        )
    return score


def pain_rise(session: SessionRecord) -> int | None:
    """Pain after minus pain before, or ``None`` when either score is missing."""
    if session.pain_before is None or session.pain_after is None:
        return None
    return session.pain_after - session.pain_before


def session_time(session: SessionRecord) -> datetime:
    """When a session's outcome became known: its end, or its start if it never ended."""
    return session.ended_at or session.started_at


def local_day(at: datetime, zone: tzinfo) -> date:
    """The person's calendar day at ``at`` in their time zone (storage stays UTC)."""
    return at.astimezone(zone).date()


def day_end(day: date, zone: tzinfo) -> datetime:
    """The last instant of ``day`` in ``zone``, as an aware datetime."""
    return datetime.combine(day, time.max, tzinfo=zone)


def sharp_pain_times(history: History) -> list[datetime]:
    """When sharp pain was reported: sharp-pain stops of sessions and SHARP PAIN pressed
    outside a session, in time order. Both count alike in the safety and progression rules."""
    stops = [
        s.stop_at or session_time(s)
        for s in history.sessions
        if s.outcome is SessionOutcome.SHARP_PAIN
    ]
    return sorted([*stops, *(e.at for e in history.sharp_pain_events)])


def checkin_time(checkin: MorningCheckin) -> datetime:
    """When a check-in was made; a check-in without a time counts from the start of its day."""
    return checkin.at or datetime.combine(checkin.day, time.min, tzinfo=UTC)


class Signal(StrEnum):
    """What one session (or check-in) says about the dose."""

    GOOD = "good"  # completed, pain rise within the allowance, pain acceptable
    MILD_FLARE = "mild_flare"  # completed, pain up a little or above the acceptable level: hold
    PAIN_RISE = "pain_rise"  # pain after markedly above pain before: step back
    SHARP_PAIN = "sharp_pain"  # sharp-pain stop: step back, never progress
    NEUTRAL = "neutral"  # stopped or unfinished: breaks a streak, changes nothing else


def session_signal(
    session: SessionRecord, *, max_rise_ok: int, step_back_rise: int, acceptable_pain: int
) -> Signal:
    """Classify one session for progression. A sharp-pain stop overrides every allowance."""
    if session.outcome is SessionOutcome.SHARP_PAIN:
        return Signal.SHARP_PAIN
    rise = pain_rise(session)
    if rise is not None and rise >= step_back_rise:
        return Signal.PAIN_RISE
    if session.outcome is not SessionOutcome.COMPLETED or rise is None:
        return Signal.NEUTRAL
    if rise > max_rise_ok or (session.pain_after or 0) > acceptable_pain:
        return Signal.MILD_FLARE
    return Signal.GOOD


class ReferralRules(BaseModel):
    """When to advise seeing a professional (``[referral]`` in ``progression.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sharp_stops: int = Field(ge=1, le=10)
    sharp_stops_window_days: int = Field(ge=1, le=60)
    worsening_window_days: int = Field(ge=1, le=60)
    worsening_min_sessions: int = Field(ge=2, le=50)
    worsening_pain_rise: int = Field(ge=1, le=10)
    worse_mornings: int = Field(ge=1, le=30)
    same_incident_minutes: int = Field(default=30, ge=0, le=24 * 60)
    advice: str = Field(min_length=1)


def recent_sharp_pain(history: History, at: datetime, rules: ReferralRules) -> list[datetime]:
    """Sharp-pain episodes within the referral window up to ``at``, each at its latest report.

    Reports within ``same_incident_minutes`` of the one before are one episode: SHARP PAIN
    pressed on a session and again on the next page a minute later is one pain, not two, and
    must not alone put sessions on hold until a professional is seen.
    """
    since = at - timedelta(days=rules.sharp_stops_window_days)
    gap = timedelta(minutes=rules.same_incident_minutes)
    episodes: list[datetime] = []
    for t in sharp_pain_times(history):
        if not since <= t <= at:
            continue
        if episodes and t - episodes[-1] <= gap:
            episodes[-1] = t  # the same episode, reported again
        else:
            episodes.append(t)
    return episodes


def _pain_worsening(sessions: list[SessionRecord], rules: ReferralRules) -> bool:
    scores = [s.pain_before for s in sessions if s.pain_before is not None]
    if len(scores) < rules.worsening_min_sessions:
        return False
    never_easing = all(b >= a for a, b in pairwise(scores))
    return never_easing and scores[-1] - scores[0] >= rules.worsening_pain_rise


def referral_reasons(history: History, at: datetime, rules: ReferralRules) -> tuple[str, ...]:
    """Plain-language reasons to see a professional now; empty when there are none."""
    reasons = []
    sharp = recent_sharp_pain(history, at, rules)
    advised = bool(sharp) and any(a.at >= sharp[-1] for a in history.professional_advice)
    if len(sharp) >= rules.sharp_stops and not advised:
        reasons.append(
            f"You reported sharp pain {len(sharp)} times in the last "
            f"{rules.sharp_stops_window_days} days."
        )
    week = at - timedelta(days=rules.worsening_window_days)
    recent = [s for s in history.sessions if week <= s.started_at <= at]
    if _pain_worsening(recent, rules):
        reasons.append(
            f"Your pain before sessions has kept rising over the last "
            f"{rules.worsening_window_days} days."
        )
    worse = [
        c for c in history.checkins
        if c.feeling is MorningFeeling.WORSE and week <= checkin_time(c) <= at
    ]  # fmt: skip
    if len(worse) >= rules.worse_mornings:
        reasons.append(
            f"Your back felt worse on {len(worse)} mornings in the last "
            f"{rules.worsening_window_days} days."
        )
    return tuple(reasons)
