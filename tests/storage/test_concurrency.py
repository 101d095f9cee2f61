"""The web app and the CLI may write to one journal at once: nothing is lost, nothing fails."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backcoach.core.records import Note
from backcoach.storage import Journal

T = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
THREADS = 6
NOTES_EACH = 15


def test_threads_and_two_handles_write_the_same_new_profile(tmp_path: Path) -> None:
    web, cli = Journal.open(tmp_path), Journal.open(tmp_path)
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def write(worker: int) -> None:
        journal = web if worker % 2 else cli
        start.wait()
        try:
            for n in range(NOTES_EACH):
                at = T + timedelta(seconds=worker * 100 + n)
                journal.add_note("ann", Note(at=at, text=f"{worker}-{n}"))
                journal.history("ann")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    workers = [threading.Thread(target=write, args=(w,)) for w in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    try:
        assert errors == []
        assert web.profiles() == ["ann"]
        assert len(cli.history("ann").notes) == THREADS * NOTES_EACH
    finally:
        web.close()
        cli.close()
