"""The recogniser interface: 16 kHz mono PCM in, in order; detected phrases out, as they end.

Streaming and causal: ``feed`` returns the phrases whose end it has heard in the audio given so
far, never waiting for audio that has not arrived. Times are seconds from the first sample fed.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from backcoach.core.voice_commands import VoiceCommand

SAMPLE_RATE_HZ = 16000
Samples = npt.NDArray[np.int16]


class RecogniserError(Exception):
    """The speech recogniser could not be loaded or failed; the message says what to do."""


@dataclass(frozen=True)
class Detection:
    """One phrase heard: what it was, what it means, and when.

    ``start_s``/``end_s`` bound the phrase in the stream; ``heard_at_s`` is the end of the audio
    chunk in which it was detected (the earliest moment a live caller can act on it).
    """

    text: str
    command: VoiceCommand
    score: int | None
    start_s: float
    end_s: float
    heard_at_s: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``backcoach listen --json`` and the voice WebSocket."""
        return {
            "phrase": self.text,
            "command": self.command.value,
            "score": self.score,
            "start_s": round(self.start_s, 2),
            "end_s": round(self.end_s, 2),
            "heard_at_s": round(self.heard_at_s, 2),
        }


class Recogniser(Protocol):
    """What every backend offers. One instance serves one stream (not thread-safe)."""

    def feed(self, samples: Samples) -> list[Detection]:
        """Add the next stretch of audio; return the phrases detected in it."""
        ...

    def reset(self) -> None:
        """Forget the stream so far (times start again from zero)."""
        ...


def drain(heard: queue.Queue[Detection]) -> list[Detection]:
    """Everything a listener's worker has heard so far, without waiting: the microphone and a
    replayed recording both hand their detections over this way."""
    out = []
    while True:
        try:
            out.append(heard.get_nowait())
        except queue.Empty:
            return out
