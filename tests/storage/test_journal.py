"""The journal and snapshots: entries come back exactly, in order, streamed; three snapshots."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tokenpit.storage import SNAPSHOTS_KEPT, JournalEntry, Snapshot, SqliteStore
from tokenpit.storage.schema import MIGRATIONS
from tokenpit.testing.events import journal_entry


def test_journal_after_yields_the_entries_above_a_sequence_in_order(store: SqliteStore) -> None:
    store.commit([journal_entry(1), journal_entry(2)], [])
    store.commit([journal_entry(5), journal_entry(9)], [])

    assert [entry.seq for entry in store.journal_after(0)] == [1, 2, 5, 9]
    assert list(store.journal_after(2)) == [journal_entry(5), journal_entry(9)]
    assert list(store.journal_after(9)) == []
    assert store.last_seq() == 9


def test_an_empty_journal_has_sequence_zero(store: SqliteStore) -> None:
    assert store.last_seq() == 0
    assert list(store.journal_after(0)) == []


def test_command_bytes_come_back_unchanged(store: SqliteStore) -> None:
    odd = bytes(range(256))
    store.commit([JournalEntry(1, 123, odd), JournalEntry(2, 124, b"")], [])

    assert list(store.journal_after(0)) == [JournalEntry(1, 123, odd), JournalEntry(2, 124, b"")]


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 7, 1024])
def test_journal_after_reads_in_chunks_and_misses_no_boundary(
    db_path: Path, chunk_rows: int
) -> None:
    with SqliteStore(db_path, journal_chunk_rows=chunk_rows) as store:
        store.migrate()
        store.commit([journal_entry(seq) for seq in range(1, 15)], [])

        assert [entry.seq for entry in store.journal_after(0)] == list(range(1, 15))
        assert [entry.seq for entry in store.journal_after(6)] == list(range(7, 15))


def test_journal_after_streams_rather_than_loading_everything(db_path: Path) -> None:
    with SqliteStore(db_path, journal_chunk_rows=2) as store:
        store.migrate()
        store.commit([journal_entry(seq) for seq in range(1, 6)], [])

        entries = store.journal_after(0)
        assert next(entries).seq == 1

        # What is committed while a replay is under way comes after what was there.
        store.commit([journal_entry(6)], [])
        assert [entry.seq for entry in entries] == [2, 3, 4, 5, 6]


def test_a_new_snapshot_is_the_last_and_only_the_newest_are_kept(db_path: Path) -> None:
    taken = iter(range(100, 200))
    with SqliteStore(db_path, clock_ns=lambda: next(taken)) as store:
        store.migrate()
        assert store.last_snapshot() is None

        for seq in (10, 20, 30, 40, 50):
            store.save_snapshot(Snapshot(seq, b"state %d" % seq))
            assert store.last_snapshot() == Snapshot(seq, b"state %d" % seq)

    with SqliteStore(db_path) as reopened:
        assert reopened.last_snapshot() == Snapshot(50, b"state 50")
    connection = sqlite3.connect(db_path)
    rows = connection.execute("SELECT seq, taken_ns FROM snapshots ORDER BY seq").fetchall()
    connection.close()
    # Each migration read the clock once before the snapshots did.
    first = 100 + len(MIGRATIONS)
    assert rows == [(30, first + 2), (40, first + 3), (50, first + 4)]
    assert len(rows) == SNAPSHOTS_KEPT


def test_an_older_snapshot_saved_late_does_not_replace_the_newest(store: SqliteStore) -> None:
    store.save_snapshot(Snapshot(20, b"new"))
    store.save_snapshot(Snapshot(10, b"old"))
    store.save_snapshot(Snapshot(20, b"again"))

    assert store.last_snapshot() == Snapshot(20, b"again")
