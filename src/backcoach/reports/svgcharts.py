"""Small SVG charts for the history page and the report: the same drawing in both, made on the
server (no chart library, no CDN).

The drawing is 360 units wide with 15-unit text: the SVG scales with its box, so on a 360 px
phone (about 300 px of chart) the text still renders at 12 px or more. Sessions sit at their
local time on a ``reports.timeaxis`` axis (hours for one day, up to months for a year), so the
sessions of one day stand apart. Each chart has a title and description for screen readers, and
the numbers are also in the table under it (the range of movement's first, latest and furthest
values are in its description), so nothing is only visible as a picture.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from backcoach.core.records import SessionOutcome, SessionRecord
from backcoach.reports.painsummary import (
    PainGroup,
    Spread,
    choose_kind,
    cluster_sharp,
    group_pain,
    room,
)
from backcoach.reports.timeaxis import CHAR_WIDTH, TimeAxis, time_axis

W, H = 360, 240
FONT = 15  # viewBox units; see the module docstring
_BEFORE, _AFTER, _BARS, _ALERT, _INK = "#0b4f9c", "#8a4b00", "#11652f", "#b00020", "#3f4753"
_RANGE, _RANGE_RIGHT = "#6a1b9a", "#00695c"
_KIND_NOTE = {"day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly",
              "year": "yearly"}  # fmt: skip


@dataclass(frozen=True)
class Canvas:
    """A chart's drawing size and text size in viewBox units, and its margins.

    ``PHONE`` is the History page's (it scales with its box: 12 px text or more on a 360 px
    phone); the report draws at its own width (``REPORT``, ``REPORT_HALF``: one unit is one CSS
    px of the printed page), so its text is about the report's own size, never blown up.
    """

    width: float = W
    height: float = H
    font: float = FONT
    left: float = 34
    right: float = 12
    top: float = 22
    bottom: float = 62
    legend_rows: int = 1  # at least: charts side by side get equal heights (``legend_rows_of``)

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def char_width(self) -> float:
        """One label character, about 0.65 em in the fonts a browser or WeasyPrint picks."""
        return self.font * CHAR_WIDTH / FONT

    def axis(self, times: Sequence[datetime], first: date | None = None,
             last: date | None = None) -> TimeAxis:  # fmt: skip
        """``reports.timeaxis.time_axis`` with ticks spaced for this drawing's width and text."""
        return time_axis(times, first, last, width=self.plot_width, char_width=self.char_width,
                         room=(self.left - 4, self.right - 2))  # fmt: skip


PHONE = Canvas()
#: The report's full text width (180 mm of A4) and half of it (two charts side by side).
REPORT = Canvas(680, 250, 13, left=32, right=12, top=22, bottom=56)
REPORT_HALF = Canvas(325, 230, 12, left=30, right=10, top=20, bottom=52)


def _x(axis: TimeAxis, at: datetime, c: Canvas = PHONE) -> float:
    return c.left + c.plot_width * axis.fraction(at)


def _y(value: float, y_max: float, c: Canvas = PHONE) -> float:
    return c.top + (c.height - c.top - c.bottom) * (1 - value / y_max)


def _text(x: float, y: float, text: str, colour: str = _INK, anchor: str = "middle",
          weight: str = "400", font: float = FONT) -> str:  # fmt: skip
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{font:g}" '
            f'font-weight="{weight}" fill="{colour}">{escape(text)}</text>')


Placed = list[tuple[float, str, str]]


def _legend_rows(legend: Sequence[tuple[str, str]], c: Canvas) -> list[Placed]:
    """The legend's items placed left to right, wrapping onto a new row when one would pass
    the right edge."""
    rows: list[Placed] = [[]]
    x = c.left
    for label, colour in legend:
        wide = c.font * 0.62 * len(label)
        if rows[-1] and x + wide > c.width - c.right:
            rows.append([])
            x = c.left
        rows[-1].append((x, label, colour))
        x += wide + c.font
    return rows


