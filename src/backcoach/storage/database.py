"""Where the journal lives, how to connect to it, and bringing its schema up to date.

Nothing here runs at import time: engines are made by ``Journal.open``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from backcoach.storage.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

DATA_DIR_ENV = "BACKCOACH_DATA_DIR"
DATABASE_FILENAME = "journal.sqlite3"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration in migrations/versions; a test keeps the two in step. Knowing it without
# loading Alembic lets an up-to-date journal open fast.
SCHEMA_HEAD = "0007"
_VERSION_TABLE = "alembic_version"
_CORRUPTION_CODES = frozenset({"SQLITE_NOTADB", "SQLITE_CORRUPT"})
_CORRUPTION_WORDS = ("file is not a database", "database disk image is malformed")
_SQLITE_HEADER = b"SQLite format 3\x00"
_BUSY_TIMEOUT_MS = 5000  # another backcoach process (web + CLI) may hold the write lock briefly


def resolve_data_dir(option: Path | None) -> Path:
    """The data folder: the explicit option, else ``$BACKCOACH_DATA_DIR``, else the user's
    platform data folder (e.g. ``~/.local/share/backcoach`` on Linux)."""
    if option is not None:
        return Path(option).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("backcoach", appauthor=False))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not an SQLite database, before SQLite gets to touch it.

    An empty file is fine (SQLite treats it as a new database). Anything else without the SQLite
    header is left exactly as it is and reported, so a user's data is never overwritten.
    """
    if not path.exists():
        return
    if path.is_dir():
        raise StorageError(f"{path} is a folder, not a journal database file.")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(f"cannot read the journal database {path}: {exc.strerror}") from exc
    if header and header != _SQLITE_HEADER:
        raise StorageError(corrupt_message(path))


def corrupt_message(path: Path | str) -> str:
    return (
        f"the journal database {path} is damaged or is not a backcoach database. "
        "It was left untouched: move it aside (or restore a backup) and run backcoach again, "
        "or point --data-dir / $BACKCOACH_DATA_DIR at another folder."
    )


def describe_error(exc: SQLAlchemyError) -> str:
    """The driver's own short message (e.g. "database is locked"), without SQL or links."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return str(exc.orig)
    return str(exc).split("\n", 1)[0]


def is_corruption(exc: SQLAlchemyError) -> bool:
    """True when SQLite says the file is not (or no longer) a valid database.

    A locked database, a missing permission, a full disk or a refused row are other problems and
    are reported as such, not as damage.
    """
    if not isinstance(exc, DBAPIError) or exc.orig is None:
        return False
    code = getattr(exc.orig, "sqlite_errorname", "")
    if code in _CORRUPTION_CODES:
        return True
    return any(words in str(exc.orig) for words in _CORRUPTION_WORDS)


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for ``url``; for SQLite: WAL journal, foreign keys enforced, a busy timeout.

    ``read_only``: SQLite refuses every write (a damaged journal is only read and exported).
    """
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        if read_only:
            event.listen(engine, "connect", _sqlite_query_only)
    return engine


def _sqlite_query_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA query_only=ON")
    finally:
        cursor.close()


def passes_integrity_check(engine: Engine) -> bool:
    """SQLite's quick check of every page and index (other databases check themselves)."""
    if engine.dialect.name != "sqlite":
        return True
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("PRAGMA quick_check(1)")).scalars().all()
    except DBAPIError:
        return False
    return rows == ["ok"]


def damaged_message(path: Path | str) -> str:
    return (
        f"the journal {path} failed its integrity check, so it is open read-only: nothing new "
        "is written to it. Export what can be read (backcoach export), then move the file aside "
        "or restore a backup."
    )


def is_disk_full(exc: SQLAlchemyError) -> bool:
    return "disk is full" in describe_error(exc).lower()


DISK_FULL_MESSAGE = (
    "the disk is full, so nothing was saved. Free some space on this computer and try again."
)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def alembic_config() -> Config:
    """An in-memory Alembic configuration pointing at the migrations inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return config


def head_revision() -> str:
    """The newest revision among the migration scripts (tests check it equals SCHEMA_HEAD)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships at least one migration"
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, or None for a new, empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(_VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalar()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` (default: the newest this package knows).

    Up-to-date databases (the common case) skip loading Alembic, which keeps each CLI command
    quick. A database written by a newer backcoach (an unknown revision) is refused, not guessed.
    """
    current = current_revision(engine)
    if revision == "head" and current == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    known = {script.revision for script in scripts.walk_revisions()}
    if current is not None and current not in known:
        raise StorageError(
            f"the journal database was written by a newer backcoach (schema {current}); "
            "upgrade backcoach to open it."
        )
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
