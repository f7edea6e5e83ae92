"""Read models: pages newest first, filters, and trades seen from one account."""

from __future__ import annotations

import pytest

from tokenpit.core.events import AnyEvent
from tokenpit.storage import MAX_PAGE_ROWS, SqliteStore
from tokenpit.testing.events import (
    INSTRUMENT,
    journal_entry,
    lot_updated,
    order_updated,
    trade_executed,
    transfer_posted,
    ts_at,
)

LATER = "CHAT-A.2026-12-03T15"


def ids(rows: list[dict[str, object]], key: str) -> list[object]:
    return [row[key] for row in rows]


@pytest.fixture
def orders_store(store: SqliteStore) -> SqliteStore:
    """Orders 1..30: account 1 owns the odd ones, account 2 the even ones; every third is
    cancelled, and orders above 20 trade the later instrument."""
    events: list[AnyEvent] = [
        order_updated(
            order_id,
            1 + (order_id + 1) % 2,
            order_id,
            instrument=LATER if order_id > 20 else INSTRUMENT,
            status="cancelled" if order_id % 3 == 0 else "open",
        )
        for order_id in range(1, 31)
    ]
    store.commit([journal_entry(seq) for seq in range(1, 31)], events)
    return store


def test_orders_come_newest_first_in_pages(orders_store: SqliteStore) -> None:
    first = orders_store.orders(1, limit=6)
    second = orders_store.orders(1, limit=6, before_id=first[-1]["order_id"])

    assert ids(first, "order_id") == [29, 27, 25, 23, 21, 19]
    assert ids(second, "order_id") == [17, 15, 13, 11, 9, 7]
    assert ids(orders_store.orders(1, before_id=1), "order_id") == []


def test_order_filters_combine(orders_store: SqliteStore) -> None:
    assert ids(orders_store.orders(1, status="cancelled"), "order_id") == [27, 21, 15, 9, 3]
    assert ids(orders_store.orders(2, instrument=LATER), "order_id") == [30, 28, 26, 24, 22]
    cancelled_later = orders_store.orders(2, status="cancelled", instrument=LATER, before_id=30)
    assert ids(cancelled_later, "order_id") == [24]
    assert orders_store.orders(3) == []


@pytest.mark.parametrize(("limit", "rows"), [(0, 1), (-5, 1), (1, 1), (2_000, MAX_PAGE_ROWS)])
def test_limits_are_clamped_to_a_page(store: SqliteStore, limit: int, rows: int) -> None:
    count = MAX_PAGE_ROWS + 1
    store.commit(
        [journal_entry(1)], [order_updated(order_id, 1) for order_id in range(1, count + 1)]
    )

    assert len(store.orders(1, limit=limit)) == rows


def test_orders_are_found_by_client_order_id_per_account(store: SqliteStore) -> None:
    store.commit(
        [journal_entry(1)],
        [
            order_updated(1, 1, client_order_id="mine"),
            order_updated(2, 2, client_order_id="mine"),
        ],
    )

    [row] = store.orders(2)
    assert (row["order_id"], row["client_order_id"]) == (2, "mine")


def trade(trade_id: int) -> AnyEvent:
    """Return trade `trade_id`: account 1 buys the odd ones from 2 and sells the even ones
    to 3; trade 5 is of the later instrument."""
    if trade_id % 2 == 0:
        return trade_executed(trade_id, 3, 1, trade_id)
    instrument = LATER if trade_id == 5 else INSTRUMENT
    return trade_executed(trade_id, 1, 2, trade_id, instrument=instrument)


@pytest.fixture
def trades_store(store: SqliteStore) -> SqliteStore:
    store.commit([journal_entry(seq) for seq in range(1, 7)], [trade(n) for n in range(1, 7)])
    return store


def test_an_accounts_trades_carry_its_side(trades_store: SqliteStore) -> None:
    rows = trades_store.trades(account_id=1)

    assert [(row["trade_id"], row["side"]) for row in rows] == [
        (6, "sell"), (5, "buy"), (4, "sell"), (3, "buy"), (2, "sell"), (1, "buy"),
    ]  # fmt: skip
    assert ids(trades_store.trades(account_id=3), "side") == ["buy", "buy", "buy"]
    assert trades_store.trades(account_id=4) == []


def test_trades_of_everyone_carry_no_side(trades_store: SqliteStore) -> None:
    rows = trades_store.trades()

    assert ids(rows, "trade_id") == [6, 5, 4, 3, 2, 1]
    assert all("side" not in row for row in rows)


def test_trade_filters_and_pages(trades_store: SqliteStore) -> None:
    assert ids(trades_store.trades(instrument=LATER), "trade_id") == [5]
    assert ids(trades_store.trades(since_ns=ts_at(4)), "trade_id") == [6, 5, 4]
    assert ids(trades_store.trades(account_id=1, limit=2, before_id=5), "trade_id") == [4, 3]
    mine_later = trades_store.trades(account_id=1, instrument=LATER)
    assert [(row["trade_id"], row["side"]) for row in mine_later] == [(5, "buy")]
    assert ids(trades_store.trades(account_id=1, since_ns=ts_at(5)), "trade_id") == [6, 5]


def test_a_trade_with_one_account_on_both_sides_shows_both(store: SqliteStore) -> None:
    store.commit([journal_entry(1)], [trade_executed(1, 5, 5)])

    assert [(row["trade_id"], row["side"]) for row in store.trades(account_id=5)] == [
        (1, "buy"),
        (1, "sell"),
    ]


def test_lots_of_both_sides_newest_first_with_filters(store: SqliteStore) -> None:
    store.commit(
        [journal_entry(1)],
        [
            lot_updated(1, 1, 2),
            lot_updated(2, 3, 1, status="settled"),
            lot_updated(3, 1, 1),
            lot_updated(4, 2, 3, instrument=LATER),
            lot_updated(5, 1, 3, instrument=LATER),
        ],
    )

    assert ids(store.lots(1), "lot_id") == [5, 3, 2, 1]
    assert ids(store.lots(1, limit=2, before_id=5), "lot_id") == [3, 2]
    assert ids(store.lots(1, status="settled"), "lot_id") == [2]
    assert ids(store.lots(3, instrument=LATER), "lot_id") == [5, 4]
    assert store.lots(9) == []


def test_the_ledger_pages_an_accounts_entries_newest_first(store: SqliteStore) -> None:
    transfers = [transfer_posted(n, 0, 1 + n % 2, 100 * n, seq=n) for n in range(1, 8)]
    store.commit([journal_entry(n) for n in range(1, 8)], transfers)

    page = store.ledger(1, limit=2)
    assert ids(page, "transfer_id") == [6, 4]
    assert ids(page, "amount_micros") == [600, 400]
    assert ids(store.ledger(1, before_id=page[-1]["entry_id"]), "transfer_id") == [2]
    assert len(store.ledger(0, limit=1000)) == 7
