"""Keep the local app local: refuse foreign Host headers and cross-site writes.

A web page elsewhere could otherwise ask the browser to post to ``127.0.0.1`` (and delete the
journal) or reach the server through DNS rebinding. We accept only local host names, and for
anything that changes data, or opens the camera WebSocket, an ``Origin`` that matches ``Host``
(``null`` and a missing Origin are foreign). ``web.csrf`` adds a token check behind this one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def _same_origin(origin: str | None, host: str) -> bool:
    """Only an Origin naming this very host and port counts as ours. ``null`` (sandboxed frames,
    file pages, some redirects) and a missing Origin are foreign: every browser sends Origin on
    a POST and on a WebSocket handshake, so only a non-browser client omits it."""
    if origin is None or origin == "null":
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


class LocalOnlyMiddleware:
    """Pure ASGI middleware (works for HTTP and WebSocket scopes alike)."""

    def __init__(self, app: ASGIApp, extra_hosts: tuple[str, ...] = ()) -> None:
        self._app = app
        self._hosts = LOCAL_HOSTS | frozenset(extra_hosts)

    def _problem(self, scope: Scope) -> str | None:
        host = _header(scope, b"host")
        if host is None or _hostname(host.lower()) not in self._hosts:
            return "this server only answers requests addressed to localhost"
        writes = scope["type"] == "websocket" or scope.get("method") not in _SAFE_METHODS
        if writes and not _same_origin(_header(scope, b"origin"), host):
            return "requests from another site are refused"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        problem = self._problem(scope)
        if problem is None:
            await self._app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": problem})
        else:
            await PlainTextResponse(problem, status_code=403)(scope, receive, send)
