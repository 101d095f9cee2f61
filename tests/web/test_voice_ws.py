"""The voice WebSocket against a real server and the real keyword spotter.

Audio is espeak-ng speech sent as the page sends it (100 ms chunks of 16 kHz PCM16).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import numpy as np
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from backcoach.synthetic.speech import Voice, command_recording, silence
from backcoach.voice.listen import chunks
from backcoach.web.server import BackgroundServer, browser_client
from backcoach.web.settings import WebSettings

# espeak-ng voices the shipped thresholds hear these phrases in (synthetic speech is hard).
VOICE_FOR = {"seven": Voice("en-us+f2", 140, 55), "sharp pain": Voice("en+f3", 150, 60)}

Screen = Callable[..., httpx.Response]


def _cookies(client: httpx.Client) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}


async def _say(ws: ClientConnection, text: str) -> list[dict[str, Any]]:
    """Send ``text`` said alone, then silence, collecting every answer (until a close)."""
    audio = np.concatenate([command_recording(text, VOICE_FOR[text], warm_up=True), silence(1.0)])
    answers: list[dict[str, Any]] = []
    try:
        for chunk in chunks(audio):
            await ws.send(chunk.astype("<i2").tobytes())
            while True:
                try:
                    answers.append(json.loads(await asyncio.wait_for(ws.recv(), 0.02)))
                except TimeoutError:
                    break
    except ConnectionClosed:
        pass
    return answers


async def _open(server: BackgroundServer, client: httpx.Client, session_id: int) -> Any:
    ws = await connect(f"{server.ws_url}/ws/voice?session={session_id}",
                       additional_headers=_cookies(client), origin=Origin(server.url))  # fmt: skip
    ready = json.loads(await asyncio.wait_for(ws.recv(), 30))
    assert ready["type"] == "ready" and ready["sample_rate"] == 16000
    assert "sharp pain" in ready["phrases"]
    return ws


def _start(client: httpx.Client, screen: Screen) -> int:
    screen(client)
    started = client.post("/api/sessions", json={"camera": False})
    assert started.status_code == 201, started.text
    return int(started.json()["id"])


def test_a_spoken_pain_score_answers_the_question_and_can_be_undone(
    settings: WebSettings, screen: Screen
) -> None:
    with (
        BackgroundServer(replace(settings, time_scale=1.0)) as server,
        browser_client(server.url) as client,
    ):
        session_id = _start(client, screen)

        async def scenario() -> tuple[list[dict[str, Any]], dict[str, Any]]:
            async with await _open(server, client, session_id) as ws:
                answers = await _say(ws, "seven")
                await ws.send(json.dumps({"type": "undo"}))
                undone = json.loads(await asyncio.wait_for(ws.recv(), 10))
            return answers, undone

        answers, undone = asyncio.run(scenario())
        heard = [a for a in answers if a["type"] == "heard"]
        assert [(a["command"], a["score"], a["acted"]) for a in heard] == [("pain", 7, True)]
        assert heard[0]["say"] == "Pain 7 recorded." and heard[0]["undo_s"] == 5.0
        assert heard[0]["state"] == "get_ready"
        assert 0 <= heard[0]["times"]["heard_at_s"] - heard[0]["times"]["end_s"] <= 1.0
        assert undone["command"] == "undo" and undone["acted"]
        view = client.get(f"/api/sessions/{session_id}").json()["view"]
        assert view["state"] == "pain_before"  # asked again


def test_spoken_sharp_pain_ends_the_session_and_is_recorded(
    client: httpx.Client, server: BackgroundServer, screen: Screen
) -> None:
    session_id = _start(client, screen)
    client.post(f"/api/sessions/{session_id}/actions", json={"action": "pain_before", "score": 2})

    async def scenario() -> tuple[list[dict[str, Any]], int | None]:
        async with await _open(server, client, session_id) as ws:
            answers = await _say(ws, "sharp pain")
            code = ws.close_code
        return answers, code

    answers, code = asyncio.run(scenario())
    heard = [a for a in answers if a["type"] == "heard"]
    assert heard[0]["command"] == "sharp_pain" and heard[0]["acted"]
    assert heard[0]["undo_s"] is None and heard[0]["state"] == "done"
    assert code == 1000
    state = client.get(f"/api/sessions/{session_id}").json()
    assert state["view"]["outcome"] == "sharp_pain"
    assert "sharp pain" in (state["end_message"] or "").lower()
    history = client.get("/history")
    assert history.status_code == 200


def _close_code(server: BackgroundServer, client: httpx.Client, session: str,
                message: bytes | str | None) -> tuple[int, str]:  # fmt: skip
    async def scenario() -> tuple[int, str]:
        async with connect(f"{server.ws_url}/ws/voice?session={session}",
                           additional_headers=_cookies(client),
                           origin=Origin(server.url)) as ws:  # fmt: skip
            try:
                await asyncio.wait_for(ws.recv(), 30)  # ready (or the close)
                if message is not None:
                    await ws.send(message)
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
            except ConnectionClosed as closed:
                assert closed.rcvd is not None
                return closed.rcvd.code, closed.rcvd.reason
        raise AssertionError("not closed")

    return asyncio.run(scenario())


@pytest.mark.parametrize(
    ("message", "code", "words"),
    [
        (b"\x00\x01\x02", 1007, "16-bit"),
        (bytes(40_000), 1009, "at most"),
        ("not json", 1007, "JSON"),
        (json.dumps({"type": "dance"}), 1007, "undo"),
    ],
)
def test_bad_messages_close_with_a_code_and_a_reason(
    client: httpx.Client, server: BackgroundServer, screen: Screen,
    message: bytes | str, code: int, words: str,
) -> None:  # fmt: skip
    session_id = _start(client, screen)
    closed, reason = _close_code(server, client, str(session_id), message)
    assert closed == code and words in reason


def test_unknown_or_foreign_sessions_are_refused(
    client: httpx.Client, server: BackgroundServer, screen: Screen
) -> None:
    _start(client, screen)
    code, reason = _close_code(server, client, "999", None)
    assert code == 4404 and "999" in reason
    code, _ = _close_code(server, client, "abc", None)
    assert code == 4404

    async def foreign() -> None:
        async with connect(server.ws_url + "/ws/voice?session=1",
                           origin="http://evil.example") as ws:  # type: ignore[arg-type]
            await ws.recv()

    with pytest.raises(Exception, match="403"):
        asyncio.run(foreign())
