"""The pain journal on SQLite (or any SQLAlchemy database), with Alembic migrations.

Public API (see docs/contracts.md): ``Journal``, ``resolve_data_dir``, ``StorageError`` and its
subclasses, and the exchange functions ``export_json``, ``export_csv``, ``import_json``.
"""

from backcoach.storage.database import resolve_data_dir
from backcoach.storage.errors import (
    ImportFormatError,
    ProfileExistsError,
    StorageError,
    UnknownProfileError,
    UnknownRecordError,
)
from backcoach.storage.exchange import export_csv, export_json, import_json
from backcoach.storage.journal import Journal
from backcoach.storage.psfs import add_psfs, psfs_records  # also registers its tables

__all__ = [
    "ImportFormatError",
    "Journal",
    "ProfileExistsError",
    "StorageError",
    "UnknownProfileError",
    "UnknownRecordError",
    "add_psfs",
    "export_csv",
    "export_json",
    "import_json",
    "psfs_records",
    "resolve_data_dir",
]
