"""Voice commands: what a heard phrase may do to a guided session, and when.

The recogniser (``backcoach.voice``) only says which phrase it heard and when; the rules here
decide what that means, so the terminal and the browser follow the same ones:

- "sharp pain" and "stop" act at once in any state and always stand (they cannot be undone);
- "next" never skips a pain question, and a pain score ("zero" … "ten") counts only while a pain
  question is open;
- any other command can be undone (by "undo" or a button) within ``undo_window_s`` seconds, as
  long as nothing it did has been written to the journal (a finished set, the session's end):
  what is stored stands.

Like ``GuidedSession`` this never reads a clock: the caller passes ``now``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backcoach.core.datafile import load_data_file, shipped_data_file
from backcoach.core.session import (
    GuidedSession,
    SessionEffect,
    SessionEnded,
    SessionState,
    SetCompleted,
)


class VoiceDataError(Exception):
    """``voice.toml`` is missing, malformed or inconsistent; the message names file and field."""


class VoiceCommand(StrEnum):
    STOP = "stop"
    SHARP_PAIN = "sharp_pain"
    NEXT = "next"
    PAUSE = "pause"
    RESUME = "resume"
    REPEAT = "repeat"
    UNDO = "undo"
    PAIN = "pain"


_PHRASE_TEXT = re.compile(r"^[a-z]+( [a-z]+)*$")


class VoicePhrase(BaseModel):
    """One phrase the recogniser listens for, its meaning and its keyword-spotting threshold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    command: VoiceCommand
    score: int | None = Field(default=None, ge=0, le=10)
    threshold: float = Field(gt=0.0, le=1e30)

    @model_validator(mode="after")
    def _consistent(self) -> VoicePhrase:
        if not _PHRASE_TEXT.match(self.text):
            raise ValueError(f"text {self.text!r} must be lower-case words separated by spaces")
        if (self.command is VoiceCommand.PAIN) != (self.score is not None):
            raise ValueError("a 'pain' phrase needs a score (0-10); other commands take none")
        return self


