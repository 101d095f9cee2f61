"""The voice-command rules: what a heard phrase may do to a guided session, and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcoach.core.catalog import load_catalog
from backcoach.core.plan import load_progression_rules, plan_for_day
from backcoach.core.records import History, SessionOutcome
from backcoach.core.safety import SafetyDecision
from backcoach.core.session import GuidedSession, Pacing, SessionEnded, SessionState, SetCompleted
from backcoach.core.voice_commands import (
    VoiceCommand,
    VoiceControl,
    VoiceDataError,
    load_voice_vocabulary,
)

CATALOG = load_catalog()
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OK = SafetyDecision(True, "ok", "You can start a session.")
PLAN = plan_for_day(CATALOG, History(), load_progression_rules(), T0.date())


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _control() -> VoiceControl:
    return VoiceControl(GuidedSession(PLAN, T0, OK, pacing=Pacing(5, 5)), undo_window_s=5.0)


def test_shipped_vocabulary_has_every_command_and_all_pain_scores() -> None:
    vocabulary = load_voice_vocabulary()
    commands = {phrase.command for phrase in vocabulary.phrases}
    assert commands == set(VoiceCommand)
    scores = sorted(p.score for p in vocabulary.phrases if p.score is not None)
    assert scores == list(range(11))
    assert vocabulary.phrase("sharp pain").command is VoiceCommand.SHARP_PAIN


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('[[phrases]]\ntext = "stop"\ncommand = "stop"\nthreshold = -1.0\n', "threshold"),
        ('[[phrases]]\ntext = "Stop!"\ncommand = "stop"\nthreshold = 1e-20\n', "lower-case"),
        ('[[phrases]]\ntext = "seven"\ncommand = "pain"\nthreshold = 1e-20\n', "score"),
        ('[[phrases]]\ntext = "next"\ncommand = "next"\nthreshold = 1e-20\n', "sharp_pain"),
    ],
)
def test_a_broken_voice_file_names_the_problem(tmp_path: Path, body: str, field: str) -> None:
    path = tmp_path / "voice.toml"
    head = "sample_rate_hz = 16000\nundo_window_s = 5.0\nphone_loop_penalty = 1e-10\n"
    gate = (
        "[endpoint]\nfloor_window_s = 5.0\nfloor_percentile = 10.0\nsound_db = 6.0\n"
        "pause_s = 0.25\nmax_utterance_s = 1.4\ncontrast_db = 2.0\n"
    )
    path.write_text(head + body + gate, encoding="utf-8")
    with pytest.raises(VoiceDataError, match=field) as info:
        load_voice_vocabulary(path)
    assert str(path) in str(info.value)


def test_a_pain_word_answers_the_open_pain_question() -> None:
    control = _control()
    outcome = control.hear(VoiceCommand.PAIN, T0, score=7)
    assert outcome.acted and outcome.say == "Pain 7 recorded."
    assert control.session.record().pain_before == 7
    assert control.session.state is SessionState.GET_READY


def test_a_pain_word_outside_a_pain_question_does_nothing() -> None:
    control = _control()
    control.hear(VoiceCommand.PAIN, T0, score=3)
    state = control.session.state
    outcome = control.hear(VoiceCommand.PAIN, _at(1), score=9)
    assert not outcome.acted
    assert control.session.state is state
    assert control.session.record().pain_before == 3


def test_next_never_skips_a_pain_question() -> None:
    control = _control()
    outcome = control.hear(VoiceCommand.NEXT, T0)
    assert not outcome.acted
    assert "number" in outcome.say
    assert control.session.state is SessionState.PAIN_BEFORE


@pytest.mark.parametrize("command", [VoiceCommand.STOP, VoiceCommand.SHARP_PAIN])
@pytest.mark.parametrize("steps", [0, 1, 2, 3])
def test_stop_and_sharp_pain_act_at_once_in_any_state(command: VoiceCommand, steps: int) -> None:
    control = _control()
    if steps >= 1:
        control.hear(VoiceCommand.PAIN, T0, score=2)  # get ready
    if steps >= 2:
        control.hear(VoiceCommand.NEXT, _at(1))  # hold
    if steps >= 3:
        control.hear(VoiceCommand.PAUSE, _at(2))  # paused
    outcome = control.hear(command, _at(3))
    ended = [e for e in outcome.effects if isinstance(e, SessionEnded)]
    assert outcome.acted and len(ended) == 1
    expected = SessionOutcome.SHARP_PAIN if command is VoiceCommand.SHARP_PAIN else (
        SessionOutcome.STOPPED
    )
    assert control.session.outcome is expected
    assert outcome.undo_until is None
    assert not control.hear(VoiceCommand.UNDO, _at(4)).acted
    assert control.session.state is SessionState.DONE


def test_a_misheard_pause_is_undone_within_the_window() -> None:
    control = _control()
    control.hear(VoiceCommand.PAIN, T0, score=2)
    outcome = control.hear(VoiceCommand.PAUSE, _at(1))
    assert outcome.undo_until == _at(6)
    assert control.session.state is SessionState.PAUSED
    undone = control.hear(VoiceCommand.UNDO, _at(3))
    assert undone.acted and undone.say == "Taken back."
    assert control.session.state is SessionState.GET_READY


def test_undo_is_refused_after_the_window() -> None:
    control = _control()
    control.hear(VoiceCommand.PAIN, T0, score=2)
    control.hear(VoiceCommand.PAUSE, _at(1))
    assert not control.hear(VoiceCommand.UNDO, _at(6.5)).acted
    assert control.session.state is SessionState.PAUSED


def test_a_misheard_pain_score_is_undone_and_asked_again() -> None:
    control = _control()
    control.hear(VoiceCommand.PAIN, T0, score=8)
    assert control.undo(_at(2)).acted
    assert control.session.state is SessionState.PAIN_BEFORE
    assert control.session.record().pain_before is None
    control.hear(VoiceCommand.PAIN, _at(3), score=3)
    assert control.session.record().pain_before == 3


def test_a_stored_set_is_never_undone() -> None:
    control = _control()
    control.hear(VoiceCommand.PAIN, T0, score=2)
    now, stored = 1.0, None
    while stored is None and now < 600:  # "next" through get ready, holds and rests
        now += 1
        outcome = control.hear(VoiceCommand.NEXT, _at(now))
        if any(isinstance(e, SetCompleted) for e in outcome.effects):
            stored = outcome
    assert stored is not None and stored.acted and stored.undo_until is None
    sets = control.session.record().sets
    assert len(sets) == 1
    assert not control.hear(VoiceCommand.UNDO, _at(now)).acted
    assert control.session.record().sets == sets


def test_repeat_says_the_instructions_and_changes_nothing() -> None:
    control = _control()
    assert "hurt" in control.hear(VoiceCommand.REPEAT, T0).say
    control.hear(VoiceCommand.PAIN, T0, score=1)
    view = control.session.current(_at(1))
    outcome = control.hear(VoiceCommand.REPEAT, _at(1))
    assert outcome.acted and view.exercise_name and view.exercise_name in outcome.say
    assert view.steps[0] in outcome.say
    assert control.session.current(_at(1)).state is view.state


_commands = st.sampled_from(list(VoiceCommand))


@settings(max_examples=150, deadline=None)
@given(heard=st.lists(st.tuples(_commands, st.integers(0, 10), st.floats(0, 8)), max_size=40))
def test_random_voice_commands_keep_the_safety_rules(
    heard: list[tuple[VoiceCommand, int, float]],
) -> None:
    control = _control()
    now = T0
    for command, score, gap_s in heard:
        now += timedelta(seconds=gap_s)
        control.session.tick(now)
        before_state = control.session.state
        before_sets = control.session.record().sets
        outcome = control.hear(command, now, score=score)
        session = control.session
        if command in (VoiceCommand.STOP, VoiceCommand.SHARP_PAIN):
            assert session.state is SessionState.DONE
        if command is VoiceCommand.NEXT and before_state in (
            SessionState.PAIN_BEFORE,
            SessionState.PAIN_AFTER,
        ):
            assert session.state is before_state
        if command is VoiceCommand.PAIN and not outcome.acted:
            assert session.state is before_state
        assert session.record().sets[: len(before_sets)] == before_sets  # nothing stored is lost
        if before_state is SessionState.DONE:
            assert session.state is SessionState.DONE
