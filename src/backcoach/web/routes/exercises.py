"""``/exercises``: what each exercise is, how to do it, and its demonstration clip.

The clips are rendered from each exercise's motion definition by a script and shipped as static
files (``web.demos``); without them the page shows the steps as text.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from backcoach.core.plan import current_dose, describe_dose
from backcoach.web.demos import demo_assets
from backcoach.web.gate import stops_exercise
from backcoach.web.habits import card_once
from backcoach.web.render import render
from backcoach.web.state import app_state, current_profile


async def exercise_list(request: Request) -> Response:
    state = app_state(request)
    profile = current_profile(request)
    stills = {e.id: demo_assets(e).still for e in state.catalog}
    return render(request, "exercises.html", "Exercises", page="exercises",
                  exercises=list(state.catalog), stills=stills,
                  card=card_once(state, profile, "exercises"))


async def exercise_page(request: Request) -> Response:
    state = app_state(request)
    exercise = state.exercise(request.path_params["exercise_id"])
    dose = current_dose(exercise, state.history(current_profile(request)))
    return render(request, "exercise.html", exercise.name, page="exercise",
                  exercise=exercise, dose=describe_dose(dose),
                  demo=demo_assets(exercise).to_dict())


async def practice_page(request: Request) -> Response:
    """Live camera feedback on one exercise, outside a guided session (nothing is recorded).

    Practice prescribes exercise, so it passes the one safety check like a session: with an
    uncleared red flag the page shows the reason and advice instead of the camera (``web.gate``).
    """
    state = app_state(request)
    exercise = state.exercise(request.path_params["exercise_id"])
    decision = state.decision(current_profile(request))
    return render(request, "practice.html", f"Practise: {exercise.name}", page="practice",
                  exercise=exercise, images=state.pose_factory is not None,
                  decision=decision, blocked=stops_exercise(decision))


async def api_exercises(request: Request) -> Response:
    state = app_state(request)
    return JSONResponse([
        {"id": e.id, "name": e.name, "summary": e.summary, "position": e.position,
         "sided": e.sided}
        for e in state.catalog
    ])  # fmt: skip


ROUTES = [
    Route("/exercises", exercise_list),
    Route("/exercises/{exercise_id}", exercise_page),
    Route("/exercises/{exercise_id}/practice", practice_page),
    Route("/api/exercises", api_exercises),
]
