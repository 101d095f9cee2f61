"""Reminders, weekly goal and education cards over real HTTP: stored per profile, refused
cleanly when malformed, each card shown once."""

from __future__ import annotations

import httpx
from icalendar import Calendar

from backcoach.core.habits import load_cards


def _form(**changes: str) -> dict[str, str]:
    form = {"time0": "08:15", "time1": "", "time2": "", "time3": "", "goal": "5",
            **{f"day_{d}": "yes" for d in ("MO", "TU", "WE", "TH", "FR")}}  # fmt: skip
    form.update(changes)
    return form


def test_reminders_saved_on_settings_drive_the_calendar(onboarded: httpx.Client) -> None:
    saved = onboarded.post("/settings/habits", data=_form())
    assert saved.status_code == 303
    assert "08:15, Mon, Tue, Wed, Thu, Fri" in onboarded.get("/settings").text
    events = Calendar.from_ical(onboarded.get("/reports/reminders.ics").content).walk("VEVENT")
    assert [e["DTSTART"].dt.strftime("%H:%M") for e in events] == ["08:15"]
    assert events[0]["RRULE"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    assert "of 5 days" in onboarded.get("/today").text


def test_bad_reminder_input_is_refused_and_nothing_is_lost(onboarded: httpx.Client) -> None:
    onboarded.post("/settings/habits", data=_form())
    for bad in (_form(time0="25:99"), _form(goal="9"), _form(goal="many"),
                {k: v for k, v in _form().items() if not k.startswith("day_")}):  # fmt: skip
        refused = onboarded.post("/settings/habits", data=bad)
        assert refused.status_code == 422
        assert "Nothing was saved" in refused.text
    assert "08:15, Mon, Tue, Wed, Thu, Fri" in onboarded.get("/settings").text


def test_each_card_shows_once_and_all_stay_on_learn(onboarded: httpx.Client) -> None:
    seen = []
    for _ in range(4):
        page = onboarded.get("/today").text
        if 'id="learn-card"' in page:
            seen.append(page.split('data-card="')[1].split('"')[0])
    assert seen == ["stay-active", "move-slowly"]  # the Today moments, once each
    first = onboarded.get("/exercises").text
    assert 'data-card="clothing-space"' in first
    assert 'id="learn-card"' not in onboarded.get("/exercises").text
    learn = onboarded.get("/learn").text
    assert all(card.title in learn for card in load_cards())
