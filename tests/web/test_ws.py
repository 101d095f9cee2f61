"""The coaching WebSocket against a real server: landmark frames from the synthetic body model,
bad messages closed with a code and a reason while other clients are still served."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from backcoach.storage import Journal
from backcoach.synthetic import SyntheticSequence, generate, simple_spec
from backcoach.web.server import BackgroundServer, browser_client
from backcoach.web.settings import WebSettings

Screen = Callable[..., httpx.Response]

def same_origin(ws_url: str) -> Origin:
    """The Origin our own page would send for a WebSocket URL (the server refuses any other)."""
    return Origin("http" + ws_url[2:].split("/ws/")[0])



def _sequence(exercise_id: str, reps: int, fps: float = 10.0) -> SyntheticSequence:
    return generate(simple_spec(exercise_id, reps=reps, hold_s=5.0, fps=fps), seed=3)


def _frames(exercise_id: str, reps: int, fps: float = 10.0) -> list[dict[str, Any]]:
    sequence = _sequence(exercise_id, reps, fps)
    return [
        {"t": f.t, "landmarks": None if f.landmarks is None else [list(p) for p in f.landmarks]}
        for f in sequence.frames
    ]


async def _lockstep(ws: ClientConnection, frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send one frame, wait for its result: nothing is dropped, so every frame is analysed."""
    results = []
    for frame in frames:
        await ws.send(json.dumps(frame))
        results.append(json.loads(await ws.recv()))
    return results


async def _closed(ws: ClientConnection) -> tuple[int, str, dict[str, Any] | None]:
    error = None
    try:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if message.get("type") == "error":
                error = message
    except ConnectionClosed as closed:
        assert closed.rcvd is not None
        return closed.rcvd.code, closed.rcvd.reason, error


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_landmark_frames_are_analysed_and_counted(server: BackgroundServer) -> None:
    frames = _frames("knee-to-chest", reps=2)

    async def scenario() -> list[dict[str, Any]]:
        async with connect(server.ws_url + "/ws/coach?exercise=knee-to-chest",
                           origin=same_origin(server.ws_url)) as ws:
            ready = json.loads(await ws.recv())
            assert ready["type"] == "ready"
            assert ready["landmark_names"][25] == "left_knee"
            return await _lockstep(ws, frames)

    results = _run(scenario())
    assert all(r["type"] == "result" for r in results)
    kinds = [e["kind"] for r in results for e in r["events"]]
    assert kinds.count("rep_completed") == 2
    assert results[-1]["reps"] == 2
    assert any(r["holding"] and r["hold_s"] > 1 for r in results)
    assert results[0]["landmarks"] is not None


def test_camera_reps_fill_the_session_log(real_time_server: BackgroundServer,
                                          screen: Screen, settings: WebSettings) -> None:
    server = real_time_server
    with browser_client(server.url, timeout=10) as client:
        session_id = _camera_reps_fill_the_session_log(client, server, screen)
        sets = client.get(f"/api/sessions/{session_id}").json()["sets"]
    shown = [s["range_deg"] for s in sets if s["source"] == "camera"]
    # the journal keeps the range of movement the camera measured with the set
    with Journal.open(settings.data_dir) as journal:
        (session,) = journal.history(settings.profile).sessions
        assert [s.range_deg for s in session.sets if s.source.value == "camera"] == shown
        assert len(shown) == 1 and shown[0] is not None and shown[0] > 20


