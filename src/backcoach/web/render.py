"""Rendering pages: one Jinja2 environment, with the profile and the page name always present."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from backcoach.core.safety import SHARP_PAIN_ADVICE
from backcoach.web.csrf import SCOPE_KEY
from backcoach.web.state import current_profile

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def _common(request: Request) -> dict[str, Any]:
    return {"profile": current_profile(request), "sharp_pain_message": SHARP_PAIN_ADVICE,
            "csrf_token": request.scope.get(SCOPE_KEY, "")}


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR), context_processors=[_common])
    templates.env.globals["minutes"] = _minutes
    return templates


def _minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}" if whole >= 60 else f"{whole} s"


def render(
    request: Request, template: str, title: str, status_code: int = 200, **context: Any
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, template, {"title": title, **context}, status_code=status_code
    )
