"""Safety: the disclaimer, red-flag screening, and the one check before any session.

``session_decision`` is the single gate every path that starts or continues a session calls. Red
flags always win: a positive screening that no professional has cleared blocks every session,
whatever the plan says. Screening questions and advice are data (``data/screening.toml``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backcoach.core.datafile import load_data_file, shipped_data_file
from backcoach.core.pain import (
    ReferralRules,
    checkin_time,
    local_day,
    recent_sharp_pain,
    referral_reasons,
    sharp_pain_times,
)
from backcoach.core.records import History, ScreeningRecord

#: What to do after sharp pain, wherever it was felt.
SHARP_PAIN_ADVICE = (
    "Do not carry on with these exercises today. "
    "Rest in a comfortable position and move gently as you can. If the pain is severe, does "
    "not ease, runs down a leg, or comes with numbness, weakness, or bladder or bowel "
    "problems, get medical help now. Otherwise talk to a doctor or physiotherapist before "
    "your next session. Your plan will not increase until your back has settled."
)
#: Shown when a session ends with the sharp-pain stop.
SHARP_PAIN_MESSAGE = "Session stopped because of sharp pain. " + SHARP_PAIN_ADVICE


class SafetyError(Exception):
    """A safety data file is invalid, or screening answers do not match the questions."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- disclaimer -------------------------------------------------------------------------------


class _DisclaimerFile(_Model):
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)


@dataclass(frozen=True)
class Disclaimer:
    """The disclaimer text; ``version`` changes whenever the text does, so acks expire."""

    title: str
    text: str
    version: str


def disclaimer_version(text: str) -> str:
    """A short sha256 of the text (12 hex digits), stable across platforms."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:12]


def load_disclaimer(path: Path | None = None) -> Disclaimer:
    """Load the disclaimer (the shipped one by default); errors name the file and field."""
    raw = load_data_file(path or shipped_data_file("disclaimer.toml"), _DisclaimerFile, SafetyError)
    text = raw.text.strip()
    return Disclaimer(title=raw.title, text=text, version=disclaimer_version(text))


def needs_disclaimer(history: History, disclaimer: Disclaimer) -> bool:
    """True unless the person has acknowledged this exact version of the text."""
    return all(ack.version != disclaimer.version for ack in history.disclaimer_acks)


# --- screening --------------------------------------------------------------------------------


class Question(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=1)
    flag: str = Field(min_length=1, description="the flag id a yes answer raises")


class Flag(_Model):
    id: str = Field(default="", description="filled from the table key")
    title: str = Field(min_length=1)
    urgency: Literal["emergency", "urgent", "soon"]
    advice: str = Field(min_length=1)


class RescreenRule(_Model):
    """A marked pain rise that asks for a new screening before the next session."""

    pain_rise_points: int = Field(ge=1, le=10)
    pain_high: int = Field(ge=1, le=10)


class Screening(_Model):
    """The red-flag questions, the flags they raise, and when the answers expire."""

    expires_after_days: int = Field(ge=1, le=365)
    rescreen: RescreenRule
    flags: dict[str, Flag] = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _flag_ids_from_keys(cls, raw: object) -> object:
        if isinstance(raw, dict) and isinstance(raw.get("flags"), dict):
            flags = {
                key: {**value, "id": key} if isinstance(value, dict) else value
                for key, value in raw["flags"].items()
            }
            raw = {**raw, "flags": flags}
        return raw

    @model_validator(mode="after")
    def _consistent(self) -> Screening:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        for question in self.questions:
            if question.flag not in self.flags:
                raise ValueError(f"question {question.id!r} raises unknown flag {question.flag!r}")
        return self


def load_screening(path: Path | None = None) -> Screening:
    """Load the screening (the shipped one by default); errors name the file and field."""
    return load_data_file(path or shipped_data_file("screening.toml"), Screening, SafetyError)


def evaluate_screening(
    screening: Screening, answers: dict[str, bool], at: datetime
) -> ScreeningRecord:
    """Turn a full set of yes/no answers into a record; raises ``SafetyError`` on gaps or extras."""
    expected = {q.id for q in screening.questions}
    missing = [q.id for q in screening.questions if q.id not in answers]
    unknown = sorted(set(answers) - expected)
    if missing or unknown:
        parts = [f"missing answers: {', '.join(missing)}"] if missing else []
        parts += [f"unknown questions: {', '.join(unknown)}"] if unknown else []
        raise SafetyError("screening incomplete: " + "; ".join(parts))
    if any(not isinstance(value, bool) for value in answers.values()):
        raise SafetyError("screening answers must be yes (true) or no (false)")
    flags: list[str] = []
    for question in screening.questions:
        if answers[question.id] and question.flag not in flags:
            flags.append(question.flag)
    return ScreeningRecord(taken_at=at, answers=dict(answers), positive_flags=tuple(flags))


def flag_advice(screening: Screening, flag_ids: tuple[str, ...]) -> tuple[str, ...]:
    """The advice for each raised flag, most urgent first (emergency, urgent, soon)."""
    order = {"emergency": 0, "urgent": 1, "soon": 2}
    known = [screening.flags[f] for f in flag_ids if f in screening.flags]
    ranked = sorted(known, key=lambda flag: order[flag.urgency])
    unknown = [f for f in flag_ids if f not in screening.flags]
    advice = [f"{flag.title}: {flag.advice}" for flag in ranked]
    # A flag no longer in the data still blocks; give the most cautious general advice.
    advice += [f"Flag {f!r}: see a doctor before you exercise." for f in unknown]
    return tuple(advice)


# --- the decision -----------------------------------------------------------------------------

DecisionCode = Literal[
    "ok",
    "sharp_pain_rest",
    "sharp_pain_referral",
    "checkin_needed",
    "disclaimer_needed",
    "screening_needed",
    "screening_expired",
    "pain_rise_rescreen",
    "red_flag",
    "see_professional",
]


@dataclass(frozen=True)
class SafetyDecision:
    """Whether a session may start (or go on), why not, and what to do about it."""

    allowed: bool
    code: DecisionCode
    message: str
    advice: tuple[str, ...] = ()


def uncleared_red_flags(history: History) -> tuple[ScreeningRecord, ...]:
    """Screenings with a positive flag that no professional has cleared (they block sessions)."""
    return tuple(s for s in history.screenings if s.positive_flags and s.cleared_at is None)


def marked_pain_rise(pain_before: int, previous: int | None, rule: RescreenRule) -> bool:
    """True when pain before a session is high, or well above the previous session's."""
    if pain_before >= rule.pain_high:
        return True
    return previous is not None and pain_before - previous >= rule.pain_rise_points


