"""``backcoach serve`` as a person starts it: a real process, a real port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from backcoach.web.server import free_port


def _serve(tmp_path: Path, port: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "backcoach", "--data-dir", str(tmp_path / "data"), "serve",
               "--port", str(port), "--no-browser"]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serve_answers_on_localhost_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    process = _serve(tmp_path, port)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "backcoach serve did not start"
                time.sleep(0.2)
        assert response.status_code == 303
        assert response.headers["location"] == "/welcome"
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out
    assert "Traceback" not in err


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = _serve(tmp_path, port)
        _out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "already in use" in err
    assert "Traceback" not in err
