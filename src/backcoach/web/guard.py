"""Keep the local app local: refuse foreign Host headers and cross-site writes.

A web page elsewhere could otherwise ask the browser to post to ``127.0.0.1`` (and delete the
journal) or reach the server through DNS rebinding. We accept only local host names, and for
anything that changes data, or opens the camera WebSocket, an ``Origin`` that matches ``Host``.
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
        origin = _header(scope, b"origin")
        foreign = origin not in (None, "null") and urlsplit(origin).netloc.lower() != host.lower()
        if writes and foreign:
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
