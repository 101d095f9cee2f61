"""The coaching screen's small JSON routes: preferences, one-tap notes, the done summary.

Preferences are per profile (``Journal.set_setting``), so spoken cues stay muted, and voice
control stays on, for the person who chose it, in every browser on this computer.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from backcoach.core.records import Note
from backcoach.core.summary import SessionSummary, summarise_session
from backcoach.web.errors import InputError
from backcoach.web.inputs import read_json_object, str_field
from backcoach.web.state import app_state, current_profile

#: Preferences the page may read and change, with their defaults (spoken cues on by default;
#: voice control, which opens the microphone, off until the person turns it on).
VOICE_CONTROL = "voice_control"
PREFERENCES: dict[str, bool] = {"voice": True, "sounds": True, VOICE_CONTROL: False}
NOTE_MAX_CHARS = 500
#: The done screen's one-tap notes: what people most often want to remember about a session.
NOTE_PRESETS = (
    "Felt easy",
    "Felt about right",
    "Felt hard",
    "Stiff before, looser after",
    "Sore afterwards",
    "Short of time",
)


def preferences_for(settings: dict[str, Any]) -> dict[str, bool]:
    """The page's preferences: stored values where valid, defaults elsewhere."""
    return {
        key: value if isinstance(value := settings.get(key), bool) else default
        for key, default in PREFERENCES.items()
    }


async def api_preferences(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    journal = state.the_journal()
    if request.method == "POST":
        data = await read_json_object(request, state.settings.max_body_bytes)
        unknown = sorted(set(data) - set(PREFERENCES))
        if unknown or not data:
            known = ", ".join(PREFERENCES)
            raise InputError(f"send one or more of: {known} (true or false)", 422)
        for key, value in data.items():
            if not isinstance(value, bool):
                raise InputError(f"field '{key}' must be true or false", 422)
        for key, value in data.items():
            journal.set_setting(profile, key, value)
    return JSONResponse(preferences_for(journal.get_settings(profile)))


async def api_note(request: Request) -> Response:
    """Store a short note (the done screen's one-tap notes, or any typed one)."""
    state = app_state(request)
    data = await read_json_object(request, state.settings.max_body_bytes)
    text = str_field(data, "text", NOTE_MAX_CHARS)
    note = Note(at=state.clock.now(), text=text)
    note_id = state.the_journal().add_note(current_profile(request), note)
    return JSONResponse({"id": note_id, "text": text, "at": note.at.isoformat()}, status_code=201)


def summary_dict(summary: SessionSummary) -> dict[str, Any]:
    return {
        "pain_before": summary.pain_before,
        "pain_after": summary.pain_after,
        "total_reps": summary.total_reps,
        "exercises": [
            {"id": e.exercise_id, "name": e.name, "reps": e.reps, "mean_hold_s": e.mean_hold_s,
             "sides": list(e.sides)}
            for e in summary.exercises
        ],
        "comparisons": [
            {"label": c.label, "sessions": c.sessions, "reps": c.reps,
             "pain_change": c.pain_change, "reps_change": c.reps_change}
            for c in summary.comparisons
        ],
        "plan_changes": [
            {"exercise_id": c.exercise_id, "reason_code": c.reason_code, "reason": c.reason,
             "from": None if c.from_dose is None else {"reps": c.from_dose.reps,
                                                      "hold_s": c.from_dose.hold_s},
             "to": {"reps": c.to_dose.reps, "hold_s": c.to_dose.hold_s}}
            for c in summary.plan_changes
        ],
        "checkin_reminder": summary.checkin_reminder,
    }  # fmt: skip


async def api_summary(request: Request) -> Response:
    """The done screen's figures for one of this profile's sessions (from the journal)."""
    raw = request.path_params["session_id"]
    if not raw.isdigit() or len(raw) > 12:
        raise InputError("the session id must be a whole number", 404)
    state = app_state(request)
    history = state.history(current_profile(request))
    record = next((s for s in history.sessions if s.id == int(raw)), None)
    if record is None:
        raise InputError(f"no session {raw} for this profile", 404)
    return JSONResponse(summary_dict(summarise_session(record, history, state.catalog)))


ROUTES = [
    Route("/api/preferences", api_preferences, methods=["GET", "POST"]),
    Route("/api/notes", api_note, methods=["POST"]),
    Route("/api/sessions/{session_id}/summary", api_summary, methods=["GET"]),
]
