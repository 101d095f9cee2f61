"""The terminal session's contact with the outside world: keys, clock and sound.

Small seams keep the guided session testable without a terminal: ``KeyInput`` reads single keys
from a real terminal (termios cbreak + select) or line commands from a pipe, so tests and scripts
drive a session through stdin; ``ScaledClock`` runs time faster (``--speed``) so a full session
takes seconds in tests; ``Cues`` rings the terminal bell and speaks through espeak-ng when it is
installed, and is silent otherwise.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from rich.console import Console

_TICK_S = 0.1  # how often a waiting question asks the microphone


class ScaledClock:
    """Wall-clock time running ``speed`` times faster than real time (``speed=1``: real)."""

    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._start = start or datetime.now(UTC)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(time.monotonic() - self._t0) * self.speed)

    def real_seconds(self, virtual_s: float) -> float:
        """How long ``virtual_s`` seconds of session time take in real time."""
        return max(0.0, virtual_s / self.speed)


class KeyInput:
    """Commands from stdin: single keys on a terminal, one command per line from a pipe.

    ``poll`` never blocks longer than its timeout, so timers keep running while waiting for a key;
    ``read_line`` blocks (used for pain scores and yes/no answers). Its own buffer over the file
    descriptor keeps ``select`` truthful (Python's buffered stdin would hide pending lines).
    """

    def __init__(self, fd: int | None = None) -> None:
        self.fd = sys.stdin.fileno() if fd is None else fd
        self.is_tty = os.isatty(self.fd)
        self._buffer = b""
        self._eof = False

    @property
    def at_eof(self) -> bool:
        return self._eof and not self._buffer

    def _fill(self, timeout_s: float | None) -> None:
        """Read what is available within ``timeout_s`` (``None``: wait for data)."""
        if self._eof:
            if timeout_s:
                time.sleep(timeout_s)
            return
        ready, _, _ = select.select([self.fd], [], [], timeout_s)
        if not ready:
            return
        chunk = os.read(self.fd, 1024)
        if chunk:
            self._buffer += chunk
        else:
            self._eof = True

    def _peek_line(self) -> str | None:
        if b"\n" in self._buffer:
            return self._buffer.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        if self._eof and self._buffer:
            return self._buffer.decode("utf-8", "replace").strip()
        return None

    def _take_line(self) -> str | None:
        line = self._peek_line()
        if line is not None:
            _, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def poll(self, timeout_s: float, commands: frozenset[str]) -> str | None:
        """The next command from ``commands`` (lower-cased), or ``None`` on timeout.

        From a pipe, a line that is not a command (e.g. ``3``) is the answer to the next question:
        it is left unread, and so are the lines after it, until that question is asked.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            command = self._take_command(commands)
            if command is not None:
                return command
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._fill(remaining)

    def _take_command(self, commands: frozenset[str]) -> str | None:
        if self.is_tty:
            while self._buffer:
                key, self._buffer = self._buffer[:1], self._buffer[1:]
                text = key.decode("utf-8", "replace").lower()
                if text in commands:
                    return text
            return None
        while (line := self._peek_line()) is not None:
            if not line:
                self._take_line()
                continue
            word = line.split()[0].lower()
            if word not in commands:
                return None
            self._take_line()
            return word
        return None

    def read_line(
        self, prompt: str, console: Console, meanwhile: Callable[[], str | None] | None = None
    ) -> str:
        """Show ``prompt`` and return the next line; raises ``EOFError`` when input has ended.

        ``meanwhile`` (the microphone) is asked ten times a second while no line has come; a
        text it returns is the answer, as if typed. With it, ended input is no answer: the
        question waits for the voice (Ctrl-C still interrupts).
        """
        console.print(prompt, end="")
        if self.is_tty:
            self._buffer = b""  # keys pressed during a countdown are not an answer
        while True:
            line = self._take_line()
            if line is None and meanwhile is not None:
                line = meanwhile()
            if line is not None:
                if not self.is_tty or meanwhile is not None:
                    console.print(line)  # echo, so a transcript reads like a dialogue
                return line
            if self._eof and meanwhile is None:
                console.print()
                raise EOFError
            self._fill(None if meanwhile is None else _TICK_S)

    @contextlib.contextmanager
    def keys(self) -> Iterator[None]:
        """Within this block a terminal delivers each key at once, without echo."""
        if not self.is_tty:
            yield
            return
        import termios
        import tty

        saved = termios.tcgetattr(self.fd)
        try:
            tty.setcbreak(self.fd)
            yield
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, saved)


class Cues:
    """End-of-timer bell and spoken cues. Speech uses espeak-ng if installed; never required."""

    def __init__(self, console: Console, *, sound: bool) -> None:
        self._console = console
        self._sound = sound
        self._espeak = shutil.which("espeak-ng") if sound else None
        self._speaking: subprocess.Popen[bytes] | None = None

    def beep(self) -> None:
        if self._sound:
            self._console.bell()

    def say(self, text: str) -> None:
        """Speak ``text`` in the background, cutting off an unfinished earlier cue."""
        if self._espeak is None:
            return
        self._stop_speaking()
        with contextlib.suppress(OSError):
            self._speaking = subprocess.Popen(
                [self._espeak, text],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def _stop_speaking(self) -> None:
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._speaking.wait(timeout=1)
        self._speaking = None

    def close(self) -> None:
        """Let the last cue finish (briefly), then make sure no speaker is left running."""
        if self._speaking is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._speaking.wait(timeout=5)
        self._stop_speaking()
