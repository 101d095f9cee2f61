"""Migrations build the schema from nothing and upgrade an older, populated database in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from backcoach.storage import Journal, StorageError
from backcoach.storage.database import (
    SCHEMA_HEAD,
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    sqlite_url,
)
from backcoach.storage.models import Base

# SQLAlchemy cannot reflect an index on an expression (0008's) and says so; the index is checked
# by the query plan that uses it in ``test_migrations_match_the_models``.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index"),
    pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based"),
]


def test_empty_folder_is_migrated_to_head(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        assert current_revision(journal.engine) == head_revision() == SCHEMA_HEAD
        tables = set(inspect(journal.engine).get_table_names())
    expected = {
        "profiles",
        "sessions",
        "sets",
        "screenings",
        "screening_answers",
        "checkins",
        "plan_changes",
        "disclaimer_acks",
        "notes",
        "psfs",
        "psfs_activities",
        "profile_settings",
        "sharp_pain_events",
        "professional_advice",
        "alembic_version",
    }
    assert tables == expected


def test_empty_existing_file_is_treated_as_new(tmp_path: Path) -> None:
    (tmp_path / "journal.sqlite3").touch()
    with Journal.open(tmp_path) as journal:
        assert current_revision(journal.engine) == head_revision()


def test_migrations_match_the_models(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal, journal.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT max(coalesce(stop_at, started_at)) FROM sessions "
            "WHERE profile_id = 1 AND outcome = 'sharp_pain'"
        ).all()
        assert "ix_sessions_profile_outcome_end" in str(plan)


def test_populated_database_at_0001_upgrades_with_rows_intact(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    engine = make_engine(sqlite_url(path))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with engine.begin() as connection:
        assert "notes" not in inspect(connection).get_table_names()
        connection.execute(text("INSERT INTO profiles (id, name) VALUES (1, 'ann')"))
        connection.execute(
            text(
                "INSERT INTO sessions (id, profile_id, started_at, outcome, pain_before) "
                "VALUES (7, 1, '2026-01-05 08:00:00.000000', 'completed', 3)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO sets (session_id, exercise_id, reps, hold_s, started_at, ended_at, "
                "side, source) VALUES (7, 'hip-flexor-stretch', 4, 20.5, "
                "'2026-01-05 08:01:00.000000', '2026-01-05 08:03:00.000000', 'left', 'manual')"
            )
        )
    engine.dispose()

    with Journal.open(tmp_path) as journal:
        assert current_revision(journal.engine) == head_revision()
        (session,) = journal.history("ann").sessions
        assert session.id == 7
        assert session.pain_before == 3
        assert session.started_at.isoformat() == "2026-01-05T08:00:00+00:00"
        assert [(s.exercise_id, s.side, s.hold_s) for s in session.sets] == [
            ("hip-flexor-stretch", "left", 20.5)
        ]
        indexes = {i["name"] for i in inspect(journal.engine).get_indexes("sessions")}
        assert "ix_sessions_profile_started" in indexes


def test_database_from_a_newer_backcoach_is_refused_untouched(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal, journal.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    before = (tmp_path / "journal.sqlite3").read_bytes()
    with pytest.raises(StorageError, match="newer backcoach"):
        Journal.open(tmp_path)
    assert (tmp_path / "journal.sqlite3").read_bytes() == before


def test_migrating_twice_is_a_no_op(tmp_path: Path) -> None:
    Journal.open(tmp_path).close()
    Journal.open(tmp_path).close()
    engine = create_engine(sqlite_url(tmp_path / "journal.sqlite3"))
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    engine.dispose()
    assert rows == [(SCHEMA_HEAD,)]


def test_schema_head_constant_names_the_newest_migration() -> None:
    # SCHEMA_HEAD lets an up-to-date journal open without loading Alembic: a new migration
    # must bump it, or databases would silently stay at the old schema.
    assert head_revision() == SCHEMA_HEAD


def test_populated_database_at_0006_gains_range_of_movement_as_null(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    engine = make_engine(sqlite_url(path))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
    with engine.begin() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("sets")}
        assert "range_deg" not in columns
        connection.execute(text("INSERT INTO profiles (id, name) VALUES (1, 'ann')"))
        connection.execute(text(
            "INSERT INTO sessions (id, profile_id, started_at, outcome) "
            "VALUES (3, 1, '2026-01-05 08:00:00.000000', 'completed')"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO sets (session_id, exercise_id, reps, hold_s, started_at, ended_at, "
            "source, quality, full_reps) VALUES (3, 'knee-to-chest', 5, 10.0, "
            "'2026-01-05 08:01:00.000000', '2026-01-05 08:03:00.000000', 'camera', 0.9, 5)"
        ))  # fmt: skip
    engine.dispose()

    with Journal.open(tmp_path) as journal:
        assert current_revision(journal.engine) == SCHEMA_HEAD
        ((one,),) = [s.sets for s in journal.history("ann").sessions]
        assert (one.reps, one.quality, one.range_deg) == (5, 0.9, None)
