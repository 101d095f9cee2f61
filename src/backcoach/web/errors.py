"""Bad input becomes a 4xx with a message a person can act on, never a 500 or a traceback.

API paths (``/api/...``) answer JSON ``{"error": ...}``; pages answer a small HTML page.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

_log = logging.getLogger("backcoach.web")


class InputError(HTTPException):
    """A request the app cannot act on; ``status_code`` is a 4xx. ``payload`` is the JSON body
    an API answer carries instead of the plain ``{"error": ...}`` (e.g. a safety refusal with
    its advice)."""

    def __init__(
        self, message: str, status_code: int = 400, payload: dict[str, object] | None = None
    ) -> None:
        super().__init__(status_code=status_code, detail=message)
        self.payload = payload


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def error_response(request: Request, status_code: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message, "status": status_code}, status_code=status_code)
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status_code, "message": message, "title": "Something is not right"},
        status_code=status_code,
    )


async def http_exception_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if isinstance(exc, InputError) and exc.payload is not None and _wants_json(request):
        return JSONResponse(exc.payload, status_code=exc.status_code)
    return error_response(request, exc.status_code, str(exc.detail))


async def storage_error_handler(request: Request, exc: Exception) -> Response:
    """The journal could not be used: busy, full disk or damaged. Say which; nothing is lost."""
    text = str(exc)
    status = 507 if "disk is full" in text else 503
    if "locked" in text or "busy" in text:
        text = ("the journal is busy: another backcoach program is writing to it. Nothing was "
                "lost; try again in a moment.")
    return error_response(request, status, text[0].upper() + text[1:])


async def server_error_handler(request: Request, exc: Exception) -> Response:
    """Last resort: log the trace for the developer, show the person a plain message."""
    _log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    message = "backcoach hit an unexpected problem. Your journal is safe; please try again."
    if _wants_json(request):
        return JSONResponse({"error": message, "status": 500}, status_code=500)
    return HTMLResponse(f"<h1>Unexpected problem</h1><p>{message}</p>", status_code=500)