def _frame(title: str, desc: str, axis: TimeAxis, y_max: float, y_ticks: Sequence[float],
           body: list[str], legend: Sequence[tuple[str, str]], c: Canvas = PHONE) -> str:
    key = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    rows = _legend_rows(legend, c)
    line = round(c.font * 1.4, 1)
    count = max(len(rows), c.legend_rows)
    height = c.height + line * (count - 1)  # extra legend rows below; the plot stays put
    parts = [
        f'<svg class="chart" id="{key}" viewBox="0 0 {c.width:g} {height:g}" role="img" '
        f'aria-labelledby="{key}-t {key}-d" xmlns="http://www.w3.org/2000/svg" '
        f'data-unit="{axis.unit}" data-legend-rows="{count}">',
        f'<title id="{key}-t">{escape(title)}</title>',
        f'<desc id="{key}-d">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{c.width:g}" height="{height:g}" fill="#ffffff"/>',
    ]
    for value in y_ticks:
        y = _y(value, y_max, c)
        parts.append(f'<line x1="{c.left:g}" x2="{c.width - c.right:g}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="#d5dae1" stroke-width="1"/>')
        parts.append(_text(c.left - 5, y + 0.35 * c.font, f"{value:g}", anchor="end",
                           font=c.font).replace("<text", '<text class="y-tick"'))
    base = c.height - c.bottom
    for tick in axis.ticks:
        x = _x(axis, tick.at, c)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{c.top:g}" y2="{base + 4:g}" '
                     'stroke="#e3e7ec" stroke-width="1"/>')
        label_x = c.left + c.plot_width * axis.label_fraction(tick)  # inside the axis
        # a full line below the plot, so the y axis's "0" (centred on the base line) stays
        # clear of a date label pulled under it
        parts.append(_text(label_x, base + c.font + 10, tick.label, font=c.font)
                     .replace("<text", '<text class="tick"'))
    parts += body
    for row, placed in enumerate(rows):
        y = c.height - 10 + row * line
        parts += [_text(x, y, label, colour, anchor="start", font=c.font)
                  for x, label, colour in placed]
    parts.append("</svg>")
    return "".join(parts)


def legend_rows_of(svg: str) -> int:
    """How many legend rows a chart drawn here has (so a page can give its neighbours as many
    and their plots line up)."""
    found = re.search(r'data-legend-rows="(\d+)"', svg)
    return int(found.group(1)) if found else 1


@dataclass(frozen=True)
class PainMark:
    """One session on the pain chart: local start time, scores, and whether sharp pain ended it."""

    at: datetime
    before: int | None
    after: int | None
    sharp: bool = False


def pain_marks(sessions: Sequence[SessionRecord]) -> list[PainMark]:
    """The marks for journal sessions (``started_at`` already in local time)."""
    return [PainMark(s.started_at, s.pain_before, s.pain_after,
                     s.outcome is SessionOutcome.SHARP_PAIN) for s in sessions]