class EndpointSettings(BaseModel):
    """The gate on the keyword spotter (``voice/endpoint.py``): what counts as an utterance
    said alone, judged by the sound level against a learned noise floor."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    floor_window_s: float = Field(ge=0.5, le=60.0)
    floor_percentile: float = Field(ge=0.0, le=50.0)
    sound_db: float = Field(ge=0.0, le=40.0)
    pause_s: float = Field(ge=0.0, le=1.0)
    max_utterance_s: float = Field(gt=0.0, le=5.0)
    contrast_db: float = Field(default=0.0, ge=0.0, le=30.0)


class VoiceVocabulary(BaseModel):
    """The validated contents of ``data/voice.toml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sample_rate_hz: int = Field(ge=8000, le=48000)
    undo_window_s: float = Field(gt=0.0, le=30.0)
    endpoint: EndpointSettings
    phone_loop_penalty: float = Field(gt=0.0, le=1.0)
    phrases: tuple[VoicePhrase, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> VoiceVocabulary:
        texts = [phrase.text for phrase in self.phrases]
        if len(set(texts)) != len(texts):
            raise ValueError("each phrase text may appear only once")
        needed = {VoiceCommand.STOP, VoiceCommand.SHARP_PAIN}
        if not needed <= {phrase.command for phrase in self.phrases}:
            raise ValueError("the phrases must include the 'stop' and 'sharp_pain' commands")
        return self

    def phrase(self, text: str) -> VoicePhrase:
        """The phrase with this text (``KeyError`` if there is none)."""
        for phrase in self.phrases:
            if phrase.text == text:
                return phrase
        raise KeyError(text)


def load_voice_vocabulary(path: Path | None = None) -> VoiceVocabulary:
    return load_data_file(path or shipped_data_file("voice.toml"), VoiceVocabulary, VoiceDataError)


# --- what a command did -----------------------------------------------------------------------

_PAIN_STATES = (SessionState.PAIN_BEFORE, SessionState.PAIN_AFTER)
# Spoken back, so none of them may sound like a command the microphone could hear again.
_CONFIRM = {
    VoiceCommand.STOP: "Stopped.",
    VoiceCommand.SHARP_PAIN: "Sharp pain recorded. The session has ended.",
    VoiceCommand.NEXT: "Moving on.",
    VoiceCommand.PAUSE: "Timer on hold.",
    VoiceCommand.RESUME: "Carrying on.",
    VoiceCommand.UNDO: "Taken back.",
}


@dataclass(frozen=True)
class VoiceOutcome:
    """What one heard phrase did.

    ``acted`` is False when the rules ignored it (``say`` then tells why, or is empty when
    silence is kinder, e.g. a number heard during a hold). ``effects`` must be applied like a
    button's. ``undo_until`` is set when ``undo`` can still reverse it.
    """

    command: VoiceCommand
    acted: bool
    say: str
    effects: tuple[SessionEffect, ...] = ()
    score: int | None = None
    undo_until: datetime | None = None


def _committed(effects: list[SessionEffect]) -> bool:
    return any(isinstance(effect, SetCompleted | SessionEnded) for effect in effects)


def _instructions(session: GuidedSession, now: datetime) -> str:
    view = session.current(now)
    if view.exercise_name is None:
        return view.prompt
    steps = " ".join(view.steps)
    return f"{view.exercise_name}. {steps}"


class VoiceControl:
    """Applies heard phrases to one ``GuidedSession`` under the rules above.

    Keeps a copy of the session from before the last undoable command; ``undo`` puts it back in
    place (the same object, so whoever holds the session sees the change).
    """

    def __init__(self, session: GuidedSession, undo_window_s: float = 5.0) -> None:
        self.session = session
        self.undo_window = timedelta(seconds=undo_window_s)
        self._before: GuidedSession | None = None
        self._undo_until: datetime | None = None

    def hear(
        self, command: VoiceCommand, now: datetime, score: int | None = None
    ) -> VoiceOutcome:
        """Apply ``command`` heard at ``now`` (``score`` for a pain phrase)."""
        if command is VoiceCommand.SHARP_PAIN:
            return self._final(command, self.session.sharp_pain(now))
        if command is VoiceCommand.STOP:
            return self._final(command, self.session.stop(now))
        if self.session.state is SessionState.DONE:
            return VoiceOutcome(command, False, "")
        if command is VoiceCommand.UNDO:
            return self.undo(now)
        if command is VoiceCommand.REPEAT:
            return VoiceOutcome(command, True, _instructions(self.session, now))
        if command is VoiceCommand.PAIN:
            return self._pain(score, now)
        return self._control(command, now)

    def _final(self, command: VoiceCommand, effects: list[SessionEffect]) -> VoiceOutcome:
        self._before = self._undo_until = None
        return VoiceOutcome(command, bool(effects), _CONFIRM[command], tuple(effects))

    def _control(self, command: VoiceCommand, now: datetime) -> VoiceOutcome:
        if command is VoiceCommand.NEXT and self.session.state in _PAIN_STATES:
            return VoiceOutcome(command, False, "Please say a number from zero to ten first.")
        actions = {
            VoiceCommand.NEXT: self.session.next,
            VoiceCommand.PAUSE: self.session.pause,
            VoiceCommand.RESUME: self.session.resume,
        }
        return self._undoable(command, now, lambda: actions[command](now), _CONFIRM[command])

    def _pain(self, score: int | None, now: datetime) -> VoiceOutcome:
        state = self.session.state
        if score is None or state not in _PAIN_STATES:
            return VoiceOutcome(VoiceCommand.PAIN, False, "", score=score)
        record = (
            self.session.record_pain_before
            if state is SessionState.PAIN_BEFORE
            else self.session.record_pain_after
        )
        outcome = self._undoable(
            VoiceCommand.PAIN, now, lambda: record(score, now), f"Pain {score} recorded."
        )
        return VoiceOutcome(
            outcome.command, outcome.acted, outcome.say, outcome.effects, score, outcome.undo_until
        )

    def _undoable(
        self,
        command: VoiceCommand,
        now: datetime,
        act: Callable[[], list[SessionEffect]],
        say: str,
    ) -> VoiceOutcome:
        before = copy.deepcopy(self.session)
        effects = act()
        if not effects:
            return VoiceOutcome(command, False, "")
        if _committed(effects):
            self._before = self._undo_until = None
            return VoiceOutcome(command, True, say, tuple(effects))
        self._before, self._undo_until = before, now + self.undo_window
        return VoiceOutcome(command, True, say, tuple(effects), undo_until=self._undo_until)

    def can_undo(self, now: datetime) -> bool:
        """True while the last undoable command is within its window and nothing was stored
        since (a set finished by the timer in between makes the old copy stale)."""
        before, until = self._before, self._undo_until
        if before is None or until is None or now > until:
            return False
        return (
            self.session.state is not SessionState.DONE
            and before.record().sets == self.session.record().sets
        )

    def undo(self, now: datetime) -> VoiceOutcome:
        """Reverse the last undoable command (a voice "undo" or the page's Undo button)."""
        if not self.can_undo(now):
            self._before = self._undo_until = None
            return VoiceOutcome(VoiceCommand.UNDO, False, "There is nothing to undo.")
        assert self._before is not None
        restored = vars(self._before)
        restored["_now"] = max(restored["_now"], self.session._now)
        vars(self.session).clear()
        vars(self.session).update(restored)
        self._before = self._undo_until = None
        return VoiceOutcome(VoiceCommand.UNDO, True, _CONFIRM[VoiceCommand.UNDO])
