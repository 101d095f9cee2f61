"""``/settings``: switch, create or rename the profile, export the journal, delete all of a
profile's data. Switching and creating are separate actions from renaming, which keeps the
history under the new name."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from backcoach.core.habits import valid_goal
from backcoach.core.profiles import PROFILE_NAME_RULE, ProfileNameError, check_profile_name
from backcoach.reports.calendar import WEEKDAYS, ReminderInputError, parse_times
from backcoach.reports.reminders import (
    DAY_LABELS,
    GOAL_KEY,
    ReminderPrefs,
    describe,
    load_prefs,
    parse_days,
    prefs_settings,
)
from backcoach.storage import StorageError
from backcoach.web.confirm import CONFIRM_FIELD
from backcoach.web.inputs import read_form
from backcoach.web.render import render
from backcoach.web.routes.coaching import VOICE_CONTROL, preferences_for
from backcoach.web.state import PROFILE_COOKIE, AppState, app_state, current_profile

_YEAR_S = 365 * 24 * 3600


def _habit_context(state: AppState, profile: str) -> dict[str, Any]:
    stored = state.the_journal().get_settings(profile)
    prefs = load_prefs(stored)
    return {
        "reminder_text": describe(prefs),
        "reminder_times": [t.strftime("%H:%M") for t in prefs.times or ()],
        "reminder_days": prefs.days,
        "day_labels": list(DAY_LABELS.items()),
        "goal": valid_goal(stored.get(GOAL_KEY), state.habit_rules),
        "voice_control": preferences_for(stored)[VOICE_CONTROL],
    }


def _page(request: Request, error: str | None = None, status_code: int = 200,
          notice: str | None = None) -> Response:
    state = app_state(request)
    return render(request, "settings.html", "Settings", status_code=status_code, page="settings",
                  profiles=state.the_journal().profiles(), error=error, notice=notice,
                  name_rule=PROFILE_NAME_RULE, **_habit_context(state, current_profile(request)))


_NOTICES = {
    "deleted": "All data of the profile was deleted.",
    "renamed": "The profile was renamed; its history moved with it.",
    "saved": "Reminders and weekly goal saved. Download the calendar file again to update it.",
    "voice": "Voice control saved: sessions in every browser on this computer use it.",
}


async def settings_page(request: Request) -> Response:
    done = next((k for k in _NOTICES if request.query_params.get(k)), None)
    return _page(request, notice=_NOTICES[done] if done else None)


def _use(name: str, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(PROFILE_COOKIE, name, max_age=_YEAR_S, samesite="strict", httponly=True)
    return response


async def save_habits(request: Request) -> Response:
    """Reminder times and days and the weekly goal, stored for the profile (the CLI's
    ``remind --save`` stores the same settings)."""
    state = app_state(request)
    profile = current_profile(request)
    form = await read_form(request, state.settings.max_body_bytes)
    texts = [form.get(f"time{i}", "").strip() for i in range(4)]
    days = [code for code in WEEKDAYS if form.get(f"day_{code}") == "yes"]
    try:
        times = parse_times(",".join(t for t in texts if t)) if any(texts) else None
        chosen = ReminderPrefs(times, parse_days(",".join(days)))
        goal = int(form.get("goal", ""))
        if not 1 <= goal <= 7:
            raise ValueError
    except ReminderInputError as exc:
        message = str(exc).replace("--times", "times").replace("--days", "days")
        return _page(request, f"Nothing was saved: {message}.", 422)
    except ValueError:
        return _page(request, "Nothing was saved: the weekly goal is 1 to 7 days.", 422)
    journal = state.the_journal()
    for key, value in prefs_settings(chosen).items():
        journal.set_setting(profile, key, value)
    journal.set_setting(profile, GOAL_KEY, goal)
    return RedirectResponse("/settings?saved=1#reminders", status_code=303)


async def save_voice_control(request: Request) -> Response:
    """The voice-control switch, stored in the same preference the session page's switch uses
    (``POST /api/preferences``); a form, so it works without scripts."""
    state = app_state(request)
    form = await read_form(request, state.settings.max_body_bytes)
    value = form.get(VOICE_CONTROL, "")
    if value not in ("", "yes"):
        return _page(request, "Nothing was saved: voice control is on or off.", 422)
    state.the_journal().set_setting(current_profile(request), VOICE_CONTROL, value == "yes")
    return RedirectResponse("/settings?voice=1#voice-control", status_code=303)


async def choose_profile(request: Request) -> Response:
    """Switch to an existing profile, or create a new one (``new`` field), never renaming."""
    state = app_state(request)
    form = await read_form(request, state.settings.max_body_bytes)
    creating = "new" in form
    name = form.get("new" if creating else "profile", "").strip()
    try:
        check_profile_name(name)
    except ProfileNameError as exc:
        return _page(request, str(exc), 422)
    exists = name in state.the_journal().profiles()
    if creating and exists:
        return _page(request, f"A profile named {name!r} already exists: switch to it below.",
                     409)
    if not creating and not exists:
        return _page(request, f"There is no profile named {name!r}.", 404)
    state.history(name)  # creates the profile
    return _use(name, "/")


async def rename_profile(request: Request) -> Response:
    """Rename the current profile; every record keeps its place under the new name."""
    state = app_state(request)
    old = current_profile(request)
    form = await read_form(request, state.settings.max_body_bytes)
    new = form.get("name", "").strip()
    try:
        check_profile_name(new)
        state.history(old)  # the profile exists even before its first record
        state.the_journal().rename_profile(old, new)
    except ProfileNameError as exc:
        return _page(request, str(exc), 422)
    except StorageError as exc:
        return _page(request, f"Nothing was renamed: {exc}.", 409)
    state.renamed_profile(old, new)
    return _use(new, "/settings?renamed=1")


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
    Route("/settings/rename", rename_profile, methods=["POST"]),
    Route("/settings/export.json", export, methods=["GET"]),
    Route("/settings/delete", delete_all, methods=["POST"]),
    Route("/settings/habits", save_habits, methods=["POST"]),
    Route("/settings/voice", save_voice_control, methods=["POST"]),
]
