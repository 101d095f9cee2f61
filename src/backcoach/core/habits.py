"""Habits without pressure: a weekly goal of active days, a streak, and words that never push.

Pure functions of the journal's ``History``, the person's local ``today`` and time zone (passed
in: the core never reads the clock). A day counts when at least one session was completed on it.
The streak runs back from today over counted days; a day the app itself ordered rest (the day of
a sharp-pain stop or event and the days after it, a morning that felt worse) neither breaks nor
lengthens it, and neither does today before the person has had a chance to exercise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from backcoach.core.datafile import load_data_file, shipped_data_file
from backcoach.core.records import History, MorningFeeling, SessionOutcome

MAX_STREAK_DAYS = 3660  # ten years: a bound for the backwards walk


class HabitsError(Exception):
    """``habits.toml`` or ``learn.toml`` is malformed (the message names the file and field)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HabitMessages(_Model):
    rest_ordered: str
    goal_met: str
    done_today: str
    on_track: str
    fresh_start: str


class HabitRules(_Model):
    default_weekly_goal_days: int = Field(ge=1, le=7)
    rest_days_after_sharp_pain: int = Field(ge=0, le=7)
    messages: HabitMessages


class Card(_Model):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=3)
    moment: str = Field(pattern=r"^(today|session|exercises|sharp_pain|history)$")
    text: str = Field(min_length=20)


class Cards(_Model):
    cards: tuple[Card, ...] = Field(min_length=1)


def load_habit_rules(path: Path | None = None) -> HabitRules:
    return load_data_file(path or shipped_data_file("habits.toml"), HabitRules, HabitsError)


def load_cards(path: Path | None = None) -> tuple[Card, ...]:
    """The education cards; ids must be unique (they record which ones were seen)."""
    cards = load_data_file(path or shipped_data_file("learn.toml"), Cards, HabitsError).cards
    ids = [c.id for c in cards]
    if len(set(ids)) != len(ids):
        raise HabitsError(f"{path or 'learn.toml'}: card ids must be unique")
    return tuple(Card(**{**c.model_dump(), "text": " ".join(c.text.split())}) for c in cards)


def valid_goal(days: object, rules: HabitRules) -> int:
    """A stored goal if it is a whole number of days 1..7, else the default."""
    if isinstance(days, int) and not isinstance(days, bool) and 1 <= days <= 7:
        return days
    return rules.default_weekly_goal_days


def active_days(history: History, zone: tzinfo) -> set[date]:
    """Local days with at least one completed session."""
    return {s.started_at.astimezone(zone).date() for s in history.sessions
            if s.outcome is SessionOutcome.COMPLETED}


def rest_days(history: History, zone: tzinfo, rules: HabitRules) -> set[date]:
    """Days the app ordered rest: sharp pain (stop or event) and the days after, flare mornings."""
    sharp = [s.started_at for s in history.sessions if s.outcome is SessionOutcome.SHARP_PAIN]
    sharp += [e.at for e in history.sharp_pain_events]
    days = set()
    for at in sharp:
        day = at.astimezone(zone).date()
        days |= {day + timedelta(days=k) for k in range(rules.rest_days_after_sharp_pain + 1)}
    days |= {c.day for c in history.checkins if c.feeling is MorningFeeling.WORSE}
    return days


@dataclass(frozen=True)
class WeekProgress:
    week_start: date  # Monday
    active: tuple[date, ...]
    goal_days: int
    rest: tuple[date, ...]

    @property
    def met(self) -> bool:
        return len(self.active) >= self.goal_days


@dataclass(frozen=True)
class Streak:
    days: int  # active days in a row, rest days the app ordered skipped over
    kept_by_rest: int  # how many ordered rest days it spans


@dataclass(frozen=True)
class HabitView:
    week: WeekProgress
    streak: Streak
    message: str
    rest_today: bool


def week_progress(history: History, today: date, zone: tzinfo, goal_days: int,
                  rules: HabitRules) -> WeekProgress:
    monday = today - timedelta(days=today.weekday())
    week = {monday + timedelta(days=k) for k in range(7)}
    return WeekProgress(monday, tuple(sorted(active_days(history, zone) & week)), goal_days,
                        tuple(sorted(rest_days(history, zone, rules) & week)))


def streak(history: History, today: date, zone: tzinfo, rules: HabitRules) -> Streak:
    active, rest = active_days(history, zone), rest_days(history, zone, rules)
    count = kept = 0
    day = today if today in active else today - timedelta(days=1)  # today is not over yet
    for _ in range(MAX_STREAK_DAYS):
        if day in active:
            count += 1
        elif day in rest:
            kept += 1
        else:
            break
        day -= timedelta(days=1)
    return Streak(count, kept if count else 0)


def habit_view(history: History, today: date, zone: tzinfo, goal_days: int,
               rules: HabitRules) -> HabitView:
    """Everything the Today page shows about keeping going, with one message that fits."""
    week = week_progress(history, today, zone, goal_days, rules)
    run = streak(history, today, zone, rules)
    rest_today = today in rest_days(history, zone, rules)
    words = rules.messages
    if rest_today:
        message = words.rest_ordered
    elif today in week.active:
        message = words.goal_met if week.met else words.done_today
    elif week.met:
        message = words.goal_met
    else:
        message = words.on_track if week.active else words.fresh_start
    return HabitView(week, run, message, rest_today)
