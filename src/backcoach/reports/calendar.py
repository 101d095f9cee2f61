"""Daily session reminders as an iCalendar file (RFC 5545) any calendar app can import.

One recurring daily event per session of the day, each with a display alarm. Times are
*floating* local times (no time zone): "08:00" means 08:00 wherever the person is, which is what a
reminder to exercise should do when they travel or the clocks change. UIDs are stable, so
importing a newer file updates the events instead of doubling them.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event

from backcoach.core.plan import DailyPlan

#: iCalendar weekday codes, Monday first (RFC 5545 BYDAY).
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: The window default reminder times are spread over when none are given.
FIRST_DEFAULT = time(8, 0)
LAST_DEFAULT = time(18, 0)
MAX_REMINDERS_PER_DAY = 10
_NAMESPACE = uuid.UUID("0b6f3a52-1d0e-5c8e-8a53-2c1c6d3c7e11")
_SETUP_S_PER_EXERCISE = 60  # getting into position, reading the steps


class ReminderInputError(ValueError):
    """Reminder times or options are malformed; the message shows the expected form."""


@dataclass(frozen=True)
class ReminderItem:
    """One exercise of the plan as the reminder describes it."""

    name: str
    reps: int
    hold_s: int
    rest_s: int = 0
    sided: bool = False

    @property
    def seconds(self) -> int:
        sides = 2 if self.sided else 1
        return sides * self.reps * (self.hold_s + self.rest_s) + _SETUP_S_PER_EXERCISE

    def describe(self) -> str:
        both = ", each side" if self.sided else ""
        return f"{self.name}: {self.reps} x {self.hold_s} s hold{both}"


def reminder_items(plan: DailyPlan) -> tuple[tuple[ReminderItem, ...], int]:
    """The plan's exercises as reminder items, and its sessions per day (the most any asks)."""
    items = tuple(
        ReminderItem(
            name=item.exercise.name,
            reps=item.dose.reps,
            hold_s=item.dose.hold_s,
            rest_s=item.exercise.rest_between_reps_s,
            sided=item.exercise.sided,
        )
        for item in plan.items
    )
    per_day = max((item.dose.sessions_per_day for item in plan.items), default=1)
    return items, per_day


def parse_times(text: str) -> tuple[time, ...]:
    """Parse ``"08:00,13:00,18:00"`` into sorted, distinct times; raises ``ReminderInputError``."""
    times = []
    for part in (p.strip() for p in text.split(",")):
        try:
            hour_text, minute_text = part.split(":")
            times.append(time(int(hour_text), int(minute_text)))
        except ValueError:
            raise ReminderInputError(
                f"{part!r} is not a time of day: use HH:MM, e.g. --times 08:00,13:00,18:00"
            ) from None
    if len(set(times)) != len(times):
        raise ReminderInputError(f"{text!r} names the same time twice")
    if len(times) > MAX_REMINDERS_PER_DAY:
        raise ReminderInputError(f"at most {MAX_REMINDERS_PER_DAY} reminders a day")
    return tuple(sorted(times))


def suggested_times(sessions_per_day: int) -> tuple[time, ...]:
    """``n`` times spread evenly from 08:00 to 18:00, rounded to 5 minutes (3 -> 8, 13, 18 h)."""
    if not 1 <= sessions_per_day <= MAX_REMINDERS_PER_DAY:
        raise ReminderInputError(f"sessions per day must be 1 to {MAX_REMINDERS_PER_DAY}")
    first = FIRST_DEFAULT.hour * 60 + FIRST_DEFAULT.minute
    last = LAST_DEFAULT.hour * 60 + LAST_DEFAULT.minute
    if sessions_per_day == 1:
        return (FIRST_DEFAULT,)
    step = (last - first) / (sessions_per_day - 1)
    minutes = [5 * round((first + i * step) / 5) for i in range(sessions_per_day)]
    return tuple(time(m // 60, m % 60) for m in minutes)


def session_minutes(items: Sequence[ReminderItem]) -> int:
    """How long to block for one session: the plan's time, rounded up to 5 min, at least 10."""
    total_s = sum(item.seconds for item in items)
    return max(10, 5 * math.ceil(total_s / 300))


def _description(items: Sequence[ReminderItem], disclaimer: str) -> str:
    lines = ["Your backcoach exercise session. The plan when this reminder was made:"]
    lines += [f"- {item.describe()}" for item in items]
    lines += [
        "",
        "The plan adjusts as you go: open backcoach for today's doses and record your pain.",
        disclaimer,
    ]
    return "\n".join(lines)


def build_calendar(
    profile: str,
    items: Sequence[ReminderItem],
    times: Sequence[time],
    first_day: date,
    generated_at: datetime,
    disclaimer: str,
    alarm_minutes_before: int = 5,
    days: Sequence[str] = WEEKDAYS,
) -> bytes:
    """The RFC 5545 calendar: one recurring event with a display alarm per time, every day or
    weekly on ``days`` (codes from ``WEEKDAYS``)."""
    if not days or any(d not in WEEKDAYS for d in days):
        raise ReminderInputError("choose at least one day of the week for the reminders")
    if not items:
        raise ReminderInputError("the plan has no exercises to remind you of")
    if not 0 <= alarm_minutes_before <= 120:
        raise ReminderInputError("the alarm can ring 0 to 120 minutes before a session")
    calendar = Calendar()
    calendar.add("prodid", "-//backcoach//session reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"backcoach sessions ({profile})")
    duration = timedelta(minutes=session_minutes(items))
    description = _description(items, disclaimer)
    for number, at in enumerate(times, start=1):
        event = _event(profile, number, len(times), datetime.combine(first_day, at), duration,
                       days)
        event.add("description", description)
        event.add("dtstamp", generated_at)
        event.add_component(_alarm(alarm_minutes_before, number, len(times)))
        calendar.add_component(event)
    return calendar.to_ical()


def _event(profile: str, number: int, count: int, start: datetime, duration: timedelta,
           days: Sequence[str]) -> Event:
    event = Event()
    key = f"{profile}/{start.time().isoformat(timespec='minutes')}"
    event.add("uid", f"{uuid.uuid5(_NAMESPACE, key)}@backcoach.local")
    event.add("summary", f"Back exercises (session {number} of {count})")
    event.add("dtstart", start)  # naive: a floating local time
    event.add("duration", duration)
    if len(set(days)) == len(WEEKDAYS):
        event.add("rrule", {"freq": "daily"})
    else:
        event.add("rrule", {"freq": "weekly", "byday": [d for d in WEEKDAYS if d in days]})
    event.add("categories", ["Health"])
    event.add("transp", "TRANSPARENT")
    return event


def _alarm(minutes_before: int, number: int, count: int) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Time for back exercises (session {number} of {count})")
    alarm.add("trigger", timedelta(minutes=-minutes_before))
    return alarm