def _pain_rose_since(history: History, screening: ScreeningRecord, rule: RescreenRule) -> bool:
    """A marked pain rise in any session started since ``screening`` was taken."""
    previous: int | None = None
    for session in history.sessions:
        score = session.pain_before
        if score is None:
            continue
        if session.started_at >= screening.taken_at and marked_pain_rise(score, previous, rule):
            return True
        previous = score
    return False


#: Shown while the rest of the day after sharp pain is a rest day.
SHARP_PAIN_REST_MESSAGE = (
    "You reported sharp pain today, so today is a rest day: no more of these exercises until "
    "tomorrow. Rest in a comfortable position and move gently as you can. If the pain is "
    "severe, does not ease, runs down a leg, or comes with numbness, weakness, or bladder or "
    "bowel problems, get medical help now. Otherwise talk to a doctor or physiotherapist "
    "before your next session."
)


def _advice_after(history: History, at: datetime) -> bool:
    return any(a.at >= at for a in history.professional_advice)


def sharp_pain_decision(
    history: History, now: datetime, zone: tzinfo, referral: ReferralRules | None
) -> SafetyDecision | None:
    """Sharp pain means rest: the blocking decision it calls for now, or ``None``.

    Repeated sharp pain (``referral.sharp_stops`` within the window) holds every session until a
    professional's advice is recorded after the latest report; sharp pain earlier on the
    person's local day makes the rest of that day a rest day; the first session after it asks
    the next-morning check-in first.
    """
    times = [t for t in sharp_pain_times(history) if t <= now]
    if not times:
        return None
    last = times[-1]
    if referral is not None:
        recent = recent_sharp_pain(history, now, referral)
        if len(recent) >= referral.sharp_stops and not _advice_after(history, recent[-1]):
            return SafetyDecision(
                False,
                "sharp_pain_referral",
                f"You reported sharp pain {len(recent)} times in the last "
                f"{referral.sharp_stops_window_days} days. Sessions are on hold until you have "
                "seen a doctor or physiotherapist and recorded what they advised.",
                (referral.advice,),
            )
    if local_day(last, zone) == local_day(now, zone):
        return SafetyDecision(False, "sharp_pain_rest", SHARP_PAIN_REST_MESSAGE)
    if not any(checkin_time(c) > last for c in history.checkins):
        return SafetyDecision(
            False,
            "checkin_needed",
            "Before your next session, tell us how your back feels since the sharp pain "
            "(the next-morning check-in).",
        )
    return None


def session_decision(
    history: History,
    screening: Screening,
    disclaimer: Disclaimer,
    now: datetime,
    referral: ReferralRules | None = None,
    zone: tzinfo = UTC,
) -> SafetyDecision:
    """The one check before starting or continuing a session. Red flags always win.

    Blocking codes, in order: ``red_flag`` (a positive screening not cleared by a professional),
    ``sharp_pain_referral``, ``sharp_pain_rest``, ``checkin_needed`` (sharp pain means rest; see
    ``sharp_pain_decision``; days are the person's local days in ``zone``),
    ``disclaimer_needed``, ``screening_needed``, ``screening_expired``, ``pain_rise_rescreen``.
    With ``referral`` rules given, worsening pain gives ``see_professional``: allowed, but the
    advice must be shown.
    """
    flagged = uncleared_red_flags(history)
    if flagged:
        flags = tuple(dict.fromkeys(f for s in flagged for f in s.positive_flags))
        return SafetyDecision(
            False,
            "red_flag",
            "Your screening answers show signs that a professional should check before you "
            "exercise. Sessions stay blocked until you record that a professional has cleared you.",
            flag_advice(screening, flags),
        )
    rest = sharp_pain_decision(history, now, zone, referral)
    if rest is not None:
        return rest
    if needs_disclaimer(history, disclaimer):
        return SafetyDecision(
            False,
            "disclaimer_needed",
            "Please read and accept the disclaimer first.",
            (disclaimer.text,),
        )
    if not history.screenings:
        return SafetyDecision(
            False,
            "screening_needed",
            "Please answer the safety questions before your first session.",
        )
    latest = sorted(history.screenings, key=lambda s: s.taken_at)[-1]
    if now - latest.taken_at > timedelta(days=screening.expires_after_days):
        return SafetyDecision(
            False,
            "screening_expired",
            f"Your safety answers are more than {screening.expires_after_days} days old. "
            "Please answer the questions again.",
        )
    if _pain_rose_since(history, latest, screening.rescreen):
        return SafetyDecision(
            False,
            "pain_rise_rescreen",
            "Your pain has risen markedly. Please answer the safety questions again before "
            "the next session.",
        )
    reasons = referral_reasons(history, now, referral) if referral else ()
    if reasons and referral is not None:
        return SafetyDecision(True, "see_professional", referral.advice, reasons)
    return SafetyDecision(True, "ok", "You can start a session.")
