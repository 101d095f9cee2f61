"""A journal that fails its integrity check is read-only everywhere (issue 12, point 5)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backcoach.core.records import Note
from backcoach.storage import Journal, StorageError
from backcoach.web.server import BackgroundServer, browser_client
from backcoach.web.settings import WebSettings

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _damaged(folder: Path) -> Path:
    """A journal whose last pages (the notes) are overwritten, with a readable schema."""
    with Journal.open(folder) as journal:
        journal.ensure_profile("default")
        for n in range(400):
            journal.add_note("default", Note(at=T0 + timedelta(minutes=n), text="x" * 300))
        path = journal.path
    assert path is not None
    with path.open("r+b") as handle:  # WAL checkpointed on close: the pages are in the file
        size = handle.seek(0, os.SEEK_END)
        handle.seek(size - 3 * 4096)
        handle.write(os.urandom(2 * 4096))
    return path


def test_a_damaged_journal_opens_read_only(tmp_path: Path) -> None:
    path = _damaged(tmp_path)
    before = path.read_bytes()
    with Journal.open(tmp_path) as journal:
        assert journal.damaged
        with pytest.raises(StorageError, match="read-only"):
            journal.add_note("default", Note(at=T0, text="one more"))
        with pytest.raises(StorageError, match="read-only"):
            journal.set_setting("default", "time_zone", "UTC")
    assert path.read_bytes() == before  # nothing was written into it


def test_cli_and_web_refuse_to_write_into_a_damaged_journal(tmp_path: Path) -> None:
    path = _damaged(tmp_path / "data")
    before = path.read_bytes()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env["BACKCOACH_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run([sys.executable, "-m", "backcoach", "note", "hello"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "read-only" in result.stderr
    assert "Traceback" not in result.stderr
    settings = WebSettings(data_dir=tmp_path / "data", pose_backend="none")
    with BackgroundServer(settings) as server, browser_client(server.url) as http:
        refused = http.post("/notes", data={"text": "hello"}, headers={"Origin": server.url})
        assert refused.status_code == 503 and "read-only" in refused.text
    assert path.read_bytes() == before
