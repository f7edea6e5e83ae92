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
from tokenpit.clearing.money import delivery_due_micros, fee_due_micros

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
    assert delivery_due_micros(1_500_000, 1, 0, 50) == (1, 0)
    assert delivery_due_micros(1_500_000, 2, 0, 50) == (3, 0)
    # Off-grade at 50% off: 0.75 µUSD earned and 0.75 refunded per unit.
    assert delivery_due_micros(1_500_000, 0, 4, 50) == (3, 3)


@given(
    st.integers(1_000, 10**9),
    st.lists(st.tuples(st.integers(1, 5_000), st.booleans()), min_size=1, max_size=40),
    st.integers(0, 100),
)
def test_deliveries_in_any_pieces_pay_what_the_totals_say(
    price_micros: int, deliveries: list[tuple[int, bool]], discount_pct: int
) -> None:
    units = 1_000_000  # at least every delivery together; the notional is the price
    book = Clearing(ClearingState(), bond_pct=20, fee_bps=0, refund_unused=False)
    for account in (BUYER, SELLER):
        book.open_account(account)
        book.deposit(account, 10**15)
    notional = price_micros * units // 1_000_000
    book.reserve_bid(10, BUYER, notional)
    book.reserve_ask(11, SELLER, 0, 7, 0, units)
    lot, _ = book.fill(1, "X", (0, 1), 10, 11, price_micros, units, 0)

    paid = refunded = 0
    for size, off_grade in deliveries:
        for transfer in book.deliver(
            lot.lot_id, size, off_grade=off_grade, discount_pct=discount_pct
        ):
            if transfer.reason == "refund":
                refunded += transfer.amount_micros
            else:
                paid += transfer.amount_micros

    delivered = sum(size for size, _ in deliveries)
    offgrade = sum(size for size, off in deliveries if off)
    assert (paid, refunded) == delivery_due_micros(
        price_micros, delivered - offgrade, offgrade, discount_pct
    )
    assert paid + refunded <= price_micros * delivered // 1_000_000
    assert book.state.ledger.balance(EXCHANGE, ESCROW) == notional - paid - refunded >= 0


def test_an_off_grade_delivery_refunds_the_discount_to_the_buyer() -> None:
    book = clearing()
    lot_id = traded(book, lots=1)  # 200,000 µUSD for 100,000 units

    book.deliver(lot_id, 10_000, off_grade=True, discount_pct=50)  # worth 20,000; half off

    lot = book.state.lots[lot_id]
    assert (lot.paid_micros, lot.discount_micros, lot.refunded_micros) == (10_000, 10_000, 10_000)
    assert book.balances(BUYER)[0] == 1_000_000 - 200_000 + 10_000
    assert lot.units_left == 90_000

    book.settle_instrument("X")  # take or pay: the seller gets the rest of the escrow

    assert book.balances(SELLER)[0] == 1_000_000 + 190_000
    assert book.state.ledger.balance(EXCHANGE, ESCROW) == 0


def test_a_defaulted_lot_refunds_the_buyer_and_takes_a_penalty_from_the_bond() -> None:
    book = clearing()
    lot_id = traded(book, lots=1)  # bond 40,000
    book.deliver(lot_id, 25_000)  # 50,000 paid to the seller

    transfers = book.default_lot(lot_id, penalty_pct=10)

    # The buyer gets back the undelivered 150,000 and a 15,000 penalty.
    assert [(t.reason, t.amount_micros) for t in transfers] == [
        ("refund", 150_000),
        ("default", 15_000),
    ]
    assert book.balances(BUYER) == (965_000, 0, 0, 965_000)
    assert book.balances(SELLER) == (1_035_000, 0, 0, 1_035_000)
    assert book.state.ledger.balance(EXCHANGE, ESCROW) == 0
    assert lot_id not in book.state.lots
    assert book.settle_instrument("X") == []  # nothing left to settle at period end


def test_a_default_penalty_never_takes_more_than_the_seller_has() -> None:
    book = clearing()
    lot_id = traded(book, lots=1)
    book.withdraw(SELLER, book.available(SELLER))  # only the 40,000 bond is left

    transfers = book.default_lot(lot_id, penalty_pct=100)  # a 200,000 penalty is due

    assert transfers[-1].amount_micros == 40_000
    assert book.balances(SELLER) == (0, 0, 0, 0)


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
