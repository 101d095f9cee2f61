"""Fixtures for the web tests: a real uvicorn server on a free port with its own data folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from backcoach.web.server import BackgroundServer, browser_client
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
    """An HTTP client that behaves like our own pages in a browser (``browser_client``)."""
    return browser_client(url, timeout=timeout)


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
def real_time_server(settings: WebSettings) -> Iterator[BackgroundServer]:
    """Session time at the wall clock's pace, for camera sessions fed frames as fast as the
    server answers: a camera hold past its timer moves on by itself after a grace period, which
    at the fast pace would pass before the frames arrive."""
    with BackgroundServer(replace(settings, time_scale=1.0)) as running:
        yield running


@pytest.fixture
def client(server: BackgroundServer) -> Iterator[httpx.Client]:
    with local_client(server.url) as http:
        yield http


def y4m_from_video(source: Path, path: Path, fps: int, seconds: float) -> Path:
    """Chromium's fake camera input (a Y4M file, which it loops) from a real video, 640x360."""
    import cv2

    capture = cv2.VideoCapture(str(source))
    step = max(1, round(capture.get(cv2.CAP_PROP_FPS) / fps))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W640 H360 F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        index = written = 0
        while written < seconds * fps:
            ok, image = capture.read()
            if not ok:
                break
            if index % step == 0:
                frame = cv2.resize(image, (640, 360), interpolation=cv2.INTER_AREA)
                out.write(b"FRAME\n" + cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes())
                written += 1
            index += 1
    capture.release()
    assert written > 10
    return path


@pytest.fixture(scope="session")
def fake_camera_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Y4M file (Chromium's fake camera input) from Sports2D's real demo video, at 640x360."""
    import Sports2D

    source = Path(Sports2D.__file__).parent / "Demo" / "demo.mp4"
    return y4m_from_video(source, tmp_path_factory.mktemp("camera") / "camera.y4m", 15, 4.0)


@pytest.fixture(scope="session")
def avatar_camera_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fake camera playing a real rendered avatar clip (``tests/fixtures/avatar``): a person
    lying on a mat, at rest, one knee-to-chest repetition held about 4 s, and back (10.6 s,
    looped by Chromium)."""
    source = Path(__file__).parents[1] / "fixtures" / "avatar" / "knee-to-chest-hook-lying.mp4"
    return y4m_from_video(source, tmp_path_factory.mktemp("avatar") / "avatar.y4m", 10, 11.0)


@pytest.fixture
def onboarded(client: httpx.Client) -> httpx.Client:
    response = answer_screening(client)
    assert response.status_code == 303, response.text
    return client
