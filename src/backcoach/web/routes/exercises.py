"""``/exercises``: what each exercise is, how to do it, and its demonstration clip.

The clips are rendered from each exercise's motion definition by a script and shipped as static
files (``web.demos``); without them the page shows the steps as text.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from backcoach.core.catalog import Exercise
from backcoach.core.plan import current_dose, describe_dose
from backcoach.pose.camera_check import QUESTIONS, placement_advice
from backcoach.usecases import calibration as own_range
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
    """One exercise: how to do it and the person's dose. On a rest day, under a hold or a red
    flag (``web.gate``) the reason comes first and nothing invites exercise."""
    state = app_state(request)
    exercise = state.exercise(request.path_params["exercise_id"])
    profile = current_profile(request)
    dose = current_dose(exercise, state.history(profile))
    decision = state.decision(profile)
    return render(request, "exercise.html", exercise.name, page="exercise",
                  exercise=exercise, dose=describe_dose(dose),
                  demo=demo_assets(exercise).to_dict(),
                  decision=decision, blocked=stops_exercise(decision))  # fmt: skip


def _camera_page(request: Request) -> tuple[Exercise, dict[str, Any]]:
    """What the practice and setup pages share: the exercise, the one safety check (a stopping
    decision shows the reason instead of the camera, ``web.gate``) and the profile's own range."""
    state = app_state(request)
    exercise = state.exercise(request.path_params["exercise_id"])
    profile = current_profile(request)
    decision = state.decision(profile)
    stored = own_range.stored_calibration(state.the_journal(), profile, exercise)
    return exercise, {
        "exercise": exercise, "images": state.pose_factory is not None,
        "decision": decision, "blocked": stops_exercise(decision),
        "calibration": None if stored is None else own_range.describe(exercise, stored),
    }  # fmt: skip


async def practice_page(request: Request) -> Response:
    """Live camera feedback on one exercise, outside a guided session (nothing is recorded).

    Practice prescribes exercise, so it passes the one safety check like a session.
    """
    exercise, shared = _camera_page(request)
    return render(request, "practice.html", f"Practise: {exercise.name}", page="practice",
                  **shared)


async def setup_page(request: Request) -> Response:
    """Before a camera exercise: the camera check and "show me one comfortable repetition".

    Both run over the live coaching socket (``web.setup``); the page shows what is stored for
    this profile and lets the person forget it. Calibrating is a repetition of the exercise, so
    the page passes the same safety check as practice.
    """
    exercise, shared = _camera_page(request)
    return render(request, "setup.html", f"Set up: {exercise.name}", page="setup", **shared,
                  placement=placement_advice(exercise), questions=QUESTIONS,
                  demo=demo_assets(exercise).to_dict(),
                  catalog_from=own_range.catalog_enter_deg(exercise),
                  forgotten=request.query_params.get("forgotten") == "1",
                  back=_safe_back(request.query_params.get("next", "")))  # fmt: skip


def _safe_back(target: str) -> str | None:
    """Where "back" goes after the setup (the session page): a local path only."""
    return target if target in ("/session", "/today") else None


async def forget_calibration(request: Request) -> Response:
    """Remove the profile's range for this exercise: counting goes back to the catalog's."""
    state = app_state(request)
    exercise = state.exercise(request.path_params["exercise_id"])
    own_range.forget_calibration(state.the_journal(), current_profile(request), exercise)
    # To the notice that says so, which sits below the camera steps; keeping the way back to
    # the session the person came from.
    back = _safe_back(request.query_params.get("next", ""))
    keep = f"&next={back}" if back else ""
    return RedirectResponse(f"/exercises/{exercise.id}/setup?forgotten=1{keep}"
                            "#calibration-stored", status_code=303)  # fmt: skip


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
    Route("/exercises/{exercise_id}/setup", setup_page),
    Route("/exercises/{exercise_id}/setup/forget", forget_calibration, methods=["POST"]),
    Route("/api/exercises", api_exercises),
]
