"""``/lan``: the QR code, address and pairing code that bring a phone in as the camera, and
``/pair`` for a device that is already paired (the pairing itself is web/pairing.py's job)."""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from backcoach.web.lan import pairing_url, qr_svg
from backcoach.web.pairing import local_path
from backcoach.web.render import render
from backcoach.web.state import app_state


async def lan_page(request: Request) -> Response:
    settings = app_state(request).settings
    link = qr = None
    if settings.lan and settings.public_url and settings.pairing_code:
        link = pairing_url(settings.public_url, settings.pairing_code)
        qr = Markup(qr_svg(link))  # segno's SVG: the text it encodes is our own URL
    return render(request, "lan.html", "Use a phone as the camera", page="lan", lan=settings.lan,
                  link=link, qr=qr, code=settings.pairing_code, address=settings.public_url)


async def already_paired(request: Request) -> Response:
    return RedirectResponse(local_path(request.query_params.get("next", "/session")),
                            status_code=303)


ROUTES = [Route("/lan", lan_page), Route("/pair", already_paired)]
