"""Shared state of one CLI invocation: the global options, the catalog and the open journal.

The journal is opened lazily, so commands that need no database (``exercises``) never create one,
and closed once when the command ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from backcoach.core.catalog import Catalog, load_catalog

if TYPE_CHECKING:
    from backcoach.storage import Journal


@dataclass
class AppContext:
    """What every command receives: global options plus lazily opened resources."""

    data_dir: Path | None
    profile: str
    catalog_dir: Path | None
    console: Console = field(default_factory=lambda: Console(highlight=False))
    _catalog: Catalog | None = None
    _journal: Journal | None = None

    def catalog(self) -> Catalog:
        """The exercise catalog (shipped, or ``--catalog-dir`` / ``$BACKCOACH_CATALOG_DIR``)."""
        if self._catalog is None:
            self._catalog = load_catalog(self.catalog_dir)
        return self._catalog

    def journal(self) -> Journal:
        """The open journal (profiles are created by their first write)."""
        if self._journal is None:
            from backcoach.storage import Journal  # deferred: SQLAlchemy is slow to import

            self._journal = Journal.open(self.data_dir)
        return self._journal

    def has_journal(self) -> bool:
        """Whether a journal file exists: commands that only look must not create one."""
        from backcoach.storage.database import DATABASE_FILENAME, resolve_data_dir

        return self._journal is not None or (
            resolve_data_dir(self.data_dir) / DATABASE_FILENAME).exists()

    def zone(self) -> tzinfo:
        """The person's time zone: the profile's (learned by the web app), else the system's."""
        from backcoach.localtime import profile_zone

        return profile_zone(self.journal().get_settings(self.profile)
                            if self.has_journal() else {})  # fmt: skip

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None


def get_context(ctx: typer.Context) -> AppContext:
    """The ``AppContext`` stored by the app callback on the root click context."""
    obj = ctx.find_root().obj
    if not isinstance(obj, AppContext):  # only when a command is invoked outside the app
        raise RuntimeError("backcoach command run without the app callback")
    return obj


def utc_now() -> datetime:
    """The wall clock, read only in adapters (the core is always given the time)."""
    return datetime.now(UTC)
