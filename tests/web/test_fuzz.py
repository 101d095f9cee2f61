"""Property tests over the whole route table and the WebSocket protocol, against a real server.

Every route (read from the app itself, so a new route is covered without editing this file) gets
random path parameters, query strings, JSON and form bodies; every answer must be below 500. The
camera WebSocket gets random JSON and binary messages; it must answer or close with a protocol
code, never 1011 (a server error), and the server must keep serving.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Route
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from backcoach.web.app import create_app
from backcoach.web.server import BackgroundServer
from backcoach.web.settings import WebSettings

_SUITE = settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])


def _routes() -> list[tuple[str, str]]:
    app = create_app(WebSettings(pose_backend="none"))
    found = []
    for route in app.routes:
        if isinstance(route, Route):
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD":
                    found.append((method, route.path))
    return found


ROUTES = _routes()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BackgroundServer, str]]:
    data: Path = tmp_path_factory.mktemp("fuzz") / "data"
    with BackgroundServer(WebSettings(data_dir=data, pose_backend="none", time_scale=400.0,
                                      max_messages_per_s=5000, camera_idle_s=5)) as server:
        token = httpx.get(server.url + "/sharp-pain").cookies["backcoach_csrf"]
        yield server, token


_TEXT = st.text(max_size=40)
_JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | _TEXT
_JSON = st.recursive(_JSON_SCALARS, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=12)
_FIELDS = st.sampled_from(["action", "score", "camera", "profile", "confirm", "note", "accept",
                           "confirmation", "activity_1", "score_1", "q_fever", "times"])


def _fill(path: str, values: list[str]) -> str:
    parts = iter(values)
    return re.sub(r"\{[^}]+\}", lambda _: quote(next(parts, "x"), safe="") or "x", path)


@_SUITE
@given(route=st.sampled_from(ROUTES), params=st.lists(_TEXT, min_size=2, max_size=2),
       query=st.dictionaries(_FIELDS | _TEXT, _TEXT, max_size=3),
       body=st.one_of(_JSON, st.dictionaries(_FIELDS, _JSON_SCALARS, max_size=4),
                      st.binary(max_size=200)),
       as_form=st.booleans())
def test_no_route_answers_500(live: tuple[BackgroundServer, str], route: tuple[str, str],
                              params: list[str], query: dict[str, str], body: Any,
                              as_form: bool) -> None:
    server, token = live
    method, path = route
    if path.startswith("/reports/report."):
        params = ["html" if p == "pdf" else p for p in params]  # a PDF takes a second: skip
    headers = {"Origin": server.url, "X-CSRF-Token": token}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30,
                      cookies={"backcoach_csrf": token}) as http:
        if method == "GET":
            response = http.get(_fill(path, params), params=query)
        elif isinstance(body, bytes):
            response = http.post(_fill(path, params), content=body)
        elif as_form and isinstance(body, dict):
            form = {str(k): json.dumps(v) if not isinstance(v, str) else v for k, v in body.items()}
            response = http.post(_fill(path, params), data=form)
        else:
            response = http.post(_fill(path, params), content=json.dumps(body),
                                 headers={"Content-Type": "application/json"})
    assert response.status_code < 500, (method, path, response.text[:300])
    assert "Traceback" not in response.text


_NUMBER = st.integers() | st.floats(allow_nan=False) | st.just(10**400) | st.just(-1)
_LANDMARKS = st.none() | st.lists(st.lists(_NUMBER, min_size=3, max_size=4), max_size=34)
_MESSAGE = st.one_of(
    st.fixed_dictionaries({"t": _NUMBER, "landmarks": _LANDMARKS},
                          optional={"seq": _NUMBER, "type": st.sampled_from(
                              ["landmarks", "frame", "ping", "bogus"])}),
    _JSON,
).map(lambda m: json.dumps(m, default=str)) | st.binary(max_size=300) | _TEXT


@_SUITE
@given(messages=st.lists(_MESSAGE, min_size=1, max_size=4),
       query=st.sampled_from(["exercise=knee-to-chest", "exercise=nope", "session=1",
                              "session=%C2%B2", "", "exercise=neck-flexion&session=99999"]))
def test_the_websocket_never_fails_with_a_server_error(
    live: tuple[BackgroundServer, str], messages: list[str | bytes], query: str
) -> None:
    server, _ = live

    async def scenario() -> int | None:
        async with connect(f"{server.ws_url}/ws/coach?{query}", origin=Origin(server.url)) as ws:
            try:
                for message in messages:
                    await ws.send(message)
                while True:
                    await asyncio.wait_for(ws.recv(), 0.3)
            except ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None
            except TimeoutError:
                return None  # still open: every message was accepted or answered

    code = asyncio.run(scenario())
    assert code != 1011
    assert httpx.get(server.url + "/sharp-pain").status_code == 200
