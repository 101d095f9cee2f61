"""A damaged database file gives a clear StorageError naming it, and is never modified."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backcoach.storage import Journal, StorageError


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(4096),
        b"my shopping list\nmilk\neggs\n",
        b"SQLite format 3\x00" + b"\xff" * 2000,  # right header, garbage after it
    ],
    ids=["random-bytes", "text-file", "damaged-after-header"],
)
def test_corrupt_file_is_reported_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(content)
    with pytest.raises(StorageError) as caught:
        Journal.open(tmp_path)
    message = str(caught.value)
    assert str(path) in message
    assert "damaged" in message
    assert "Traceback" not in message and "sqlalchemy" not in message.lower()
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.sqlite3"]


def test_data_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StorageError, match="data folder"):
        Journal.open(blocker)
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_unopenable_database_is_not_called_damaged(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-folder' / 'journal.sqlite3'}"
    with pytest.raises(StorageError, match="cannot open the journal") as caught:
        Journal.open(url=url)
    assert "damaged" not in str(caught.value)
    assert "unable to open database file" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql://ann:secret@localhost/backcoach", "postgresql://ann:***@localhost"),
        ("nonsense://x", "nonsense"),
        ("not a url", "<database URL>"),
    ],
)
def test_unusable_url_is_a_clear_error_without_the_password(url: str, words: str) -> None:
    with pytest.raises(StorageError, match="cannot use the database") as caught:
        Journal.open(url=url)
    assert words in str(caught.value)
    assert "secret" not in str(caught.value)
