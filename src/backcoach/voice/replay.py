"""A recording played as if it were the microphone: ``session --voice-file`` (tests, demos).

The same interface as ``MicrophoneListener`` (a context manager with ``poll()``): a worker
thread feeds the recording to the recogniser in 100 ms blocks at the pace it was spoken, so a
terminal session hears it exactly as it would hear a person, then silence once it has ended.
"""

from __future__ import annotations

import queue
import threading
import time
from types import TracebackType

from backcoach.voice.listen import CHUNK_S, chunks
from backcoach.voice.recogniser import Detection, Recogniser, Samples, drain


class RecordingListener:
    """Use as a context manager: the recording plays only inside it."""

    def __init__(self, samples: Samples, recogniser: Recogniser) -> None:
        self._samples = samples
        self._recogniser = recogniser
        self._heard: queue.Queue[Detection] = queue.Queue()
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._play, name="voice-file", daemon=True)

    def _play(self) -> None:
        started = time.monotonic()
        for index, block in enumerate(chunks(self._samples)):
            if self._stop.wait(max(0.0, started + (index + 1) * CHUNK_S - time.monotonic())):
                return
            for detection in self._recogniser.feed(block):
                self._heard.put(detection)

    def __enter__(self) -> RecordingListener:
        self._worker.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._worker.join(timeout=2)

    def poll(self) -> list[Detection]:
        """Everything heard since the last call (never blocks)."""
        return drain(self._heard)
