"""RowStatement: rows go in several per step, in their order, whatever their number."""

from __future__ import annotations

import sqlite3

import pytest

from tokenpit.storage.batching import MAX_VALUES_PER_STEP, RowStatement


@pytest.fixture
def connection() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute("CREATE TABLE pairs (position INTEGER PRIMARY KEY, a, b)")
    return connection


@pytest.mark.parametrize("count", [0, 1, 7, 8, 9, 16, 17, 332, 333, 334, 700])
def test_every_row_is_written_once_in_order(connection: sqlite3.Connection, count: int) -> None:
    statement = RowStatement("INSERT INTO pairs (a, b) VALUES", "(?, ?)", 2)
    rows = [(n, f"row {n}") for n in range(count)]

    statement.run(connection.cursor(), rows)

    assert connection.execute("SELECT a, b FROM pairs ORDER BY position").fetchall() == rows


@pytest.mark.parametrize("count", [1, 9, 300])
def test_numbered_rows_write_several_rows_per_value_tuple(
    connection: sqlite3.Connection, count: int
) -> None:
    statement = RowStatement("INSERT INTO pairs (a, b) VALUES", "(?1, -?2), (?2, ?1)", 2)
    values = [(n, 1_000 + n) for n in range(count)]

    statement.run(connection.cursor(), values)

    expected = [row for a, b in values for row in ((a, -b), (b, a))]
    assert connection.execute("SELECT a, b FROM pairs ORDER BY position").fetchall() == expected


def test_upserts_in_one_step_apply_in_order(connection: sqlite3.Connection) -> None:
    statement = RowStatement(
        "INSERT INTO pairs (position, a) VALUES",
        "(?, ?)",
        2,
        "ON CONFLICT (position) DO UPDATE SET a = excluded.a",
    )

    statement.run(connection.cursor(), [(n % 3, n) for n in range(20)])

    assert connection.execute("SELECT position, a FROM pairs ORDER BY position").fetchall() == [
        (0, 18),
        (1, 19),
        (2, 17),
    ]


def test_wide_rows_run_where_a_statement_binds_at_most_999_values() -> None:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, MAX_VALUES_PER_STEP)
    columns = [f"c{n}" for n in range(30)]
    connection.execute(f"CREATE TABLE wide ({', '.join(columns)})")
    statement = RowStatement("INSERT INTO wide VALUES", f"({', '.join('?' * 30)})", 30)
    rows = [tuple(range(n, n + 30)) for n in range(400)]

    statement.run(connection.cursor(), rows)

    assert connection.execute("SELECT * FROM wide ORDER BY rowid").fetchall() == rows
