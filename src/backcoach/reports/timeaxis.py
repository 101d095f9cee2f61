"""One time axis for every chart, web and report alike: from one day to a year, sessions placed at
their local time, so three sessions of one day stand apart instead of sharing a "30 Nov" label.

Pure functions of local datetimes (already converted to the person's zone): no clock, no drawing.
The web's SVG charts and the report's matplotlib charts both take their range and ticks from
``time_axis``, so the two can never disagree about where a session sits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

#: At most this many labelled ticks: a 360 px phone fits five "30 Nov" labels at 12 px and more.
MAX_LABELS = 5
_HOUR_STEPS = (1, 2, 3, 4, 6, 12)


@dataclass(frozen=True)
class Tick:
    """A grid line at ``at`` with ``label`` centred at ``label_at`` (a day's label sits at noon)."""

    at: datetime
    label: str
    label_at: datetime


@dataclass(frozen=True)
class TimeAxis:
    """A time range in local (naive) time and its labelled ticks; ``unit`` says the scale."""

    start: datetime
    end: datetime
    ticks: tuple[Tick, ...]
    unit: str  # "hour", "day", "week" or "month"

    def fraction(self, at: datetime) -> float:
        """Where ``at`` sits from 0 (start) to 1 (end)."""
        span = (self.end - self.start).total_seconds()
        return (_naive(at) - self.start).total_seconds() / span


def _naive(at: datetime) -> datetime:
    return at.replace(tzinfo=None)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def time_axis(
    times: Sequence[datetime], first: date | None = None, last: date | None = None,
    *, daily: bool = False,
) -> TimeAxis:
    """The axis for ``times`` (local), widened to the days ``first``..``last`` when given.

    One day: hours (the sessions' hours, padded by one), or that one day if ``daily`` (for
    values per day). Up to ten days: days. Up to three months: weeks from Monday. Longer:
    months. Every scale keeps to ``MAX_LABELS`` labels.
    """
    local = [_naive(t) for t in times]
    if not local and first is None:
        raise ValueError("a time axis needs times or a first day")
    first_day = first or min(local).date()
    last_day = last or (max(local).date() if local else first_day)
    last_day = max(last_day, first_day)
    days = (last_day - first_day).days + 1
    if days == 1 and not daily:
        return _hours(first_day, local)
    if days <= 10:
        return _days(first_day, last_day)
    if days <= 92:
        return _weeks(first_day, last_day)
    return _months(first_day, last_day)


def _hours(day: date, local: Sequence[datetime]) -> TimeAxis:
    hours = [t.hour + t.minute / 60 for t in local if t.date() == day] or [8.0, 18.0]
    low = max(0, math.floor(min(hours)) - 1)
    high = min(24, math.ceil(max(hours)) + 1)
    for step in _HOUR_STEPS:  # the finest step whose whole-step range keeps to MAX_LABELS
        low_at, high_at = low - low % step, min(24, high + (-high) % step)
        if (high_at - low_at) // step + 1 <= MAX_LABELS:
            break
    low, high = low_at, high_at
    start = _midnight(day) + timedelta(hours=low)
    ticks = []
    for hour in range(low, high + 1, step):
        at = _midnight(day) + timedelta(hours=hour)
        label = f"{hour:02d}:00" if hour < 24 else "24:00"
        ticks.append(Tick(at, label, at))
    end = _midnight(day) + timedelta(hours=high)
    return TimeAxis(start, end, tuple(ticks), "hour")


def _days(first: date, last: date) -> TimeAxis:
    count = (last - first).days + 1
    step = math.ceil(count / MAX_LABELS)
    fmt = "%a %d" if count <= 7 else "%d %b"
    ticks = tuple(
        Tick(_midnight(d), d.strftime(fmt), _midnight(d) + timedelta(hours=12))
        for d in (first + timedelta(days=i) for i in range(0, count, step))
    )
    return TimeAxis(_midnight(first), _midnight(last + timedelta(days=1)), ticks, "day")


def _weeks(first: date, last: date) -> TimeAxis:
    monday = first - timedelta(days=first.weekday())
    mondays = []
    while monday <= last:
        if monday >= first:
            mondays.append(monday)
        monday += timedelta(days=7)
    step = math.ceil(len(mondays) / MAX_LABELS) if mondays else 1
    ticks = tuple(Tick(_midnight(d), d.strftime("%d %b"), _midnight(d)) for d in mondays[::step])
    return TimeAxis(_midnight(first), _midnight(last + timedelta(days=1)), ticks, "week")


def _months(first: date, last: date) -> TimeAxis:
    starts = []
    month = date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            starts.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    step = math.ceil(len(starts) / MAX_LABELS) if starts else 1
    shown = starts[::step]
    ticks = tuple(  # the year on the first label and wherever it changes
        Tick(_midnight(d), d.strftime("%b %Y" if i == 0 or d.year != shown[i - 1].year
                                      else "%b"), _midnight(d))
        for i, d in enumerate(shown)
    )
    return TimeAxis(_midnight(first), _midnight(last + timedelta(days=1)), ticks, "month")
