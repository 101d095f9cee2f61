"""Killing the process mid-session loses nothing already committed (issue 2, item 6)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from backcoach.core.records import SessionOutcome
from backcoach.storage import Journal

CHILD = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime, timedelta
    from pathlib import Path
    from backcoach.core.records import SessionOutcome, SessionRecord, SetRecord, Side
    from backcoach.storage import Journal

    t0 = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    journal = Journal.open(Path(sys.argv[1]))
    session_id = journal.start_session(
        "ann", SessionRecord(started_at=t0, outcome=SessionOutcome.IN_PROGRESS, pain_before=3)
    )
    for n, side in enumerate([Side.LEFT, Side.RIGHT, None]):
        start = t0 + timedelta(minutes=n)
        journal.add_set(session_id, SetRecord("hip-flexor-stretch", 4, 20.0 + n, start,
                                              start + timedelta(seconds=50), side=side))
    print("SETS-COMMITTED", session_id, flush=True)
    time.sleep(120)  # the journal is still open, mid-session, when the test kills us
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sets_survive_a_sigkill_mid_session(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        marker = child.stdout.readline().split()
        assert marker[:1] == ["SETS-COMMITTED"], child.stderr.read() if child.stderr else ""
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()

    with Journal.open(tmp_path) as journal:
        (session,) = journal.history("ann").sessions
    assert session.id == int(marker[1])
    assert session.outcome is SessionOutcome.IN_PROGRESS
    assert session.pain_before == 3
    assert [(s.side, s.hold_s) for s in session.sets] == [
        ("left", 20.0),
        ("right", 21.0),
        (None, 22.0),
    ]
