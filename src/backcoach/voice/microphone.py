"""Listening to the default microphone (sounddevice/PortAudio) in the background.

PortAudio delivers 100 ms blocks of 16 kHz mono int16 on its own thread; a worker thread feeds
them to the recogniser, and the caller collects what was heard with ``poll()`` whenever it
likes (the terminal session does so ten times a second). Nothing is recorded or kept.
"""

from __future__ import annotations

import queue
import threading
from types import TracebackType
from typing import Any

import numpy as np

from backcoach.voice.recogniser import SAMPLE_RATE_HZ, Detection, Recogniser, drain

_BLOCK = SAMPLE_RATE_HZ // 10


class MicrophoneError(Exception):
    """No microphone could be opened; the message says what to install or check."""


def _open_stream(callback: Any) -> Any:
    try:
        import sounddevice
    except OSError as exc:  # the Python package is there, the PortAudio library is not
        raise MicrophoneError(
            f"the PortAudio library is missing ({exc}): install it, e.g. "
            "apt-get install libportaudio2"
        ) from None
    try:
        return sounddevice.InputStream(
            samplerate=SAMPLE_RATE_HZ, channels=1, dtype="int16", blocksize=_BLOCK,
            callback=callback,
        )  # fmt: skip
    except (sounddevice.PortAudioError, ValueError) as exc:
        raise MicrophoneError(
            f"no microphone could be opened ({exc}); plug one in or check the sound settings"
        ) from None


class MicrophoneListener:
    """Use as a context manager: the microphone is open only inside it."""

    def __init__(self, recogniser: Recogniser) -> None:
        self._recogniser = recogniser
        self._audio: queue.Queue[np.ndarray | None] = queue.Queue()
        self._heard: queue.Queue[Detection] = queue.Queue()
        self._stream = _open_stream(self._on_audio)
        self._worker = threading.Thread(target=self._recognise, name="voice", daemon=True)

    def _on_audio(self, block: Any, frames: int, time: Any, status: Any) -> None:
        self._audio.put(np.array(block[:, 0], dtype=np.int16))

    def _recognise(self) -> None:
        while (block := self._audio.get()) is not None:
            for detection in self._recogniser.feed(block):
                self._heard.put(detection)

    def __enter__(self) -> MicrophoneListener:
        self._worker.start()
        self._stream.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stream.stop()
        self._stream.close()
        self._audio.put(None)
        self._worker.join(timeout=2)

    def poll(self) -> list[Detection]:
        """Everything heard since the last call (never blocks)."""
        return drain(self._heard)
