"""Running the app with uvicorn: in the foreground (``backcoach serve``) or in a background
thread on a free port (tests and benchmarks talk to a real server, not an in-memory shortcut).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

import uvicorn
from websockets.exceptions import InvalidState

from backcoach.web.app import create_app
from backcoach.web.lan import Certificate
from backcoach.web.settings import WebSettings
from backcoach.web.state import PoseFactory


def uvicorn_config(settings: WebSettings, host: str, port: int,
                   pose_factory: PoseFactory | None = None,
                   tls: Certificate | None = None) -> uvicorn.Config:
    """One place for server options: the WebSocket size cap sits just above the frame cap, so
    our own check answers oversized frames with a clear reason before uvicorn's hard limit.
    ``tls`` (``serve --lan``) serves HTTPS with that certificate."""
    app = create_app(settings, pose_factory=pose_factory)
    files = {} if tls is None else {"ssl_certfile": str(tls.cert_path),
                                    "ssl_keyfile": str(tls.key_path)}
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
        **files,  # type: ignore[arg-type]
    )


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def run_server(server: uvicorn.Server) -> None:
    """Serve until told to stop (``serve`` and the tests' background server alike)."""
    # uvicorn's shutdown sends a close frame to every socket, and one the client was already
    # closing refuses it (InvalidState): nothing is left open, so stopping has succeeded.
    with contextlib.suppress(InvalidState):
        server.run()


class BackgroundServer:
    """``with BackgroundServer(settings) as server: server.url`` — a real server in a thread."""

    def __init__(self, settings: WebSettings, host: str = "127.0.0.1", port: int | None = None,
                 pose_factory: PoseFactory | None = None, tls: Certificate | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self._secure = tls is not None
        self._server = uvicorn.Server(
            uvicorn_config(settings, host, self.port, pose_factory, tls)
        )
        self._thread = threading.Thread(target=self._run, name="backcoach-web", daemon=True)

    def _run(self) -> None:
        run_server(self._server)

    @property
    def url(self) -> str:
        return f"{'https' if self._secure else 'http'}://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"{'wss' if self._secure else 'ws'}://{self.host}:{self.port}"

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


def browser_client(url: str, **options: Any) -> httpx.Client:
    """An HTTP client (tests, benchmarks) that behaves like the app's own pages in a browser: it
    sends ``Origin`` and, on writes, the CSRF token from its cookie as ``X-CSRF-Token`` (as
    ``static/js/api.js`` does), fetching the cookie from a page first. ``options`` go to
    ``httpx.Client`` (``timeout``, ``verify``, ``cookies``...)."""
    import httpx  # a development dependency: only tests and benchmarks call this

    options.setdefault("timeout", 10)
    http = httpx.Client(base_url=url, headers={"Origin": url}, **options)

    def add_token(request: httpx.Request) -> None:
        if request.method in ("GET", "HEAD") or "x-csrf-token" in request.headers:
            return
        token = http.cookies.get("backcoach_csrf")
        if token is None:  # any page issues the cookie; a browser would have loaded one first
            with httpx.Client(base_url=url, verify=options.get("verify", True),
                              cookies=options.get("cookies"), timeout=options["timeout"]) as first:
                token = first.get("/sharp-pain").cookies.get("backcoach_csrf")
            if token is None:
                return
            http.cookies.set("backcoach_csrf", token)
            request.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        request.headers["X-CSRF-Token"] = token

    http.event_hooks["request"] = [add_token]
    return http
