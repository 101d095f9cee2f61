"""``/welcome``: the disclaimer, the red-flag screening (core rules, as in the CLI) and its advice.

A "yes" to any red-flag question blocks every session until the person records that a
professional has cleared them (``/welcome/cleared``); the advice comes from the screening data.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from backcoach.core.records import DisclaimerAck
from backcoach.core.safety import (
    SafetyError,
    evaluate_screening,
    flag_advice,
    needs_disclaimer,
    uncleared_red_flags,
)
from backcoach.web.confirm import CONFIRM_FIELD
from backcoach.web.inputs import read_form
from backcoach.web.render import render
from backcoach.web.state import app_state, current_profile


def _page(request: Request, error: str | None = None, status_code: int = 200,
          answers: dict[str, str] | None = None) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    history = state.history(profile)
    flagged = uncleared_red_flags(history)
    flags = tuple(dict.fromkeys(f for s in flagged for f in s.positive_flags))
    return render(
        request, "welcome.html", "Welcome", status_code=status_code, page="welcome",
        disclaimer=state.disclaimer, screening=state.screening, error=error,
        acknowledged=not needs_disclaimer(history, state.disclaimer),
        flagged=bool(flagged), advice=flag_advice(state.screening, flags),
        answers=answers or {},
    )  # fmt: skip


async def welcome(request: Request) -> Response:
    return _page(request)


def _answers(form: dict[str, str], question_ids: list[str]) -> dict[str, bool]:
    answers: dict[str, bool] = {}
    for qid in question_ids:
        value = form.get(f"q_{qid}")
        if value in ("yes", "no"):
            answers[qid] = value == "yes"
    return answers


async def submit(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    form = await read_form(request, state.settings.max_body_bytes)
    raw = {k[2:]: v for k, v in form.items() if k.startswith("q_")}
    if form.get("accept") != "yes":
        return _page(request, "Please tick the box to confirm you have read the disclaimer.",
                     422, raw)
    answers = _answers(form, [q.id for q in state.screening.questions])
    now = state.clock.now()
    try:
        record = evaluate_screening(state.screening, answers, now)
    except SafetyError:
        return _page(request, "Please answer every question with yes or no.", 422, raw)
    journal = state.the_journal()
    history = state.history(profile)
    if needs_disclaimer(history, state.disclaimer):
        journal.add_disclaimer_ack(profile, DisclaimerAck(version=state.disclaimer.version, at=now))
    journal.add_screening(profile, record)
    if record.positive_flags:
        return render(
            request, "screening_result.html", "Please get checked first", page="welcome",
            advice=flag_advice(state.screening, record.positive_flags),
        )  # fmt: skip
    return RedirectResponse("/today", status_code=303)


async def cleared(request: Request) -> Response:
    """A professional has checked the person: clear every open red flag, with their note."""
    state = app_state(request)
    profile = current_profile(request)
    form = await read_form(request, state.settings.max_body_bytes)
    code = form.get(CONFIRM_FIELD)
    if code is not None:
        confirmed = state.confirmations.redeem(code, profile, "clear")
        if confirmed is None:
            return _page(request, "Nothing was recorded: the confirmation had expired. "
                         "Please start again.", 409)
        _clear(request, profile, confirmed)
        return RedirectResponse("/today", status_code=303)
    note = form.get("note", "").strip()
    if not note or len(note) > 500:
        return _page(request, "Please write who checked you and what they said (up to 500 "
                     "characters).", 422)
    if form.get("confirm") != "yes":
        return _page(request, "Please tick the box to confirm a professional has cleared you.", 422)
    return render(
        request, "confirm.html", "Record the clearance?", page="welcome",
        heading="Record that a professional has cleared you?",
        lines=("Sessions will be allowed again. Record this only if a doctor or physiotherapist "
               "has examined you and said you can do these exercises.", f"Your note: {note}"),
        action="/welcome/cleared", code=state.confirmations.issue(profile, "clear", note),
        button="Yes, record the clearance", button_class="secondary", cancel="/welcome",
    )  # fmt: skip


def _clear(request: Request, profile: str, note: str) -> None:
    state = app_state(request)
    now = state.clock.now()
    for record in uncleared_red_flags(state.history(profile)):
        if record.id is not None:
            state.the_journal().clear_screening(profile, record.id, now, note)


ROUTES = [
    Route("/welcome", welcome, methods=["GET"]),
    Route("/welcome", submit, methods=["POST"]),
    Route("/welcome/cleared", cleared, methods=["POST"]),
]