def _camera_reps_fill_the_session_log(
    client: httpx.Client, server: BackgroundServer, screen: Screen
) -> int:
    screen(client)
    started = client.post("/api/sessions", json={"camera": True}).json()
    url = f"/api/sessions/{started['id']}/actions"
    client.post(url, json={"action": "pain_before", "score": 2})
    view = client.post(url, json={"action": "skip_exercise"}).json()["view"]
    assert view["exercise_id"] == "knee-to-chest"
    frames = _frames("knee-to-chest", reps=3)
    truth = _sequence("knee-to-chest", reps=3).truth
    true_hold_s = sum(rep.in_position_s for rep in truth.reps) / len(truth.reps)
    signal = _sequence("knee-to-chest", reps=3).signal_deg
    true_range_deg = float(signal.max() - signal[:10].mean())

    async def scenario() -> list[dict[str, Any]]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}
        async with connect(f"{server.ws_url}/ws/coach?session={started['id']}",
                           origin=same_origin(server.ws_url),
                           additional_headers=headers) as ws:
            assert json.loads(await ws.recv())["session"] == started["id"]
            return await _lockstep(ws, frames)

    results = _run(scenario())
    assert results[-1]["session_reps"] == 3
    state = client.get(f"/api/sessions/{started['id']}").json()
    camera_sets = [s for s in state["sets"] if s["source"] == "camera"]
    assert camera_sets == [
        {"exercise_id": "knee-to-chest", "reps": 3, "full_reps": 3,
         "hold_s": pytest.approx(true_hold_s, abs=1.0), "side": None, "source": "camera",
         "range_deg": pytest.approx(true_range_deg, rel=0.15)}
    ]
    assert state["view"]["exercise_id"] == "neck-flexion"  # the dose of 3 was reached
    return int(started["id"])


@pytest.mark.parametrize(
    ("message", "code", "words"),
    [
        ("not json", 1007, "must be JSON"),
        ("[1, 2]", 1007, "object"),
        ("[" * 200_000, 1007, "nested too deeply"),
        (json.dumps({"type": "dance"}), 1007, "unknown message"),
        (json.dumps({"t": 1, "landmarks": [[0.1, 0.2]] * 33}), 1007, "landmark 0"),
        (json.dumps({"t": 1, "landmarks": [[0.1, 0.2, 0, 1]] * 12}), 1007, "33"),
        (json.dumps({"t": "soon", "landmarks": None}), 1007, "'t'"),
        (json.dumps({"type": "frame", "jpeg": "%%%"}), 1003, "landmark frames"),
        (b"\x00\x01binary", 1003, "landmark frames"),
    ],
)
def test_malformed_messages_close_cleanly_and_others_are_served(
    server: BackgroundServer, message: str | bytes, code: int, words: str
) -> None:
    async def scenario() -> tuple[int, str, dict[str, Any] | None, dict[str, Any]]:
        url = server.ws_url + "/ws/coach?exercise=neck-flexion"
        async with connect(url, origin=same_origin(url)) as good, \
                connect(url, origin=same_origin(url)) as bad:
            await good.recv()
            await bad.recv()
            await bad.send(message)
            closed = await _closed(bad)
            await good.send(json.dumps({"t": 0.5, "landmarks": None}))
            return (*closed, json.loads(await good.recv()))

    got_code, reason, error, other = _run(scenario())
    assert got_code == code
    assert words in reason
    assert error is not None and error["code"] == code
    assert other["type"] == "result"


def test_times_must_increase(server: BackgroundServer) -> None:
    async def scenario() -> tuple[int, str, dict[str, Any] | None]:
        async with connect(server.ws_url + "/ws/coach?exercise=neck-flexion",
                           origin=same_origin(server.ws_url)) as ws:
            await ws.recv()
            await ws.send(json.dumps({"t": 2.0, "landmarks": None}))
            await ws.recv()
            await ws.send(json.dumps({"t": 1.0, "landmarks": None}))
            return await _closed(ws)

    code, reason, _ = _run(scenario())
    assert (code, reason) == (1007, "frame times must increase")


def test_unknown_exercise_and_session_close_with_4404(server: BackgroundServer) -> None:
    async def scenario(query: str) -> tuple[int, str, dict[str, Any] | None]:
        async with connect(server.ws_url + "/ws/coach" + query,
                           origin=same_origin(server.ws_url)) as ws:
            return await _closed(ws)

    code, reason, _ = _run(scenario("?exercise=handstand"))
    assert code == 4404 and "handstand" in reason
    code, reason, _ = _run(scenario("?session=77"))
    assert code == 4404 and "77" in reason
    code, _, _ = _run(scenario(""))
    assert code == 4404


