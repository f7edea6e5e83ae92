"""Projection: each event kind lands in its read model, in the batch's order."""

from __future__ import annotations

import msgspec

from tokenpit.core.events import AnyEvent
from tokenpit.storage import SqliteStore
from tokenpit.testing.events import (
    INSTRUMENT,
    account_opened,
    balance_changed,
    book_changed,
    endpoint_grade_set,
    endpoint_registered,
    instrument_closed,
    instrument_listed,
    journal_entry,
    lot_updated,
    order_updated,
    trade_executed,
    transfer_posted,
    ts_at,
)


def test_an_account_opened_and_funded_in_one_batch_has_its_last_balances(
    store: SqliteStore,
) -> None:
    store.commit(
        [journal_entry(1), journal_entry(2)],
        [
            account_opened(7, 1, roles=["buyer", "operator"]),
            balance_changed(7, 5_000, seq=2),
            balance_changed(7, 5_000, 1_200, seq=2, bond_micros=300),
        ],
    )

    assert store.account(7) == {
        "account_id": 7,
        "name": "account-7",
        "roles": ["buyer", "operator"],
        "created_ns": ts_at(1),
        "cash_micros": 5_000,
        "held_micros": 1_200,
        "bond_micros": 300,
        "available_micros": 3_500,
    }
    assert store.account(8) is None


def test_endpoints_are_registered_then_graded_without_credentials(store: SqliteStore) -> None:
    store.commit(
        [journal_entry(1)],
        [
            endpoint_registered(1, 7, 1),
            endpoint_registered(2, 8, 1),
            endpoint_grade_set(1, 7, "CHAT-A", 1),
            endpoint_grade_set(1, 7, "CHAT-B", 1),
        ],
    )
    store.commit([journal_entry(2)], [endpoint_grade_set(2, 8, "CHAT-C", 2)])
    store.commit([journal_entry(3)], [endpoint_grade_set(2, 8, None, 3)])

    assert store.endpoints(7) == [
        {
            "endpoint_id": 1,
            "account_id": 7,
            "url": "http://127.0.0.1:8001/v1",
            "model": "test-model",
            "capacity_units": 10_000_000,
            "grade": "CHAT-B",
            "registered_ns": ts_at(1),
            "certificate_id": None,
            "certificate_status": None,
            "certificate_expires_at_ns": None,
        }
    ]
    assert [(row["endpoint_id"], row["grade"]) for row in store.endpoints()] == [
        (1, "CHAT-B"),
        (2, None),
    ]


def test_instruments_are_listed_then_closed(store: SqliteStore) -> None:
    later = "CHAT-B.2026-12-03T15"
    store.commit([journal_entry(1)], [instrument_listed(INSTRUMENT, 1), instrument_listed(later)])
    store.commit([journal_entry(2)], [instrument_closed(INSTRUMENT, 2)])

    rows = store.instruments()
    assert [(row["symbol"], row["status"]) for row in rows] == [
        (INSTRUMENT, "closed"),
        (later, "listed"),
    ]
    assert rows[0]["grade"] == "CHAT-B"
    assert [row["symbol"] for row in store.instruments(status="listed")] == [later]


def test_several_updates_of_an_order_in_one_batch_keep_the_last_state(
    store: SqliteStore,
) -> None:
    placed = order_updated(1, 7, 1, lots=3, remaining_lots=3)
    filled = msgspec.structs.replace(placed, seq=2, filled_lots=1, remaining_lots=2)
    cancelled = msgspec.structs.replace(
        filled, ts_ns=ts_at(2), remaining_lots=0, status="cancelled", reason="by owner"
    )
    other = order_updated(2, 7, 1)
    store.commit([journal_entry(1), journal_entry(2)], [placed, other, filled, cancelled])

    first = store.orders(7, before_id=2)
    assert first == [
        {
            "order_id": 1,
            "account_id": 7,
            "client_order_id": None,
            "instrument": INSTRUMENT,
            "side": "buy",
            "type": "limit",
            "price_micros": 2_000_000,
            "lots": 3,
            "filled_lots": 1,
            "remaining_lots": 0,
            "time_in_force": "gtc",
            "expire_at_ns": 0,
            "post_only": False,
            "endpoint_id": None,
            "status": "cancelled",
            "reason": "by owner",
            "message": None,
            "created_ns": ts_at(1),
            "updated_ns": ts_at(2),
        }
    ]


