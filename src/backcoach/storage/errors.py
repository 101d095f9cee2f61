"""Storage errors: one base class the CLI and web catch to show a clear message, never a trace."""

from __future__ import annotations


class StorageError(Exception):
    """The journal cannot be read or written; the message says what to do about it."""


class UnknownProfileError(StorageError):
    """A profile name that has no data in this journal."""


class UnknownRecordError(StorageError):
    """A session or screening id that does not exist or belongs to another profile."""


class ImportFormatError(StorageError):
    """Data given to ``import_json`` is not a valid backcoach journal export."""


class ProfileExistsError(StorageError):
    """Importing would overwrite an existing profile; pass another name instead."""
