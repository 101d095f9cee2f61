"""One time axis for the web and report charts: one day to a year, sessions of a day apart."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backcoach.localtime import profile_zone
from backcoach.reports.timeaxis import AXIS_WIDTH, CHAR_WIDTH, MAX_LABELS, ROOM, time_axis

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
    [(7, "day", "Tue 24"), (30, "week", "30 Nov"), (365, "month", "Jan 2026")],
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


SPANS = [1, 2, 5, 7, 10, 11, 14, 30, 45, 92, 93, 120, 200, 365, 366, 500, 730, 1000, 1461, 2000,
         2922]  # one day to eight years  # fmt: skip
#: (axis width, one label character, room past each end) in px: a 360 px phone's chart and a
#: 1366 px laptop's, 12 px text; and the SVG charts' own viewBox units.
WIDTHS = {"phone-360": (300.0, 7.4, (20.0, 10.0)), "laptop-1366": (1200.0, 7.4, (0.0, 0.0)),
          "svg": (AXIS_WIDTH, CHAR_WIDTH, ROOM)}  # fmt: skip


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("days", SPANS)
@pytest.mark.parametrize("end", [date(2026, 11, 30), date(2026, 1, 3), date(2027, 6, 30)])
def test_labels_never_overlap_from_one_day_to_eight_years(days: int, width: str,
                                                          end: date) -> None:  # fmt: skip
    size, char, room = WIDTHS[width]
    first = end - timedelta(days=days - 1)
    times = [datetime.combine(end, datetime.min.time()).replace(hour=h) for h in (7, 12, 19)]
    axis = time_axis(times, first, end, width=size, char_width=char, room=room)
    assert 1 <= len(axis.ticks) <= MAX_LABELS
    spots = [axis.label_fraction(t) for t in axis.ticks]
    assert spots == sorted(spots)
    for tick, spot in zip(axis.ticks, spots, strict=True):  # whole labels inside the chart
        half = len(tick.label) * char / 2 / size
        assert -room[0] / size - 1e-9 <= spot - half and spot + half <= 1 + room[1] / size + 1e-9
        assert 0 <= axis.fraction(tick.at) <= 1
    ends = [(s - len(t.label) * char / 2 / size, s + len(t.label) * char / 2 / size)
            for t, s in zip(axis.ticks, spots, strict=True)]  # fmt: skip
    assert all(b[0] - a[1] >= char / size for a, b in itertools.pairwise(ends))
    assert axis.labels_fit()


def test_a_wider_axis_never_gets_fewer_labels() -> None:
    end = date(2026, 11, 30)
    for days in SPANS:
        first = end - timedelta(days=days - 1)
        narrow = time_axis([], first, end, width=300, char_width=7.4)
        wide = time_axis([], first, end, width=1200, char_width=7.4)
        assert len(wide.ticks) >= len(narrow.ticks), days


def test_years_are_labelled_as_years_over_many_years() -> None:
    axis = time_axis([], date(2018, 12, 1), date(2026, 11, 30))
    labels = [t.label for t in axis.ticks]
    assert all(len(label) == 4 and label.isdigit() for label in labels)
    assert len(labels) >= 3
