"""The guided session: the page, its JSON API, and the sharp-pain stop anywhere.

The state machine (``core.session.GuidedSession``) runs on the server inside ``SessionHub``; the
page polls ``GET /api/sessions/{id}?visible=1|0`` (its heartbeat: it advances the timers only
while the page is seen) and posts the person's actions. SHARP PAIN pressed anywhere is recorded:
it stops the session in progress, or is stored as a sharp-pain event (attached to a session that
has just ended), and it counts in the safety and progression rules either way.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from backcoach.core.records import SharpPainEvent
from backcoach.core.safety import SHARP_PAIN_ADVICE, SHARP_PAIN_MESSAGE
from backcoach.core.session import SessionError
from backcoach.web.demos import demo_assets
from backcoach.web.errors import InputError
from backcoach.web.gate import blocked_payload
from backcoach.web.inputs import int_field, read_form, read_json_object
from backcoach.web.render import render
from backcoach.web.routes.coaching import NOTE_PRESETS, preferences_for
from backcoach.web.sessions import LiveSession, SessionHub
from backcoach.web.state import AppState, app_state, current_profile

_SIMPLE_ACTIONS = ("next", "pause", "resume", "stop", "sharp_pain", "skip_exercise")
_ACTIONS = (*_SIMPLE_ACTIONS, "pain_before", "pain_after")
#: SHARP PAIN pressed this soon after a session ended is attached to that session.
_AFTER_SESSION = timedelta(minutes=30)
#: A sharp-pain event sent late (the page was offline) may be at most this old.
_LATE_EVENT = timedelta(hours=24)
_NOTE_MAX = 500
#: How long the answer waits for a sharp-pain event to be stored before saying it will be.
_WRITE_WAIT_S = 1.0
_PLACE_MAX = 32


async def session_page(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    decision = state.decision(profile)
    live = state.hub().open_for(profile)
    media = {
        e.id: {"name": e.name, "demo": demo_assets(e).to_dict(),
               "placement_text": e.camera_placement}
        for e in state.catalog
    }
    prefs = preferences_for(state.the_journal().get_settings(profile))
    return render(
        request, "session.html", "Guided session", page="session",
        decision=decision, plan=state.plan(profile), resume_id=live.id if live else None,
        time_scale=state.clock.scale, images=state.pose_factory is not None,
        sharp_pain_message=SHARP_PAIN_MESSAGE,
        media=media, prefs=prefs, note_presets=NOTE_PRESETS,
    )  # fmt: skip


def _session_id(request: Request) -> int:
    raw = request.path_params["session_id"]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
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
    """The page's poll and heartbeat (``visible=0`` when the page is hidden): it advances the
    timers only while the page is seen, so it runs the safety check first.

    A safety stop answers the ended session (200) with ``safety_stop`` filled in, so the page
    shows why it ended; actions after it are refused with 409.
    """
    hub, live = _live(request)
    if hub.safety_check(live) is None:
        hub.heartbeat(live, request.query_params.get("visible", "1") != "0")
    return JSONResponse(hub.snapshot(live))


def _act(hub: SessionHub, live: LiveSession, action: str, data: dict[str, Any],
         request: Request) -> None:
    now = app_state(request).clock.now()
    guided = live.guided
    hub.seen(live)
    if action == "pain_before":
        hub.record_pain_before(live, guided.record_pain_before(int_field(data, "score", 0, 10),
                                                               now))
        return
    if action == "pain_after":
        effects = guided.record_pain_after(int_field(data, "score", 0, 10), now)
    else:
        effects = getattr(guided, action)(now)
    if action == "resume":
        live.attended.resumed()
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


# --- SHARP PAIN anywhere ----------------------------------------------------------------------


def _optional_text(data: dict[str, Any], name: str, max_len: int) -> str | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise InputError(f"field '{name}' must be a text of at most {max_len} characters", 422)
    return value.strip()


def _optional_pain(data: dict[str, Any]) -> int | None:
    if data.get("pain") in (None, ""):
        return None
    return int_field(data, "pain", 0, 10)


def _event_time(state: AppState, data: dict[str, Any]) -> datetime:
    """Now, or the time the page recorded while the server was away (within a day)."""
    now = state.clock.now()
    raw = data.get("at")
    if raw is None:
        return now
    try:
        at = datetime.fromisoformat(raw) if isinstance(raw, str) and len(raw) <= 40 else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise InputError("field 'at' must be an ISO 8601 time with its zone", 422)
    if not now - _LATE_EVENT <= at <= now + timedelta(minutes=1):
        raise InputError("field 'at' must be within the last 24 hours", 422)
    return at


def _local_time(state: AppState, profile: str, at: datetime) -> str:
    return at.astimezone(state.zone(profile)).strftime("%H:%M")


async def api_sharp_pain(request: Request) -> Response:
    """SHARP PAIN pressed outside the session page (or sent late by an offline page).

    Ends the session still open, at once; otherwise stores a sharp-pain event (attached to the
    session that ended in the last 30 minutes, or to the one the page names). The answer says
    exactly what was recorded.
    """
    state = app_state(request)
    data = await read_json_object(request, state.settings.max_body_bytes)
    profile = current_profile(request)
    place = _optional_text(data, "where", _PLACE_MAX) or "app"
    pain, note = _optional_pain(data), _optional_text(data, "note", _NOTE_MAX)
    at = _event_time(state, data)
    hub = state.hub()
    live = hub.sharp_pain_for(profile)
    if live is not None:
        when = _local_time(state, profile, state.clock.now())
        return JSONResponse({
            "stopped_session": live.id, "event_id": None, "message": SHARP_PAIN_MESSAGE,
            "recorded": f"Recorded: your session was stopped at {when} because of sharp pain.",
        })  # fmt: skip
    if place == "session" and await _late_session_stop(state, hub, profile, data, at):
        when = _local_time(state, profile, at)
        return JSONResponse({
            "stopped_session": data["session_id"], "event_id": None,
            "message": SHARP_PAIN_MESSAGE,
            "recorded": f"Recorded: your session was stopped at {when} because of sharp pain "
                        "(sent once backcoach answered again). Today is a rest day.",
        })  # fmt: skip
    attached = _attach_to(state, hub, profile, data)
    event = SharpPainEvent(at=at, place="after_session" if attached else place, pain=pain,
                           note=note, session_id=attached)
    journal = state.the_journal()
    stored = state.the_writer().submit(partial(journal.add_sharp_pain_event, profile, event))
    when = _local_time(state, profile, at)
    after = " just after your session" if attached else ""
    try:
        waiting = asyncio.shield(asyncio.wrap_future(stored))  # a timeout never cancels the write
        event_id = await asyncio.wait_for(waiting, _WRITE_WAIT_S)
    except TimeoutError:  # the journal is busy: the writer keeps trying, the advice stands
        return JSONResponse({
            "stopped_session": None, "event_id": None, "message": SHARP_PAIN_MESSAGE,
            "recorded": f"Sharp pain at {when}{after}: the journal is busy, so it will be "
                        "recorded in a moment. Today is a rest day.",
        })  # fmt: skip
    return JSONResponse({
        "stopped_session": None, "event_id": event_id, "message": SHARP_PAIN_MESSAGE,
        "recorded": f"Recorded: sharp pain at {when}{after}. No session was running. "
                    "Today is now a rest day.",
    })  # fmt: skip


async def _late_session_stop(
    state: AppState, hub: SessionHub, profile: str, data: dict[str, Any], at: datetime
) -> bool:
    """SHARP PAIN pressed on a session page while the app was away: the session (closed by
    the restart meanwhile) ended for sharp pain, and is recorded so."""
    named = data.get("session_id")
    if isinstance(named, bool) or not isinstance(named, int) or not 0 < named < 10**12:
        return False
    journal = state.the_journal()
    stored = state.the_writer().submit(
        partial(journal.record_sharp_pain_stop, profile, named, at)
    )
    try:
        done = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(stored)), _WRITE_WAIT_S)
    except TimeoutError:  # the journal is busy: the writer keeps trying
        return True
    if done:
        hub.review_later(profile, state.clock.now())
    return bool(done)


def _attach_to(
    state: AppState, hub: SessionHub, profile: str, data: dict[str, Any]
) -> int | None:
    named = data.get("session_id")
    if isinstance(named, bool) or not isinstance(named, int) or not 0 < named < 10**12:
        named = None
    if named is not None and any(s.id == named for s in state.history(profile).sessions):
        return named
    recent = hub.recently_ended(profile, _AFTER_SESSION)
    return recent.id if recent is not None else None


async def sharp_pain_page(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    event = None
    raw = request.query_params.get("event", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= 12:
        events = state.history(profile).sharp_pain_events
        event = next((e for e in events if e.id == int(raw)), None)
    local = None if event is None else event.at.astimezone(state.zone(profile))
    return render(request, "sharp_pain.html", "Sharp pain: stop", page="sharp-pain",
                  message=SHARP_PAIN_ADVICE if event else SHARP_PAIN_MESSAGE, event=event,
                  local=local,
                  saved=request.query_params.get("saved") == "1")


async def sharp_pain_details(request: Request) -> Response:
    """Add an optional pain score and note to a sharp-pain event just recorded."""
    state = app_state(request)
    profile = current_profile(request)
    form = await read_form(request, state.settings.max_body_bytes)
    raw = request.path_params["event_id"]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise InputError("no such sharp-pain record", 404)
    fields: dict[str, Any] = dict(form)
    pain, note = _optional_pain(fields), _optional_text(fields, "note", _NOTE_MAX)
    state.the_journal().update_sharp_pain_event(profile, int(raw), pain, note)
    return RedirectResponse(f"/sharp-pain?event={int(raw)}&saved=1", status_code=303)


ROUTES = [
    Route("/session", session_page),
    Route("/sharp-pain", sharp_pain_page),
    Route("/sharp-pain/{event_id}", sharp_pain_details, methods=["POST"]),
    Route("/api/sessions", api_start, methods=["POST"]),
    Route("/api/sessions/{session_id}", api_state, methods=["GET"]),
    Route("/api/sessions/{session_id}/actions", api_action, methods=["POST"]),
    Route("/api/sharp-pain", api_sharp_pain, methods=["POST"]),
]
