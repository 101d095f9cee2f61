"""``/history``: pain and completed repetitions over time, with every session listed."""

from __future__ import annotations

from datetime import datetime, tzinfo

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backcoach.core.records import History
from backcoach.web.charts import pain_chart, reps_chart
from backcoach.web.render import render
from backcoach.web.state import app_state, current_profile

_OUTCOMES = {
    "completed": "Completed",
    "stopped": "Stopped",
    "sharp_pain": "Sharp pain stop",
    "in_progress": "In progress",
}


async def history_page(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    history = state.history(profile)
    zone = state.zone(profile)
    names = {e.id: e.name for e in state.catalog}
    sessions = [
        {
            "record": s,
            "local": s.started_at.astimezone(zone),
            "outcome": _OUTCOMES.get(s.outcome.value, s.outcome.value),
            "reps": sum(x.reps for x in s.sets),
            "stop_exercise": names.get(s.stop_exercise_id or "", s.stop_exercise_id),
            "camera": any(x.source.value == "camera" for x in s.sets),
        }
        for s in reversed(history.sessions)
    ]
    charts = [
        (title, Markup(svg))  # our own SVG: every text in it is escaped by charts.py
        for title, svg in (("Pain before and after each session", pain_chart(history)),
                           ("Repetitions completed per day", reps_chart(history)))
        if svg
    ]
    return render(request, "history.html", "History", page="history",
                  sessions=sessions, charts=charts, safety=safety_events(history, zone))


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