def test_an_order_updated_in_a_later_batch_keeps_its_last_state(store: SqliteStore) -> None:
    store.commit([journal_entry(1)], [order_updated(1, 7, 1, post_only=True, client_order_id="a")])
    store.commit(
        [journal_entry(2)],
        [
            order_updated(
                1, 7, 2, status="filled", post_only=True, client_order_id="a", remaining_lots=0
            )
        ],
    )

    [row] = store.orders(7)
    assert (row["status"], row["remaining_lots"], row["post_only"]) == ("filled", 0, True)
    assert row["updated_ns"] == ts_at(2)


def test_lots_keep_their_last_state(store: SqliteStore) -> None:
    store.commit(
        [journal_entry(1)],
        [
            trade_executed(1, 7, 8, 1),
            lot_updated(1, 7, 8, 1),
            lot_updated(1, 7, 8, 1, delivered_units=10),
        ],
    )
    store.commit(
        [journal_entry(2)],
        [lot_updated(1, 7, 8, 2, delivered_units=60, paid_micros=120, status="settled")],
    )

    [lot] = store.lots(7)
    assert lot["delivered_units"] == 60
    assert lot["paid_micros"] == 120
    assert lot["status"] == "settled"
    assert lot["updated_ns"] == ts_at(2)
    assert "seq" not in lot
    assert store.lots(8) == [lot]


def test_a_trade_keeps_every_field_and_its_sequence(store: SqliteStore) -> None:
    store.commit([journal_entry(4)], [trade_executed(1, 7, 8, 4, aggressor_side="sell")])

    assert store.trades() == [
        {
            "trade_id": 1,
            "instrument": INSTRUMENT,
            "price_micros": 2_000_000,
            "lots": 1,
            "units": 100_000,
            "buy_order_id": 2,
            "sell_order_id": 3,
            "buyer_account_id": 7,
            "seller_account_id": 8,
            "aggressor_side": "sell",
            "seq": 4,
            "ts_ns": ts_at(4),
        }
    ]


def test_every_transfer_becomes_an_entry_and_a_counter_entry_summing_to_zero(
    store: SqliteStore,
) -> None:
    transfers = [
        transfer_posted(1, 0, 7, 1_000_000, seq=1),
        transfer_posted(2, 7, 8, 200_000, seq=2),
        transfer_posted(3, 8, 0, 5_000, seq=2, destination_book="fees", reason="fee"),
        transfer_posted(4, 0, 8, 0, seq=3),
    ]
    store.commit([journal_entry(1), journal_entry(2), journal_entry(3)], transfers)

    rows = store.ledger(0) + store.ledger(7) + store.ledger(8)
    assert len(rows) == 2 * len(transfers)
    for transfer in transfers:
        entry, counter = sorted(
            (row for row in rows if row["transfer_id"] == transfer.transfer_id),
            key=lambda row: row["entry_id"],
        )
        assert counter["entry_id"] == entry["entry_id"] + 1
        assert entry["amount_micros"] + counter["amount_micros"] == 0
        assert (entry["account_id"], entry["book"], entry["amount_micros"]) == (
            transfer.source_account_id,
            transfer.source_book,
            -transfer.amount_micros,
        )
        assert (counter["account_id"], counter["book"]) == (
            transfer.destination_account_id,
            transfer.destination_book,
        )
        assert (counter["reason"], counter["ref"], counter["seq"]) == (
            transfer.reason,
            transfer.ref,
            transfer.seq,
        )
    assert sum(row["amount_micros"] for row in store.ledger(7)) == 800_000


def test_book_changes_only_reach_the_journal(store: SqliteStore) -> None:
    events: list[AnyEvent] = [book_changed(seq=1)]
    store.commit([journal_entry(1)], events)

    assert store.last_seq() == 1
    assert store.trades() == []


def test_a_large_batch_of_transfers_keeps_each_pair_adjacent_and_balanced(
    store: SqliteStore,
) -> None:
    transfers = [transfer_posted(n, n % 5, 5 + n % 3, n, seq=1) for n in range(1, 301)]
    store.commit([journal_entry(1)], transfers)

    rows = sorted(
        (row for account in range(8) for row in store.ledger(account, limit=1000)),
        key=lambda row: row["entry_id"],
    )
    assert [row["transfer_id"] for row in rows] == [n for n in range(1, 301) for _ in (1, 2)]
    for entry, counter in zip(rows[::2], rows[1::2], strict=True):
        assert counter["entry_id"] == entry["entry_id"] + 1
        assert entry["amount_micros"] == -counter["amount_micros"] == -entry["transfer_id"]
    assert sum(row["amount_micros"] for row in rows) == 0
