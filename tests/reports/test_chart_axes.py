"""The report's charts share the web page's time axis: one day reads in hours, a year in months,
and the x range never runs past the report's period."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest
from matplotlib.axes import Axes
from matplotlib.dates import num2date

from backcoach.reports import charts
from backcoach.reports.period import ReportPeriod
from backcoach.reports.summary import ReportSource, build_report
from backcoach.reports.timeaxis import time_axis


def _axis_of(monkeypatch: pytest.MonkeyPatch) -> list[Axes]:
    """Catch the axes each chart draws on (the figures themselves are only PNG bytes)."""
    seen: list[Axes] = []
    original = charts._dates

    def spy(ax: Axes, axis: object) -> None:
        original(ax, axis)  # type: ignore[arg-type]
        seen.append(ax)

    monkeypatch.setattr(charts, "_dates", spy)
    return seen


@pytest.mark.parametrize(("first", "last", "labels", "unit"), [
    (date(2026, 3, 3), date(2026, 3, 3), ":00", "hour"),
    (date(2026, 3, 2), date(2026, 3, 22), " Mar", "week"),
])  # fmt: skip
def test_one_day_and_three_weeks_have_sensible_axes(
    source: ReportSource, monkeypatch: pytest.MonkeyPatch, first: date, last: date, labels: str,
    unit: str,
) -> None:
    seen = _axis_of(monkeypatch)
    period = ReportPeriod(first, last)
    data = build_report(dataclasses.replace(source, period=period))
    drawn = charts.report_charts(data)
    assert {"pain", "adherence", "exercises"} <= set(drawn)
    for ax in seen:
        low, high = (num2date(v).date() for v in ax.get_xlim())
        assert first <= low and high <= date.fromordinal(last.toordinal() + 1)
        texts = [t.get_text() for t in ax.get_xticklabels()]
        assert 1 <= len(texts) <= 5
    # the pain chart is the web page's SVG on the same axis: hours for one day, weeks for three
    pain = ET.fromstring(drawn["pain"].svg or "")
    assert pain.get("data-unit") == unit
    ticks = [t.text or "" for t in pain.iter("{http://www.w3.org/2000/svg}text")
             if t.get("class") == "tick"]
    assert ticks and all(labels in t for t in ticks)


def test_a_year_is_labelled_by_month() -> None:
    axis = time_axis([datetime(2026, 6, 1, 9)], date(2025, 12, 1), date(2026, 11, 30))
    assert axis.unit == "month"
    # quarters on calendar months, the year where it starts: "Dec 2025" and "Mar 2026" side by
    # side overlapped on a phone
    assert [t.label for t in axis.ticks] == ["Jan 2026", "Apr", "Jul", "Oct"]
    assert axis.labels_fit()


def test_coinciding_series_stay_visible() -> None:
    """Pain after drawn as open squares larger than the before dots: equal scores both show."""
    _figure, (ax,) = charts._figure()
    charts._line(ax, [(datetime(2026, 3, 2, 9), 3.0)], "#000000", "before", 0)
    charts._line(ax, [(datetime(2026, 3, 2, 9), 3.0)], "#ff0000", "after", 1)
    before, after = ax.get_lines()
    assert after.get_markersize() > before.get_markersize()
    assert after.get_markerfacecolor() == "none"
