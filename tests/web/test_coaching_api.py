"""The coaching screen's JSON routes: the voice preference, one-tap notes, the done summary."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx

from backcoach.web.server import BackgroundServer, browser_client
from backcoach.web.settings import WebSettings

Screen = Callable[..., httpx.Response]


def _finish_a_session(client: httpx.Client, before: int, after: int) -> int:
    session_id: int = client.post("/api/sessions", json={}).json()["id"]
    act = f"/api/sessions/{session_id}/actions"
    client.post(act, json={"action": "pain_before", "score": before})
    deadline = time.monotonic() + 20
    while client.get(f"/api/sessions/{session_id}").json()["view"]["state"] != "pain_after":
        assert time.monotonic() < deadline, "the session never reached the pain-after question"
        time.sleep(0.02)
    client.post(act, json={"action": "pain_after", "score": after})
    return session_id


def test_voice_is_on_by_default_and_a_mute_is_remembered(
    client: httpx.Client, screen: Screen
) -> None:
    screen(client)
    defaults = {"voice": True, "sounds": True, "voice_control": False}
    assert client.get("/api/preferences").json() == defaults
    muted = client.post("/api/preferences", json={"voice": False})
    assert muted.status_code == 200 and muted.json()["voice"] is False
    assert client.get("/api/preferences").json() == {**defaults, "voice": False}


def test_bad_preferences_are_refused_and_change_nothing(
    client: httpx.Client, screen: Screen
) -> None:
    screen(client)
    for body in ({"voice": "no"}, {"volume": 3}, {}, {"voice": False, "colour": True}):
        response = client.post("/api/preferences", json=body)
        assert response.status_code == 422, body
        assert "error" in response.json()
    assert client.get("/api/preferences").json()["voice"] is True


def test_a_note_is_stored_and_bad_ones_are_refused(client: httpx.Client, screen: Screen) -> None:
    screen(client)
    stored = client.post("/api/notes", json={"text": "Felt easier than yesterday"})
    assert stored.status_code == 201 and stored.json()["id"] >= 1
    assert client.post("/api/notes", json={"text": "  "}).status_code == 422
    assert client.post("/api/notes", json={"text": "x" * 501}).status_code == 422
    assert client.post("/api/notes", content=b"not json").status_code in (400, 422)


def test_the_done_summary_compares_with_the_session_before(
    client: httpx.Client, screen: Screen
) -> None:
    screen(client)
    first = _finish_a_session(client, before=4, after=3)
    summary: Any = client.get(f"/api/sessions/{first}/summary").json()
    assert (summary["pain_before"], summary["pain_after"]) == (4, 3)
    assert {e["id"] for e in summary["exercises"]} == {
        "knee-to-chest",
        "neck-flexion",
        "hip-flexor-stretch",
    }
    assert summary["total_reps"] == sum(e["reps"] for e in summary["exercises"])
    last = summary["comparisons"][0]
    assert last["label"] == "last session" and last["sessions"] == 0 and last["reps"] is None
    assert "morning" in summary["checkin_reminder"]
    second = _finish_a_session(client, before=3, after=3)
    again = client.get(f"/api/sessions/{second}/summary").json()
    last = again["comparisons"][0]
    assert (last["sessions"], last["reps"], last["reps_change"]) == (1, summary["total_reps"], 0)
    assert last["pain_change"] == -1  # the session before: from 4 down to 3
    assert client.get("/api/sessions/999/summary").status_code == 404
    assert client.get("/api/sessions/abc/summary").status_code == 404


def test_a_camera_hold_past_its_timer_says_what_to_do_then_moves_on(
    settings: WebSettings, screen: Screen
) -> None:
    with BackgroundServer(replace(settings, time_scale=40.0)) as running, \
            browser_client(running.url, timeout=10) as client:  # fmt: skip
        screen(client)
        session_id = client.post("/api/sessions", json={"camera": True}).json()["id"]
        act = f"/api/sessions/{session_id}/actions"
        client.post(act, json={"action": "pain_before", "score": 2})
        seen: list[dict[str, Any]] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            view = client.get(f"/api/sessions/{session_id}").json()["view"]
            seen.append(view)
            if view["state"] == "rest":
                break
            time.sleep(0.01)
        overdue = [v for v in seen if v["overdue_hint"]]
        assert overdue, "the hold past its timer never said what to do"
        assert all(v["state"] == "hold" and v["grace_left_s"] is not None for v in overdue)
        assert "come back to the start" in overdue[0]["overdue_hint"]
        assert seen[-1]["state"] == "rest" and seen[-1]["rep"] == 2  # moved on by itself
        assert all(v["session_left_s"] is not None for v in seen)


def test_voice_control_is_one_setting_of_the_profile_for_the_page_and_settings(
    client: httpx.Client, server: BackgroundServer, screen: Screen
) -> None:
    screen(client)
    assert client.get("/api/preferences").json()["voice_control"] is False
    assert 'id="voice-toggle" autocomplete="off">' in client.get("/session").text
    turned_on = client.post("/api/preferences", json={"voice_control": True})
    assert turned_on.status_code == 200 and turned_on.json()["voice_control"] is True
    assert 'id="voice-toggle" autocomplete="off" checked>' in client.get("/session").text
    assert 'id="voice-control-setting" autocomplete="off" checked>' in client.get("/settings").text
    saved = client.post("/settings/voice", data={}, follow_redirects=False)  # box left empty
    assert saved.status_code == 303 and saved.headers["location"].startswith("/settings?voice=1")
    assert client.get("/api/preferences").json()["voice_control"] is False
    assert client.post("/settings/voice", data={"voice_control": "maybe"}).status_code == 422
    assert client.get("/api/preferences").json()["voice_control"] is False
    assert client.post("/api/preferences", json={"voice_control": "on"}).status_code == 422


def test_a_foreign_page_or_a_missing_token_cannot_turn_the_microphone_on(
    client: httpx.Client, server: BackgroundServer, screen: Screen
) -> None:
    screen(client)
    token = client.cookies.get("backcoach_csrf")
    with httpx.Client(base_url=server.url, timeout=10) as bare:
        bare.cookies.set("backcoach_csrf", token or "")
        attempts = [
            ({"Origin": "http://127.0.0.2:9"}, token),
            ({"Origin": "null"}, token),
            ({}, token),
            ({"Origin": server.url}, None),
        ]
        for headers, sent in attempts:
            extra = {"X-CSRF-Token": sent} if sent else {}
            api = bare.post("/api/preferences", json={"voice_control": True},
                            headers={**headers, **extra})
            form = bare.post("/settings/voice", data={"voice_control": "yes"},
                             headers={**headers, **extra})
            assert (api.status_code, form.status_code) == (403, 403), headers
    assert client.get("/api/preferences").json()["voice_control"] is False
