"""``/welcome``: the disclaimer, the red-flag screening (core rules, as in the CLI) and its advice.

A "yes" to any red-flag question blocks every session until the person records that a
professional has cleared them (``/welcome/cleared``); the advice comes from the screening data,
the emergency flag first and styled as an emergency. Results follow post/redirect/get, so a
reload never submits the answers twice. The clearance asks who, when and what they said, then a
confirmation. The same form records a professional's advice after repeated sharp pain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from backcoach.core.pain import sharp_pain_times
from backcoach.core.records import DisclaimerAck, ProfessionalAdvice, ScreeningRecord
from backcoach.core.safety import (
    SafetyError,
    Screening,
    evaluate_screening,
    flag_advice,
    needs_disclaimer,
    uncleared_red_flags,
)
from backcoach.web.inputs import read_form
from backcoach.web.render import render
from backcoach.web.state import AppState, app_state, current_profile

_BY_MAX = 200
_SAID_MAX = 500


def _split_advice(screening: Screening, flags: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(emergency advice, other advice): the emergency comes first, on its own."""
    known = screening.flags
    urgent = [f for f in flags if f in known and known[f].urgency == "emergency"]
    others = tuple(f for f in flags if f not in urgent)
    return list(flag_advice(screening, tuple(urgent))), list(flag_advice(screening, others))


def _open_flags(state: AppState, profile: str) -> tuple[str, ...]:
    flagged = uncleared_red_flags(state.history(profile))
    return tuple(dict.fromkeys(f for s in flagged for f in s.positive_flags))


def _page(request: Request, error: str | None = None, status_code: int = 200,
          answers: dict[str, str] | None = None) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    history = state.history(profile)
    flags = _open_flags(state, profile)
    emergency, advice = _split_advice(state.screening, flags)
    return render(
        request, "welcome.html", "Welcome", status_code=status_code, page="welcome",
        disclaimer=state.disclaimer, screening=state.screening, error=error,
        acknowledged=not needs_disclaimer(history, state.disclaimer),
        flagged=bool(flags), emergency=emergency, advice=advice, answers=answers or {},
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
    target = "/welcome/result" if record.positive_flags else "/today"
    return RedirectResponse(target, status_code=303)


async def result(request: Request) -> Response:
    """The advice for the flags still open (post/redirect/get target of the screening)."""
    state = app_state(request)
    flags = _open_flags(state, current_profile(request))
    if not flags:
        return RedirectResponse("/today", status_code=303)
    emergency, advice = _split_advice(state.screening, flags)
    title = "Get emergency help now" if emergency else "Please get checked before you exercise"
    return render(request, "screening_result.html", title, page="welcome",
                  emergency=emergency, advice=advice)


# --- a professional's clearance or advice -----------------------------------------------------


@dataclass(frozen=True)
class _Clearance:
    by: str
    on: date
    said: str


def _what_needs_clearing(state: AppState, profile: str) -> str | None:
    """"red_flag", "sharp_pain" or None: what a professional's word would lift now."""
    if uncleared_red_flags(state.history(profile)):
        return "red_flag"
    if state.decision(profile).code == "sharp_pain_referral":
        return "sharp_pain"
    return None


def _earliest_day(state: AppState, profile: str, kind: str) -> date:
    """A professional's visit can be on or after the day the block began, not before."""
    history = state.history(profile)
    zone = state.zone(profile)
    if kind == "red_flag":
        start = min(s.taken_at for s in uncleared_red_flags(history))
    else:
        start = sharp_pain_times(history)[-1]
    return start.astimezone(zone).date()


def _parse_clearance(state: AppState, profile: str, kind: str,
                     form: dict[str, str]) -> tuple[_Clearance | None, list[str]]:
    by, said, raw_on = (form.get(k, "").strip() for k in ("by", "said", "on"))
    errors = []
    if not 2 <= len(by) <= _BY_MAX:
        errors.append("Please write who checked you (their name or role, e.g. \"Dr Lee, GP\").")
    if not 5 <= len(said) <= _SAID_MAX:
        errors.append(f"Please write what they said, in 5 to {_SAID_MAX} characters.")
    try:
        on = date.fromisoformat(raw_on)
    except ValueError:
        errors.append("Please give the day you saw them (a date).")
        return None, errors
    if on > state.today(profile):
        errors.append("The day you saw them cannot be in the future.")
    elif on < _earliest_day(state, profile, kind):
        errors.append("The day you saw them must be on or after the day sessions were blocked.")
    return (None if errors else _Clearance(by=by, on=on, said=said)), errors


def _clearance_page(request: Request, kind: str, form: dict[str, str], errors: list[str],
                    confirm: _Clearance | None = None, status_code: int = 200) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    return render(request, "clearance.html", "A professional has checked me", page="welcome",
                  kind=kind, form=form, errors=errors, confirm=confirm,
                  today=state.today(profile), status_code=status_code)


async def clearance_form(request: Request) -> Response:
    state = app_state(request)
    kind = _what_needs_clearing(state, current_profile(request))
    if kind is None:
        return RedirectResponse("/today", status_code=303)
    return _clearance_page(request, kind, {}, [])


async def _submitted(
    request: Request,
) -> tuple[str, dict[str, str], _Clearance | None, list[str]] | Response:
    """The form posted to the clearance steps, checked; a redirect when nothing needs it."""
    state = app_state(request)
    profile = current_profile(request)
    kind = _what_needs_clearing(state, profile)
    if kind is None:
        return RedirectResponse("/today", status_code=303)
    form = await read_form(request, state.settings.max_body_bytes)
    return (kind, form, *_parse_clearance(state, profile, kind, form))


async def clearance_check(request: Request) -> Response:
    """Validate the three fields, then ask for a confirmation (nothing is stored yet)."""
    submitted = await _submitted(request)
    if isinstance(submitted, Response):
        return submitted
    kind, form, clearance, errors = submitted
    if clearance is None:
        return _clearance_page(request, kind, form, errors, status_code=422)
    return _clearance_page(request, kind, form, [], confirm=clearance)


async def clearance_confirm(request: Request) -> Response:
    """The confirmed clearance (or advice): stored, and shown in History and reports."""
    submitted = await _submitted(request)
    if isinstance(submitted, Response):
        return submitted
    kind, form, clearance, errors = submitted
    if clearance is None or form.get("confirm") != "yes":
        errors = errors or ["Please confirm that a professional has checked you."]
        return _clearance_page(request, kind, form, errors, status_code=422)
    state = app_state(request)
    profile = current_profile(request)
    now = state.clock.now()
    journal = state.the_journal()
    if kind == "red_flag":
        for record in uncleared_red_flags(state.history(profile)):
            _clear(state, profile, record, clearance)
    else:
        journal.add_professional_advice(profile, ProfessionalAdvice(
            at=now, by=clearance.by, on=clearance.on, said=clearance.said))
    return RedirectResponse("/today", status_code=303)


def _clear(state: AppState, profile: str, record: ScreeningRecord, clearance: _Clearance) -> None:
    if record.id is not None:
        state.the_journal().clear_screening(
            profile, record.id, state.clock.now(), clearance.said, by=clearance.by,
            on=clearance.on,
        )


ROUTES = [
    Route("/welcome", welcome, methods=["GET"]),
    Route("/welcome", submit, methods=["POST"]),
    Route("/welcome/result", result, methods=["GET"]),
    Route("/welcome/cleared", clearance_form, methods=["GET"]),
    Route("/welcome/cleared", clearance_check, methods=["POST"]),
    Route("/welcome/cleared/confirm", clearance_confirm, methods=["POST"]),
]
