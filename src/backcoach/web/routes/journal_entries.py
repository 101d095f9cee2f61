"""``/checkin`` and ``/notes``: the next-morning check-in and dated notes, as in the CLI.

Both go through the shared use cases (``backcoach.usecases``), so the rules and the storage are
the CLI's own.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from backcoach.core.pain import PainScoreError
from backcoach.usecases.checkin import FEELINGS, CheckinError, record_checkin
from backcoach.usecases.notes import MAX_NOTE_CHARS, NoteError, add_note
from backcoach.web.inputs import read_form
from backcoach.web.render import render
from backcoach.web.state import app_state, current_profile

_QUICK_NOTES = (
    "Felt easy today",
    "Stiff afterwards",
    "Sore after sitting",
    "Slept badly",
)


async def checkin_page(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    return render(request, "checkin.html", "Morning check-in", page="checkin",
                  decision=state.decision(profile), feelings=FEELINGS, error=None,
                  done=request.query_params.get("done") == "1")


async def checkin_submit(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    form = await read_form(request, state.settings.max_body_bytes)
    raw_pain = form.get("pain", "").strip()
    pain: object = None
    if raw_pain:
        pain = int(raw_pain) if raw_pain.isascii() and raw_pain.isdigit() else raw_pain
    try:
        result = record_checkin(
            state.the_journal(), profile, state.catalog, state.rules, form.get("feeling", ""),
            pain, state.clock.now(), state.zone(profile),
        )  # fmt: skip
    except (CheckinError, PainScoreError):
        return render(request, "checkin.html", "Morning check-in", page="checkin",
                      decision=state.decision(profile), feelings=FEELINGS, done=False,
                      error="Please choose better, the same or worse (and a pain score from 0 "
                            "to 10, if you give one).", status_code=422)
    names = {e.id: e.name for e in state.catalog}
    changes = [f"{names.get(c.exercise_id, c.exercise_id)}: {c.reason}"
               for c in result.plan_changes]
    decision = state.decision(profile)
    return render(request, "checkin.html", "Morning check-in", page="checkin",
                  decision=decision, feelings=FEELINGS, error=None, done=True,
                  changes=[] if decision.code == "red_flag" else changes)


async def notes_page(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    zone = state.zone(profile)
    notes = [(n.at.astimezone(zone), n.text) for n in reversed(state.history(profile).notes)]
    return render(request, "notes.html", "Notes", page="notes", notes=notes, error=None,
                  quick=_QUICK_NOTES, max_chars=MAX_NOTE_CHARS,
                  saved=request.query_params.get("saved") == "1")


async def notes_submit(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    form = await read_form(request, state.settings.max_body_bytes)
    try:
        add_note(state.the_journal(), profile, form.get("text", ""), state.clock.now())
    except NoteError as exc:
        zone = state.zone(profile)
        notes = [(n.at.astimezone(zone), n.text) for n in reversed(state.history(profile).notes)]
        return render(request, "notes.html", "Notes", page="notes", notes=notes,
                      error=f"Nothing was saved: {exc}.", quick=_QUICK_NOTES,
                      max_chars=MAX_NOTE_CHARS, saved=False, status_code=422)
    back = form.get("back", "")
    target = back if back in ("/session", "/today", "/history") else "/notes?saved=1"
    return RedirectResponse(target, status_code=303)


ROUTES = [
    Route("/checkin", checkin_page, methods=["GET"]),
    Route("/checkin", checkin_submit, methods=["POST"]),
    Route("/notes", notes_page, methods=["GET"]),
    Route("/notes", notes_submit, methods=["POST"]),
]
