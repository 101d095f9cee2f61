"""The web adapter's clock: the core never reads the time, so the adapter passes it in.

A time scale above 1 makes session timers run faster (tests use it) while every record still
carries a proper timezone-aware UTC datetime.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class ScaledClock:
    """Wall-clock time that advances ``scale`` times faster than real time from its creation."""

    def __init__(self, scale: float = 1.0) -> None:
        self._scale = scale
        self._origin = datetime.now(UTC)
        self._origin_mono = time.monotonic()

    @property
    def scale(self) -> float:
        return self._scale

    def now(self) -> datetime:
        elapsed_s = (time.monotonic() - self._origin_mono) * self._scale
        return self._origin + timedelta(seconds=elapsed_s)
