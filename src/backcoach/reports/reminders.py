"""Reminder and habit preferences of one profile: times, days and the weekly goal.

Stored with the journal's per-profile settings (``reminder_times``, ``reminder_days``,
``weekly_goal_days``), set from the web app's Settings page or ``backcoach remind --set``, and
read by the ``.ics`` export of both. Parsing lives here once, so both refuse the same input with
the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from backcoach.reports.calendar import WEEKDAYS, ReminderInputError, parse_times

TIMES_KEY, DAYS_KEY, GOAL_KEY = "reminder_times", "reminder_days", "weekly_goal_days"
_NAMES = {
    "mon": "MO", "monday": "MO", "tue": "TU", "tuesday": "TU", "wed": "WE", "wednesday": "WE",
    "thu": "TH", "thursday": "TH", "fri": "FR", "friday": "FR", "sat": "SA", "saturday": "SA",
    "sun": "SU", "sunday": "SU", **{code.lower(): code for code in WEEKDAYS},
}  # fmt: skip
_GROUPS = {"daily": WEEKDAYS, "every": WEEKDAYS, "all": WEEKDAYS, "weekdays": WEEKDAYS[:5],
           "weekends": WEEKDAYS[5:]}  # fmt: skip
DAY_LABELS = dict(zip(WEEKDAYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))


@dataclass(frozen=True)
class ReminderPrefs:
    """``times`` None: one reminder per planned session, spread over the day."""

    times: tuple[time, ...] | None = None
    days: tuple[str, ...] = WEEKDAYS


def parse_days(text: str) -> tuple[str, ...]:
    """``"mon,wed,fri"``, ``"weekdays"`` or ``"daily"`` -> weekday codes in week order."""
    chosen: set[str] = set()
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        if part in _GROUPS:
            chosen |= set(_GROUPS[part])
        elif part in _NAMES:
            chosen.add(_NAMES[part])
        else:
            raise ReminderInputError(
                f"{part!r} is not a day: use mon,tue,wed,thu,fri,sat,sun, weekdays or daily"
            )
    if not chosen:
        raise ReminderInputError("choose at least one day, e.g. --days mon,wed,fri")
    return tuple(d for d in WEEKDAYS if d in chosen)


def load_prefs(settings: dict[str, Any]) -> ReminderPrefs:
    """The stored preferences; anything unreadable (hand-edited, older) falls back to defaults."""
    times: tuple[time, ...] | None = None
    stored = settings.get(TIMES_KEY)
    if isinstance(stored, list) and stored and all(isinstance(t, str) for t in stored):
        try:
            times = parse_times(",".join(stored))
        except ReminderInputError:
            times = None
    days = settings.get(DAYS_KEY)
    if isinstance(days, list) and days and all(d in WEEKDAYS for d in days):
        return ReminderPrefs(times, tuple(d for d in WEEKDAYS if d in days))
    return ReminderPrefs(times, WEEKDAYS)


def prefs_settings(prefs: ReminderPrefs) -> dict[str, Any]:
    """The settings to store for ``prefs`` (None clears the times: back to the plan's)."""
    times = None if prefs.times is None else [t.strftime("%H:%M") for t in prefs.times]
    return {TIMES_KEY: times, DAYS_KEY: list(prefs.days)}


def describe(prefs: ReminderPrefs) -> str:
    """``"08:00, 18:00 on Mon, Wed, Fri"`` for the CLI and the settings page."""
    when = ("one per planned session (08:00 to 18:00)" if prefs.times is None
            else ", ".join(t.strftime("%H:%M") for t in prefs.times))
    days = ("every day" if len(prefs.days) == len(WEEKDAYS)
            else ", ".join(DAY_LABELS[d] for d in prefs.days))
    return f"{when}, {days}"
