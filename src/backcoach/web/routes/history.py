"""``/history``: pain and repetitions over a week, a month, a year or everything, in local time,
with the sessions listed newest first, ``PAGE_SIZE`` a page (sessions stopped before any
exercise are folded away). The charts always cover the whole chosen period."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta, tzinfo

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backcoach.core.records import History, SessionOutcome, SessionRecord
from backcoach.reports.svgcharts import (
    PHONE,
    Canvas,
    RangeMark,
    legend_rows_of,
    pain_chart,
    pain_marks,
    range_chart,
    range_marks,
    reps_points,
    value_chart,
)
from backcoach.reports.timeaxis import time_axis
from backcoach.web.habits import card_once
from backcoach.web.render import render
from backcoach.web.state import app_state, current_profile

#: The page shows the last year (read by index, however long the journal); the report and the
#: export hold everything.
SHOWN_DAYS = 366

_OUTCOMES = {
    "completed": "Completed",
    "stopped": "Stopped",
    "sharp_pain": "Sharp pain stop",
    "in_progress": "In progress",
}
RANGES = {"week": 7, "month": 30, "year": 365, "all": 0}
DEFAULT_RANGE = "year"  # "all" reads the whole journal: chosen by the person, not by default
#: Sessions listed per page: a year listed at once was about 113,000 px tall on a phone.
PAGE_SIZE = 30


def stopped_at_start(session: SessionRecord) -> bool:
    """Stopped before any repetition and without a sharp-pain stop: nothing to chart or review
    (a session still in progress is listed as such, never folded)."""
    return (session.outcome is SessionOutcome.STOPPED
            and not any(s.reps for s in session.sets) and session.pain_after is None)


def _local(session: SessionRecord, zone: tzinfo) -> SessionRecord:
    return dataclasses.replace(session, started_at=session.started_at.astimezone(zone))


def _row(s: SessionRecord, names: dict[str, str]) -> dict[str, object]:
    return {
        "record": s,
        "outcome": _OUTCOMES.get(s.outcome.value, s.outcome.value),
        "reps": sum(x.counted_reps for x in s.sets),  # held as prescribed (or camera-counted)
        "short": sum(x.reps - x.counted_reps for x in s.sets),  # cut short: not counted
        "stop_exercise": names.get(s.stop_exercise_id or "", s.stop_exercise_id),
        "camera": any(x.source.value == "camera" for x in s.sets),
        "ranges": [_range_text(m, names) for m in range_marks([s])],  # where a camera was used
    }


def _range_text(mark: RangeMark, names: dict[str, str]) -> str:
    side = f" ({mark.side})" if mark.side else ""
    return f"{names.get(mark.exercise_id, mark.exercise_id)}{side}: {mark.range_deg:.0f}°"


def page_number(raw: str | None) -> int:
    """The ``page`` query parameter as a page from 1; anything else is the first page."""
    return int(raw) if raw is not None and raw.isdigit() and 0 < int(raw) < 10**6 else 1


def _charts(sessions: list[SessionRecord], first: date | None, last: date,
            names: dict[str, str]) -> list[dict[str, object]]:  # fmt: skip
    """Pain, then each exercise's range of movement (camera sessions only), then repetitions,
    all on one time axis so a session sits at the same place in every chart."""
    if not sessions:
        return []
    axis = time_axis([s.started_at for s in sessions], first, last if first else None)
    ranges = range_marks(sessions)

    def draw(canvas: Canvas) -> list[tuple[str, str | None]]:
        drawn = [("Pain before and after sessions",
                  pain_chart(pain_marks(sessions), axis, canvas))]  # fmt: skip
        for exercise_id, name in names.items():
            mine = [m for m in ranges if m.exercise_id == exercise_id]
            drawn.append((f"Range of movement: {name}", range_chart(name, mine, axis, canvas)))
        drawn.append(("Repetitions per session",
                      value_chart("Repetitions per session", "repetitions", reps_points(sessions),
                                  axis, c=canvas)))  # fmt: skip
        return drawn

    drawn = draw(PHONE)
    rows = [legend_rows_of(svg) for _, svg in drawn if svg]
    if rows and min(rows) != max(rows):  # side by side on a wide screen: plots line up
        drawn = draw(dataclasses.replace(PHONE, legend_rows=max(rows)))
    # Our own SVG: every text in it is escaped.
    return [{"caption": caption, "svg": Markup(svg)} for caption, svg in drawn if svg]


async def history_page(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    zone = state.zone(profile)
    chosen = request.query_params.get("range", DEFAULT_RANGE)
    chosen = chosen if chosen in RANGES else DEFAULT_RANGE
    days = RANGES[chosen]
    today = state.clock.now().astimezone(zone).date()
    first = today - timedelta(days=days - 1) if days else None
    # A bounded range reads only its weeks (by index), whatever the journal's size.
    since = None if first is None else datetime.combine(first, time.min, tzinfo=zone)
    history = state.history(profile) if since is None else state.history_since(profile, since)
    local = [_local(s, zone) for s in history.sessions]
    shown = [s for s in local if first is None or s.started_at.date() >= first]
    kept = [s for s in shown if not stopped_at_start(s)]
    folded = [s for s in shown if stopped_at_start(s)]
    names = {e.id: e.name for e in state.catalog}
    pages = max(1, -(-len(kept) // PAGE_SIZE))
    number = min(page_number(request.query_params.get("page")), pages)
    newest_first = kept[::-1]
    listed = newest_first[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
    return render(
        request, "history.html", "History", page="history",
        any_sessions=bool(history.sessions) or state.the_journal().has_sessions(profile),
        sessions=[_row(s, names) for s in listed],  # only this page's rows are built
        paging={"number": number, "pages": pages, "total": len(kept),
                "first": (number - 1) * PAGE_SIZE + 1,
                "last": (number - 1) * PAGE_SIZE + len(listed)},
        folded=[_row(s, names) for s in reversed(folded)],
        charts=_charts(kept, first, today, names), ranges=list(RANGES),
        chosen=chosen,
        card=card_once(state, profile, "history") if history.sessions else None,
        zone_name=state.clock.now().astimezone(zone).tzname(),
        safety=safety_events(history, zone),
    )


def safety_events(history: History, zone: tzinfo) -> list[dict[str, str]]:
    """Sharp pain outside sessions, clearances and a professional's advice, newest first."""
    events: list[tuple[datetime, str, str]] = []
    for e in history.sharp_pain_events:
        pain = f", pain {e.pain}/10" if e.pain is not None else ""
        note = f": {e.note}" if e.note else ""
        where = "just after a session" if e.session_id else "outside a session"
        events.append((e.at, "Sharp pain", f"{where}{pain}{note}"))
    for s in history.screenings:
        if s.cleared_at is not None:
            who = ""
            if s.cleared_by and s.cleared_on:
                who = f"{s.cleared_by}, seen {s.cleared_on:%d %b %Y}: "
            events.append((s.cleared_at, "Red flag cleared", f"{who}{s.cleared_note or ''}"))
    for a in history.professional_advice:
        events.append((a.at, "Professional's advice",
                       f"{a.by}, seen {a.on:%d %b %Y}: {a.said}"))
    events.sort(key=lambda item: item[0], reverse=True)
    return [{"when": at.astimezone(zone).strftime("%a %d %b %Y, %H:%M"), "what": what,
             "detail": detail} for at, what, detail in events]


ROUTES = [Route("/history", history_page)]
