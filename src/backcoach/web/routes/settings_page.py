"""``/settings``: choose the profile, export the journal, delete all of a profile's data."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from backcoach.web.confirm import CONFIRM_FIELD
from backcoach.web.inputs import read_form
from backcoach.web.render import render
from backcoach.web.state import PROFILE_COOKIE, app_state, current_profile, valid_profile

_YEAR_S = 365 * 24 * 3600


def _page(request: Request, error: str | None = None, status_code: int = 200,
          notice: str | None = None) -> Response:
    state = app_state(request)
    return render(request, "settings.html", "Settings", status_code=status_code, page="settings",
                  profiles=state.the_journal().profiles(), error=error, notice=notice)


async def settings_page(request: Request) -> Response:
    notice = "All data of the profile was deleted." if request.query_params.get("deleted") else None
    return _page(request, notice=notice)


async def choose_profile(request: Request) -> Response:
    state = app_state(request)
    form = await read_form(request, state.settings.max_body_bytes)
    name = form.get("profile", "").strip()
    if not valid_profile(name):
        return _page(request, "A profile name has 1 to 64 letters, digits, '-', '_' or '.', "
                     "starting with a letter or digit.", 422)
    state.history(name)  # creates the profile
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(PROFILE_COOKIE, name, max_age=_YEAR_S, samesite="strict", httponly=True)
    return response


async def export(request: Request) -> Response:
    from backcoach.storage import export_json

    state = app_state(request)
    profile = current_profile(request)
    state.history(profile)
    data = export_json(state.the_journal(), profile)
    filename = f"backcoach-{profile}.json"
    return JSONResponse(data, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


async def delete_all(request: Request) -> Response:
    """Two steps: typing DELETE asks once more (``web.confirm``); the second post deletes."""
    state = app_state(request)
    profile = current_profile(request)
    form = await read_form(request, state.settings.max_body_bytes)
    code = form.get(CONFIRM_FIELD)
    if code is not None:
        if state.confirmations.redeem(code, profile, "delete") is None:
            return _page(request, "Nothing was deleted: the confirmation had expired. "
                         "Please start again.", 409)
    elif form.get("confirm", "").strip().upper() != "DELETE":
        return _page(request, "Nothing was deleted: type DELETE in the box to confirm.", 422)
    else:
        return render(
            request, "confirm.html", "Delete all data?", page="settings",
            heading=f"Delete all data of {profile}?",
            lines=("Every session, pain score, screening, note and plan of this profile will be "
                   "removed from this computer. This cannot be undone.",
                   "You can download your journal first from the settings page."),
            action="/settings/delete", code=state.confirmations.issue(profile, "delete"),
            button="Yes, delete everything", button_class="danger", cancel="/settings",
        )  # fmt: skip
    live = state.hub().open_for(profile)
    if live is not None:
        state.hub().apply(live, live.guided.stop(state.clock.now()))
    state.forget_profile(profile)
    return RedirectResponse("/settings?deleted=1", status_code=303)


ROUTES = [
    Route("/settings", settings_page, methods=["GET"]),
    Route("/settings/profile", choose_profile, methods=["POST"]),
    Route("/settings/export.json", export, methods=["GET"]),
    Route("/settings/delete", delete_all, methods=["POST"]),
]
