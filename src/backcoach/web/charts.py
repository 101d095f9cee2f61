"""Small inline SVG charts for the history page, drawn on the server (no chart library, no CDN).

Each chart has a text title and description for screen readers, and the numbers are also in the
table under it, so nothing is only visible as a picture.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from html import escape

from backcoach.core.records import History, SessionOutcome

_W, _H = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 16, 20, 44
_BEFORE, _AFTER, _BARS, _ALERT = "#0b4f9c", "#8a4b00", "#11652f", "#b00020"


@dataclass(frozen=True)
class DayTotals:
    day: date
    reps: int
    sessions: int
    sharp_pain_stops: int


def daily_totals(history: History) -> list[DayTotals]:
    reps: dict[date, int] = defaultdict(int)
    sessions: dict[date, int] = defaultdict(int)
    stops: dict[date, int] = defaultdict(int)
    for session in history.sessions:
        day = session.started_at.date()
        sessions[day] += 1
        reps[day] += sum(s.reps for s in session.sets)
        if session.outcome is SessionOutcome.SHARP_PAIN:
            stops[day] += 1
    return [DayTotals(d, reps[d], sessions[d], stops[d]) for d in sorted(sessions)]


def _frame(title: str, desc: str, body: list[str], y_max: float, y_ticks: list[float]) -> str:
    plot_h = _H - _TOP - _BOTTOM
    key = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    parts = [
        f'<svg class="chart" id="{key}" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-labelledby="{key}-t {key}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{key}-t">{escape(title)}</title>',
        f'<desc id="{key}-d">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{_W}" height="{_H}" fill="#ffffff"/>',
    ]
    for tick in y_ticks:
        y = _TOP + plot_h * (1 - tick / y_max)
        parts.append(f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#c5cbd3" stroke-width="1"/>')
        parts.append(f'<text x="{_LEFT - 8}" y="{y + 5:.1f}" text-anchor="end" font-size="14" '
                     f'fill="#3f4753">{tick:g}</text>')
    parts += body
    parts.append("</svg>")
    return "".join(parts)


def _x_positions(count: int) -> list[float]:
    width = _W - _LEFT - _RIGHT
    if count == 1:
        return [_LEFT + width / 2]
    return [_LEFT + 20 + i * (width - 40) / (count - 1) for i in range(count)]


def _label(x: float, text: str) -> str:
    return (f'<text x="{x:.1f}" y="{_H - _BOTTOM + 22}" text-anchor="middle" font-size="13" '
            f'fill="#3f4753">{escape(text)}</text>')


def pain_chart(history: History) -> str | None:
    """Pain before and after each session (0-10); sharp-pain stops marked in red."""
    sessions = [
        s for s in history.sessions if s.pain_before is not None or s.pain_after is not None
    ]
    if not sessions:
        return None
    plot_h = _H - _TOP - _BOTTOM
    xs = _x_positions(len(sessions))
    body: list[str] = []
    step = max(1, len(sessions) // 8)
    for series, colour, dash in (("pain_before", _BEFORE, ""), ("pain_after", _AFTER, "6 4")):
        points = [(x, getattr(s, series)) for x, s in zip(xs, sessions, strict=True)
                  if getattr(s, series) is not None]
        coords = [(x, _TOP + plot_h * (1 - v / 10)) for x, v in points]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                        f'stroke-width="3" stroke-dasharray="{dash}"/>')
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>' for x, y in coords]
    for i, (x, s) in enumerate(zip(xs, sessions, strict=True)):
        if s.outcome is SessionOutcome.SHARP_PAIN:
            body.append(f'<text x="{x:.1f}" y="{_TOP + 12}" text-anchor="middle" font-size="16" '
                        f'font-weight="700" fill="{_ALERT}">!</text>')
        if i % step == 0:
            body.append(_label(x, s.started_at.strftime("%d %b")))
    body.append(f'<text x="{_LEFT}" y="{_H - 6}" font-size="13" fill="{_BEFORE}">● before</text>'
                f'<text x="{_LEFT + 90}" y="{_H - 6}" font-size="13" fill="{_AFTER}">● after</text>'
                f'<text x="{_LEFT + 170}" y="{_H - 6}" font-size="13" fill="{_ALERT}">'
                '! sharp-pain stop</text>')
    desc = f"Pain scores from 0 to 10 for {len(sessions)} sessions, oldest on the left."
    return _frame("Pain before and after sessions", desc, body, 10, [0, 2, 4, 6, 8, 10])


def reps_chart(history: History) -> str | None:
    """Repetitions completed per day, as bars."""
    days = daily_totals(history)
    if not days:
        return None
    top = max(5, max(d.reps for d in days))
    y_max = float(top + (5 - top % 5) % 5)
    plot_h = _H - _TOP - _BOTTOM
    xs = _x_positions(len(days))
    bar_w = min(48.0, (_W - _LEFT - _RIGHT) / len(days) * 0.6)
    body: list[str] = []
    step = max(1, len(days) // 8)
    for i, (x, d) in enumerate(zip(xs, days, strict=True)):
        h = plot_h * d.reps / y_max
        body.append(f'<rect x="{x - bar_w / 2:.1f}" y="{_TOP + plot_h - h:.1f}" '
                    f'width="{bar_w:.1f}" height="{h:.1f}" fill="{_BARS}">'
                    f'<title>{d.day}: {d.reps} repetitions</title></rect>')
        if i % step == 0:
            body.append(_label(x, d.day.strftime("%d %b")))
    ticks = [y_max * k / 5 for k in range(6)]
    desc = f"Repetitions completed on each of {len(days)} days, oldest on the left."
    return _frame("Repetitions completed per day", desc, body, y_max, ticks)
