"""A whole guided session through the JSON API, with session timers running fast."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

Screen = Callable[..., httpx.Response]


def _wait_for(client: httpx.Client, session_id: int, state: str, timeout_s: float = 20) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        data = client.get(f"/api/sessions/{session_id}").json()
        if data["view"]["state"] == state:
            return data
        time.sleep(0.02)
    raise AssertionError(f"the session never reached {state!r}: {data['view']}")


def test_a_complete_session_is_recorded_and_shown(client: httpx.Client, screen: Screen) -> None:
    screen(client)
    started = client.post("/api/sessions", json={})
    assert started.status_code == 201
    session_id = started.json()["id"]
    assert started.json()["view"]["state"] == "pain_before"
    act = f"/api/sessions/{session_id}/actions"
    view = client.post(act, json={"action": "pain_before", "score": 3}).json()["view"]
    assert view["state"] == "get_ready"
    done = _wait_for(client, session_id, "pain_after")
    assert {s["exercise_id"] for s in done["sets"]} == {
        "hip-flexor-stretch", "knee-to-chest", "neck-flexion"
    }
    assert any("Hold" in cue["text"] for cue in done["cues"])
    end = client.post(act, json={"action": "pain_after", "score": 2}).json()
    assert end["view"]["outcome"] == "completed"
    history = client.get("/history").text
    assert "Completed" in history
    assert 'id="pain-before-and-after-sessions"' in history
    assert "Completed sessions today: <strong>1 of 3</strong>" in client.get("/today").text


def test_sharp_pain_ends_the_open_session_from_any_page(
    client: httpx.Client, screen: Screen
) -> None:
    screen(client)
    session_id = client.post("/api/sessions", json={}).json()["id"]
    client.post(f"/api/sessions/{session_id}/actions", json={"action": "pain_before", "score": 4})
    stopped = client.post("/api/sharp-pain", json={}).json()
    assert stopped["stopped_session"] == session_id
    assert "sharp pain" in stopped["message"].lower()
    state = client.get(f"/api/sessions/{session_id}").json()
    assert state["view"]["outcome"] == "sharp_pain"
    assert state["end_message"] == stopped["message"]
    history = client.get("/history").text
    assert "Sharp pain stop" in history
    assert 'data-outcome="sharp_pain"' in history
