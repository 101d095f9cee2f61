"""Pairing for ``serve --lan``: no page, no static file, no camera socket before the code.

On the local network anyone on the same Wi-Fi could open the app; the pairing code (printed on
the computer, inside the QR code it shows) is the key. ``/pair`` takes the code once and sets an
HttpOnly, Secure, SameSite=Lax cookie (a QR scanner's hand-off is a top-level navigation)
holding a random per-run token, so a server restart unpairs every device. Wrong codes are
counted: after ``MAX_FAILURES`` within a minute every try is refused for that minute, which
keeps guessing a six-digit code out of reach.
"""

from __future__ import annotations

import html
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

PAIR_COOKIE = "backcoach_paired"
PAIR_PATH = "/pair"
MAX_FAILURES = 5
LOCKOUT_S = 60.0


def local_path(then: str) -> str:
    """``then`` if it is a path on this server (never another site), else ``/session``."""
    ok = then.startswith("/") and not then.startswith("//") and "\\" not in then
    return then if ok else "/session"


@dataclass
class _Attempts:
    failures: list[float] = field(default_factory=list)

    def locked(self, now: float) -> bool:
        self.failures = [t for t in self.failures if now - t < LOCKOUT_S]
        return len(self.failures) >= MAX_FAILURES


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


def _form_page(message: str, status: int) -> HTMLResponse:
    """The only page an unpaired device sees: no journal data, no scripts."""
    body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pair this device · backcoach</title>
<style>body{{font:18px system-ui,sans-serif;margin:0 auto;max-width:30rem;padding:1rem}}
input,button{{font:inherit;min-height:3rem;width:100%;margin:.5rem 0;box-sizing:border-box}}
input{{font-size:1.6rem;letter-spacing:.3em;text-align:center}}</style></head><body>
<h1>Pair this device</h1><p id="pair-message">{html.escape(message)}</p>
<form method="get" action="{PAIR_PATH}"><label for="pair-code">Pairing code</label>
<input id="pair-code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
<input type="hidden" name="next" value="/session"><button type="submit">Pair</button></form>
<p>backcoach gives information, not medical advice. Stop at once if you feel sharp pain.</p>
</body></html>"""
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


class PairingMiddleware:
    """Pure ASGI middleware: paired devices pass; others get the pairing form (HTTP 401) or a
    closed socket (1008). ``code`` is the code shown on the computer."""

    def __init__(self, app: ASGIApp, code: str) -> None:
        self._app = app
        self._code = code
        self._token = secrets.token_urlsafe(32)
        self._attempts = _Attempts()

    def _paired(self, scope: Scope) -> bool:
        given = _cookie(scope, PAIR_COOKIE)
        return given is not None and secrets.compare_digest(given, self._token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self._paired(scope):
            await self._app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008,
                        "reason": "pair this device first: open the address shown on the computer"})
        elif scope["path"] == PAIR_PATH:
            await self._pair(scope)(scope, receive, send)
        else:
            await _form_page("Type the pairing code shown on the computer running backcoach.",
                             401)(scope, receive, send)

    def _pair(self, scope: Scope) -> Response:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        code = (query.get("code") or [""])[0].strip()
        then = (query.get("next") or ["/session"])[0]
        now = time.monotonic()
        if self._attempts.locked(now):
            return _form_page("Too many wrong codes: wait a minute, then try again.", 429)
        if not code:
            return _form_page("Type the pairing code shown on the computer running backcoach.",
                              401)
        if not secrets.compare_digest(code.encode(), self._code.encode()):
            self._attempts.failures.append(now)
            return _form_page("That code is not right: check the computer and try again.", 403)
        response = RedirectResponse(local_path(then), status_code=303)
        response.set_cookie(PAIR_COOKIE, self._token, httponly=True, secure=True,
                            samesite="lax")
        return response
