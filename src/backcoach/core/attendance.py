"""Presence for a guided session driven from a page: it advances only while someone is there.

A browser page can be hidden, put to sleep or lose its server while the session's timers keep
counting on the server. Without a guard, the next poll would "catch up" and record holds that
nobody did. ``AttendedSession`` wraps a ``GuidedSession`` and moves its clock only through
times at which the page was seen: every heartbeat or action from a visible page is a sighting;
after a gap longer than ``timeout`` with no sighting, the session is paused at the last sighting,
never later, so time spent away is never credited. A page that reports itself hidden pauses at
once. Returning offers Resume (or Stop): ``away`` says why it paused.

Pure: every time is passed in (the session clock of the caller).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from backcoach.core.session import GuidedSession, SessionEffect, SessionState


class AwayReason(StrEnum):
    HIDDEN = "hidden"  # the page said it was hidden or being left
    SILENT = "silent"  # no heartbeat for longer than the timeout (closed, asleep, offline)


class AttendedSession:
    """A ``GuidedSession`` whose clock runs only while its page is seen."""

    def __init__(self, guided: GuidedSession, now: datetime, timeout: timedelta) -> None:
        self.guided = guided
        self.timeout = timeout
        self.last_seen = now
        self.away: AwayReason | None = None

    def _pause_at(self, at: datetime, reason: AwayReason) -> list[SessionEffect]:
        if self.guided.state in (SessionState.PAUSED, SessionState.DONE):
            return []
        effects = self.guided.tick(at)
        paused = self.guided.pause(at)
        if paused or self.guided.state is SessionState.PAUSED:
            self.away = reason
        return effects + paused

    def catch_up(self, now: datetime) -> list[SessionEffect]:
        """Before anything else at ``now``: if the page went silent, pause at its last sighting."""
        if now - self.last_seen > self.timeout:
            return self._pause_at(self.last_seen, AwayReason.SILENT)
        return []

    def seen(self, now: datetime) -> list[SessionEffect]:
        """A heartbeat or action from a visible page at ``now``: advance the timers to it."""
        effects = self.catch_up(now)
        effects += self.guided.tick(now)
        self.last_seen = max(self.last_seen, now)
        return effects

    def hidden(self, now: datetime) -> list[SessionEffect]:
        """The page reported itself hidden (or being left) at ``now``: pause there."""
        effects = self.catch_up(now)
        if self.guided.state is not SessionState.PAUSED:
            effects += self._pause_at(max(self.last_seen, now), AwayReason.HIDDEN)
        return effects

    def resumed(self) -> None:
        """The person chose Resume: they are back."""
        self.away = None
