"""The pain-monitoring model: score validation, what a session says, when to refer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from backcoach.core.pain import (
    PainScoreError,
    Signal,
    checkin_time,
    referral_reasons,
    session_signal,
    validate_pain,
)
from backcoach.core.plan import load_progression_rules
from backcoach.core.records import (
    History,
    MorningCheckin,
    MorningFeeling,
    SessionOutcome,
    SessionRecord,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REFERRAL = load_progression_rules().referral


def _signal(before: int | None, after: int | None, outcome: SessionOutcome) -> Signal:
    session = SessionRecord(T0, outcome, before, after, T0 + timedelta(minutes=5))
    return session_signal(session, max_rise_ok=2, step_back_rise=3, acceptable_pain=5)


@pytest.mark.parametrize("score", [0, 5, 10])
def test_valid_scores_pass(score: int) -> None:
    assert validate_pain(score) == score


@pytest.mark.parametrize("score", [-1, 11, 2.0, "3", False])
def test_invalid_scores_name_the_scale(score: object) -> None:
    with pytest.raises(PainScoreError, match=r"pain before must be a whole number from 0"):
        validate_pain(score, "pain before")


@pytest.mark.parametrize(
    ("before", "after", "outcome", "signal"),
    [
        (2, 4, SessionOutcome.COMPLETED, Signal.GOOD),  # up 2 and at most 5: acceptable
        (4, 6, SessionOutcome.COMPLETED, Signal.MILD_FLARE),  # above about 5/10
        (2, 5, SessionOutcome.COMPLETED, Signal.PAIN_RISE),
        (2, 5, SessionOutcome.STOPPED, Signal.PAIN_RISE),
        (0, 0, SessionOutcome.SHARP_PAIN, Signal.SHARP_PAIN),  # overrides every allowance
        (2, None, SessionOutcome.STOPPED, Signal.NEUTRAL),
        (2, None, SessionOutcome.IN_PROGRESS, Signal.NEUTRAL),
    ],
)
def test_session_signal(
    before: int, after: int | None, outcome: SessionOutcome, signal: Signal
) -> None:
    assert _signal(before, after, outcome) is signal


def test_checkin_without_time_counts_from_the_start_of_its_day() -> None:
    checkin = MorningCheckin(date(2026, 3, 3), MorningFeeling.SAME)
    assert checkin_time(checkin) == datetime(2026, 3, 3, tzinfo=UTC)


def test_worse_mornings_across_a_week_refer() -> None:
    worse = tuple(MorningCheckin(date(2026, 3, d), MorningFeeling.WORSE) for d in (2, 4, 6))
    assert referral_reasons(History(checkins=worse[:2]), T0 + timedelta(days=5), REFERRAL) == ()
    (reason,) = referral_reasons(History(checkins=worse), T0 + timedelta(days=5), REFERRAL)
    assert "worse on 3 mornings" in reason
    assert referral_reasons(History(checkins=worse), T0 + timedelta(days=20), REFERRAL) == ()
