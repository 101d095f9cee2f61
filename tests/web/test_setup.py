"""The exercise setup page against a real server: the camera check and "show me one comfortable
repetition" over the coaching socket (landmark frames from the synthetic body), the range stored
through the same use case as ``analyze --calibrate`` and counted from by later connections, and
"forget" guarded like every other write."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from backcoach.core.catalog import load_catalog
from backcoach.storage import Journal
from backcoach.synthetic import SequenceSpec, generate, simple_spec
from backcoach.synthetic.timeline import Attempt
from backcoach.usecases.calibration import stored_calibration
from backcoach.web.server import BackgroundServer
from backcoach.web.settings import WebSettings


def same_origin(ws_url: str) -> Origin:
    return Origin("http" + ws_url[2:].split("/ws/")[0])


def _frames(spec: SequenceSpec, seed: int) -> list[dict[str, Any]]:
    seq = generate(spec, seed=seed)
    return [{"t": f.t, "landmarks": None if f.landmarks is None else [list(p) for p in f.landmarks]}
            for f in seq.frames]  # fmt: skip


def _short_range(count: int, seed: int) -> list[dict[str, Any]]:
    """Knees up and held, but only 85 % of the way to the catalog's target."""
    attempts = tuple(Attempt("partial", 4.0, 2.5, 2.5, 3.0, reach=0.85) for _ in range(count))
    return _frames(SequenceSpec("knee-to-chest", attempts, fidgets_per_min=0.0), seed)


async def _open(server: BackgroundServer, exercise: str) -> tuple[ClientConnection, dict[str, Any]]:
    ws = await connect(f"{server.ws_url}/ws/coach?exercise={exercise}",
                       origin=same_origin(server.ws_url))  # fmt: skip
    ready = json.loads(await ws.recv())
    assert ready["type"] == "ready"
    return ws, ready


async def _play(ws: ClientConnection, frames: list[dict[str, Any]]) -> tuple[int, list[dict]]:
    """Send frames in lockstep; the last result's count and every setup message seen."""
    reps, extra = 0, []
    for frame in frames:
        await ws.send(json.dumps(frame))
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == "result":
                reps = message["reps"]
                break
            extra.append(message)
    # Setup messages follow the frame's result: collect any still in flight.
    try:
        while True:
            extra.append(json.loads(await asyncio.wait_for(ws.recv(), 0.3)))
    except TimeoutError:
        pass
    return reps, extra


async def _ask(ws: ClientConnection, kind: str) -> dict[str, Any]:
    await ws.send(json.dumps({"type": kind}))
    return dict(json.loads(await ws.recv()))


def _stored(settings: WebSettings, exercise_id: str) -> Any:
    journal = Journal.open(settings.data_dir)
    try:
        return stored_calibration(journal, settings.profile, load_catalog().get(exercise_id))
    finally:
        journal.close()


def test_a_calibration_before_the_disclaimer_and_questions_is_refused(
    server: BackgroundServer, settings: WebSettings
) -> None:
    """A calibration is a repetition of the exercise: like a session (and ``analyze --camera``)
    it waits for the disclaimer and the safety questions; the camera check does not."""
    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        ws, _ = await _open(server, "knee-to-chest")
        refused = await _ask(ws, "calibrate")
        check = await _ask(ws, "check")
        await ws.close()
        return refused, check

    refused, check = asyncio.run(scenario())
    assert refused["status"] == "failed" and refused["code"] == "disclaimer_needed"
    assert "comes after that" in refused["message"]
    assert check["status"] == "checking"
    assert _stored(settings, "knee-to-chest") is None


def test_a_calibration_over_the_socket_is_stored_and_counted_from(
    server: BackgroundServer, settings: WebSettings, onboarded: httpx.Client
) -> None:
    session = _short_range(3, seed=2)

    async def scenario() -> None:
        ws, ready = await _open(server, "knee-to-chest")
        assert ready["calibration"] is None
        assert (await _play(ws, session))[0] == 0  # too short a range for the catalog's target
        await ws.close()
        ws, _ = await _open(server, "knee-to-chest")
        ack = await _ask(ws, "calibrate")
        assert ack == {"type": "calibration", "status": "settling", "max_s": 45.0,
                       "message": ack["message"]}  # fmt: skip
        _, messages = await _play(ws, _short_range(1, seed=1))
        statuses = [m["status"] for m in messages if m["type"] == "calibration"]
        assert statuses[0] == "recording" and statuses[-1] == "saved"
        saved = messages[-1]["calibration"]
        assert saved["counts_from_deg"] < saved["catalog_from_deg"]  # easier, never harder
        await ws.close()
        ws, ready = await _open(server, "knee-to-chest")
        assert ready["calibration"] == saved
        assert (await _play(ws, session))[0] == 3  # practice now counts the person's own range
        await ws.close()

    asyncio.run(scenario())
    stored = _stored(settings, "knee-to-chest")  # what `analyze` reads for the same profile
    assert stored is not None and 70 < stored.peak_deg < 95


