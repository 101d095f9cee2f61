"""Regression tests for the hostile inputs of issue 12, against a real server: each got a 500, a
traceback, a crash or a write from another site before; each now gets a clear 4xx or close code."""

from __future__ import annotations

import asyncio
import json
import re
import struct
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

from backcoach.web.server import BackgroundServer
from backcoach.web.settings import WebSettings

Screen = Callable[..., httpx.Response]


def _origin(server: BackgroundServer) -> Origin:
    return Origin(server.url)


async def _close_code(ws: ClientConnection) -> tuple[int, str]:
    try:
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    except ConnectionClosed as closed:
        assert closed.rcvd is not None
        return closed.rcvd.code, closed.rcvd.reason


def _ws_after(server: BackgroundServer, query: str, *messages: str | bytes) -> tuple[int, str]:
    async def scenario() -> tuple[int, str]:
        async with connect(f"{server.ws_url}/ws/coach?{query}", origin=_origin(server)) as ws:
            for message in messages:
                await ws.send(message)
            return await _close_code(ws)

    return asyncio.run(scenario())


# --- failure 8: 500s with tracebacks ------------------------------------------------------------

def test_a_non_ascii_digit_session_id_is_a_404(client: httpx.Client) -> None:
    response = client.get("/api/sessions/%C2%B2")
    assert response.status_code == 404 and "whole number" in response.json()["error"]


