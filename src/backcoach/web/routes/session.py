"""The guided session: the page, its JSON API, and the sharp-pain stop.

The state machine (``core.session.GuidedSession``) runs on the server inside ``SessionHub``; the
page polls ``GET /api/sessions/{id}`` (which advances the timers) and posts the person's actions.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from backcoach.core.safety import SHARP_PAIN_MESSAGE
from backcoach.core.session import SessionError
from backcoach.web.errors import InputError
from backcoach.web.gate import blocked_payload
from backcoach.web.inputs import int_field, read_json_object
from backcoach.web.render import render
from backcoach.web.sessions import LiveSession, SessionHub
from backcoach.web.state import app_state, current_profile

_SIMPLE_ACTIONS = ("next", "pause", "resume", "stop", "sharp_pain", "skip_exercise")
_ACTIONS = (*_SIMPLE_ACTIONS, "pain_before", "pain_after")


async def session_page(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    decision = state.decision(profile)
    live = state.hub().open_for(profile)
    return render(
        request, "session.html", "Guided session", page="session",
        decision=decision, plan=state.plan(profile), resume_id=live.id if live else None,
        time_scale=state.clock.scale, images=state.pose_factory is not None,
    )  # fmt: skip


async def sharp_pain_page(request: Request) -> Response:
    return render(request, "sharp_pain.html", "Sharp pain: stop", page="sharp-pain",
                  message=SHARP_PAIN_MESSAGE)


def _session_id(request: Request) -> int:
    raw = request.path_params["session_id"]
    if not re.fullmatch(r"[0-9]{1,12}", raw):
        raise InputError("the session id must be a whole number", 404)
    return int(raw)


def _live(request: Request) -> tuple[SessionHub, LiveSession]:
    state = app_state(request)
    hub = state.hub()
    return hub, hub.get(_session_id(request), current_profile(request))


async def api_start(request: Request) -> Response:
    state = app_state(request)
    data = await read_json_object(request, state.settings.max_body_bytes)
    camera = data.get("camera", False)
    if not isinstance(camera, bool):
        raise InputError("field 'camera' must be true or false", 422)
    hub = state.hub()
    live = hub.start(current_profile(request), camera)
    return JSONResponse(hub.snapshot(live), status_code=201)


async def api_state(request: Request) -> Response:
    """The page's poll; it advances the timers, so it runs the safety check first.

    A safety stop answers the ended session (200) with ``safety_stop`` filled in, so the page
    shows why it ended; actions after it are refused with 409.
    """
    hub, live = _live(request)
    if hub.safety_check(live) is None:
        hub.tick(live)
    return JSONResponse(hub.snapshot(live))


def _act(hub: SessionHub, live: LiveSession, action: str, data: dict[str, Any],
         request: Request) -> None:
    now = app_state(request).clock.now()
    guided = live.guided
    hub.tick(live)
    if action == "pain_before":
        effects = guided.record_pain_before(int_field(data, "score", 0, 10), now)
    elif action == "pain_after":
        effects = guided.record_pain_after(int_field(data, "score", 0, 10), now)
    else:
        effects = getattr(guided, action)(now)
    hub.apply(live, effects)


async def api_action(request: Request) -> Response:
    state = app_state(request)
    data = await read_json_object(request, state.settings.max_body_bytes)
    action = data.get("action")
    if not isinstance(action, str) or action not in _ACTIONS:
        raise InputError(f"field 'action' must be one of: {', '.join(_ACTIONS)}", 422)
    hub, live = _live(request)
    # The sharp-pain stop is itself a stop and must keep its own outcome; everything else first
    # passes the one safety check, which ends the session when a red flag has been recorded.
    decision = None if action == "sharp_pain" else hub.safety_check(live)
    if decision is not None:
        return JSONResponse(blocked_payload(decision), status_code=409)
    try:
        _act(hub, live, action, data, request)
    except SessionError as exc:
        raise InputError(str(exc), 409) from None
    return JSONResponse(hub.snapshot(live))


async def api_sharp_pain(request: Request) -> Response:
    """SHARP PAIN pressed outside the session page: end whatever session is open, at once."""
    state = app_state(request)
    await read_json_object(request, state.settings.max_body_bytes)
    live = state.hub().sharp_pain_for(current_profile(request))
    return JSONResponse({"stopped_session": live.id if live else None,
                         "message": SHARP_PAIN_MESSAGE})


ROUTES = [
    Route("/session", session_page),
    Route("/sharp-pain", sharp_pain_page),
    Route("/api/sessions", api_start, methods=["POST"]),
    Route("/api/sessions/{session_id}", api_state, methods=["GET"]),
    Route("/api/sessions/{session_id}/actions", api_action, methods=["POST"]),
    Route("/api/sharp-pain", api_sharp_pain, methods=["POST"]),
]
