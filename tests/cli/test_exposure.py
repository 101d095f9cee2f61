"""Issue 12, failures 3 and 11: reports over absurd periods finish, the server stops on SIGTERM
within 2 s, it is never exposed to the network by accident, restarts at once after a crash, and
the journal's files are private and scrubbed after a delete."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from backcoach.cli.errors import UsageError
from backcoach.cli.serve import _check_port_free, check_exposure
from backcoach.core.records import SessionOutcome, SessionRecord
from backcoach.storage import Journal
from backcoach.web.server import free_port


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(data_dir), COLUMNS="200", NO_COLOR="1")
    return env


def _cli(data_dir: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "backcoach", *args], capture_output=True,
                          text=True, env=_env(data_dir), timeout=timeout, input="")


def _far_future_journal(data_dir: Path) -> None:
    with Journal.open(data_dir) as journal:
        for started in (datetime(2026, 11, 1, 9, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC)):
            journal.add_session("default", SessionRecord(
                started_at=started, outcome=SessionOutcome.COMPLETED, pain_before=2, pain_after=2,
                ended_at=started,
            ))  # fmt: skip


def test_a_report_over_millennia_finishes_quickly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _far_future_journal(data)
    began = time.monotonic()
    result = _cli(data, "report", "--from", "0001-01-01", "--out", str(tmp_path / "r.html"))
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - began < 30
    assert (tmp_path / "r.html").stat().st_size < 2_000_000


def _serve(data_dir: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "backcoach", "serve", "--port", str(port), "--no-browser", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(data_dir),
    )  # fmt: skip


def _wait_up(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/sharp-pain", timeout=2)
            return
        except httpx.TransportError:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "backcoach serve did not start"
            time.sleep(0.2)


def test_web_reports_are_bounded_and_sigterm_stops_within_2_s(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _far_future_journal(data)
    port = free_port()
    process = _serve(data, port)
    try:
        _wait_up(port, process)
        url = f"http://127.0.0.1:{port}/reports/report.html?from=0001-01-01"
        began = time.monotonic()
        assert httpx.get(url, timeout=60).status_code == 200
        assert time.monotonic() - began < 30
        pdf = threading.Thread(target=lambda: _quietly(
            f"http://127.0.0.1:{port}/reports/report.pdf?from=0001-01-01"), daemon=True)
        pdf.start()
        time.sleep(0.3)  # the PDF is being made
        process.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        process.communicate(timeout=10)
        assert time.monotonic() - stopped < 2.0
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def _quietly(url: str) -> None:
    with contextlib.suppress(httpx.HTTPError):
        httpx.get(url, timeout=30)


def test_a_network_host_needs_unsafe_expose(tmp_path: Path) -> None:
    result = _cli(tmp_path / "data", "serve", "--host", "0.0.0.0", "--no-browser")
    assert result.returncode == 2 and "--unsafe-expose" in result.stderr
    with pytest.raises(UsageError):
        check_exposure("192.168.1.20", unsafe_expose=False)
    warning = check_exposure("0.0.0.0", unsafe_expose=True)
    assert warning is not None and "without any login" in warning
    for local in ("127.0.0.1", "127.0.0.2", "localhost", "::1"):
        assert check_exposure(local, unsafe_expose=False) is None


def test_a_port_in_time_wait_is_free_for_a_restart() -> None:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()  # the server side closes first: its end waits in TIME_WAIT
    client.close()
    listener.close()
    _check_port_free("127.0.0.1", port)  # no "port in use"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_journal_files_and_exports_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _cli(data, "note", "private words").returncode == 0
    assert _mode(data) == 0o700
    for name in ("journal.sqlite3", "journal.sqlite3-wal"):
        if (data / name).exists():
            assert _mode(data / name) == 0o600, name
    out = tmp_path / "export.json"
    assert _cli(data, "export", "--format", "json", "--out", str(out)).returncode == 0
    assert _mode(out) == 0o600