def test_more_than_200_form_fields_is_a_413(client: httpx.Client) -> None:
    body = "&".join(f"f{n}=x" for n in range(250))
    response = client.post("/settings/profile", content=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413 and "too many fields" in response.text


def test_a_superscript_pain_score_is_a_422(onboarded: httpx.Client) -> None:
    started = onboarded.post("/api/sessions", json={}).json()
    response = onboarded.post(f"/api/sessions/{started['id']}/actions",
                              json={"action": "pain_before", "score": "²"})
    assert response.status_code == 422 and "whole number" in response.json()["error"]


def test_a_5000_digit_json_number_is_a_400(onboarded: httpx.Client) -> None:
    response = onboarded.post("/api/sessions", content='{"camera": ' + "9" * 5000 + "}",
                              headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "too long" in response.json()["error"]


def test_a_non_ascii_digit_websocket_session_is_refused(server: BackgroundServer) -> None:
    code, reason = _ws_after(server, "session=%C2%B2")
    assert code == 4404 and "session number" in reason


@pytest.mark.parametrize("message, expected", [
    ('{"t": 1' + "0" * 400 + ', "landmarks": null}', "'t'"),
    ('{"t": 1, "seq": ' + "9" * 5000 + ', "landmarks": null}', "JSON"),
    ('{"t": 1, "seq": 99999999999999999999, "landmarks": null}', "'seq'"),
], ids=["t-400-zeros", "seq-5000-digits", "seq-too-large"])
def test_huge_websocket_numbers_close_with_1007(
    server: BackgroundServer, message: str, expected: str
) -> None:
    code, reason = _ws_after(server, "exercise=knee-to-chest", message)
    assert code == 1007 and expected in reason


# --- failure 1: one small JPEG claiming 27000x27000 killed the server ----------------------------

def _bomb() -> bytes:
    ok, encoded = cv2.imencode(".jpg", np.zeros((16, 16, 3), dtype=np.uint8))
    assert ok
    data = bytes(encoded.tobytes())
    sof = data.index(b"\xff\xc0")
    return data[: sof + 5] + struct.pack(">HH", 27000, 27000) + data[sof + 9 :]


def test_a_decompression_bomb_frame_is_refused_and_the_server_lives(
    settings: WebSettings, open_client: Callable[..., httpx.Client]
) -> None:
    with BackgroundServer(replace(settings, pose_backend="mediapipe")) as running:
        code, reason = _ws_after(running, "exercise=knee-to-chest", _bomb())
        assert code == 1007 and "too large" in reason
        with open_client(running.url) as http:
            assert http.get("/today").status_code == 200


# --- failure 2: cross-site writes through Origin: null ------------------------------------------

@pytest.mark.parametrize("origin", ["null", None])
def test_null_or_missing_origin_cannot_delete(onboarded: httpx.Client, origin: str | None) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if origin is not None:
        headers["Origin"] = origin
    request = onboarded.build_request("POST", "/settings/delete", content="confirm=DELETE",
                                      headers=headers)
    if origin is None:
        del request.headers["Origin"]
    assert onboarded.send(request).status_code == 403
    assert onboarded.get("/").headers["location"] == "/today"  # nothing was deleted


def test_a_write_without_the_csrf_token_is_refused(
    server: BackgroundServer, screen: Screen
) -> None:
    with httpx.Client(base_url=server.url, headers={"Origin": server.url}) as bare:
        assert screen(bare).status_code == 403  # same origin, but no token
        bare.get("/welcome")  # the cookie alone (as a forged form would carry) is not enough
        assert screen(bare).status_code == 403
        forged = bare.post("/api/sessions", json={}, headers={"X-CSRF-Token": "1.2"})
        assert forged.status_code == 403 and "Reload" in forged.json()["error"]


def test_a_planted_cookie_is_not_a_token(server: BackgroundServer, screen: Screen) -> None:
    """Another page on the same host could set a cookie; unsigned, it is worth nothing."""
    with httpx.Client(base_url=server.url, headers={"Origin": server.url}) as bare:
        bare.cookies.set("backcoach_csrf", "0" * 32 + "." + "0" * 32)
        response = bare.post("/api/sharp-pain", json={}, headers={"X-CSRF-Token": "0" * 32
                                                                  + "." + "0" * 32})
        assert response.status_code == 403


def test_the_websocket_refuses_null_and_missing_origins(server: BackgroundServer) -> None:
    async def attempt(origin: Origin | None) -> None:
        async with connect(f"{server.ws_url}/ws/coach?exercise=knee-to-chest", origin=origin):
            pass

    for origin in (Origin("null"), None):
        with pytest.raises(InvalidStatus, match="403"):
            asyncio.run(attempt(origin))


# --- failure 10: idle sockets held every camera slot -------------------------------------------

def test_idle_camera_sockets_are_closed_and_free_their_slot(tmp_path: Any) -> None:
    settings = WebSettings(data_dir=tmp_path / "d", pose_backend="none", camera_idle_s=0.5,
                           max_camera_clients=1)

    async def scenario(running: BackgroundServer) -> tuple[int, str, str]:
        url = f"{running.ws_url}/ws/coach?exercise=knee-to-chest"
        async with connect(url, origin=_origin(running)) as idle:
            await idle.recv()
            code, reason = await _close_code(idle)
        async with connect(url, origin=_origin(running)) as next_one:
            ready = json.loads(await next_one.recv())
        return code, reason, ready["type"]

    with BackgroundServer(settings) as running:
        code, reason, ready = asyncio.run(scenario(running))
    assert code == 1001 and "no frame" in reason
    assert ready == "ready"


# --- failure 11: deleted data stayed readable in the WAL file -----------------------------------

def test_deleted_data_cannot_be_read_back_from_the_files(
    onboarded: httpx.Client, settings: WebSettings, screen: Screen
) -> None:
    secret = "veryrecognisablename"
    assert onboarded.post("/settings/profile", data={"new": secret}).status_code == 303
    assert screen(onboarded).status_code == 303
    asked = onboarded.post("/settings/delete", data={"confirm": "DELETE"})
    code = re.search(r'name="confirmation" value="([^"]+)"', asked.text)
    assert code is not None
    deleted = onboarded.post("/settings/delete", data={"confirmation": code.group(1)})
    assert deleted.status_code == 303
    assert settings.data_dir is not None
    for path in settings.data_dir.iterdir():  # the server still runs: the WAL is in use
        assert secret.encode() not in path.read_bytes(), path.name
