"""Running the app with uvicorn: in the foreground (``backcoach serve``) or in a background
thread on a free port (tests and benchmarks talk to a real server, not an in-memory shortcut).
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from backcoach.web.app import create_app
from backcoach.web.settings import WebSettings
from backcoach.web.state import PoseFactory


def uvicorn_config(settings: WebSettings, host: str, port: int,
                   pose_factory: PoseFactory | None = None) -> uvicorn.Config:
    """One place for server options: the WebSocket size cap sits just above the frame cap, so
    our own check answers oversized frames with a clear reason before uvicorn's hard limit."""
    app = create_app(settings, pose_factory=pose_factory)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        ws="websockets-sansio",
        ws_max_size=settings.max_frame_bytes * 2 + 4096,
        ws_per_message_deflate=False,
        log_level="warning",
        lifespan="on",
        server_header=False,
        timeout_graceful_shutdown=1,  # SIGTERM stops the server within 2 s, whatever runs
    )


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class BackgroundServer:
    """``with BackgroundServer(settings) as server: server.url`` — a real server in a thread."""

    def __init__(self, settings: WebSettings, host: str = "127.0.0.1", port: int | None = None,
                 pose_factory: PoseFactory | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self._server = uvicorn.Server(uvicorn_config(settings, host, self.port, pose_factory))
        self._thread = threading.Thread(target=self._server.run, name="backcoach-web", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def start(self, timeout_s: float = 20.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the backcoach web server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> BackgroundServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
