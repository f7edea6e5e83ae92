"""Clearing: the ledger, holds and bonds, lots, deliveries and settlement."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.clearing import (
    Clearing,
    ClearingState,
    Ledger,
    bond_per_lot_micros,
    lot_notional_micros,
)
from tokenpit.clearing.ledger import CASH, DEPOSITS, ESCROW, EXCHANGE, FEES
from tokenpit.clearing.money import fee_due_micros, payment_due_micros

BUYER, SELLER = 1, 2
LOT_UNITS = 100_000
PRICE = 2_000_000  # µUSD per million units: one lot is worth 200,000 µUSD


def clearing(*, fee_bps: int = 0, refund_unused: bool = False) -> Clearing:
    result = Clearing(ClearingState(), bond_pct=20, fee_bps=fee_bps, refund_unused=refund_unused)
    for account in (BUYER, SELLER):
        result.open_account(account)
        result.deposit(account, 1_000_000)
    return result


def traded(book: Clearing, lots: int = 2) -> int:
    """Rest a bid and an ask for `lots` lots and trade them; return the lot id."""
    notional = lot_notional_micros(PRICE, LOT_UNITS) * lots
    bond = bond_per_lot_micros(PRICE, LOT_UNITS, 20) * lots
    book.reserve_bid(10, BUYER, notional)
    book.reserve_ask(11, SELLER, bond, 7, 0, lots * LOT_UNITS)
    lot, _ = book.fill(1, "X", (0, 1), 10, 11, PRICE, lots * LOT_UNITS, bond)
    book.release(10)
    book.release(11)
    return lot.lot_id


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(1, 10**9)), max_size=50)
)
def test_ledger_total_stays_zero_over_any_transfers(moves: list[tuple[int, int, int]]) -> None:
    ledger = Ledger()
    for source, destination, amount in moves:
        ledger.post((source, CASH), (destination, CASH), amount, "test", "ref")

    assert ledger.total() == 0
    assert ledger.last_transfer_id == len(moves)


def test_ledger_refuses_a_non_positive_transfer() -> None:
    with pytest.raises(ValueError, match="positive amount, got 0"):
        Ledger().post((1, CASH), (2, CASH), 0, "test", "ref")


def test_deposit_comes_from_the_outside_world() -> None:
    book = clearing()

    assert book.balances(BUYER) == (1_000_000, 0, 0, 1_000_000)
    assert book.state.ledger.balance(EXCHANGE, DEPOSITS) == -2_000_000


def test_a_hold_is_a_reservation_not_a_transfer() -> None:
    book = clearing()

    book.reserve_bid(10, BUYER, 300_000)

    assert book.balances(BUYER) == (1_000_000, 300_000, 0, 700_000)
    book.release(10)
    assert book.balances(BUYER) == (1_000_000, 0, 0, 1_000_000)


def test_reserving_more_than_is_available_is_a_bug() -> None:
    book = clearing()

    with pytest.raises(ValueError, match="available 1000000"):
        book.reserve_bid(10, BUYER, 1_000_001)


def test_withdrawal_cannot_touch_held_cash() -> None:
    book = clearing()
    book.reserve_bid(10, BUYER, 900_000)

    with pytest.raises(ValueError, match="available 100000"):
        book.withdraw(BUYER, 200_000)


def test_a_trade_moves_the_buyers_money_to_escrow_and_keeps_the_bond() -> None:
    book = clearing()

    lot_id = traded(book, lots=2)

    assert book.balances(BUYER) == (600_000, 0, 0, 600_000)
    assert book.balances(SELLER) == (1_000_000, 0, 80_000, 920_000)
    assert book.state.ledger.balance(EXCHANGE, ESCROW) == 400_000
    assert book.state.lots[lot_id].notional_micros == 400_000


def test_ask_capacity_is_booked_and_given_back() -> None:
    book = clearing()

    book.reserve_ask(11, SELLER, 40_000, 7, 123, 200_000)
    assert book.capacity_used(7, 123) == 200_000
    book.release(11)

    assert book.capacity_used(7, 123) == 0


def test_deliveries_are_paid_cumulatively_without_drift() -> None:
    book = clearing()
    lot_id = traded(book, lots=1)

    # 3 units at 2 µUSD per unit... in pieces whose own payments would round.
    paid = [sum(t.amount_micros for t in book.deliver(lot_id, units)) for units in (1, 1, 1)]
    paid += [sum(t.amount_micros for t in book.deliver(lot_id, 99_997))]

    assert sum(paid) == 200_000
    assert book.state.lots[lot_id].paid_micros == 200_000


def test_cumulative_payment_rounds_down_on_the_total_not_per_delivery() -> None:
    # 1,500,000 µUSD per million units: one unit earns 1.5 µUSD.
    assert payment_due_micros(1_500_000, 1, 0) == 1
    assert payment_due_micros(1_500_000, 2, 1) == 2  # 3 µUSD for two units, 1 already paid


def test_fees_are_taken_cumulatively() -> None:
    book = clearing(fee_bps=25)
    lot_id = traded(book, lots=1)

    for _ in range(4):
        book.deliver(lot_id, 25_000)

    lot = book.state.lots[lot_id]
    assert lot.fee_micros == 200_000 * 25 // 10_000 == 500
    assert book.state.ledger.balance(EXCHANGE, FEES) == 500
    assert fee_due_micros(200_000, 25, 499) == 1


def test_take_or_pay_pays_the_seller_for_unused_units_and_frees_the_bond() -> None:
    book = clearing()
    lot_id = traded(book, lots=1)
    book.deliver(lot_id, 40_000)

    settled = book.settle_instrument("X")

    assert [lot.status for lot, _ in settled] == ["settled"]
    assert book.balances(SELLER) == (1_200_000, 0, 0, 1_200_000)
    assert book.balances(BUYER)[0] == 800_000
    assert book.state.ledger.balance(EXCHANGE, ESCROW) == 0
    assert lot_id not in book.state.lots


def test_refund_returns_unused_units_to_the_buyer() -> None:
    book = clearing(refund_unused=True)
    lot_id = traded(book, lots=1)
    book.deliver(lot_id, 40_000)  # 80,000 µUSD earned

    book.settle_instrument("X")

    assert book.balances(SELLER) == (1_080_000, 0, 0, 1_080_000)
    assert book.balances(BUYER)[0] == 920_000
    assert book.state.ledger.balance(EXCHANGE, ESCROW) == 0


def test_a_lot_cannot_take_more_than_its_units() -> None:
    book = clearing()
    lot_id = traded(book, lots=1)

    with pytest.raises(ValueError, match="cannot take 100001 more units"):
        book.deliver(lot_id, 100_001)
