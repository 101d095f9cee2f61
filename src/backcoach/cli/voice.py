"""``backcoach listen FILE.wav``: which voice commands are heard in a recording, and when.

For tests and for a person checking their microphone: record yourself saying "stop" or
"sharp pain", then see whether (and when) backcoach hears it. A thin shell over
``voice.listen.recognise``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Protocol

import typer
from rich.console import Console
from rich.markup import escape

from backcoach.cli.context import get_context
from backcoach.cli.errors import CliError, InputError
from backcoach.core.session import GuidedSession, SessionEffect
from backcoach.core.voice_commands import VoiceCommand, VoiceControl, load_voice_vocabulary

if TYPE_CHECKING:
    from backcoach.cli.terminal import Cues
    from backcoach.voice.recogniser import Detection

_AT_ONCE = (VoiceCommand.STOP, VoiceCommand.SHARP_PAIN)


class Listener(Protocol):
    """The microphone (``voice.microphone``) or a recording played like one (``voice.replay``)."""

    def poll(self) -> list[Detection]: ...


@contextlib.contextmanager
def open_voice(recording: Path | None = None) -> Iterator[Listener]:
    """The default microphone, listening, for ``backcoach session --voice``; or ``recording``
    played as if it were the microphone (``--voice-file``, for tests).

    Opened before the session starts, so a missing microphone or PortAudio library is one clear
    error and no session is stored.
    """
    from backcoach.voice.audio import AudioFileError, read_wav
    from backcoach.voice.microphone import MicrophoneError, MicrophoneListener
    from backcoach.voice.replay import RecordingListener
    from backcoach.voice.sphinx import SphinxKeywordSpotter

    listener: MicrophoneListener | RecordingListener
    try:
        if recording is None:
            listener = MicrophoneListener(SphinxKeywordSpotter())
        else:
            listener = RecordingListener(read_wav(recording), SphinxKeywordSpotter())
    except MicrophoneError as exc:
        raise CliError(f"--voice: {exc}") from None
    except AudioFileError as exc:
        raise InputError(f"--voice-file: {exc}") from None
    with listener:
        yield listener


class SpokenStop(Exception):
    """"stop" or "sharp pain" was heard while a question waited: the session has ended.

    ``effects`` (the session's end) must be applied like a key's.
    """

    def __init__(self, effects: list[SessionEffect]) -> None:
        super().__init__("the session was ended by voice")
        self.effects = effects


class VoiceInput:
    """What the microphone heard, turned into session effects by the core's voice rules.

    In the timed part ``take`` applies every command; while a pain question waits, ``answer``
    gives a spoken score as the answer, and "stop" or "sharp pain" still act at once.
    """

    def __init__(
        self, listener: Listener, guided: GuidedSession, console: Console, cues: Cues
    ) -> None:
        self.listener = listener
        self.control = VoiceControl(guided, load_voice_vocabulary().undo_window_s)
        self.console = console
        self.cues = cues

    def _show(self, text: str, note: str, say: str = "") -> None:
        self.console.print(f"[magenta]🎙 {escape(text)!r}: {escape(note)}[/magenta]")
        if say:
            self.cues.say(say)

    def take(self, now: datetime) -> list[SessionEffect]:
        effects: list[SessionEffect] = []
        for heard in self.listener.poll():
            outcome = self.control.hear(heard.command, now, heard.score)
            effects += outcome.effects
            self._show(heard.text, outcome.say if outcome.acted else "ignored",
                       outcome.say if outcome.acted else "")  # fmt: skip
        return effects

    def answer(self, now: datetime) -> str | None:
        """While a pain question waits: a spoken score ("zero" .. "ten") as the answer's text,
        or None. "stop" and "sharp pain" end the session at once (``SpokenStop``); anything
        else goes through the core's rules (which refuse "next" before a score)."""
        spoken: Detection | None = None
        for heard in self.listener.poll():
            if heard.command is VoiceCommand.PAIN and heard.score is not None:
                spoken = heard
                continue
            outcome = self.control.hear(heard.command, now, heard.score)
            if heard.command in _AT_ONCE and outcome.acted:
                self._show(heard.text, outcome.say, outcome.say)
                raise SpokenStop(list(outcome.effects))
            self._show(heard.text, outcome.say or "ignored", outcome.say)
        if spoken is None:
            return None
        self._show(spoken.text, f"pain {spoken.score}", f"Pain {spoken.score}.")
        return str(spoken.score)


def listen(
    ctx: typer.Context,
    recording: Annotated[Path, typer.Argument(help="A WAV recording (any rate; mono or stereo).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON: the commands with their times.")
    ] = False,
) -> None:
    """List the voice commands heard in a recording, with their times in seconds."""
    from backcoach.voice.audio import AudioFileError, read_wav
    from backcoach.voice.listen import recognise
    from backcoach.voice.sphinx import SphinxKeywordSpotter

    console = get_context(ctx).console
    try:
        samples = read_wav(recording)
    except AudioFileError as exc:
        raise InputError(str(exc)) from None
    found = recognise(samples, SphinxKeywordSpotter())
    if as_json:
        payload = {
            "file": str(recording),
            "duration_s": round(samples.size / 16000, 2),
            "commands": [d.to_dict() for d in found],
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    if not found:
        console.print("No voice command heard.")
    for d in found:
        console.print(f"{d.start_s:7.2f}-{d.end_s:.2f} s  {d.text!r} -> {d.command.value}")
