"""Folding crowded pain marks: which grouping each period gets, the medians and ranges, and the
merging of sharp-pain marks; then the chart drawn from them, from one day to a year."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from importlib import resources

import pytest

from backcoach.reports.painsummary import MIN_GAP, Spread, choose_kind, cluster_sharp, group_pain
from backcoach.reports.svgcharts import PHONE, REPORT, REPORT_HALF, Canvas, PainMark, pain_chart
from backcoach.reports.timeaxis import time_axis

END = date(2026, 11, 30)
NS = "{http://www.w3.org/2000/svg}"


def _daily(days: int, per_day: int = 1) -> list[datetime]:
    last = datetime.combine(END, datetime.min.time())
    return [last - timedelta(days=d) + timedelta(hours=8 + 5 * k)
            for d in range(days) for k in range(per_day)]  # fmt: skip


@pytest.mark.parametrize(("days", "per_day", "kind"), [
    (1, 3, "session"),  # hours: three sessions of one day stand apart
    (7, 3, "session"),
    (30, 1, "session"),  # a month of one a day: 10.5 units apart
    (30, 2, "day"),  # two a day, five hours apart: one summary per day
    (365, 1, "month"),  # a week would be 6 units: too close on a phone
    (1461, 1, "quarter"),  # four years
    (2922, 1, "year"),  # eight years
])  # fmt: skip
def test_the_finest_grouping_that_leaves_room(days: int, per_day: int, kind: str) -> None:
    times = _daily(days, per_day)
    axis = time_axis(times, END - timedelta(days=days - 1), END)
    assert choose_kind(times, axis, PHONE.plot_width) == kind


def test_the_report_is_wide_enough_for_weeks_of_half_a_year() -> None:
    times = _daily(182)
    first = END - timedelta(days=181)
    assert choose_kind(times, REPORT.axis(times, first, END), REPORT.plot_width) == "week"
    assert choose_kind(times, PHONE.axis(times, first, END), PHONE.plot_width) == "month"


def test_groups_carry_median_and_range_and_sit_inside_the_axis() -> None:
    times = _daily(356)  # from 10 December 2025
    axis = time_axis(times, END - timedelta(days=355), END)
    marks = [(t, float(i % 5), None if i % 7 == 0 else 2.0) for i, t in enumerate(times)]
    groups = group_pain(marks, "month", axis)
    assert len(groups) == 12  # (part of) December 2025 to November 2026
    assert sum(g.sessions for g in groups) == 356
    assert all(axis.start <= g.at <= axis.end for g in groups)
    full = groups[5]
    assert full.before == Spread(0.0, 2.0, 4.0) and full.after == Spread(2.0, 2.0, 2.0)
    assert groups[0].start < axis.start <= groups[0].at  # a partial month, drawn inside
    weeks = group_pain(marks, "week", axis)
    assert all(g.start.weekday() == 0 and g.end - g.start == timedelta(days=7) for g in weeks)


def test_sharp_marks_that_would_collide_merge_with_a_count() -> None:
    day0 = datetime(2026, 3, 2)
    stops = [day0, day0 + timedelta(hours=5), day0 + timedelta(days=30), day0 + timedelta(days=31)]
    place = {stops[0]: 50.0, stops[1]: 52.0, stops[2]: 150.0, stops[3]: 340.0}
    clusters = cluster_sharp(stops, lambda t: place[t], lambda n: 18.0 + 8 * (n > 1), (34, 348))
    assert [c.count for c in clusters] == [2, 1, 1]
    assert clusters[0].first == stops[0] and clusters[0].last == stops[1]
    assert sum(c.count for c in clusters) == len(stops)


def _chart(days: int, canvas: Canvas = PHONE) -> ET.Element:
    times = _daily(days, 2)
    axis = canvas.axis(times, END - timedelta(days=days - 1), END)
    marks = [PainMark(t, 3 + i % 4, 2 + i % 3, sharp=i % 9 == 0) for i, t in enumerate(times)]
    return ET.fromstring(pain_chart(marks, axis, canvas) or "")


def _boxes(root: ET.Element, series: str) -> list[tuple[float, float, float, float]]:
    boxes = []
    for e in root.iter():
        if e.get("data-series") != series:
            continue
        if e.tag == NS + "circle":
            cx, cy, r = (float(e.get(k, 0)) for k in ("cx", "cy", "r"))
            boxes.append((cx - r, cy - r, cx + r, cy + r))
        else:
            x, y, w, s = (float(e.get(k, 0)) for k in ("x", "y", "width", "stroke-width"))
            boxes.append((x - s / 2, y - s / 2, x + w + s / 2, y + w + s / 2))
    return boxes


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


@pytest.mark.parametrize("canvas", [PHONE, REPORT, REPORT_HALF], ids=["phone", "report", "half"])
@pytest.mark.parametrize("days", [1, 7, 30, 92, 365, 730])
def test_no_before_and_after_marks_overlap_at_any_period(days: int, canvas: Canvas) -> None:
    root = _chart(days, canvas)
    before, after = _boxes(root, "before"), _boxes(root, "after")
    assert before and len(before) == len(after)
    assert all(_overlap(a, b) < 0.5 for a in before for b in after), days
    assert all(_overlap(a, b) < 0.5 for a, b in itertools.combinations(before, 2)), days
    assert min(b[2] - b[0] for b in before + after) >= 3.5  # a visible mark
    assert len(before) <= canvas.plot_width / MIN_GAP + 1
    sharp = [e for e in root.iter(NS + "rect") if e.get("class") == "sharp"]
    spans = sorted((float(e.get("x", 0)), float(e.get("x", 0)) + float(e.get("width", 0)))
                   for e in sharp)  # fmt: skip
    assert all(b[0] >= a[1] for a, b in itertools.pairwise(spans))  # never piled up
    counts = [t.text or "" for t in root.iter(NS + "text") if t.get("font-weight") == "700"]
    assert sum(1 if t == "!" else int(t.rstrip("!")) for t in counts) == len(
        [i for i in range(2 * days) if i % 9 == 0])  # fmt: skip


@pytest.mark.parametrize("canvas", [PHONE, REPORT, REPORT_HALF], ids=["phone", "report", "half"])
@pytest.mark.parametrize("days", [1, 7, 30, 92, 365, 2922])
def test_the_y_axis_zero_stays_clear_of_the_date_labels(days: int, canvas: Canvas) -> None:
    root = _chart(days, canvas)
    font = canvas.font
    zero = next(t for t in root.iter(NS + "text") if t.get("class") == "y-tick" and t.text == "0")
    ticks = [t for t in root.iter(NS + "text") if t.get("class") == "tick"]
    zero_bottom = float(zero.get("y", 0)) + 0.25 * font  # a font's descent below its baseline
    tick_top = min(float(t.get("y", 0)) for t in ticks) - 0.95 * font  # its ascent above
    assert tick_top - zero_bottom >= 0.1 * font, (days, tick_top, zero_bottom)


def test_the_report_draws_at_its_own_width_with_text_of_its_own_size() -> None:
    """1 unit = 1 CSS px in the report (report.css sets these widths in mm): 12 to 13 px text,
    about the report's own 9.5 pt, not a phone chart blown up to 16 px."""
    root = _chart(365, REPORT)
    view = [float(v) for v in (root.get("viewBox") or "").split()]
    assert view[2] == pytest.approx(180 / 25.4 * 96, abs=1)  # 180 mm
    sizes = {float(t.get("font-size", 0)) for t in root.iter(NS + "text")}
    assert sizes == {13.0}
    half = _chart(365, REPORT_HALF)
    assert float((half.get("viewBox") or "").split()[2]) == pytest.approx(86 / 25.4 * 96, abs=1)
    assert {float(t.get("font-size", 0)) for t in half.iter(NS + "text")} == {12.0}
    css = (resources.files("backcoach.reports") / "templates" / "report.css").read_text("utf-8")
    assert re.search(r"img\.web-chart\.wide \{ width: 180mm", css)
    assert re.search(r"img\.web-chart\.half \{ width: 86mm", css)