def test_a_lying_repetition_is_refused_for_the_seated_exercise(
    server: BackgroundServer, settings: WebSettings, onboarded: httpx.Client
) -> None:
    lying = _frames(simple_spec("knee-to-chest", reps=1, hold_s=4.0), seed=4)

    async def scenario() -> list[dict[str, Any]]:
        ws, _ = await _open(server, "neck-flexion")
        await _ask(ws, "calibrate")
        _, messages = await _play(ws, lying)
        await ws.close()
        return messages

    messages = asyncio.run(scenario())
    failed = [m for m in messages if m.get("status") == "failed"]
    assert failed and "lying down" in failed[0]["message"]
    assert _stored(settings, "neck-flexion") is None


def test_the_camera_check_answers_five_questions(server: BackgroundServer) -> None:
    frames = _frames(simple_spec("knee-to-chest", reps=1), seed=5)[:120]  # 4 s at 30 frames/s

    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
        ws, _ = await _open(server, "knee-to-chest")
        ack = await _ask(ws, "check")
        _, messages = await _play(ws, frames)
        cancelled = await _ask(ws, "cancel")
        await ws.close()
        return ack, messages, cancelled

    ack, messages, cancelled = asyncio.run(scenario())
    assert ack["status"] == "checking" and "0.5 m above the floor" in ack["placement"]
    done = [m for m in messages if m["type"] == "camera_check"]
    assert len(done) == 1 and done[0]["status"] == "done"
    assert [a["key"] for a in done[0]["answers"]] == ["in_view", "posture", "view", "distance",
                                                    "light"]
    assert done[0]["ok"] and done[0]["view"] == "side"
    assert cancelled == {"type": "camera_check", "status": "cancelled"}


def test_sessions_count_from_the_range_and_refuse_setup_requests(
    server: BackgroundServer, onboarded: httpx.Client, settings: WebSettings
) -> None:
    journal = Journal.open(settings.data_dir)
    try:
        for exercise in load_catalog():
            journal.set_setting(settings.profile, f"calibration.{exercise.id}",
                                {"rest_deg": 10.0, "peak_deg": 30.0})  # fmt: skip
    finally:
        journal.close()
    created = onboarded.post("/api/sessions", json={"camera": True})
    assert created.status_code in (200, 201), created.text
    session_id = created.json()["id"]

    async def scenario() -> int:
        async with connect(f"{server.ws_url}/ws/coach?session={session_id}",
                           origin=same_origin(server.ws_url)) as ws:  # fmt: skip
            ready = json.loads(await ws.recv())
            assert ready["calibration"]["rest_deg"] == 10.0  # the session's coach uses it
            await ws.send(json.dumps({"type": "calibrate"}))
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
            except ConnectionClosed as closed:
                assert closed.rcvd is not None
                return closed.rcvd.code

    assert asyncio.run(scenario()) == 1007


