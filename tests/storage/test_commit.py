"""commit: durable across reopening, atomic when any part of the batch fails."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tokenpit.core.events import AnyEvent
from tokenpit.storage import JournalEntry, SqliteStore, StoreError
from tokenpit.testing.events import (
    account_opened,
    balance_changed,
    journal_entry,
    order_updated,
    trade_executed,
    transfer_posted,
)


def batch(seq: int) -> tuple[list[JournalEntry], list[AnyEvent]]:
    """Return one command's entry and the events of a filled bid by account 1."""
    events: list[AnyEvent] = [
        order_updated(seq, 1, seq, status="filled", filled_lots=1, remaining_lots=0),
        trade_executed(seq, 1, 2, seq),
        balance_changed(1, 1_000_000 - seq, seq=seq),
    ]
    return [journal_entry(seq)], events


def test_a_new_store_on_the_same_file_sees_what_was_committed(db_path: Path) -> None:
    with SqliteStore(db_path) as store:
        store.migrate()
        store.commit([], [account_opened(1)])
        for seq in (1, 2, 3):
            store.commit(*batch(seq))

        # Another store object, as another process would open it, before the first closes.
        with SqliteStore(db_path) as peer:
            assert peer.last_seq() == 3

    with SqliteStore(db_path) as reopened:
        reopened.migrate()
        assert list(reopened.journal_after(0)) == [journal_entry(seq) for seq in (1, 2, 3)]
        assert [row["order_id"] for row in reopened.orders(1)] == [3, 2, 1]
        assert [row["trade_id"] for row in reopened.trades()] == [3, 2, 1]
        account = reopened.account(1)
        assert account is not None
        assert account["cash_micros"] == 999_997


def test_a_failed_projection_leaves_nothing_of_the_batch(store: SqliteStore) -> None:
    store.commit(*batch(1))
    entries = [journal_entry(2), journal_entry(3)]
    events: list[AnyEvent] = [
        order_updated(2, 1, 2),
        transfer_posted(2, 0, 1, 500, seq=2),
        trade_executed(1, 1, 2, 3),  # trade 1 exists already
    ]

    with pytest.raises(StoreError, match=r"journal seq 2\.\.3 failed .*trades\.trade_id"):
        store.commit(entries, events)

    assert list(store.journal_after(0)) == [journal_entry(1)]
    assert store.last_seq() == 1
    assert [row["order_id"] for row in store.orders(1)] == [1]
    assert store.ledger(1) == []

    # The store keeps working: the core may decide what to do next.
    store.commit(*batch(2))
    assert store.last_seq() == 2


def test_a_duplicate_sequence_number_is_refused_whole(store: SqliteStore) -> None:
    store.commit(*batch(1))

    with pytest.raises(StoreError, match=r"UNIQUE constraint failed: journal\.seq"):
        store.commit([journal_entry(2), journal_entry(1)], [order_updated(9, 1, 2)])

    assert store.last_seq() == 1
    assert [row["order_id"] for row in store.orders(1)] == [1]


def test_an_event_no_read_model_knows_rolls_the_batch_back(store: SqliteStore) -> None:
    stray: AnyEvent = "not an event"  # type: ignore[assignment]

    with pytest.raises(TypeError, match="cannot project event 'not an event'"):
        store.commit([journal_entry(1)], [stray])

    assert store.last_seq() == 0


def test_an_empty_batch_changes_nothing(store: SqliteStore) -> None:
    store.commit([], [])

    assert store.last_seq() == 0


def test_commit_after_close_fails(db_path: Path) -> None:
    store = SqliteStore(db_path)
    store.migrate()
    store.close()

    with pytest.raises(StoreError, match="the store is closed"):
        store.commit(*batch(1))
    with pytest.raises(StoreError, match="the store is closed"):
        store.last_seq()


def test_the_file_is_in_wal_mode_so_readers_never_block_the_writer(db_path: Path) -> None:
    with SqliteStore(db_path) as store:
        store.migrate()

    connection = sqlite3.connect(db_path)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()


def test_an_empty_path_is_refused() -> None:
    with pytest.raises(ValueError, match="path is empty"):
        SqliteStore("")
