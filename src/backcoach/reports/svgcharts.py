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
from datetime import datetime
from html import escape

from backcoach.core.records import SessionOutcome, SessionRecord
from backcoach.reports.timeaxis import TimeAxis

W, H = 360, 240
FONT = 15  # viewBox units; see the module docstring
_LEFT, _RIGHT, _TOP, _BOTTOM = 34, 12, 22, 62
_BEFORE, _AFTER, _BARS, _ALERT, _INK = "#0b4f9c", "#8a4b00", "#11652f", "#b00020", "#3f4753"
_RANGE, _RANGE_RIGHT = "#6a1b9a", "#00695c"


@dataclass(frozen=True)
class Series:
    """One line of points; ``hollow`` draws open squares so a series under another still shows."""

    name: str
    points: tuple[tuple[datetime, float], ...]
    colour: str
    hollow: bool = False
    dash: str = ""


def _x(axis: TimeAxis, at: datetime) -> float:
    return _LEFT + (W - _LEFT - _RIGHT) * axis.fraction(at)


def _y(value: float, y_max: float) -> float:
    return _TOP + (H - _TOP - _BOTTOM) * (1 - value / y_max)


def _text(x: float, y: float, text: str, colour: str = _INK, anchor: str = "middle",
          weight: str = "400") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{FONT}" '
            f'font-weight="{weight}" fill="{colour}">{escape(text)}</text>')


def _frame(title: str, desc: str, axis: TimeAxis, y_max: float, y_ticks: Sequence[float],
           body: list[str], legend: Sequence[tuple[str, str]]) -> str:
    key = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    parts = [
        f'<svg class="chart" id="{key}" viewBox="0 0 {W} {H}" role="img" '
        f'aria-labelledby="{key}-t {key}-d" xmlns="http://www.w3.org/2000/svg" '
        f'data-unit="{axis.unit}">',
        f'<title id="{key}-t">{escape(title)}</title>',
        f'<desc id="{key}-d">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{W}" height="{H}" fill="#ffffff"/>',
    ]
    for value in y_ticks:
        y = _y(value, y_max)
        parts.append(f'<line x1="{_LEFT}" x2="{W - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#d5dae1" stroke-width="1"/>')
        parts.append(_text(_LEFT - 5, y + 5, f"{value:g}", anchor="end"))
    base = H - _BOTTOM
    for tick in axis.ticks:
        x = _x(axis, tick.at)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{_TOP}" y2="{base + 4}" '
                     'stroke="#e3e7ec" stroke-width="1"/>')
        label_x = _LEFT + (W - _LEFT - _RIGHT) * axis.label_fraction(tick)  # inside the axis
        parts.append(_text(label_x, base + 20, tick.label).replace("<text", '<text class="tick"'))
    parts += body
    x = float(_LEFT)
    for label, colour in legend:
        parts.append(_text(x, H - 10, label, colour, anchor="start"))
        x += 9 * len(label) + 14
    parts.append("</svg>")
    return "".join(parts)


def _marks(series: Series, axis: TimeAxis, y_max: float, unit: str = "") -> list[str]:
    """A series' line and marks; with ``unit``, each mark carries its value as a tooltip."""
    coords = [(_x(axis, at), _y(v, y_max)) for at, v in series.points]
    body = []
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{series.colour}" '
                    f'stroke-width="2" stroke-dasharray="{series.dash}" opacity="0.8"/>')
    for (x, y), (at, value) in zip(coords, series.points, strict=True):
        tip = (f"<title>{escape(at.strftime('%a %d %b %H:%M'))}: {value:g}{escape(unit)}</title>"
               if unit else "")
        if series.hollow:
            body.append(f'<rect class="mark" x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" '
                        f'height="12" fill="none" stroke="{series.colour}" stroke-width="2.5">'
                        f'{tip}</rect>')
        else:
            body.append(f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="4.5" '
                        f'fill="{series.colour}">{tip}</circle>')
    return body


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


