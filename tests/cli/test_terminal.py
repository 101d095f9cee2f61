"""The session's input and clock seams, and a guided session through a real pseudo-terminal."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rich.console import Console

from backcoach.cli.render import sparkline
from backcoach.cli.terminal import KeyInput, ScaledClock

COMMANDS = frozenset({"n", "p", "s", "x", "!"})


@contextmanager
def piped(text: bytes, close: bool = True) -> Iterator[tuple[KeyInput, int]]:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, text)
    if close:
        os.close(write_fd)
    try:
        yield KeyInput(read_fd), write_fd
    finally:
        os.close(read_fd)
        if not close:
            os.close(write_fd)


def test_pipe_commands_stop_at_an_answer() -> None:
    console = Console(file=open(os.devnull, "w"))  # noqa: SIM115
    with piped(b"n\n\np\n3\nx\n") as (keys, _):
        assert not keys.is_tty
        assert keys.poll(0.01, COMMANDS) == "n"
        assert keys.poll(0.01, COMMANDS) == "p"
        assert keys.poll(0.01, COMMANDS) is None  # "3" waits for the pain question
        assert keys.read_line("pain? ", console) == "3"
        assert keys.poll(0.01, COMMANDS) == "x"
        with pytest.raises(EOFError):
            keys.read_line("pain? ", console)
    console.file.close()


def test_poll_waits_for_its_timeout_without_input() -> None:
    with piped(b"", close=False) as (keys, write_fd):
        started = time.monotonic()
        assert keys.poll(0.2, COMMANDS) is None
        assert time.monotonic() - started >= 0.19
        os.write(write_fd, b"s\n")
        assert keys.poll(1.0, COMMANDS) == "s"


def test_scaled_clock_runs_faster() -> None:
    clock = ScaledClock(speed=100)
    first = clock.now()
    time.sleep(0.05)
    assert (clock.now() - first).total_seconds() >= 4.9
    assert clock.real_seconds(10) == pytest.approx(0.1)
    with pytest.raises(ValueError):
        ScaledClock(speed=0)


def test_sparkline_scales_and_shows_gaps() -> None:
    assert sparkline([0, 5, 10, None], top=10) == "▁▅█·"
    assert sparkline([]) == ""


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(data_dir), TERM="xterm", COLUMNS="120")
    return env


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backcoach", *args],
        capture_output=True, text=True, env=_env(data_dir), timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip


class _Terminal:
    """A backcoach process on a pseudo-terminal: type into it, wait for text on its screen."""

    def __init__(self, data_dir: Path, *args: str) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "backcoach", *args],
            stdin=slave, stdout=slave, stderr=slave, env=_env(data_dir), close_fds=True,
        )  # fmt: skip
        os.close(slave)
        self.screen = b""

    def wait_for(self, text: str, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while text.encode() not in self.screen:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never appeared:\n{self.screen.decode(errors='replace')}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.screen += os.read(self.master, 65536)
                except OSError:  # the process ended and closed the terminal
                    break

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> int:
        try:
            code = self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait()
            os.close(self.master)
        return code


def test_a_session_in_a_real_terminal_with_single_keys(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _cli(data, "disclaimer", "--accept").returncode == 0
    assert _cli(data, "screen", "--no-to-all").returncode == 0
    term = _Terminal(data, "session", "--speed", "20", "--quiet")
    try:
        term.wait_for("hurt right now?")
        term.type("3\r")
        term.wait_for("Set saved")  # the first side of the hip flexor stretch is done
        term.type("x")  # one key, no Enter: the sharp-pain stop
        term.wait_for("Sharp-pain stop recorded")
    finally:
        code = term.close()
    assert code == 0, term.screen.decode(errors="replace")
    assert b"Traceback" not in term.screen
    exported = _cli(data, "export")
    (session,) = json.loads(exported.stdout)["sessions"]
    assert session["outcome"] == "sharp_pain" and session["pain_before"] == 3
    assert session["sets"][0]["side"] == "left"
