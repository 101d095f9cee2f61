"""``/history``: pain and completed repetitions over time, with every session listed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backcoach.web.charts import pain_chart, reps_chart
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


async def history_page(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    state.history_known(profile)
    since = state.clock.now() - timedelta(days=SHOWN_DAYS)
    recent = state.the_journal().recent_history(profile, since)
    history = replace(recent, sessions=tuple(s for s in recent.sessions if s.started_at >= since))
    names = {e.id: e.name for e in state.catalog}
    sessions = [
        {
            "record": s,
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
                  sessions=sessions, charts=charts)


ROUTES = [Route("/history", history_page)]
