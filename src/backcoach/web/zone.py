"""Learn the browser's time zone on every page request, before any route decides what "today"
is (the page script ``static/js/zone.js`` keeps it in a cookie)."""

from __future__ import annotations

import contextlib

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from backcoach.storage import StorageError
from backcoach.web.state import learn_zone


class ZoneMiddleware:
    """Pure ASGI middleware: HTTP requests only; a journal error is left to the route."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("path", "").startswith("/static/"):
            with contextlib.suppress(StorageError, RuntimeError):
                learn_zone(HTTPConnection(scope))  # the route reports an unusable journal
        await self._app(scope, receive, send)
