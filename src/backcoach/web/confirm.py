"""A fresh confirmation step for the two irreversible actions: deleting data, clearing a red flag.

The first form only asks; the server answers a confirmation page holding a one-time code bound
to the profile and the action (and what was typed, e.g. the clearance note). Only a second post
with that code, within a few minutes, acts. A forged request cannot read the page, so it cannot
know the code, even if it got past the Origin and CSRF checks.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

CONFIRM_FIELD = "confirmation"
_TTL_S = 600.0
_MAX_PENDING = 64


@dataclass(frozen=True)
class _Pending:
    profile: str
    action: str
    payload: str
    expires: float


class Confirmations:
    """One-time codes, in memory: a restart simply asks again."""

    def __init__(self, ttl_s: float = _TTL_S) -> None:
        self._ttl_s = ttl_s
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()

    def issue(self, profile: str, action: str, payload: str = "") -> str:
        code = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            self._pending = {k: v for k, v in self._pending.items() if v.expires > now}
            while len(self._pending) >= _MAX_PENDING:
                self._pending.pop(next(iter(self._pending)))
            self._pending[code] = _Pending(profile, action, payload, now + self._ttl_s)
        return code

    def redeem(self, code: str, profile: str, action: str) -> str | None:
        """The payload if ``code`` is live for this profile and action (then used up), else None."""
        with self._lock:
            pending = self._pending.get(code)
            if pending is None or (pending.profile, pending.action) != (profile, action):
                return None
            del self._pending[code]
        return pending.payload if pending.expires > time.monotonic() else None