def pain_chart(marks: Sequence[PainMark], axis: TimeAxis, c: Canvas = PHONE) -> str | None:
    """Pain before (dots) and after (open squares) each session at its local time, side by side;
    sharp-pain stops marked with a red "!" above. When sessions would crowd (a year on a phone),
    one summary per day, week or month (``reports.painsummary``): the medians, with a thin line
    from the lowest to the highest score; colliding "!" marks become one with a count."""
    scored = [m for m in marks if m.before is not None or m.after is not None]
    if not scored:
        return None
    times = [m.at for m in scored]
    kind = choose_kind(times, axis, c.plot_width)
    groups = group_pain([(m.at, m.before, m.after) for m in scored], kind, axis)
    size = min(5.0, room(kind, times, axis, c.plot_width) / 4)  # half a mark: neither
    # neighbours nor a session's before and after ever overlap
    body = (_summary_marks(groups, axis, "before", -size, size, c)
            + _summary_marks(groups, axis, "after", size, size, c))
    stops = [m.at for m in marks if m.sharp]
    merged = _sharp_marks(stops, axis, c, body)  # the most stops in one mark
    legend = [("● before", _BEFORE), ("□ after", _AFTER)]
    if stops:
        legend.append(("! sharp pain", _ALERT))
    if kind != "session":
        legend.append((f"{_KIND_NOTE[kind]} median; line: range", _INK))
    if merged > 1:
        legend.append((f"{merged}! = {merged} stops", _ALERT))
    per = "" if kind == "session" else f", one {kind}'s median per mark"
    desc = (f"Pain from 0 to 10 before and after {len(scored)} sessions{per}, oldest on the "
            f"left; {len(stops)} sharp-pain stops.")
    return _frame("Pain before and after sessions", desc, axis, 10, (0, 2, 4, 6, 8, 10),
                  body, legend, c)


def _summary_marks(groups: Sequence[PainGroup], axis: TimeAxis, which: str, shift: float,
                   size: float, c: Canvas, *, y_max: float = 10, colour: str = "",
                   hollow: bool | None = None, what: str = "pain", unit: str = "",
                   ) -> list[str]:  # fmt: skip
    """One series' marks (``which``: pain "before" dots or "after" open squares, or a side's
    range of movement), ``shift`` units from the group's place: the median joined by a line,
    and the group's lowest to highest as a thin bar."""
    colour = colour or (_BEFORE if which == "before" else _AFTER)
    hollow = which == "after" if hollow is None else hollow
    placed = [(g, _x(axis, g.at, c) + shift, spread) for g in groups
              if (spread := g.before if which != "after" else g.after) is not None]  # fmt: skip
    body = []
    if len(placed) > 1:
        path = " ".join(f"{x:.1f},{_y(s.median, y_max, c):.1f}" for _, x, s in placed)
        dash = "5 4" if hollow else ""
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                    f'stroke-width="{1.5 if size < 4 else 2}" stroke-dasharray="{dash}" '
                    'opacity="0.7"/>')
    for group, x, spread in placed:
        y = _y(spread.median, y_max, c)
        tip = f"<title>{escape(_group_tip(group, f'{what} {which}', spread, unit))}</title>"
        if spread.high > spread.low:
            body.append(f'<line class="spread" x1="{x:.1f}" x2="{x:.1f}" '
                        f'y1="{_y(spread.high, y_max, c):.1f}" '
                        f'y2="{_y(spread.low, y_max, c):.1f}" '
                        f'stroke="{colour}" stroke-width="1.5" opacity="0.6"/>')
        if not hollow:
            body.append(f'<circle class="mark" data-series="{which}" cx="{x:.1f}" cy="{y:.1f}" '
                        f'r="{size - 0.3:.2f}" fill="{colour}">{tip}</circle>')
        else:
            stroke = 2.5 if size >= 4 else 1.5
            side = 2 * size - stroke
            body.append(f'<rect class="mark" data-series="{which}" x="{x - side / 2:.1f}" '
                        f'y="{y - side / 2:.1f}" width="{side:.2f}" height="{side:.2f}" '
                        f'fill="none" stroke="{colour}" stroke-width="{stroke}">{tip}</rect>')
    return body


def _group_tip(group: PainGroup, what: str, spread: Spread, unit: str = "") -> str:
    if group.sessions == 1 and group.start == group.end:
        named = f"{what} " if not unit else ""  # a degree sign says what it is
        return f"{group.at.strftime('%a %d %b %H:%M')}: {named}{spread.median:g}{unit}"
    span = f"{group.start:%d %b %Y} to {group.end - timedelta(seconds=1):%d %b %Y}"
    return (f"{span}, {group.sessions} sessions: {what} median {spread.median:g}{unit} "
            f"(lowest {spread.low:g}{unit}, highest {spread.high:g}{unit})")


