"""Reminders: an RFC 5545 file that parses back with daily recurrences and alarms."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from backcoach.reports.calendar import (
    ReminderInputError,
    ReminderItem,
    build_calendar,
    parse_times,
    session_minutes,
    suggested_times,
)

ITEMS = (
    ReminderItem("Knee-to-chest stretch", reps=3, hold_s=5, rest_s=5),
    ReminderItem("Standing hip flexor stretch", reps=2, hold_s=10, rest_s=10, sided=True),
)
MADE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _calendar(times: tuple[time, ...], **options: int) -> Calendar:
    ics = build_calendar(
        "alex", ITEMS, times, date(2026, 3, 2), MADE, "Not medical advice.", **options
    )
    return Calendar.from_ical(ics)


def test_one_daily_event_with_an_alarm_per_time() -> None:
    times = parse_times("08:00,13:00,18:00")
    events = _calendar(times).walk("VEVENT")
    assert [e["DTSTART"].dt for e in events] == [
        datetime(2026, 3, 2, 8),
        datetime(2026, 3, 2, 13),
        datetime(2026, 3, 2, 18),
    ]
    for event in events:
        assert event["RRULE"]["FREQ"] == ["DAILY"]
        (alarm,) = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY"
        assert alarm["TRIGGER"].dt == timedelta(minutes=-5)
        assert "Knee-to-chest stretch: 3 x 5 s hold" in event["DESCRIPTION"]
        assert "each side" in event["DESCRIPTION"]
        assert "Not medical advice." in event["DESCRIPTION"]
        assert event["DTSTAMP"].dt == MADE
    assert len({e["UID"] for e in events}) == 3


def test_uids_are_stable_so_a_new_file_updates_events() -> None:
    first = [e["UID"] for e in _calendar((time(8, 0),)).walk("VEVENT")]
    again = [e["UID"] for e in _calendar((time(8, 0), time(12, 0))).walk("VEVENT")]
    assert first[0] == again[0]


def test_alarm_lead_time_is_configurable() -> None:
    (event,) = _calendar((time(7, 30),), alarm_minutes_before=0).walk("VEVENT")
    assert event.walk("VALARM")[0]["TRIGGER"].dt == timedelta(0)


def test_duration_covers_the_plan() -> None:
    (event,) = _calendar((time(7, 30),)).walk("VEVENT")
    assert event["DURATION"].dt == timedelta(minutes=session_minutes(ITEMS))
    assert session_minutes(ITEMS) == 10
    long = [ReminderItem("x", reps=20, hold_s=30, rest_s=10, sided=True)]
    assert session_minutes(long) == 30  # 2 x 20 x 40 s + 60 s = 1660 s -> 30 min


def test_suggested_times_spread_over_the_day() -> None:
    assert suggested_times(3) == (time(8), time(13), time(18))
    assert suggested_times(1) == (time(8),)
    assert suggested_times(4) == (time(8), time(11, 20), time(14, 40), time(18))


def test_times_are_sorted() -> None:
    assert parse_times(" 18:00, 8:05") == (time(8, 5), time(18))


@pytest.mark.parametrize(
    "text, message",
    [
        ("8am", "HH:MM"),
        ("25:00", "HH:MM"),
        ("08:00,08:00", "twice"),
        ("", "HH:MM"),
        (",".join(f"{h:02d}:00" for h in range(11)), "at most"),
    ],
)
def test_bad_times_are_refused(text: str, message: str) -> None:
    with pytest.raises(ReminderInputError, match=message):
        parse_times(text)


def test_empty_plan_and_bad_alarm_are_refused() -> None:
    with pytest.raises(ReminderInputError, match="no exercises"):
        build_calendar("alex", [], (time(8),), date(2026, 3, 2), MADE, "x")
    with pytest.raises(ReminderInputError, match="0 to 120"):
        build_calendar(
            "alex", ITEMS, (time(8),), date(2026, 3, 2), MADE, "x", alarm_minutes_before=-1
        )
