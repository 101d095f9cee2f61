"""Safety records written off the event loop, retried until they are stored.

A sharp-pain stop, a pain score or a finished set must never be lost, and the server must keep
answering while another process (a CLI session, a backup tool) holds SQLite's write lock. Every
journal write of a running session therefore goes through one ``JournalWriter`` thread: writes
are applied in the order they were made; one that fails because the database is busy is tried
again with growing pauses until it succeeds. The person sees the stop advice at once either way.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from backcoach.storage import StorageError

_log = logging.getLogger("backcoach.web")
T = TypeVar("T")
_BUSY_WORDS = ("database is locked", "database is busy", "database table is locked")
_FIRST_PAUSE_S = 0.05
_LONGEST_PAUSE_S = 2.0


def is_busy(exc: BaseException) -> bool:
    """True when the journal is only busy (another writer holds the lock): worth retrying."""
    return isinstance(exc, StorageError) and any(w in str(exc).lower() for w in _BUSY_WORDS)


class JournalWriter:
    """One thread that applies journal writes in order, retrying while the database is busy."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="backcoach-writer", daemon=True)
        self._pending = 0
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()

    def start(self) -> None:
        self._thread.start()

    def submit(self, job: Callable[[], T]) -> Future[T]:
        """Queue ``job``; its future completes when it has been stored (or failed for good)."""
        future: Future[T] = Future()
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self._jobs.put((job, future))
        return future

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until every queued write is stored (so reads see them); False on timeout."""
        return self._idle.wait(timeout_s)

    @property
    def pending(self) -> int:
        return self._pending

    def close(self, timeout_s: float = 10.0) -> None:
        """Store what is queued (giving up after ``timeout_s``), then stop the thread."""
        self._jobs.put(None)
        self._thread.join(timeout_s)
        if self._pending:
            _log.error("%d journal writes could not be stored before shutdown", self._pending)

    def _run(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            job, future = item
            self._apply(job, future)
            with self._lock:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.set()

    def _apply(self, job: Callable[[], Any], future: Future[Any]) -> None:
        pause = _FIRST_PAUSE_S
        while True:
            try:
                result = job()
            except Exception as exc:  # any failure is reported to the caller
                if not is_busy(exc):
                    _log.exception("a journal write failed", exc_info=exc)
                    if not future.done():
                        future.set_exception(exc)
                    return
            else:
                if not future.done():  # nobody may be waiting any more; it is stored anyway
                    future.set_result(result)
                return
                time.sleep(pause)
                pause = min(_LONGEST_PAUSE_S, pause * 2)
