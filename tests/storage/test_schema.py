"""Migrations: applied once, in order, each in its own transaction."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tokenpit.storage import SqliteStore
from tokenpit.storage.schema import MIGRATIONS, migrate, schema_version


def clock() -> int:
    return 42


def tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def test_migrate_creates_every_table_and_records_the_version(db_path: Path) -> None:
    with SqliteStore(db_path, clock_ns=clock) as store:
        assert store.schema_version() == 0
        store.migrate()
        assert store.schema_version() == len(MIGRATIONS)

    connection = sqlite3.connect(db_path)
    assert tables(connection) >= {
        "schema_version", "journal", "snapshots", "accounts", "endpoints", "instruments",
        "orders", "trades", "lots", "ledger",
    }  # fmt: skip
    rows = connection.execute("SELECT version, applied_ns FROM schema_version").fetchall()
    assert rows == [(version, 42) for version in range(1, len(MIGRATIONS) + 1)]
    connection.close()


def test_migrate_twice_changes_nothing(db_path: Path) -> None:
    with SqliteStore(db_path) as store:
        store.migrate()
    before = sqlite3.connect(db_path).execute("SELECT * FROM sqlite_master").fetchall()

    with SqliteStore(db_path) as store:
        store.migrate()
        store.migrate()
        assert store.schema_version() == len(MIGRATIONS)
    after = sqlite3.connect(db_path).execute("SELECT * FROM sqlite_master").fetchall()
    assert after == before


def test_migrations_apply_in_order_and_a_failed_one_leaves_the_version_before_it() -> None:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    first = ("CREATE TABLE things (thing_id INTEGER PRIMARY KEY)",)
    second = ("ALTER TABLE things ADD COLUMN name TEXT",)
    broken = ("ALTER TABLE things ADD COLUMN size INTEGER", "ALTER TABLE nowhere ADD COLUMN x")

    assert migrate(connection, clock, (first,)) == 1
    with pytest.raises(sqlite3.OperationalError, match="nowhere"):
        migrate(connection, clock, (first, second, broken))

    # The second migration stays applied; the broken one left no column behind.
    assert schema_version(connection) == 2
    columns = [row[1] for row in connection.execute("PRAGMA table_info(things)")]
    assert columns == ["thing_id", "name"]
    assert not connection.in_transaction


def test_a_database_newer_than_the_program_is_refused() -> None:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    migrate(connection, clock, (("CREATE TABLE a (x)",), ("CREATE TABLE b (x)",)))

    with pytest.raises(RuntimeError, match="schema version 2 is newer than this program knows"):
        migrate(connection, clock, (("CREATE TABLE a (x)",),))
