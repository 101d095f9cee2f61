"""``/learn``: every education card in one place (each is also shown once where it fits)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backcoach.web.render import render
from backcoach.web.state import app_state


async def learn_page(request: Request) -> Response:
    return render(request, "learn.html", "Learn", page="learn", cards=app_state(request).cards)


ROUTES = [Route("/learn", learn_page)]
