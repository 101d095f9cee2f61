"""Alembic environment for the journal.

Run programmatically by ``backcoach.storage.database.migrate`` with an open connection in
``config.attributes["connection"]``: no ``alembic.ini`` is needed at run time.

To change the schema: add ``versions/000N_what.py`` (copy the last one; set ``revision`` and
``down_revision``; never edit a released migration), change ``models.py`` to match, and bump
``SCHEMA_HEAD`` in ``database.py``. ``tests/storage/test_migrations.py`` fails until migrations,
models and ``SCHEMA_HEAD`` agree. Autogenerate a draft with
``alembic.command.revision(alembic_config(), "message", autogenerate=True)`` after setting
``config.attributes["connection"]`` to a connection on an up-to-date database.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from backcoach.storage.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set config.attributes['connection'] or sqlalchemy.url first")
    engine = create_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported")
run_migrations_online()
