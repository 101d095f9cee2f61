"""Reads kept until the next commit: a commit by anyone (this journal, another handle, another
process) is seen by the very next read; the cache stays small."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backcoach.core.records import History, Note, SessionOutcome, SessionRecord
from backcoach.storage import Journal, readcache
from backcoach.storage.readcache import ReadCache

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
SINCE = NOW - timedelta(days=30)


def _session(at: datetime) -> SessionRecord:
    return SessionRecord(started_at=at, outcome=SessionOutcome.COMPLETED, pain_before=2)


def _reads(journal: Journal) -> int:
    return len(journal.recent_history("p", SINCE).sessions)


def test_every_commit_is_seen_by_the_next_read(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal, Journal.open(tmp_path) as other:
        journal.add_session("p", _session(NOW - timedelta(days=1)))
        assert _reads(journal) == 1
        journal.add_session("p", _session(NOW - timedelta(hours=5)))  # this handle
        assert _reads(journal) == 2
        other.add_session("p", _session(NOW - timedelta(hours=4)))  # another handle
        assert _reads(journal) == 3
        code = (  # another process, with the standard library only
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "c.execute(\"delete from sessions\"); c.commit()"
        )
        subprocess.run([sys.executable, "-c", code, str(journal.path)], check=True)
        assert _reads(journal) == 0
        journal.add_note("p", Note(at=NOW, text="after"))
        assert [n.text for n in journal.recent_history("p", SINCE).notes] == ["after"]
        assert journal.habit_history("p", SINCE).sessions == ()


class _Counting:
    def __init__(self, history: History) -> None:
        self.history, self.calls = history, 0

    def __call__(self) -> History:
        self.calls += 1
        return self.history


def test_answers_are_kept_between_commits_and_the_cache_is_bounded(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        journal.add_note("p", Note(at=NOW, text="x"))
        assert journal.path is not None
        cache = ReadCache(readcache.CommitWatch(journal.path))
        small = _Counting(History(sessions=(_session(NOW),)))
        assert cache.get("a", small) is cache.get("a", small) and small.calls == 1
        for n in range(readcache.MAX_ENTRIES):  # pushes "a" out
            cache.get(n, _Counting(History()))
        cache.get("a", small)
        assert small.calls == 2
        journal.add_note("p", Note(at=NOW, text="y"))
        cache.get("a", small)
        assert small.calls == 3
        many = (_session(NOW),) * (readcache.MAX_ROWS + 1)
        big = _Counting(History(sessions=many))
        cache.get("big", big)
        cache.get("big", big)
        assert big.calls == 2  # too big to keep
        cache.close()


def test_without_a_sqlite_file_nothing_is_kept() -> None:
    cache = ReadCache(None)
    counting = _Counting(History())
    cache.get("a", counting)
    cache.get("a", counting)
    assert counting.calls == 2


@pytest.mark.parametrize("hours", [0, 1])
def test_a_longer_window_gives_the_same_decision(tmp_path: Path, hours: int) -> None:
    """The web rounds the window's start down to the hour: more history, same answer."""
    from backcoach.core.safety import load_disclaimer, load_screening, session_decision
    from backcoach.storage.sample import sample_history

    history = sample_history(300, NOW, seed=3)
    with Journal.open(tmp_path) as journal:
        journal.add_history("p", history)
        since = NOW - timedelta(days=33, minutes=17)
        exact = journal.recent_history("p", since)
        rounded = journal.recent_history("p", since - timedelta(hours=hours, minutes=17))
    args = (load_screening(), load_disclaimer(), NOW)
    assert session_decision(exact, *args) == session_decision(rounded, *args)
