"""One time axis for the web and report charts: one day to a year, sessions of a day apart."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backcoach.localtime import profile_zone
from backcoach.reports.timeaxis import MAX_LABELS, time_axis

DAY = datetime(2026, 11, 30, 8, 0)


def test_one_day_is_drawn_in_hours_and_separates_its_sessions() -> None:
    times = [DAY, DAY.replace(hour=13), DAY.replace(hour=18, minute=30)]
    axis = time_axis(times)
    assert axis.unit == "hour"
    spots = [axis.fraction(t) for t in times]
    assert 0 <= spots[0] < spots[1] < spots[2] <= 1
    assert min(b - a for a, b in itertools.pairwise(spots)) > 0.2
    assert all(t.label.endswith(":00") for t in axis.ticks)
    assert axis.start.date() == axis.end.date() == DAY.date()


@pytest.mark.parametrize(
    ("days", "unit", "label"),
    [(7, "day", "Tue 24"), (30, "week", "30 Nov"), (365, "month", "Dec 2025")],
)
def test_week_month_year_scales(days: int, unit: str, label: str) -> None:
    first = DAY.date() - timedelta(days=days - 1)
    axis = time_axis([DAY], first, DAY.date())
    assert axis.unit == unit
    assert 1 <= len(axis.ticks) <= MAX_LABELS
    assert axis.ticks[0].label == label or axis.ticks[-1].label == label
    assert axis.fraction(DAY) == pytest.approx(1 - 16 / 24 / days, abs=1e-6)


def test_three_sessions_of_one_day_in_a_week_do_not_share_a_spot() -> None:
    times = [DAY, DAY.replace(hour=13), DAY.replace(hour=18)]
    axis = time_axis(times, DAY.date() - timedelta(days=6), DAY.date())
    spots = sorted(axis.fraction(t) for t in times)
    assert spots[1] - spots[0] > 0.02  # 5 h of a 7-day axis: about 10 px at 360 px


def test_profile_zone_falls_back_on_bad_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    assert profile_zone({"time_zone": "Europe/Paris"}) == ZoneInfo("Europe/Paris")
    assert profile_zone({"time_zone": "Mars/Olympus"}) == ZoneInfo("UTC")
    assert profile_zone({}) == ZoneInfo("UTC")


def test_no_times_and_no_day_is_refused() -> None:
    with pytest.raises(ValueError):
        time_axis([])
    assert time_axis([], date(2026, 1, 1)).unit == "hour"
