"""``/`` and ``/today``: the day's plan, why it is what it is, and progress toward the target."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from backcoach.core.plan import describe_dose
from backcoach.web.habits import card_once, habits_for
from backcoach.web.render import render
from backcoach.web.state import app_state, current_profile

_ONBOARDING_CODES = {"disclaimer_needed", "screening_needed", "screening_expired"}


async def home(request: Request) -> Response:
    """New people start with the onboarding; everyone else with today's plan."""
    decision = app_state(request).decision(current_profile(request))
    target = "/welcome" if decision.code in _ONBOARDING_CODES else "/today"
    return RedirectResponse(target, status_code=303)


async def today(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    decision, plan = state.decision_and_plan(profile)
    items = [
        {
            "exercise": item.exercise,
            "dose": describe_dose(item.dose),
            "why": item.why,
            "done": item.sessions_done_today,
            "partial": item.sessions_partial_today,
            "target": item.dose.sessions_per_day,
            "percent": round(100 * min(1.0, item.sessions_done_today / item.dose.sessions_per_day)),
        }
        for item in plan.items
    ]
    habits = habits_for(state, profile)
    # after sharp pain (a rest day) the fitting note is about sharp pain; otherwise starting out
    moments = ("sharp_pain",) if habits.rest_today else ("today", "session")
    return render(
        request, "today.html", "Today", page="today",
        plan=plan, items=items, decision=decision,
        habits=habits, card=card_once(state, profile, *moments),
    )  # fmt: skip


ROUTES = [Route("/", home), Route("/today", today)]
