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
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from backcoach.cli.context import get_context
from backcoach.cli.errors import CliError, InputError
from backcoach.core.session import GuidedSession, SessionEffect
from backcoach.core.voice_commands import VoiceControl, load_voice_vocabulary

if TYPE_CHECKING:
    from backcoach.cli.terminal import Cues
    from backcoach.voice.microphone import MicrophoneListener


@contextlib.contextmanager
def open_voice() -> Iterator[MicrophoneListener]:
    """The default microphone, listening, for ``backcoach session --voice``.

    Opened before the session starts, so a missing microphone or PortAudio library is one clear
    error and no session is stored.
    """
    from backcoach.voice.microphone import MicrophoneError, MicrophoneListener
    from backcoach.voice.sphinx import SphinxKeywordSpotter

    try:
        listener = MicrophoneListener(SphinxKeywordSpotter())
    except MicrophoneError as exc:
        raise CliError(f"--voice: {exc}") from None
    with listener:
        yield listener


class VoiceInput:
    """What the microphone heard, turned into session effects by the core's voice rules.

    The terminal asks pain questions at the keyboard; voice covers the timed part (stop, sharp
    pain, next, pause, resume, repeat, undo).
    """

    def __init__(
        self, listener: MicrophoneListener, guided: GuidedSession, console: Console, cues: Cues
    ) -> None:
        self.listener = listener
        self.control = VoiceControl(guided, load_voice_vocabulary().undo_window_s)
        self.console = console
        self.cues = cues

    def take(self, now: datetime) -> list[SessionEffect]:
        effects: list[SessionEffect] = []
        for heard in self.listener.poll():
            outcome = self.control.hear(heard.command, now, heard.score)
            effects += outcome.effects
            note = outcome.say if outcome.acted else "ignored"
            self.console.print(f"[magenta]🎙 {escape(heard.text)!r}: {escape(note)}[/magenta]")
            if outcome.acted and outcome.say:
                self.cues.say(outcome.say)
        return effects


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
