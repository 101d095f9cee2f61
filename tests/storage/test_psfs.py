"""PSFS records in the real journal: stored, read back in order, deleted with their profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import func, inspect, select, text

from backcoach.core.psfs import make_psfs_record
from backcoach.storage import Journal
from backcoach.storage.database import alembic_config, make_engine, sqlite_url
from backcoach.storage.psfs import PsfsActivityRow, PsfsRow, add_psfs, psfs_records

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_records_round_trip_oldest_first(tmp_path: Path) -> None:
    later = make_psfs_record(AT + timedelta(days=7), [("Socks", 5), ("Sitting", 6), ("Lift", 1)])
    first = make_psfs_record(AT, [("Socks", 3)])
    with Journal.open(tmp_path) as journal:
        later_id = add_psfs(journal, "ann", later)
        first_id = add_psfs(journal, "ann", first)
        add_psfs(journal, "bob", make_psfs_record(AT, [("Running", 2)]))
    with Journal.open(tmp_path) as journal:
        records = psfs_records(journal, "ann")
        assert [r.id for r in records] == [first_id, later_id]
        assert records[1].activities == later.activities
        assert records[0].at == AT and records[0].at.tzinfo is not None
        assert psfs_records(journal, "nobody") == ()


def test_forgetting_a_profile_deletes_its_psfs(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        add_psfs(journal, "ann", make_psfs_record(AT, [("Socks", 3), ("Sitting", 4)]))
        add_psfs(journal, "bob", make_psfs_record(AT, [("Running", 2)]))
        journal.forget("ann")
        with journal.transaction() as session:
            assert session.scalar(select(func.count()).select_from(PsfsRow)) == 1
            assert session.scalar(select(func.count()).select_from(PsfsActivityRow)) == 1
        assert len(psfs_records(journal, "bob")) == 1


def test_a_0002_journal_upgrades_with_its_rows_intact(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "journal.sqlite3"))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    with engine.begin() as connection:
        assert "psfs" not in inspect(connection).get_table_names()
        connection.execute(text("INSERT INTO profiles (id, name) VALUES (1, 'ann')"))
    engine.dispose()
    with Journal.open(tmp_path) as journal:
        assert journal.profiles() == ["ann"]
        add_psfs(journal, "ann", make_psfs_record(AT, [("Socks", 3)]))
        assert len(psfs_records(journal, "ann")) == 1
