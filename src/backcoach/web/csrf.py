"""A per-browser CSRF token that every request which changes data must carry.

The Origin check (``web.guard``) stops foreign pages in today's browsers; this is the second lock,
for what the Origin check cannot see. The token is a random nonce signed with a key that lives
only in this server process, kept in a ``SameSite=Strict`` cookie and repeated by the page: the
JavaScript sends it as the ``X-CSRF-Token`` header (read from the cookie, so a token renewed
after a restart is picked up at once, since the SHARP PAIN button must never fail on a stale
page; else from ``<meta name="csrf-token">``), every form as a hidden ``csrf_token`` field. A
write is accepted only when the cookie is genuine and the request repeats it (double submit with
a signed cookie, so another page on the same host that plants a cookie of its own still fails).
After a restart old tokens are invalid: a form posted from a stale page asks for a reload.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "backcoach_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = b"x-csrf-token"
SCOPE_KEY = "backcoach.csrf_token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPE = "application/x-www-form-urlencoded"
STALE_MESSAGE = (
    "This page is out of date or came from another site, so nothing was changed. "
    "Reload the page and try again."
)


class CsrfTokens:
    """Issues and checks signed tokens; the key is random per server process."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode("ascii"), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        nonce = secrets.token_hex(16)
        return f"{nonce}.{self._sign(nonce)}"

    def genuine(self, token: str | None) -> bool:
        if not token or len(token) > 100 or token.count(".") != 1:
            return False
        nonce, signature = token.split(".")
        if not nonce.isascii():
            return False
        return hmac.compare_digest(signature, self._sign(nonce))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _cookie(scope: Scope) -> str | None:
    raw = _header(scope, b"cookie")
    if raw is None:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header is just no cookie
        return None
    morsel = jar.get(CSRF_COOKIE)
    return morsel.value if morsel is not None else None


class CsrfMiddleware:
    """Pure ASGI: issues the cookie, and checks the token on every HTTP request that writes."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, tokens: CsrfTokens | None = None) -> None:
        self._app = app
        self._max_body = max_body_bytes
        self._tokens = tokens or CsrfTokens()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        cookie = _cookie(scope)
        genuine = self._tokens.genuine(cookie)
        token = cookie if genuine and cookie else self._tokens.issue()
        scope[SCOPE_KEY] = token
        send = send if genuine else _with_cookie(send, token)
        if scope.get("method") in _SAFE_METHODS:
            await self._app(scope, receive, send)
            return
        claimed = _header(scope, CSRF_HEADER)
        replay: list[Message] | None = None
        if claimed is None and _FORM_TYPE in (_header(scope, b"content-type") or ""):
            replay, claimed = await self._form_token(receive)
            if replay is None:
                await _refuse(scope, receive, send, "the form is too large", 413)
                return
        if not genuine or claimed is None or not hmac.compare_digest(claimed, token):
            await _refuse(scope, receive, send, STALE_MESSAGE, 403)
            return
        await self._app(scope, _replaying(replay, receive) if replay else receive, send)

    async def _form_token(self, receive: Receive) -> tuple[list[Message] | None, str | None]:
        """Read the form body (bounded) for its token; the messages are replayed to the app."""
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self._max_body:
                return None, None
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages)
        try:
            fields = parse_qs(body.decode("utf-8"), max_num_fields=1000)
        except (UnicodeDecodeError, ValueError):
            return messages, None
        values = fields.get(CSRF_FIELD)
        return messages, values[-1] if values else None


def _with_cookie(send: Send, token: str) -> Send:
    # Not HttpOnly: the page's JavaScript reads it (a foreign page cannot: same-origin policy).
    cookie = f"{CSRF_COOKIE}={token}; Path=/; SameSite=Strict".encode("latin-1")

    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []),
                                              (b"set-cookie", cookie)]}
        await send(message)

    return sender


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def _refuse(scope: Scope, receive: Receive, send: Send, message: str, status: int) -> None:
    path = str(scope.get("path", ""))
    if path.startswith("/api/"):
        from starlette.responses import JSONResponse

        await JSONResponse({"error": message, "status": status}, status)(scope, receive, send)
    else:
        await PlainTextResponse(message, status_code=status)(scope, receive, send)
