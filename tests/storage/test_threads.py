"""Reads from other threads while the writer commits: no errors, only whole batches seen."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tokenpit.core.events import AnyEvent
from tokenpit.storage import JournalEntry, SqliteStore, StoreError
from tokenpit.testing.events import balance_changed, journal_entry, order_updated, trade_executed

BATCHES = 300
ORDERS_PER_BATCH = 3


@pytest.fixture(params=["file", "memory"])
def any_store(request: pytest.FixtureRequest, db_path: Path) -> Iterator[SqliteStore]:
    with SqliteStore(db_path if request.param == "file" else ":memory:") as store:
        store.migrate()
        yield store


def batch(seq: int) -> tuple[list[JournalEntry], list[AnyEvent]]:
    """Return command `seq`: three orders and a trade for account 1, and its cash set to seq."""
    first = (seq - 1) * ORDERS_PER_BATCH + 1
    events: list[AnyEvent] = [
        order_updated(order_id, 1, seq) for order_id in range(first, first + ORDERS_PER_BATCH)
    ]
    events += [trade_executed(seq, 1, 2, seq), balance_changed(1, seq, seq=seq)]
    return [journal_entry(seq)], events


def check_a_consistent_prefix(store: SqliteStore, seen_seq: int) -> int:
    """Read everything once; each read must show whole batches, never fewer than seen."""
    seq = store.last_seq()
    assert seq >= seen_seq

    order_ids = [row["order_id"] for row in store.orders(1, limit=1000)]
    batches = len(order_ids) // ORDERS_PER_BATCH
    assert order_ids == list(range(batches * ORDERS_PER_BATCH, 0, -1))
    assert batches >= seq

    trade_ids = [row["trade_id"] for row in store.trades(account_id=1, limit=1000)]
    assert trade_ids == list(range(len(trade_ids), 0, -1))
    assert len(trade_ids) >= batches

    journal = [entry.seq for entry in store.journal_after(0)]
    assert journal == list(range(1, len(journal) + 1))
    assert len(journal) >= len(trade_ids)
    return seq


def test_a_reader_thread_sees_whole_batches_while_the_writer_commits(
    any_store: SqliteStore,
) -> None:
    done = threading.Event()
    failures: list[BaseException] = []

    def read() -> None:
        seen = 0
        try:
            while not done.is_set():
                seen = check_a_consistent_prefix(any_store, seen)
            assert check_a_consistent_prefix(any_store, seen) == BATCHES
        except BaseException as failure:  # noqa: BLE001 (reported by the test below)
            failures.append(failure)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for seq in range(1, BATCHES + 1):
            any_store.commit(*batch(seq))
    finally:
        done.set()
        reader.join()

    assert failures == []


def test_many_threads_read_at_once(db_path: Path) -> None:
    with SqliteStore(db_path) as store:
        store.migrate()
        for seq in range(1, 21):
            store.commit(*batch(seq))

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _: check_a_consistent_prefix(store, 20), range(64)))

    assert results == [20] * 64


def test_reads_fail_clearly_after_close_in_every_thread(db_path: Path) -> None:
    store = SqliteStore(db_path)
    store.migrate()
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(store.last_seq).result() == 0
        store.close()

        with pytest.raises(StoreError, match="the store is closed"):
            pool.submit(store.last_seq).result()
    with pytest.raises(StoreError, match="the store is closed"):
        store.orders(1)


def test_read_connections_find_a_file_whose_path_needs_quoting(tmp_path: Path) -> None:
    directory = tmp_path / "odd dir ?#%&=mode=rw"
    directory.mkdir()
    with SqliteStore(directory / "x.db") as store:
        store.migrate()
        store.commit(*batch(1))

        assert check_a_consistent_prefix(store, 1) == 1
