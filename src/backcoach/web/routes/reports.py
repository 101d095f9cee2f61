"""``/reports/...``: the clinician report (PDF, HTML), the FHIR bundle and the reminder calendar.

The same functions as ``backcoach report``, ``export --format fhir`` and ``remind`` make them
(``backcoach.reports``); this module only reads the query, gathers the inputs and names the
download. Bad dates are a 400 that says what to type; an empty journal is a report that says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, time
from typing import TYPE_CHECKING, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backcoach.reports.period import ReportInputError, ReportPeriod, parse_day
from backcoach.web.errors import InputError
from backcoach.web.state import AppState, app_state, current_profile

if TYPE_CHECKING:
    from backcoach.reports.summary import ReportSource

_T = TypeVar("_T")
_MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "json": "application/fhir+json",
    "ics": "text/calendar; charset=utf-8",
}


def _day(request: Request, name: str) -> date | None:
    text = request.query_params.get(name, "").strip()
    if not text:
        return None
    try:
        return parse_day(text, f"the {name!r} date")
    except ReportInputError as exc:
        raise InputError(str(exc)) from None


def report_period(request: Request) -> ReportPeriod:
    """The optional ``from``/``to`` query dates (YYYY-MM-DD, inclusive); 400 when malformed."""
    start, end = _day(request, "from"), _day(request, "to")
    if start is not None and end is not None and start > end:
        raise InputError(
            f"the dates run backwards: 'from' is {start.isoformat()} but 'to' is "
            f"{end.isoformat()}; choose a 'from' date on or before the 'to' date"
        )
    return ReportPeriod(start=start, end=end)


def _source(request: Request, period: ReportPeriod, *, whole: bool = False) -> ReportSource:
    from backcoach.reports.source import load_report_source

    state = app_state(request)
    profile = current_profile(request)
    state.history_known(profile)  # creates the profile, as every page does
    return load_report_source(
        state.the_journal(), profile, state.catalog, state.clock.now(), state.zone(profile),
        period, whole=whole,
    )


def _download(payload: bytes, kind: str, filename: str) -> Response:
    return Response(
        payload,
        media_type=_MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


#: A report that is not ready by then is abandoned with a 503 (its period is already clamped,
#: so this is a last guard: the event loop and other requests never wait for it).
REPORT_DEADLINE_S = 60.0


async def _off_loop(work: Callable[[], _T]) -> _T:
    """Run ``work`` in a worker thread; a 503 if it misses the deadline."""
    try:
        return await asyncio.wait_for(run_in_threadpool(work), REPORT_DEADLINE_S)
    except TimeoutError:
        raise InputError("making this report took too long; choose a shorter period", 503) from None


async def report(request: Request) -> Response:
    from backcoach.reports.report import render_report

    kind = request.path_params["kind"]
    if kind not in ("pdf", "html"):
        raise InputError(f"there is no {kind!r} report: choose report.pdf or report.html", 404)
    period = report_period(request)

    def make() -> tuple[str, bytes]:
        source = _source(request, period)
        return source.profile, render_report(source, kind)[1]  # WeasyPrint is slow

    profile, payload = await _off_loop(make)
    return _download(payload, kind, f"backcoach-report-{profile}.{kind}")


async def fhir_bundle(request: Request) -> Response:
    from backcoach.reports.fhir import bundle_json

    def make() -> tuple[str, str]:
        source = _source(request, ReportPeriod(), whole=True)
        return source.profile, bundle_json(source)

    profile, text = await _off_loop(make)
    return _download(text.encode("utf-8"), "json", f"backcoach-{profile}-fhir.json")


#: How much of a bad ``times`` value an error message repeats back.
_ECHO_CHARS = 40


def _web_times(text: str) -> tuple[time, ...]:
    """Parse the ``times`` query value; a bad one gets a message for the web, not the CLI.

    The parser's own message names the CLI's ``--times`` flag and repeats the whole value, which
    may be very long; here the value is cut to its first 40 characters.
    """
    from backcoach.reports.calendar import (
        MAX_REMINDERS_PER_DAY,
        ReminderInputError,
        parse_times,
    )

    try:
        return parse_times(text)
    except ReminderInputError:
        shown = text if len(text) <= _ECHO_CHARS else text[:_ECHO_CHARS] + "…"
        raise InputError(
            f"the reminder times {shown!r} cannot be used: give up to {MAX_REMINDERS_PER_DAY} "
            "different times of day as HH:MM separated by commas, e.g. times=08:00,13:00,18:00"
        ) from None


def _calendar(state: AppState, profile: str, times_text: str) -> bytes:
    from backcoach.core.safety import uncleared_red_flags
    from backcoach.reports.calendar import (
        ReminderInputError,
        build_calendar,
        reminder_items,
        suggested_times,
    )

    if uncleared_red_flags(state.recent_history(profile)):
        raise InputError(
            "Your screening found signs that need a professional's check first, so no exercise "
            "reminders are made. Once you are cleared, record it on the welcome page.",
            409,
        )
    from backcoach.reports.reminders import load_prefs

    now = state.clock.now()
    prefs = load_prefs(state.the_journal().get_settings(profile))  # Settings / remind --save
    try:
        items, per_day = reminder_items(state.plan(profile))
        times = _web_times(times_text) if times_text else prefs.times or suggested_times(per_day)
        return build_calendar(
            profile, items, times, now.astimezone(state.zone(profile)).date(), now,
            state.disclaimer.text.split("\n")[0], days=prefs.days,
        )  # fmt: skip
    except ReminderInputError as exc:
        raise InputError(str(exc)) from None


async def reminders(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    payload = _calendar(state, profile, request.query_params.get("times", "").strip())
    return _download(payload, "ics", f"backcoach-{profile}-reminders.ics")


ROUTES = [
    Route("/reports/report.{kind:str}", report, methods=["GET"]),
    Route("/reports/fhir.json", fhir_bundle, methods=["GET"]),
    Route("/reports/reminders.ics", reminders, methods=["GET"]),
]
