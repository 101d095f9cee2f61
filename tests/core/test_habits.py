"""Weekly goal and streak: days with a completed session count; a rest day the app ordered
(after sharp pain or on a flare morning) never breaks the streak; the words never push."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backcoach.core.habits import (
    HabitsError,
    habit_view,
    load_cards,
    load_habit_rules,
    streak,
    valid_goal,
    week_progress,
)
from backcoach.core.records import (
    History,
    MorningCheckin,
    MorningFeeling,
    SessionOutcome,
    SessionRecord,
    SharpPainEvent,
)

RULES = load_habit_rules()
TODAY = date(2026, 11, 26)  # a Thursday
PARIS = ZoneInfo("Europe/Paris")


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS).astimezone(UTC)


def _done(day: date, outcome: SessionOutcome = SessionOutcome.COMPLETED) -> SessionRecord:
    return SessionRecord(_at(day), outcome, 2, 2, _at(day) + timedelta(minutes=10))


def _days(*back: int) -> list[date]:
    return [TODAY - timedelta(days=b) for b in back]


def test_days_not_sessions_count_toward_the_weekly_goal() -> None:
    sessions = [_done(d) for d in _days(3, 3, 3, 1)]  # three on Monday, one on Wednesday
    sessions.append(_done(TODAY - timedelta(days=2), SessionOutcome.STOPPED))
    week = week_progress(History(sessions=tuple(sessions)), TODAY, PARIS, 3, RULES)
    assert week.week_start == date(2026, 11, 23)
    assert week.active == tuple(_days(3, 1))
    assert not week.met


def test_local_days_decide_not_utc() -> None:
    late = SessionRecord(datetime(2026, 11, 25, 23, 30, tzinfo=UTC),  # 00:30 in Paris
                         SessionOutcome.COMPLETED)
    week = week_progress(History(sessions=(late,)), TODAY, PARIS, 3, RULES)
    assert week.active == (TODAY,)


def test_a_missed_day_breaks_the_streak_but_today_not_yet_done_does_not() -> None:
    history = History(sessions=tuple(_done(d) for d in _days(1, 2, 4)))
    assert streak(history, TODAY, PARIS, RULES).days == 2


def test_an_ordered_rest_after_sharp_pain_keeps_the_streak() -> None:
    sessions = [_done(d) for d in _days(1, 4, 5)]
    sessions.append(_done(TODAY - timedelta(days=3), SessionOutcome.SHARP_PAIN))  # rest 3 and 2
    run = streak(History(sessions=tuple(sessions)), TODAY, PARIS, RULES)
    assert (run.days, run.kept_by_rest) == (3, 2)


def test_a_standalone_sharp_pain_event_and_a_flare_morning_are_rest_days_too() -> None:
    event = SharpPainEvent(at=_at(TODAY - timedelta(days=3)), place="home")  # rest 3 and 2
    flare = MorningCheckin(TODAY - timedelta(days=4), MorningFeeling.WORSE)
    history = History(sessions=tuple(_done(d) for d in _days(1, 5)),
                      sharp_pain_events=(event,), checkins=(flare,))
    assert streak(history, TODAY, PARIS, RULES).days == 2
    view = habit_view(history, TODAY - timedelta(days=2), PARIS, 4, RULES)
    assert view.rest_today and view.message == RULES.messages.rest_ordered


def test_messages_never_push() -> None:
    words = RULES.messages.model_dump().values()
    for text in words:
        lowered = text.lower()
        assert "push" not in lowered and "no excuses" not in lowered and "don't stop" not in lowered
    done = habit_view(History(sessions=(_done(TODAY),)), TODAY, PARIS, 1, RULES)
    assert done.week.met and done.message == RULES.messages.goal_met


def test_goal_outside_one_to_seven_falls_back() -> None:
    assert valid_goal(5, RULES) == 5
    assert valid_goal(9, RULES) == RULES.default_weekly_goal_days
    assert valid_goal(True, RULES) == RULES.default_weekly_goal_days


def test_cards_cover_the_guide_advice_and_bad_files_name_the_field(tmp_path: Path) -> None:
    cards = load_cards()
    assert {c.id for c in cards} >= {"stay-active", "move-slowly", "clothing-space",
                                     "sharp-pain", "see-a-professional"}
    assert all("  " not in c.text for c in cards)
    bad = tmp_path / "learn.toml"
    bad.write_text('[[cards]]\nid = "x"\ntitle = "Title"\nmoment = "never"\ntext = "t"\n')
    with pytest.raises(HabitsError, match="moment"):
        load_cards(bad)
