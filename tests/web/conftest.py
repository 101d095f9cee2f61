"""Fixtures for the web tests: a real uvicorn server on a free port with its own data folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from backcoach.web.server import BackgroundServer
from backcoach.web.settings import WebSettings

# Session timers run this much faster than real time, so a full guided session takes seconds.
FAST = 400.0


def answer_screening(client: httpx.Client, red_flag: str | None = None) -> httpx.Response:
    """Post the onboarding form: the disclaimer accepted, every answer "no" but ``red_flag``."""
    from backcoach.core.safety import load_screening

    form = {"accept": "yes"}
    for question in load_screening().questions:
        form[f"q_{question.id}"] = "yes" if question.id == red_flag else "no"
    return client.post("/welcome", data=form)


Screen = Callable[..., httpx.Response]


def local_client(url: str, timeout: float = 10) -> httpx.Client:
    """An HTTP client that behaves like our own pages in a browser: it sends ``Origin`` and, on
    writes, the CSRF token from its cookie as ``X-CSRF-Token`` (as ``static/js/api.js`` does)."""
    http = httpx.Client(base_url=url, timeout=timeout, headers={"Origin": url})

    def add_token(request: httpx.Request) -> None:
        if request.method in ("GET", "HEAD") or "x-csrf-token" in request.headers:
            return
        token = http.cookies.get("backcoach_csrf")
        if token is None:  # any page issues the cookie; a browser would have loaded one first
            token = httpx.get(url + "/sharp-pain", timeout=timeout).cookies.get("backcoach_csrf")
            if token is None:
                return
            http.cookies.set("backcoach_csrf", token)
            request.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        request.headers["X-CSRF-Token"] = token

    http.event_hooks["request"] = [add_token]
    return http


@pytest.fixture
def screen() -> Screen:
    """``screen(client, red_flag=None)``: answer the onboarding form."""
    return answer_screening


@pytest.fixture
def open_client() -> Callable[..., httpx.Client]:
    """``open_client(url, timeout=10)``: a browser-like client (``local_client``) for any server."""
    return local_client


@pytest.fixture
def settings(tmp_path: Path) -> WebSettings:
    # Landmark frames are replayed as fast as the server answers: no flooding limit in the way.
    return WebSettings(data_dir=tmp_path / "data", pose_backend="none", time_scale=FAST,
                       max_messages_per_s=5000)


@pytest.fixture
def server(settings: WebSettings) -> Iterator[BackgroundServer]:
    with BackgroundServer(settings) as running:
        yield running


@pytest.fixture
def client(server: BackgroundServer) -> Iterator[httpx.Client]:
    with local_client(server.url) as http:
        yield http


@pytest.fixture
def onboarded(client: httpx.Client) -> httpx.Client:
    response = answer_screening(client)
    assert response.status_code == 303, response.text
    return client