def pain_chart(marks: Sequence[PainMark], axis: TimeAxis) -> str | None:
    """Pain before (dots) and after (open squares) each session, at its local time; sharp-pain
    stops marked with a red "!"."""
    scored = [m for m in marks if m.before is not None or m.after is not None]
    if not scored:
        return None
    before = Series("before", tuple((m.at, float(m.before)) for m in scored
                                    if m.before is not None), _BEFORE)
    after = Series("after", tuple((m.at, float(m.after)) for m in scored
                                  if m.after is not None), _AFTER, hollow=True, dash="5 4")
    body = _marks(before, axis, 10) + _marks(after, axis, 10)
    stops = [m for m in marks if m.sharp]
    for m in stops:  # a red disc with a white "!" above the plot: seen at a glance, in print too
        x = _x(axis, m.at)
        body.append(f'<circle class="sharp" cx="{x:.1f}" cy="{_TOP + 7}" r="9" fill="{_ALERT}"/>')
        body.append(_text(x, _TOP + 12, "!", "#ffffff", weight="700"))
    legend = [("● before", _BEFORE), ("□ after", _AFTER)]
    if stops:
        legend.append(("! sharp pain", _ALERT))
    desc = (f"Pain from 0 to 10 before and after {len(scored)} sessions, oldest on the left; "
            f"{len(stops)} sharp-pain stops.")
    return _frame("Pain before and after sessions", desc, axis, 10, (0, 2, 4, 6, 8, 10),
                  body, legend)


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
                axis: TimeAxis, colour: str = _BARS) -> str | None:
    """One value per session as a thin bar at its local time (repetitions, or the range of
    movement in degrees once sessions carry it)."""
    if not points:
        return None
    y_max = _nice_max(max(max(v for _, v in points), 1))
    base = _y(0, y_max)
    body = []
    for at, value in points:
        x, y = _x(axis, at), _y(value, y_max)
        body.append(f'<rect class="mark" x="{x - 3:.1f}" y="{y:.1f}" width="6" '
                    f'height="{base - y:.1f}" fill="{colour}"><title>'
                    f'{escape(at.strftime("%a %d %b %H:%M"))}: {value:g} {escape(unit)}'
                    '</title></rect>')
    ticks = [y_max * k / 5 for k in range(6)]  # y_max is a multiple of 5: whole numbers
    desc = f"{title}: {len(points)} sessions, oldest on the left."
    return _frame(title, desc, axis, y_max, ticks, body, [(f"▮ {unit}", colour)])


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


def range_chart(exercise_name: str, marks: Sequence[RangeMark], axis: TimeAxis) -> str | None:
    """One exercise's range of movement per session, in degrees, on the pain chart's time axis;
    a sided exercise shows its left side as dots and its right side as open squares."""
    if not marks:
        return None
    sides = sorted({m.side for m in marks}, key=lambda side: side or "")
    y_max, ticks = _round_ticks(max(m.range_deg for m in marks))
    body: list[str] = []
    legend: list[tuple[str, str]] = []
    for side in sides:
        right = side == "right"
        colour = _RANGE_RIGHT if right else _RANGE
        points = tuple(sorted((m.at, m.range_deg) for m in marks if m.side == side))
        series = Series(side or "range", points, colour, hollow=right, dash="5 4" if right else "")
        body += _marks(series, axis, y_max, unit="°")
        legend.append((f"{'□' if right else '●'} {side}", colour) if side else
                      ("● degrees above rest", colour))  # fmt: skip
    if sides != [None]:
        legend.append(("degrees above rest", _INK))
    desc = (f"Range of movement of {exercise_name} in degrees above your resting position, "
            f"measured by the camera in {len({m.at for m in marks})} sessions, oldest on the left"
            f"; {_range_summary(marks)}.")
    return _frame(f"Range of movement: {exercise_name}", desc, axis, y_max, ticks, body, legend)


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
