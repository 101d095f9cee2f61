"""A realistic three-week journal for report tests, built from the real record types."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta

import pytest

from backcoach.core.catalog import Catalog, load_catalog
from backcoach.core.datafile import shipped_data_file
from backcoach.core.psfs import PsfsRecord, load_psfs_scale, make_psfs_record
from backcoach.core.records import (
    DoseValue,
    History,
    MorningCheckin,
    MorningFeeling,
    PlanChange,
    ScreeningRecord,
    SessionOutcome,
    SessionRecord,
    SetRecord,
    SetSource,
    Side,
)
from backcoach.reports.period import ReportPeriod
from backcoach.reports.summary import ReportSource

START = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # a Monday
GENERATED = datetime(2026, 3, 23, 12, 0, tzinfo=UTC)
DISCLAIMER = (
    "backcoach gives information, not medical advice.\n\nStop at once if you feel sharp pain."
)


def _screening_data() -> dict[str, object]:
    return tomllib.loads(shipped_data_file("screening.toml").read_text("utf-8"))


def screening_questions() -> dict[str, str]:
    return {q["id"]: q["text"] for q in _screening_data()["questions"]}  # type: ignore[index]


def flag_titles() -> dict[str, str]:
    flags = _screening_data()["flags"]
    return {fid: f["title"] for fid, f in flags.items()}  # type: ignore[union-attr]


def _sets(catalog: Catalog, at: datetime, day: int, camera: bool) -> tuple[SetRecord, ...]:
    sets = []
    moment = at + timedelta(minutes=2)
    for exercise in catalog:
        reps = exercise.start.reps + day // 7
        hold = float(exercise.start.hold_s + day // 7)
        sides = (Side.LEFT, Side.RIGHT) if exercise.sided else (None,)
        for side in sides:
            end = moment + timedelta(seconds=reps * (hold + 5))
            sets.append(
                SetRecord(
                    exercise_id=exercise.id,
                    reps=reps,
                    hold_s=hold - 0.4,
                    started_at=moment,
                    ended_at=end,
                    side=side,
                    source=SetSource.CAMERA if camera else SetSource.MANUAL,
                    quality=min(1.0, 0.5 + 0.02 * day + 0.1 * len(exercise.id) % 0.3)
                    if camera
                    else None,
                    # The camera's range of movement grows a little over the weeks.
                    range_deg=round(20.0 + len(exercise.id) + 0.8 * day, 1) if camera else None,
                )
            )
            moment = end + timedelta(seconds=20)
    return tuple(sets)


def make_history(catalog: Catalog, days: int = 21) -> History:
    """Three sessions a day planned; most done; one sharp-pain stop on day 9; camera from day 10."""
    answers = {q: False for q in screening_questions()}
    screenings = [
        ScreeningRecord(taken_at=START - timedelta(hours=1), answers=answers, positive_flags=()),
    ]
    changes = [
        PlanChange(
            exercise_id=e.id,
            at=START - timedelta(minutes=30),
            from_dose=None,
            to_dose=DoseValue(e.start.reps, e.start.hold_s, e.start.sessions_per_day),
            reason_code="start",
            reason="Your first plan starts at the gentle starting dose.",
        )
        for e in catalog
    ]
    sessions = []
    checkins = []
    for day in range(days):
        for slot in range(3):
            if (day + slot) % 5 == 4:
                continue  # a missed session now and then
            at = START + timedelta(days=day, hours=5 * slot)
            before = 5 - day // 6 + slot % 2
            if day == 9 and slot == 1:
                sessions.append(
                    SessionRecord(
                        started_at=at,
                        outcome=SessionOutcome.SHARP_PAIN,
                        pain_before=before,
                        pain_after=7,
                        ended_at=at + timedelta(minutes=4),
                        stop_exercise_id="knee-to-chest",
                        stop_at=at + timedelta(minutes=4),
                        sets=_sets(catalog, at, day, camera=False)[:1],
                        note="sharp pain in the lower back on the left",
                    )
                )
                continue
            sessions.append(
                SessionRecord(
                    started_at=at,
                    outcome=SessionOutcome.COMPLETED,
                    pain_before=before,
                    pain_after=max(0, before - 1),
                    ended_at=at + timedelta(minutes=12),
                    sets=_sets(catalog, at, day, camera=day >= 10),
                )
            )
        checkins.append(
            MorningCheckin(
                day=(START + timedelta(days=day + 1)).date(),
                feeling=MorningFeeling.WORSE if day == 9 else MorningFeeling.BETTER,
                pain=max(0, 4 - day // 6),
                at=START + timedelta(days=day + 1, minutes=-30),
            )
        )
    for e in catalog:
        changes.append(
            PlanChange(
                exercise_id=e.id,
                at=START + timedelta(days=7, hours=11),
                from_dose=DoseValue(e.start.reps, e.start.hold_s, e.start.sessions_per_day),
                to_dose=DoseValue(e.start.reps + 1, e.start.hold_s, e.start.sessions_per_day),
                reason_code="progress",
                reason="Three sessions in a row without a pain rise: one more repetition.",
            )
        )
    return History(
        sessions=tuple(sessions),
        checkins=tuple(checkins),
        screenings=tuple(screenings),
        plan_changes=tuple(changes),
    )


def make_psfs() -> tuple[PsfsRecord, ...]:
    return tuple(
        make_psfs_record(
            START + timedelta(days=7 * week, hours=2),
            [
                ("Putting on socks", 3 + 2 * week),
                ("Sitting for an hour", 4 + week),
                ("Lifting a child", 2 + week),
            ],
        )
        for week in range(3)
    )


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def history(catalog: Catalog) -> History:
    return make_history(catalog)


@pytest.fixture(scope="session")
def source(catalog: Catalog, history: History) -> ReportSource:
    return ReportSource(
        profile="alex",
        history=history,
        catalog=catalog,
        disclaimer=DISCLAIMER,
        generated_at=GENERATED,
        period=ReportPeriod(),
        psfs=make_psfs(),
        psfs_attribution=load_psfs_scale().attribution,
        screening_questions=screening_questions(),
        flag_titles=flag_titles(),
    )
