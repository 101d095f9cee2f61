"""Pain marks folded so that a year of sessions stays readable on a 360-unit chart.

A year is about 365 sessions on about 314 units of axis: drawn one by one, the "after" squares
cover the "before" dots and the sharp-pain marks pile up. So when sessions would sit closer than
``MIN_GAP`` units, the chart shows one summary per day, week, month, quarter or year (the finest
that leaves ``MIN_GAP`` between neighbours): the median before and after, with the lowest and
highest as a thin range. Sharp-pain marks that would collide become one mark with a count.

Pure: local datetimes and a ``TimeAxis`` in, numbers out; ``reports.svgcharts`` draws them.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from backcoach.reports.timeaxis import TimeAxis

#: The least room, in axis units, between two neighbouring summaries (or sessions): enough for a
#: before-dot and an after-square side by side, each at least 5 units wide (4 px on a phone).
MIN_GAP = 10.0
#: Sessions one by one may sit a little closer (smaller marks), so that the three sessions of
#: one day stand apart on a week's axis (five hours apart is about 9 units).
SESSION_GAP = 9.0
KINDS = ("session", "day", "week", "month", "quarter", "year")
_NOMINAL_DAYS = {"day": 1, "week": 7, "month": 30.44, "quarter": 91.3, "year": 365.25}


@dataclass(frozen=True)
class Spread:
    """The lowest, median and highest score of a group (all equal for one session)."""

    low: float
    median: float
    high: float


@dataclass(frozen=True)
class PainGroup:
    """One place on the pain chart: a session, or the sessions of one day/week/month/..."""

    at: datetime  # where it is drawn: the session's time, or the middle of its period
    start: datetime  # the period (for a session: its time twice)
    end: datetime
    sessions: int
    before: Spread | None
    after: Spread | None


@dataclass(frozen=True)
class SharpCluster:
    """Sharp-pain stops drawn as one mark: where, how many, first and last."""

    at: datetime
    count: int
    first: datetime
    last: datetime


def _spread(values: Sequence[float]) -> Spread | None:
    if not values:
        return None
    return Spread(min(values), float(statistics.median(values)), max(values))


def _period(kind: str, at: datetime) -> tuple[datetime, datetime]:
    """The calendar period of ``kind`` holding ``at``: [start, end)."""
    day = at.date()
    if kind == "day":
        first = day
        return _midnight(first), _midnight(first + timedelta(days=1))
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        return _midnight(first), _midnight(first + timedelta(days=7))
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    index = day.year * 12 + (day.month - 1) // months * months
    start = date(index // 12, index % 12 + 1, 1)
    after = index + months
    return _midnight(start), _midnight(date(after // 12, after % 12 + 1, 1))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def spacing(kind: str, times: Sequence[datetime], axis: TimeAxis, plot_width: float) -> float:
    """Room between neighbours, in units, if drawn per ``kind``: for sessions the least gap
    between two of them, for a period its length on the axis."""
    span = (axis.end - axis.start).total_seconds()
    if kind != "session":
        return plot_width * _NOMINAL_DAYS[kind] * 86400 / span
    xs = sorted(axis.fraction(t) * plot_width for t in times)
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    return min(gaps, default=float("inf"))


def _place(kind: str, at: datetime, axis: TimeAxis) -> datetime:
    """Where the period of ``kind`` holding ``at`` is drawn: its middle, kept inside the axis."""
    start, end = _period(kind, at)
    return min(max(start + (end - start) / 2, axis.start), axis.end)


def room(kind: str, times: Sequence[datetime], axis: TimeAxis, plot_width: float) -> float:
    """The least room between two neighbouring marks drawn per ``kind``, in units: a period's
    length, or less where a partial period at an end of the axis sits closer to its neighbour."""
    nominal = spacing(kind, times, axis, plot_width)
    if kind == "session":
        return nominal
    xs = sorted({axis.fraction(_place(kind, t, axis)) * plot_width for t in times})
    return min([nominal, *(b - a for a, b in itertools.pairwise(xs))])


def choose_kind(times: Sequence[datetime], axis: TimeAxis, plot_width: float) -> str:
    """The finest grouping that leaves ``MIN_GAP`` units between neighbours (``SESSION_GAP``
    for single sessions), else years."""
    for kind in KINDS:
        if room(kind, times, axis, plot_width) >= (SESSION_GAP if kind == "session"
                                                   else MIN_GAP):  # fmt: skip
            return kind
    return KINDS[-1]


def group_pain(marks: Sequence[tuple[datetime, float | None, float | None]], kind: str,
               axis: TimeAxis) -> list[PainGroup]:  # fmt: skip
    """``marks`` (time, before, after) as drawn per ``kind``, oldest first. A period is drawn at
    its middle, or at the axis's end if its middle is outside (a partial first or last week):
    so neighbours stay at least half a period apart and every mark sits inside the chart."""
    if kind == "session":
        ordered = sorted(marks, key=lambda mark: mark[0])
        return [PainGroup(at, at, at, 1, _spread([] if b is None else [float(b)]),
                          _spread([] if a is None else [float(a)])) for at, b, a in ordered]
    periods: dict[datetime, list[tuple[datetime, float | None, float | None]]] = {}
    for mark in marks:
        periods.setdefault(_period(kind, mark[0])[0], []).append(mark)
    groups = []
    for start in sorted(periods):
        members = periods[start]
        end = _period(kind, start)[1]
        groups.append(PainGroup(
            _place(kind, start, axis), start, end, len(members),
            _spread([float(b) for _, b, _ in members if b is not None]),
            _spread([float(a) for _, _, a in members if a is not None]),
        ))  # fmt: skip
    return groups


def cluster_sharp(times: Sequence[datetime], x: Callable[[datetime], float],
                  width: Callable[[int], float], bounds: tuple[float, float],
                  gap: float = 2.0) -> list[SharpCluster]:  # fmt: skip
    """Sharp-pain stops at ``x(time)``; marks ``width(count)`` wide that would come closer than
    ``gap`` merge into one, drawn at their mean place (moved inside ``bounds``), until no two
    overlap."""
    clusters = [[t] for t in sorted(times)]

    def centre(group: list[datetime]) -> float:
        half = width(len(group)) / 2
        mean = sum(x(t) for t in group) / len(group)
        return min(max(mean, bounds[0] + half), bounds[1] - half)

    merged = True
    while merged and len(clusters) > 1:
        merged = False
        for i in range(len(clusters) - 1):
            a, b = clusters[i], clusters[i + 1]
            if centre(b) - centre(a) < (width(len(a)) + width(len(b))) / 2 + gap:
                clusters[i:i + 2] = [a + b]
                merged = True
                break
    result = []
    for group in clusters:
        mean = group[0] + sum((t - group[0] for t in group), timedelta()) / len(group)
        result.append(SharpCluster(mean, len(group), group[0], group[-1]))
    return result
