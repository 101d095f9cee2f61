"""``/function``: the weekly Patient-Specific Functional Scale (PSFS), asked in the browser.

The person names up to three activities their back makes hard and rates each 0-10; the record is
stored through ``backcoach.storage.psfs`` exactly as ``backcoach psfs`` stores it, so the report
and the FHIR export chart it. Last time's activities are offered again, so ratings stay comparable.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from backcoach.core.psfs import (
    PsfsError,
    load_psfs_scale,
    make_psfs_record,
    previous_activities,
    psfs_due,
)
from backcoach.web.inputs import read_form
from backcoach.web.render import render
from backcoach.web.state import app_state, current_profile


def _page(
    request: Request, form: dict[str, str] | None = None, error: str | None = None,
    status_code: int = 200,
) -> Response:  # fmt: skip
    from backcoach.storage.psfs import psfs_records

    state = app_state(request)
    profile = current_profile(request)
    state.history(profile)  # creates the profile, as every page does
    scale = load_psfs_scale()
    records = psfs_records(state.the_journal(), profile)
    previous = previous_activities(records)
    rows = [
        {
            "number": n,
            "name": form.get(f"activity_{n}", "") if form else _at(previous, n - 1),
            "score": form.get(f"score_{n}", "") if form else "",
            "suggested": _at(previous, n - 1),
        }
        for n in range(1, scale.max_activities + 1)
    ]
    return render(
        request, "function.html", "Function", status_code=status_code, page="function",
        scale=scale, rows=rows, records=tuple(reversed(records)), error=error,
        due=psfs_due(records, state.clock.now(), scale.interval_days),
        saved=bool(request.query_params.get("saved")),
    )  # fmt: skip


def _at(values: tuple[str, ...], index: int) -> str:
    return values[index] if index < len(values) else ""


def parse_answers(form: dict[str, str], max_activities: int) -> list[tuple[str, int]]:
    """The filled rows as ``(activity, rating)``; raises ``PsfsError`` naming the bad row."""
    answers = []
    for n in range(1, max_activities + 1):
        name = form.get(f"activity_{n}", "").strip()
        score_text = form.get(f"score_{n}", "").strip()
        if not name and not score_text:
            continue
        if not name:
            raise PsfsError(f"row {n} has a rating but no activity: name the activity")
        if not re.fullmatch(r"[0-9]{1,2}", score_text) or not 0 <= int(score_text) <= 10:
            raise PsfsError(f"rate {name!r} with a whole number from 0 (unable) to 10 (as before)")
        answers.append((name, int(score_text)))
    if not answers:
        raise PsfsError("name at least one activity and rate it from 0 to 10")
    return answers


async def function_page(request: Request) -> Response:
    return _page(request)


async def record_psfs(request: Request) -> Response:
    from backcoach.storage.psfs import add_psfs

    state = app_state(request)
    form = await read_form(request, state.settings.max_body_bytes)
    try:
        answers = parse_answers(form, load_psfs_scale().max_activities)
        record = make_psfs_record(state.clock.now(), answers)
    except PsfsError as exc:
        return _page(request, form, f"Nothing was saved: {exc}.", 422)
    add_psfs(state.the_journal(), current_profile(request), record)
    return RedirectResponse("/function?saved=1", status_code=303)


ROUTES = [
    Route("/function", function_page, methods=["GET"]),
    Route("/function", record_psfs, methods=["POST"]),
]