def _sharp_marks(stops: Sequence[datetime], axis: TimeAxis, c: Canvas, body: list[str]) -> int:
    """Red marks above the plot, seen at a glance and in print: "!" for one stop, "3!" for
    three that would have collided. Returns the most stops one mark stands for (0: none)."""

    def width(count: int) -> float:
        text = "!" if count == 1 else f"{count}!"
        return max(1.2 * c.font, 0.62 * c.font * len(text) + 0.6 * c.font)

    clusters = cluster_sharp(stops, lambda at: _x(axis, at, c), width,
                             (c.left, c.width - c.right))  # fmt: skip
    for cluster in clusters:
        wide = width(cluster.count)
        x = min(max(_x(axis, cluster.at, c), c.left + wide / 2), c.width - c.right - wide / 2)
        text = "!" if cluster.count == 1 else f"{cluster.count}!"
        tip = (f"Sharp-pain stop {cluster.first:%a %d %b %Y %H:%M}" if cluster.count == 1 else
               f"{cluster.count} sharp-pain stops, {cluster.first:%d %b %Y} to "
               f"{cluster.last:%d %b %Y}")  # fmt: skip
        high = 1.2 * c.font
        body.append(f'<rect class="sharp" x="{x - wide / 2:.1f}" y="{c.top + 7 - high / 2:.1f}" '
                    f'width="{wide:.1f}" height="{high:.1f}" rx="{high / 2:.1f}" '
                    f'fill="{_ALERT}"><title>{escape(tip)}</title></rect>')
        body.append(_text(x, c.top + 7 + 0.35 * c.font, text, "#ffffff", weight="700",
                          font=c.font))
    return max((cluster.count for cluster in clusters), default=0)


