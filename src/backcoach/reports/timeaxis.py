"""One time axis for every chart, web and report alike: from one day to a year, sessions placed at
their local time, so three sessions of one day stand apart instead of sharing a "30 Nov" label.

Pure functions of local datetimes (already converted to the person's zone): no clock, no drawing.
The web's SVG charts and the report's matplotlib charts both take their range and ticks from
``time_axis``, so the two can never disagree about where a session sits.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

#: At most this many labelled ticks, however wide the axis: more would only clutter it.
MAX_LABELS = 5
#: The axis the defaults are for: the SVG charts' plot width and label size in viewBox units
#: (``svgcharts``: 314 units of 360 with 15-unit text, about 0.65 em per character in the
#: fonts a browser or WeasyPrint picks). Narrower than any report chart, so safe everywhere.
AXIS_WIDTH = 314.0
CHAR_WIDTH = 9.8
#: How far a label may reach past the left and right ends of the axis (into the chart's margins).
ROOM = (30.0, 10.0)
#: Room kept between two labels, in characters.
_GAP_CHARS = 1.2
_HOUR_STEPS = (1, 2, 3, 4, 6, 12)
_DAY_STEPS = (1, 2, 3, 7, 14)
_WEEK_STEPS = (1, 2, 3, 4, 6, 8, 13)
_MONTH_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)


@dataclass(frozen=True)
class Tick:
    """A grid line at ``at`` with ``label`` centred at ``label_at`` (a day's label sits at noon)."""

    at: datetime
    label: str
    label_at: datetime


@dataclass(frozen=True)
class TimeAxis:
    """A time range in local (naive) time and its labelled ticks; ``unit`` says the scale.

    ``width`` and ``char_width`` (any one unit) are the drawn axis and one label character, and
    ``room`` how far past each end of the axis a label may reach (the chart's margins): the
    ticks are spaced so that their labels never overlap, and ``label_fraction`` keeps a label
    near an end wholly within that room.
    """

    start: datetime
    end: datetime
    ticks: tuple[Tick, ...]
    unit: str  # "hour", "day", "week" or "month"
    width: float = AXIS_WIDTH
    char_width: float = CHAR_WIDTH
    room: tuple[float, float] = ROOM

    def fraction(self, at: datetime) -> float:
        """Where ``at`` sits from 0 (start) to 1 (end)."""
        span = (self.end - self.start).total_seconds()
        return (_naive(at) - self.start).total_seconds() / span

    def half_label(self, label: str) -> float:
        """Half a label's width as a fraction of the axis."""
        return len(label) * self.char_width / 2 / self.width

    def label_fraction(self, tick: Tick) -> float:
        """Where ``tick``'s label is centred (0..1): at its place, moved inward just enough to
        stay inside the axis."""
        half = self.half_label(tick.label)
        low, high = half - self.room[0] / self.width, 1 - half + self.room[1] / self.width
        return min(max(self.fraction(tick.label_at), low), max(low, high))

    def labels_fit(self) -> bool:
        """Whether every label keeps its gap from the next one."""
        gap = _GAP_CHARS * self.char_width / self.width
        spots = [(self.label_fraction(t), self.half_label(t.label)) for t in self.ticks]
        return all(b - hb - (a + ha) >= gap for (a, ha), (b, hb) in itertools.pairwise(spots))


def _naive(at: datetime) -> datetime:
    return at.replace(tzinfo=None)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def time_axis(
    times: Sequence[datetime], first: date | None = None, last: date | None = None,
    *, daily: bool = False, width: float = AXIS_WIDTH, char_width: float = CHAR_WIDTH,
    room: tuple[float, float] = ROOM,
) -> TimeAxis:
    """The axis for ``times`` (local), widened to the days ``first``..``last`` when given.

    One day: hours (the sessions' hours, padded by one), or that one day if ``daily`` (for
    values per day). Up to ten days: days. Up to three months: weeks from Monday. Longer:
    months, and whole years for many years. Each scale takes the finest tick step whose labels
    fit the axis's ``width`` with room between them (see ``TimeAxis``), and at most
    ``MAX_LABELS`` of them.
    """
    local = [_naive(t) for t in times]
    if not local and first is None:
        raise ValueError("a time axis needs times or a first day")
    first_day = first or min(local).date()
    last_day = last or (max(local).date() if local else first_day)
    last_day = max(last_day, first_day)
    days = (last_day - first_day).days + 1
    size = (width, char_width, room)
    if days == 1 and not daily:
        return _hours(first_day, local, size)
    if days <= 10:
        return _days(first_day, last_day, size)
    if days <= 92:
        return _weeks(first_day, last_day, size)
    return _months(first_day, last_day, size)


_Size = tuple[float, float, tuple[float, float]]


def _first_fitting(candidates: Sequence[TimeAxis]) -> TimeAxis:
    """The first axis (finest step first) with labels that fit, else the sparsest labelled one."""
    labelled = [axis for axis in candidates if axis.ticks] or list(candidates)
    for axis in labelled:
        if len(axis.ticks) <= MAX_LABELS and axis.labels_fit():
            return axis
    return labelled[-1]


def _hours(day: date, local: Sequence[datetime], size: _Size) -> TimeAxis:
    hours = [t.hour + t.minute / 60 for t in local if t.date() == day] or [8.0, 18.0]
    low = max(0, math.floor(min(hours)) - 1)
    high = min(24, math.ceil(max(hours)) + 1)
    return _first_fitting([_hour_axis(day, low, high, step, size) for step in _HOUR_STEPS])


def _hour_axis(day: date, low: int, high: int, step: int, size: _Size) -> TimeAxis:
    low, high = low - low % step, min(24, high + (-high) % step)
    ticks = []
    for hour in range(low, high + 1, step):
        at = _midnight(day) + timedelta(hours=hour)
        ticks.append(Tick(at, f"{hour:02d}:00", at))
    start, end = (_midnight(day) + timedelta(hours=h) for h in (low, high))
    return TimeAxis(start, end, tuple(ticks), "hour", *size)


def _days(first: date, last: date, size: _Size) -> TimeAxis:
    count = (last - first).days + 1
    fmt = "%a %d" if count <= 7 else "%d %b"
    start, end = _midnight(first), _midnight(last + timedelta(days=1))
    return _first_fitting([
        TimeAxis(start, end, tuple(
            Tick(_midnight(d), d.strftime(fmt), _midnight(d) + timedelta(hours=12))
            for d in (first + timedelta(days=i) for i in range(0, count, step))
        ), "day", *size)
        for step in _DAY_STEPS
    ])  # fmt: skip


def _weeks(first: date, last: date, size: _Size) -> TimeAxis:
    monday = first - timedelta(days=first.weekday())
    mondays = []
    while monday <= last:
        if monday >= first:
            mondays.append(monday)
        monday += timedelta(days=7)
    start, end = _midnight(first), _midnight(last + timedelta(days=1))
    return _first_fitting([
        TimeAxis(start, end, tuple(Tick(_midnight(d), d.strftime("%d %b"), _midnight(d))
                                   for d in mondays[::step]), "week", *size)
        for step in _WEEK_STEPS
    ])  # fmt: skip


def _months(first: date, last: date, size: _Size) -> TimeAxis:
    starts = []
    month = date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            starts.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    start, end = _midnight(first), _midnight(last + timedelta(days=1))
    return _first_fitting([TimeAxis(start, end, _month_ticks(starts, step), "month", *size)
                           for step in _MONTH_STEPS])  # fmt: skip


def _month_ticks(starts: Sequence[date], step: int) -> tuple[Tick, ...]:
    """Months on calendar multiples of ``step`` (January, April, July, October for three), so
    a January is labelled whenever the axis crosses a year: "Jan 2026", then "Apr", "Jul". The
    first label carries its year too. A step of a year or more labels whole years ("2024")."""
    if step >= 12:
        years = step // 12
        return tuple(Tick(_midnight(d), d.strftime("%Y"), _midnight(d))
                     for d in starts if d.month == 1 and d.year % years == 0)  # fmt: skip
    shown = [d for d in starts if (d.month - 1) % step == 0]
    return tuple(
        Tick(_midnight(d), d.strftime("%b %Y" if i == 0 or d.month == 1 else "%b"), _midnight(d))
        for i, d in enumerate(shown)
    )