@pytest.fixture
def image_server(settings: WebSettings) -> Any:
    """A server that accepts images (the real pose model loads only when a decodable JPEG comes)."""
    with BackgroundServer(replace(settings, pose_backend="mediapipe",
                                  max_frame_bytes=64 * 1024)) as running:
        yield running


def test_oversized_frames_and_non_jpeg_images_are_refused(image_server: BackgroundServer) -> None:
    async def scenario(message: bytes | str) -> tuple[int, str, dict[str, Any] | None]:
        async with connect(image_server.ws_url + "/ws/coach?exercise=knee-to-chest",
                           origin=same_origin(image_server.ws_url)) as ws:
            await ws.recv()
            await ws.send(message)
            return await _closed(ws)

    code, reason, _ = _run(scenario(b"\xff\xd8" + b"\x00" * 70_000))
    assert code == 1009 and "too large" in reason
    code, reason, _ = _run(scenario(b"GIF89a" + b"\x00" * 100))
    assert code == 1007 and "JPEG" in reason
    code, reason, _ = _run(scenario(b"\xff\xd8 truncated"))
    assert code == 1007 and "decoded" in reason
    code, reason, _ = _run(scenario(json.dumps({"type": "frame", "jpeg": "not base64!"})))
    assert code == 1007 and "base64" in reason


def test_flooding_is_closed_with_1008(tmp_path: Any) -> None:
    settings = WebSettings(data_dir=tmp_path / "d", pose_backend="none", max_messages_per_s=20)

    async def scenario(url: str) -> tuple[int, str, dict[str, Any] | None]:
        async with connect(url + "/ws/coach?exercise=knee-to-chest",
                           origin=same_origin(url)) as ws:
            await ws.recv()
            for n in range(200):
                try:
                    await ws.send(json.dumps({"type": "ping", "seq": n}))
                except ConnectionClosed:
                    break
            return await _closed(ws)

    with BackgroundServer(settings) as running:
        code, reason, _ = _run(scenario(running.ws_url))
        assert code == 1008 and "flooding" in reason
        with browser_client(running.url) as http:
            assert http.get("/exercises").status_code == 200  # still serving


def test_a_foreign_origin_cannot_open_the_camera_socket(server: BackgroundServer) -> None:
    async def scenario() -> None:
        async with connect(server.ws_url + "/ws/coach?exercise=knee-to-chest",
                           origin="http://evil.example") as ws:  # type: ignore[arg-type]
            await ws.recv()

    with pytest.raises(Exception, match="403"):
        _run(scenario())


def _demo_jpegs(count: int) -> list[bytes]:
    import cv2
    import Sports2D

    capture = cv2.VideoCapture(str(Path(Sports2D.__file__).parent / "Demo" / "demo.mp4"))
    jpegs = []
    while len(jpegs) < count:
        ok, image = capture.read()
        assert ok
        small = cv2.resize(image, (640, 360), interpolation=cv2.INTER_AREA)
        jpegs.append(cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 70])[1].tobytes())
    capture.release()
    return jpegs


@pytest.mark.slow
def test_real_frames_find_the_pose_and_stale_frames_are_dropped(
    image_server: BackgroundServer,
) -> None:
    jpegs = _demo_jpegs(40)

    async def scenario() -> list[dict[str, Any]]:
        async with connect(image_server.ws_url + "/ws/coach?exercise=knee-to-chest",
                           origin=same_origin(image_server.ws_url)) as ws:
            assert json.loads(await ws.recv())["images"] is True
            await ws.send(jpegs[0])  # the model loads on the first frame
            results = [json.loads(await ws.recv())]
            for jpeg in jpegs[1:]:  # a burst, much faster than the model
                await ws.send(jpeg)
            while results[-1]["seq"] < len(jpegs):
                results.append(json.loads(await asyncio.wait_for(ws.recv(), 30)))
            return results

    results = _run(scenario())
    assert all(r["type"] == "result" for r in results)
    assert any(r["landmarks"] is not None and len(r["landmarks"]) == 33 for r in results)
    assert results[-1]["dropped"] > 0
    assert len(results) + results[-1]["dropped"] == len(jpegs)  # every frame answered or dropped
    assert len(results) < len(jpegs) / 2  # stale frames were not queued