def test_the_setup_page_and_forget(server: BackgroundServer, onboarded: httpx.Client,
                                   settings: WebSettings) -> None:  # fmt: skip
    page = onboarded.get("/exercises/knee-to-chest/setup")
    assert page.status_code == 200
    # The placement once in words, and the picture's own labels in its alternative text.
    assert page.text.count("Put the camera 2-3 m away") == 1
    assert 'alt="Seen from above: the camera 2-3 m away, 0.5 m high, side-on"' in page.text
    for text in ("knee-to-chest-placement", "Put the camera 2-3 m away, to your side",
                 "Read the full disclaimer", "Not set", "without the pose model"):  # no model here
        assert text in page.text
    assert onboarded.get("/exercises/no-such/setup").status_code == 404
    assert "/exercises/knee-to-chest/setup" in onboarded.get("/exercises/knee-to-chest").text
    journal = Journal.open(settings.data_dir)
    try:
        journal.set_setting(settings.profile, "calibration.knee-to-chest",
                            {"rest_deg": 40.0, "peak_deg": 100.0})  # fmt: skip
    finally:
        journal.close()
    assert "from <strong>82 degrees" in onboarded.get("/exercises/knee-to-chest/setup").text
    assert "from 82 degrees" in onboarded.get("/exercises/knee-to-chest/practice").text
    token = onboarded.cookies["backcoach_csrf"]
    for origin in ("http://127.0.0.2:9", "null", None):
        headers = {"X-CSRF-Token": token}
        with httpx.Client(base_url=server.url, cookies=onboarded.cookies) as other:
            request = other.build_request("POST", "/exercises/knee-to-chest/setup/forget",
                                          headers=headers)  # fmt: skip
            if origin is not None:
                request.headers["Origin"] = origin
            assert other.send(request).status_code == 403
    with httpx.Client(base_url=server.url, cookies=onboarded.cookies,
                      headers={"Origin": server.url}) as no_token:  # fmt: skip
        assert no_token.post("/exercises/knee-to-chest/setup/forget").status_code == 403
    assert _stored(settings, "knee-to-chest") is not None
    assert onboarded.post("/exercises/no-such/setup/forget").status_code == 404
    gone = onboarded.post("/exercises/knee-to-chest/setup/forget")
    assert gone.status_code == 303  # to the notice, below the camera steps
    assert gone.headers["location"].endswith("forgotten=1#calibration-stored")
    assert _stored(settings, "knee-to-chest") is None
    assert "Forgotten" in onboarded.get(gone.headers["location"]).text


def test_forget_keeps_the_way_back_to_the_session(onboarded: httpx.Client,
                                                  settings: WebSettings) -> None:  # fmt: skip
    journal = Journal.open(settings.data_dir)
    try:
        journal.set_setting(settings.profile, "calibration.knee-to-chest",
                            {"rest_deg": 40.0, "peak_deg": 100.0})  # fmt: skip
    finally:
        journal.close()
    page = onboarded.get("/exercises/knee-to-chest/setup?next=/session").text
    assert 'action="/exercises/knee-to-chest/setup/forget?next=/session"' in page
    gone = onboarded.post("/exercises/knee-to-chest/setup/forget?next=/session")
    assert gone.headers["location"] == ("/exercises/knee-to-chest/setup?forgotten=1&next=/session"
                                        "#calibration-stored")
    after = onboarded.get(gone.headers["location"]).text
    assert "Forgotten" in after
    assert '<a class="button" href="/session">Back to the session</a>' in after
    elsewhere = onboarded.post("/exercises/knee-to-chest/setup/forget?next=https://evil.example")
    assert "next=" not in elsewhere.headers["location"]  # only the app's own pages


def test_the_camera_check_says_when_the_posture_is_wrong(server: BackgroundServer) -> None:
    """A good side view of someone lying down is not good for the seated neck exercise (QA:
    all four answers said yes)."""
    lying = _frames(simple_spec("knee-to-chest", reps=1), seed=5)[:120]

    async def scenario() -> list[dict[str, Any]]:
        ws, _ = await _open(server, "neck-flexion")
        await _ask(ws, "check")
        _, messages = await _play(ws, lying)
        await ws.close()
        return messages

    done = [m for m in asyncio.run(scenario()) if m.get("status") == "done"]
    assert len(done) == 1 and not done[0]["ok"]
    posture = next(a for a in done[0]["answers"] if a["key"] == "posture")
    assert posture["ok"] is False and "lying down" in posture["text"]
    assert "sitting" in posture["text"] and posture["text"].endswith("then check again.")


@pytest.mark.parametrize("kind", ["check", "calibrate"])
def test_a_setup_request_before_any_frame_then_cancel_stores_nothing(
    server: BackgroundServer, settings: WebSettings, onboarded: httpx.Client, kind: str
) -> None:
    async def scenario() -> dict[str, Any]:
        ws, _ = await _open(server, "knee-to-chest")
        await _ask(ws, kind)
        cancelled = await _ask(ws, "cancel")
        await ws.close()
        return cancelled

    assert asyncio.run(scenario())["status"] == "cancelled"
    assert _stored(settings, "knee-to-chest") is None


def test_a_red_flag_recorded_meanwhile_stops_the_calibration_unstored(
    server: BackgroundServer, settings: WebSettings, onboarded: httpx.Client, screen: Any
) -> None:
    async def scenario() -> int:
        ws, _ = await _open(server, "knee-to-chest")
        await _ask(ws, "calibrate")
        screen(onboarded, red_flag="saddle_numbness")  # answered in another tab meanwhile
        try:
            await _play(ws, _short_range(1, seed=1))
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            return closed.rcvd.code
        return 0

    assert asyncio.run(scenario()) == 4409
    assert _stored(settings, "knee-to-chest") is None
