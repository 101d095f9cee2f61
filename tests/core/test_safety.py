"""Disclaimer, red-flag screening and the one safety decision before any session."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcoach.core.catalog import load_catalog
from backcoach.core.datafile import shipped_data_file
from backcoach.core.plan import load_progression_rules, plan_for_day
from backcoach.core.records import (
    DisclaimerAck,
    History,
    MorningCheckin,
    MorningFeeling,
    ProfessionalAdvice,
    ScreeningRecord,
    SessionOutcome,
    SessionRecord,
    SharpPainEvent,
)
from backcoach.core.safety import (
    SHARP_PAIN_MESSAGE,
    SafetyError,
    disclaimer_version,
    evaluate_screening,
    load_disclaimer,
    load_screening,
    needs_disclaimer,
    session_decision,
)
from backcoach.core.session import GuidedSession, SessionBlocked

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SCREENING = load_screening()
DISCLAIMER = load_disclaimer()


def _all_no() -> dict[str, bool]:
    return {q.id: False for q in SCREENING.questions}


def _ready(**answers: bool) -> History:
    """Disclaimer accepted and screened at T0 with the given yes answers."""
    record = evaluate_screening(SCREENING, {**_all_no(), **answers}, T0)
    return History(screenings=(record,), disclaimer_acks=(DisclaimerAck(DISCLAIMER.version, T0),))


def _session(start: datetime, before: int, after: int | None = None, **kw: object) -> SessionRecord:
    outcome = kw.pop("outcome", SessionOutcome.COMPLETED)
    return SessionRecord(
        started_at=start,
        outcome=outcome,  # type: ignore[arg-type]
        pain_before=before,
        pain_after=after,
        ended_at=start + timedelta(minutes=10),
    )


# --- disclaimer -------------------------------------------------------------------------------


def test_disclaimer_says_what_the_guide_asks() -> None:
    text = DISCLAIMER.text.lower()
    for phrase in ("not medical advice", "existing health condition", "sharp pain",
                   "loose", "resting in bed", "gradually"):  # fmt: skip
        assert phrase in text
    assert len(DISCLAIMER.version) == 12
    assert DISCLAIMER.version == disclaimer_version(DISCLAIMER.text)


def test_acknowledgement_expires_when_the_text_changes(tmp_path: Path) -> None:
    history = History(disclaimer_acks=(DisclaimerAck(DISCLAIMER.version, T0),))
    assert needs_disclaimer(History(), DISCLAIMER)
    assert not needs_disclaimer(history, DISCLAIMER)
    changed = tmp_path / "disclaimer.toml"
    changed.write_text('title = "t"\ntext = "A different text."\n', encoding="utf-8")
    new = load_disclaimer(changed)
    assert new.version != DISCLAIMER.version
    assert needs_disclaimer(history, new)


def test_malformed_disclaimer_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "disclaimer.toml"
    path.write_text('title = "Before you start"\n', encoding="utf-8")
    with pytest.raises(SafetyError, match=r"disclaimer\.toml: field 'text'"):
        load_disclaimer(path)


# --- screening data ---------------------------------------------------------------------------


def test_screening_covers_the_red_flags() -> None:
    flags_by_question = {q.id: q.flag for q in SCREENING.questions}
    assert SCREENING.flags["cauda_equina"].urgency == "emergency"
    assert "emergency" in SCREENING.flags["cauda_equina"].advice.lower()
    for question, flag in {
        "saddle_numbness": "cauda_equina", "bladder_bowel": "cauda_equina",
        "both_legs": "cauda_equina", "fall_or_accident": "fracture",
        "osteoporosis_steroids": "fracture", "cancer_history": "cancer",
        "weight_loss": "cancer", "night_pain": "cancer", "new_after_50": "cancer",
        "fever": "infection", "weak_immunity": "infection", "injecting_drugs": "infection",
        "recent_injury": "recent_injury",
    }.items():  # fmt: skip
        assert flags_by_question[question] == flag
    assert SCREENING.expires_after_days == 28


def test_screening_with_unknown_flag_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "screening.toml"
    text = shipped_data_file("screening.toml").read_text(encoding="utf-8")
    broken = text.replace('id = "fever"\nflag = "infection"', 'id = "fever"\nflag = "fevr"')
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(SafetyError, match=r"screening\.toml.*unknown flag 'fevr'"):
        load_screening(path)


def test_screening_with_bad_urgency_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "screening.toml"
    text = shipped_data_file("screening.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('urgency = "soon"', 'urgency = "later"'), encoding="utf-8")
    with pytest.raises(SafetyError, match=r"field 'flags\.recent_injury\.urgency'"):
        load_screening(path)


# --- evaluating answers -----------------------------------------------------------------------


def test_all_no_raises_no_flag() -> None:
    record = evaluate_screening(SCREENING, _all_no(), T0)
    assert record.positive_flags == ()
    assert record.taken_at == T0


def test_yes_answers_raise_their_flags_once() -> None:
    answers = {**_all_no(), "weight_loss": True, "night_pain": True, "saddle_numbness": True}
    record = evaluate_screening(SCREENING, answers, T0)
    assert set(record.positive_flags) == {"cancer", "cauda_equina"}
    assert len(record.positive_flags) == 2


def test_missing_or_unknown_answers_are_refused() -> None:
    answers = _all_no()
    del answers["fever"]
    with pytest.raises(SafetyError, match="missing answers: fever"):
        evaluate_screening(SCREENING, answers, T0)
    with pytest.raises(SafetyError, match="unknown questions: headache"):
        evaluate_screening(SCREENING, {**_all_no(), "headache": True}, T0)


# --- the decision -----------------------------------------------------------------------------


def test_first_run_asks_disclaimer_then_screening() -> None:
    assert session_decision(History(), SCREENING, DISCLAIMER, T0).code == "disclaimer_needed"
    acked = History(disclaimer_acks=(DisclaimerAck(DISCLAIMER.version, T0),))
    decision = session_decision(acked, SCREENING, DISCLAIMER, T0)
    assert (decision.allowed, decision.code) == (False, "screening_needed")


def test_clear_screening_allows_a_session() -> None:
    decision = session_decision(_ready(), SCREENING, DISCLAIMER, T0 + timedelta(hours=1))
    assert (decision.allowed, decision.code) == (True, "ok")


def test_red_flag_blocks_with_matched_advice_most_urgent_first() -> None:
    history = _ready(recent_injury=True, bladder_bowel=True)
    decision = session_decision(history, SCREENING, DISCLAIMER, T0)
    assert (decision.allowed, decision.code) == (False, "red_flag")
    assert "emergency" in decision.advice[0].lower()
    assert len(decision.advice) == 2


def test_red_flag_wins_over_a_missing_disclaimer_and_a_later_clear_screening() -> None:
    positive = evaluate_screening(SCREENING, {**_all_no(), "fever": True}, T0)
    later = evaluate_screening(SCREENING, _all_no(), T0 + timedelta(days=1))
    history = History(screenings=(positive, later))
    decision = session_decision(history, SCREENING, DISCLAIMER, T0 + timedelta(days=1))
    assert decision.code == "red_flag"
    assert "infection" in decision.advice[0].lower()


def test_professional_clearance_unblocks() -> None:
    history = _ready(fever=True)
    record = history.screenings[0]
    cleared = ScreeningRecord(
        taken_at=record.taken_at,
        answers=record.answers,
        positive_flags=record.positive_flags,
        cleared_at=T0 + timedelta(days=2),
        cleared_note="GP: fine to exercise",
    )
    history = History(screenings=(cleared,), disclaimer_acks=history.disclaimer_acks)
    assert session_decision(history, SCREENING, DISCLAIMER, T0 + timedelta(days=2)).allowed


def test_screening_expires_after_28_days() -> None:
    history = _ready()
    assert session_decision(history, SCREENING, DISCLAIMER, T0 + timedelta(days=28)).allowed
    decision = session_decision(history, SCREENING, DISCLAIMER, T0 + timedelta(days=29))
    assert (decision.allowed, decision.code) == (False, "screening_expired")


@pytest.mark.parametrize(
    ("pains", "rescreen"),
    [((2, 4), False), ((2, 5), True), ((7,), False), ((8,), True), ((4, 2, 4), False)],
)
def test_marked_pain_rise_asks_for_a_new_screening(pains: tuple[int, ...], rescreen: bool) -> None:
    sessions = tuple(_session(T0 + timedelta(days=i, hours=1), p, p) for i, p in enumerate(pains))
    history = History(
        sessions=sessions,
        screenings=_ready().screenings,
        disclaimer_acks=_ready().disclaimer_acks,
    )
    decision = session_decision(history, SCREENING, DISCLAIMER, T0 + timedelta(days=5))
    assert (decision.code == "pain_rise_rescreen") is rescreen
    assert decision.allowed is not rescreen


def test_repeated_sharp_pain_holds_sessions_until_professional_advice() -> None:
    rules = load_progression_rules()
    sharp = tuple(
        _session(T0 + timedelta(days=d, hours=1), 3, None, outcome=SessionOutcome.SHARP_PAIN)
        for d in (1, 3)
    )
    checkin = MorningCheckin(day=(T0 + timedelta(days=4)).date(), feeling=MorningFeeling.SAME,
                             at=T0 + timedelta(days=4))
    history = History(sessions=sharp, screenings=_ready().screenings, checkins=(checkin,),
                      disclaimer_acks=_ready().disclaimer_acks)  # fmt: skip
    now = T0 + timedelta(days=4, hours=2)
    assert session_decision(history, SCREENING, DISCLAIMER, now).code == "ok"
    decision = session_decision(history, SCREENING, DISCLAIMER, now, rules.referral)
    assert (decision.allowed, decision.code) == (False, "sharp_pain_referral")
    assert "2 times" in decision.message
    assert decision.advice == (rules.referral.advice,)
    advised = replace(history, professional_advice=(ProfessionalAdvice(
        at=now, by="Dr Lee", on=now.date(), said="Carry on gently"),))
    later = now + timedelta(minutes=5)
    assert session_decision(advised, SCREENING, DISCLAIMER, later, rules.referral).allowed


def test_sharp_pain_makes_the_rest_of_the_local_day_a_rest_day() -> None:
    # 06:30 UTC is 22:30 the evening before in Los Angeles (UTC-8), 19:30 in Tonga (UTC+13).
    stop_at = datetime(2026, 3, 4, 6, 30, tzinfo=UTC)
    event = SharpPainEvent(at=stop_at, place="history")
    history = replace(_ready(), sharp_pain_events=(event,))
    la, tonga = ZoneInfo("America/Los_Angeles"), ZoneInfo("Pacific/Tongatapu")
    same_evening = stop_at + timedelta(hours=1)  # 23:30 in Los Angeles
    after_midnight = stop_at + timedelta(hours=4)  # 02:30 next day in LA, 23:30 in Tonga
    assert session_decision(history, SCREENING, DISCLAIMER, same_evening, zone=la).code == (
        "sharp_pain_rest")
    decision = session_decision(history, SCREENING, DISCLAIMER, after_midnight, zone=la)
    assert decision.code == "checkin_needed"
    assert session_decision(history, SCREENING, DISCLAIMER, after_midnight,
                            zone=tonga).code == "sharp_pain_rest"
    next_la_morning = after_midnight + timedelta(hours=6)
    checked = replace(history, checkins=(MorningCheckin(
        day=next_la_morning.date(), feeling=MorningFeeling.BETTER, at=next_la_morning),))
    assert session_decision(checked, SCREENING, DISCLAIMER, next_la_morning + timedelta(
        minutes=1), zone=la).code == "ok"


def test_sharp_pain_message_says_stop_and_seek_advice() -> None:
    assert "stop" in SHARP_PAIN_MESSAGE.lower()
    assert "doctor or physiotherapist" in SHARP_PAIN_MESSAGE


# --- invariant: a positive, uncleared red flag means no session can start ---------------------


@given(
    yes=st.sets(st.sampled_from([q.id for q in SCREENING.questions]), min_size=1),
    later_clear=st.booleans(),
    days=st.integers(min_value=0, max_value=60),
    acked=st.booleans(),
)
def test_positive_uncleared_flag_blocks_every_session(
    yes: set[str], later_clear: bool, days: int, acked: bool
) -> None:
    positive = evaluate_screening(SCREENING, {**_all_no(), **dict.fromkeys(yes, True)}, T0)
    screenings = (positive,)
    if later_clear:
        screenings += (evaluate_screening(SCREENING, _all_no(), T0 + timedelta(days=days)),)
    acks = (DisclaimerAck(DISCLAIMER.version, T0),) if acked else ()
    history = History(screenings=screenings, disclaimer_acks=acks)
    now = T0 + timedelta(days=days)
    decision = session_decision(
        history, SCREENING, DISCLAIMER, now, load_progression_rules().referral
    )
    assert not decision.allowed
    assert decision.code == "red_flag"
    assert decision.advice
    plan = plan_for_day(load_catalog(), history, load_progression_rules(), now.date())
    with pytest.raises(SessionBlocked):
        GuidedSession(plan, now, decision)


def test_sharp_pain_pressed_twice_for_one_episode_is_one_report() -> None:
    """SHARP PAIN on the session and again on the next page a minute later is one pain: a rest
    day, not a hold until a professional is seen. Two separate episodes still are."""
    from datetime import UTC, datetime, timedelta

    from backcoach.core.plan import load_progression_rules
    from backcoach.core.records import History, SharpPainEvent
    from backcoach.core.safety import sharp_pain_decision

    rules = load_progression_rules().referral
    first = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    again = History(sharp_pain_events=(SharpPainEvent(at=first, place="session"),
                                       SharpPainEvent(at=first + timedelta(minutes=1),
                                                      place="today")))
    decision = sharp_pain_decision(again, first + timedelta(minutes=5), UTC, rules)
    assert decision is not None and decision.code == "sharp_pain_rest"
    two_days = History(sharp_pain_events=(SharpPainEvent(at=first, place="session"),
                                          SharpPainEvent(at=first + timedelta(days=1),
                                                         place="today")))
    later = sharp_pain_decision(two_days, first + timedelta(days=1, minutes=5), UTC, rules)
    assert later is not None and later.code == "sharp_pain_referral"
