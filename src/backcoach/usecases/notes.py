"""Dated notes in the journal ("stiff after driving"): the same rules in the CLI and the web."""

from __future__ import annotations

from datetime import datetime

from backcoach.core.records import MAX_TEXT_CHARS, Note
from backcoach.storage import Journal

MAX_NOTE_CHARS = MAX_TEXT_CHARS


class NoteError(ValueError):
    """An empty or too long note."""


def add_note(journal: Journal, profile: str, text: str, now: datetime) -> Note:
    """Store a note; control characters other than line breaks and tabs are dropped."""
    text = "".join(c for c in text if c in "\n\t" or c.isprintable()).strip()
    if not text:
        raise NoteError("the note is empty; write something to keep")
    if len(text) > MAX_NOTE_CHARS:
        raise NoteError(f"the note has {len(text)} characters; at most {MAX_NOTE_CHARS} fit")
    note = Note(at=now, text=text)
    journal.add_note(profile, note)
    return note
