"""Red flags always win, also once exercise is under way: a red flag recorded while a guided
session runs ends it (sets done are kept), and practice pages and the camera socket refuse."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from backcoach.synthetic import generate, simple_spec
from backcoach.web.server import BackgroundServer, browser_client

Screen = Callable[..., httpx.Response]
RED_FLAG = "fever"

def same_origin(ws_url: str) -> Origin:
    """The Origin our own page would send for a WebSocket URL (the server refuses any other)."""
    return Origin("http" + ws_url[2:].split("/ws/")[0])



def _wait_until(client: httpx.Client, session_id: int, done: Callable[[Any], bool]) -> Any:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        data = client.get(f"/api/sessions/{session_id}").json()
        if done(data):
            return data
        time.sleep(0.02)
    raise AssertionError(f"the session never got there: {data['view']}")


def _cookies(client: httpx.Client) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}


async def _close_of(url: str, headers: dict[str, str], frames: list[str] | None = None) -> Any:
    """Connect, send ``frames`` one by one, return (close code, reason, error message, results)."""
    error, results = None, []
    async with connect(url, additional_headers=headers, origin=same_origin(url)) as ws:
        try:
            for frame in [None, *(frames or [])]:
                if frame is not None:
                    await ws.send(frame)
                message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if message["type"] == "error":
                    error = message
                    await asyncio.wait_for(ws.recv(), 10)
                results.append(message)
            return None, None, error, results
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code, closed.rcvd.reason, error, results


def _landmark_frames(exercise_id: str, reps: int) -> list[str]:
    sequence = generate(simple_spec(exercise_id, reps=reps, hold_s=5.0, fps=10.0), seed=3)
    return [
        json.dumps({"t": f.t, "landmarks": None if f.landmarks is None
                    else [list(p) for p in f.landmarks]})
        for f in sequence.frames
    ]


def test_a_red_flag_recorded_mid_session_stops_it_and_keeps_done_sets(
    client: httpx.Client, screen: Screen
) -> None:
    screen(client)
    session_id = client.post("/api/sessions", json={}).json()["id"]
    act = f"/api/sessions/{session_id}/actions"
    client.post(act, json={"action": "pain_before", "score": 3})
    before = _wait_until(client, session_id, lambda d: len(d["sets"]) >= 1)
    assert screen(client, red_flag=RED_FLAG).status_code == 303

    refused = client.post(act, json={"action": "next"})
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "red_flag" and "professional" in body["error"]
    assert any("Infection" in line or "fever" in line.lower() for line in body["advice"])

    time.sleep(0.3)  # with the timers 400 times faster, more repetitions would have been logged
    state = client.get(f"/api/sessions/{session_id}").json()
    assert state["view"]["state"] == "done" and state["view"]["outcome"] == "stopped"
    assert state["safety_stop"]["code"] == "red_flag"
    assert state["end_message"] == body["error"]
    assert state["sets"][: len(before["sets"])] == before["sets"]
    assert len(state["sets"]) <= len(before["sets"]) + 1  # at most the set in progress, flushed
    assert client.post(act, json={"action": "resume"}).status_code == 409
    assert "Stopped" in client.get("/history").text


def test_a_high_pain_score_does_not_stop_a_normal_session(
    client: httpx.Client, screen: Screen
) -> None:
    """Pain 9 asks for a new screening before the NEXT session; it must not end this one."""
    screen(client)
    session_id = client.post("/api/sessions", json={}).json()["id"]
    act = f"/api/sessions/{session_id}/actions"
    assert client.post(act, json={"action": "pain_before", "score": 9}).status_code == 200
    moved = client.post(act, json={"action": "next"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["view"]["state"] != "done"
    assert client.get(f"/api/sessions/{session_id}").json()["safety_stop"] is None


def test_the_camera_socket_cannot_attach_to_a_session_after_a_red_flag(
    client: httpx.Client, server: BackgroundServer, screen: Screen
) -> None:
    screen(client)
    session_id = client.post("/api/sessions", json={"camera": True}).json()["id"]
    client.post(f"/api/sessions/{session_id}/actions", json={"action": "pain_before", "score": 2})
    screen(client, red_flag=RED_FLAG)
    url = f"{server.ws_url}/ws/coach?session={session_id}"
    code, reason, error, _ = asyncio.run(_close_of(url, _cookies(client)))
    assert code == 4409 and "professional" in reason
    assert error is not None and error["advice"]
    state = client.get(f"/api/sessions/{session_id}").json()
    assert state["view"]["outcome"] == "stopped"


def test_camera_reps_after_a_red_flag_are_not_added_and_close_the_socket(
    real_time_server: BackgroundServer, screen: Screen
) -> None:
    with browser_client(real_time_server.url, timeout=10) as client:
        _camera_reps_after_a_red_flag(client, real_time_server, screen)


def _camera_reps_after_a_red_flag(
    client: httpx.Client, server: BackgroundServer, screen: Screen
) -> None:
    screen(client)
    session_id = client.post("/api/sessions", json={"camera": True}).json()["id"]
    act = f"/api/sessions/{session_id}/actions"
    client.post(act, json={"action": "pain_before", "score": 2})
    view = client.post(act, json={"action": "skip_exercise"}).json()["view"]
    assert view["exercise_id"] == "knee-to-chest"
    frames = _landmark_frames("knee-to-chest", reps=1)

    async def scenario() -> Any:
        url = f"{server.ws_url}/ws/coach?session={session_id}"
        async with connect(url, additional_headers=_cookies(client),
                           origin=same_origin(url)) as ws:
            assert json.loads(await ws.recv())["type"] == "ready"
            await asyncio.to_thread(screen, client, RED_FLAG)  # recorded while the camera runs
            try:
                for frame in frames:
                    await ws.send(frame)
                    await asyncio.wait_for(ws.recv(), 10)
            except ConnectionClosed as closed:
                assert closed.rcvd is not None
                return closed.rcvd.code
            return None

    assert asyncio.run(scenario()) == 4409
    state = client.get(f"/api/sessions/{session_id}").json()
    assert state["camera_reps"] == 0
    assert [s for s in state["sets"] if s["source"] == "camera"] == []
    assert state["view"]["outcome"] == "stopped"


def test_practice_refuses_a_profile_with_a_red_flag(
    client: httpx.Client, server: BackgroundServer, screen: Screen
) -> None:
    screen(client)
    open_page = client.get("/exercises/knee-to-chest/practice").text
    assert 'id="safety-decision"' not in open_page
    frames = _landmark_frames("knee-to-chest", reps=1)[:3]
    url = f"{server.ws_url}/ws/coach?exercise=knee-to-chest"
    code, _, _, results = asyncio.run(_close_of(url, _cookies(client), frames))
    assert code is None and results[-1]["type"] == "result"

    screen(client, red_flag=RED_FLAG)
    page = client.get("/exercises/knee-to-chest/practice")
    assert page.status_code == 200
    assert 'data-code="red_flag"' in page.text and "professional" in page.text
    assert 'href="/welcome/cleared"' in page.text
    assert 'id="practice-app"' not in page.text
    code, reason, error, _ = asyncio.run(_close_of(url, _cookies(client), frames))
    assert code == 4409 and "professional" in reason
    assert error is not None and error["advice"]


def test_the_exercise_page_says_rest_after_sharp_pain_and_invites_no_exercise(
    client: httpx.Client, screen: Screen
) -> None:
    """After sharp pain the exercise page shows the rest-day reason first, and neither the dose
    nor the camera set-up and practice buttons (as Today, Session and Practice do)."""
    screen(client)
    before = client.get("/exercises/knee-to-chest").text
    assert "Your current dose" in before and "/exercises/knee-to-chest/practice" in before
    assert client.post("/api/sharp-pain", json={"where": "history"}).status_code in (200, 201)
    after = client.get("/exercises/knee-to-chest")
    assert after.status_code == 200
    assert 'data-code="sharp_pain_rest"' in after.text
    assert "Your current dose" not in after.text
    assert "/exercises/knee-to-chest/practice" not in after.text
    assert "/exercises/knee-to-chest/setup" not in after.text
    assert "not medical advice" in after.text  # the disclaimer stays
