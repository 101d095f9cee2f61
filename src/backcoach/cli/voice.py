"""``backcoach listen FILE.wav``: which voice commands are heard in a recording, and when.

For tests and for a person checking their microphone: record yourself saying "stop" or
"sharp pain", then see whether (and when) backcoach hears it. A thin shell over
``voice.listen.recognise``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from backcoach.cli.context import get_context
from backcoach.cli.errors import InputError


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
