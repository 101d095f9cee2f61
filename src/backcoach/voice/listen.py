"""Finding the commands in a recording: the use case behind ``backcoach listen``.

The recording is fed in live-sized chunks, exactly as a microphone would deliver it, so what it
reports (including ``heard_at_s``, the moment a live session would act) matches live use.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from backcoach.voice.recogniser import SAMPLE_RATE_HZ, Detection, Recogniser, Samples

CHUNK_S = 0.1  # the browser and the microphone deliver audio in about this size


def chunks(samples: Samples, chunk_s: float = CHUNK_S) -> Iterator[Samples]:
    size = max(1, int(chunk_s * SAMPLE_RATE_HZ))
    for start in range(0, samples.size, size):
        yield samples[start : start + size]


def recognise(samples: Samples, recogniser: Recogniser, tail_s: float = 0.5) -> list[Detection]:
    """Every phrase heard in ``samples``; ``tail_s`` of silence lets a last word finish."""
    recogniser.reset()
    found: list[Detection] = []
    for chunk in chunks(samples):
        found += recogniser.feed(chunk)
    found += recogniser.feed(np.zeros(int(tail_s * SAMPLE_RATE_HZ), dtype=np.int16))
    return found