def _nice_max(top: float) -> float:
    for step in (5, 10, 20, 50, 100, 200, 500):
        if top <= step * 5:
            return float(step * max(1, -(-top // step)))
    return float(top)


def _round_ticks(top: float) -> tuple[float, list[float]]:
    """An axis top and at most six round ticks from zero (0, 20, 40, 60, 80 for 66)."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        count = max(1, math.ceil(top / step))
        if count <= 5:
            return float(step * count), [float(step * k) for k in range(count + 1)]
    return _nice_max(top), [_nice_max(top) * k / 5 for k in range(6)]


def value_chart(title: str, unit: str, points: Sequence[tuple[datetime, float]],
                axis: TimeAxis, colour: str = _BARS, c: Canvas = PHONE) -> str | None:
    """One value per session as a thin bar at its local time (repetitions, or the range of
    movement in degrees once sessions carry it)."""
    if not points:
        return None
    times = [at for at, _ in points]
    kind = choose_kind(times, axis, c.plot_width)  # a year of daily bars: one per week or month
    groups = group_pain([(at, v, None) for at, v in points], kind, axis)
    y_max = _nice_max(max(max(g.before.median for g in groups if g.before), 1))
    base = _y(0, y_max, c)
    body = []
    for group in groups:
        if group.before is None:
            continue
        value = group.before.median
        x, y = _x(axis, group.at, c), _y(value, y_max, c)
        tip = _group_tip(group, unit, group.before)
        body.append(f'<rect class="mark" x="{x - 3:.1f}" y="{y:.1f}" width="6" '
                    f'height="{base - y:.1f}" fill="{colour}"><title>{escape(tip)}</title></rect>')
    ticks = [y_max * k / 5 for k in range(6)]  # y_max is a multiple of 5: whole numbers
    per = "" if kind == "session" else f", one {kind}'s median per session per bar"
    desc = f"{title}: {len(points)} sessions{per}, oldest on the left."
    legend = [(f"▮ {unit}", colour)]
    if kind != "session":
        legend.append((f"{_KIND_NOTE[kind]} median", _INK))
    return _frame(title, desc, axis, y_max, ticks, body, legend, c)


def reps_points(sessions: Sequence[SessionRecord]) -> list[tuple[datetime, float]]:
    """Repetitions done in each session that count (held as prescribed), at its start."""
    return [(s.started_at, float(sum(x.counted_reps for x in s.sets))) for s in sessions]


@dataclass(frozen=True)
class RangeMark:
    """The furthest range of movement the camera measured in one session, for one exercise and
    side (degrees above the person's own resting position; ``core/motion/range_of_movement.py``)."""

    at: datetime  # the session's local start, so it sits under the session's pain marks
    exercise_id: str
    side: str | None
    range_deg: float


def range_marks(sessions: Sequence[SessionRecord]) -> list[RangeMark]:
    """One mark per session, exercise and side that the camera measured (``started_at`` already
    in local time). A session without a camera gives none: no point, never a zero."""
    furthest: dict[tuple[int, str, str | None], float] = {}
    for index, session in enumerate(sessions):
        for one in session.sets:
            if one.range_deg is None:
                continue
            key = (index, one.exercise_id, None if one.side is None else one.side.value)
            furthest[key] = max(furthest.get(key, 0.0), one.range_deg)
    return [RangeMark(sessions[i].started_at, exercise, side, value)
            for (i, exercise, side), value in furthest.items()]  # fmt: skip


def range_chart(exercise_name: str, marks: Sequence[RangeMark], axis: TimeAxis,
                c: Canvas = PHONE) -> str | None:
    """One exercise's range of movement per session, in degrees, on the pain chart's time axis;
    a sided exercise shows its left side as dots and its right side as open squares."""
    if not marks:
        return None
    sides = sorted({m.side for m in marks}, key=lambda side: side or "")
    y_max, ticks = _round_ticks(max(m.range_deg for m in marks))
    times = [m.at for m in marks]
    kind = choose_kind(times, axis, c.plot_width)  # crowded (a year): per week or month
    size = min(5.0, room(kind, times, axis, c.plot_width) / (4 if len(sides) > 1 else 2))
    body: list[str] = []
    legend: list[tuple[str, str]] = []
    for side in sides:
        right = side == "right"
        colour = _RANGE_RIGHT if right else _RANGE
        shift = 0.0 if len(sides) == 1 else (size if right else -size)
        groups = group_pain([(m.at, m.range_deg, None) for m in marks if m.side == side], kind,
                            axis)  # fmt: skip
        body += _summary_marks(groups, axis, side or "range", shift, size, c, y_max=y_max,
                               colour=colour, hollow=right, what="range of movement",
                               unit="°")  # fmt: skip
        legend.append((f"{'□' if right else '●'} {side}", colour) if side else
                      ("● degrees above rest", colour))  # fmt: skip
    if kind != "session":
        legend.append((f"{_KIND_NOTE[kind]} median; line: range", _INK))
    if sides != [None]:
        legend.append(("degrees above rest", _INK))
    desc = (f"Range of movement of {exercise_name} in degrees above your resting position, "
            f"measured by the camera in {len({m.at for m in marks})} sessions, oldest on the left"
            f"; {_range_summary(marks)}.")
    return _frame(f"Range of movement: {exercise_name}", desc, axis, y_max, ticks, body,
                  legend, c)


def _range_summary(marks: Sequence[RangeMark]) -> str:
    """The chart's numbers in words (the picture's text alternative): first, last, furthest."""
    ordered = sorted(marks, key=lambda m: m.at)
    first, last = ordered[0], ordered[-1]
    furthest = max(ordered, key=lambda m: m.range_deg)

    def say(m: RangeMark) -> str:
        side = f" {m.side} side" if m.side else ""
        return f"{m.range_deg:g}°{side} on {m.at.strftime('%a %d %b %Y')}"

    if first is last:
        return say(first)
    return f"first {say(first)}, latest {say(last)}, furthest {say(furthest)}"
