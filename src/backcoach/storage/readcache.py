"""Reads of the journal kept until anything is committed to it, by this process or another.

``/today`` asks the same questions of the journal at every visit (the recent weeks for the safety
decision and the plan, the last year for the week and the streak); at 100k sessions those reads
are most of its time. Their answers can only change when something is committed, and SQLite says
when that happened: ``PRAGMA data_version`` on a connection changes whenever *another* connection
commits, whichever process it belongs to (the CLI, a second server, this server's own pool). A
connection of our own that never writes therefore sees every commit, and the cache is emptied as
soon as its number moves, before any answer is given from it.

Bounded: at most ``MAX_ENTRIES`` answers, and none holding more than ``MAX_ROWS`` sessions and
sets (a long history range is read afresh each time rather than kept).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path

from backcoach.core.records import History

MAX_ENTRIES = 16
MAX_ROWS = 5000


class CommitWatch:
    """Tells whether anything was committed to a SQLite file since it last looked."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        # Never creates the file (mode=rw); with a file it cannot open, nothing is cached.
        with contextlib.suppress(sqlite3.Error, OSError, ValueError):
            self._connection = sqlite3.connect(
                path.resolve().as_uri() + "?mode=rw", uri=True, isolation_level=None,
                check_same_thread=False, timeout=5,
            )  # fmt: skip

    def version(self) -> int | None:
        """A number that changes after every commit by another connection; None if unknown
        (the file cannot be read: then nothing is cached)."""
        with self._lock:
            if self._connection is None:
                return None
            try:
                row = self._connection.execute("PRAGMA data_version").fetchone()
            except sqlite3.Error:
                return None
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def _rows(history: History) -> int:
    return len(history.sessions) + sum(len(s.sets) for s in history.sessions)


class ReadCache:
    """Answers of ``read()`` by key, valid until the journal's next commit (see the module)."""

    def __init__(self, watch: CommitWatch | None) -> None:
        self._watch = watch
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, History] = OrderedDict()
        self._version: int | None = None

    def get(self, key: Hashable, read: Callable[[], History]) -> History:
        version = None if self._watch is None else self._watch.version()
        if version is None:
            return read()
        with self._lock:
            if version != self._version:  # something was committed: forget everything
                self._entries.clear()
                self._version = version
            kept = self._entries.get(key)
            if kept is not None:
                self._entries.move_to_end(key)
                return kept
        # Read after looking at the version: a commit meanwhile moves it, so this answer, even
        # if it already holds that commit, is dropped at the next look.
        answer = read()
        if _rows(answer) <= MAX_ROWS:
            with self._lock:
                if self._version == version:
                    self._entries[key] = answer
                    while len(self._entries) > MAX_ENTRIES:
                        self._entries.popitem(last=False)
        return answer

    def close(self) -> None:
        with self._lock:
            self._entries.clear()
        if self._watch is not None:
            self._watch.close()
