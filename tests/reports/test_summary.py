"""The computed report: counts a clinician reads must match the records exactly."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from backcoach.core.records import History, SessionOutcome, SessionRecord
from backcoach.reports.period import ReportInputError, ReportPeriod, parse_period
from backcoach.reports.summary import ReportSource, adherence_rows, build_report


def test_full_period_counts_every_session(source: ReportSource) -> None:
    data = build_report(source)
    sessions = source.history.sessions
    assert data.first_day == date(2026, 3, 2)
    assert data.last_day == date(2026, 3, 23)  # up to the day the report is made
    assert data.sessions_completed == sum(s.outcome is SessionOutcome.COMPLETED for s in sessions)
    assert data.sessions_stopped == 1
    assert all(d.planned == 3 for d in data.adherence)  # three a day from the first plan
    assert len(data.adherence) == 22
    assert [s.exercise for s in data.sharp_stops] == ["Knee-to-chest stretch"]
    assert len(data.plan_changes) == 6
    assert len(data.psfs) == 3 and data.psfs[0].mean == pytest.approx(3.0)
    assert not data.is_empty


def test_exercise_totals_add_up(source: ReportSource) -> None:
    data = build_report(source)
    sets = [one for s in source.history.sessions for one in s.sets]
    by_id = {e.exercise_id: e for e in data.exercises}
    assert set(by_id) == {one.exercise_id for one in sets}
    knee = by_id["knee-to-chest"]
    knee_sets = [one for one in sets if one.exercise_id == "knee-to-chest"]
    assert knee.sets == len(knee_sets)
    assert knee.total_reps == sum(one.reps for one in knee_sets)
    assert knee.max_hold_s == max(one.hold_s for one in knee_sets)
    assert sum(d.reps for d in knee.days) == knee.total_reps
    assert knee.dose.startswith("4 reps")  # after the progress step on day 8


def test_quality_only_from_camera_sets(source: ReportSource) -> None:
    data = build_report(source)
    camera = [one for s in source.history.sessions for one in s.sets if one.quality is not None]
    assert len(data.quality) == len(camera) > 0
    assert min(p.at for p in data.quality).date() >= date(2026, 3, 12)


def test_period_cuts_records_but_keeps_the_screening_in_effect(source: ReportSource) -> None:
    period = ReportPeriod(date(2026, 3, 9), date(2026, 3, 15))
    data = build_report(dataclasses.replace(source, period=period))
    assert [d.day for d in data.adherence] == [date(2026, 3, 9) + timedelta(n) for n in range(7)]
    assert all(date(2026, 3, 9) <= p.at.date() <= date(2026, 3, 15) for p in data.pain)
    assert len(data.screenings) == 1  # taken before the period, still in effect
    assert [r.at.date() for r in data.psfs] == [date(2026, 3, 9)]
    assert {c.reason_code for c in data.plan_changes} == {"progress"}


def test_days_follow_the_persons_time_zone(source: ReportSource) -> None:
    late = datetime(2026, 4, 1, 20, 0, tzinfo=UTC)
    history = History(sessions=(SessionRecord(late, SessionOutcome.COMPLETED, 3, 2),))
    base = dataclasses.replace(source, history=history, psfs=(), generated_at=late)
    in_utc = build_report(base)
    in_sydney = build_report(dataclasses.replace(base, tz=timezone(timedelta(hours=10))))
    assert in_utc.first_day == date(2026, 4, 1)
    assert in_sydney.first_day == date(2026, 4, 2)
    assert in_sydney.pain[0].at.hour == 6


def test_empty_journal_is_empty_not_an_error(source: ReportSource) -> None:
    data = build_report(dataclasses.replace(source, history=History(), psfs=()))
    assert data.is_empty
    assert data.first_day is None and data.adherence == ()


def test_adherence_rows_are_weekly_for_short_periods(source: ReportSource) -> None:
    rows = adherence_rows(build_report(source).adherence)
    assert [r.start for r in rows] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
    ]
    assert rows[0].label == "Week from Mon 02 Mar 2026"
    assert rows[0].planned == 21 and rows[0].percent == round(100 * rows[0].completed / 21)


def test_adherence_rows_are_monthly_for_long_periods(source: ReportSource) -> None:
    long = dataclasses.replace(source, period=ReportPeriod(date(2026, 1, 20), date(2026, 4, 30)))
    data = build_report(long)
    rows = adherence_rows(data.adherence)
    assert [r.label for r in rows] == ["January 2026", "February 2026", "March 2026", "April 2026"]
    assert sum(r.completed for r in rows) == data.sessions_completed
    assert rows[0].planned == 0 and rows[0].percent is None


@pytest.mark.parametrize(
    "start, end, message",
    [
        ("2026-03-10", "2026-03-01", "ends earlier"),
        ("03/01/2026", None, "--from '03/01/2026' is not a date"),
        (None, "2026-02-30", "--to '2026-02-30' is not a date"),
    ],
)
def test_bad_periods_are_refused_clearly(start: str | None, end: str | None, message: str) -> None:
    with pytest.raises(ReportInputError, match=message):
        parse_period(start, end)


def test_open_ended_periods_parse() -> None:
    assert parse_period(None, None) == ReportPeriod()
    assert parse_period("2026-03-01", None).start == date(2026, 3, 1)
