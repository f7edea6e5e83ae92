"""Build domain events and journal entries for tests: valid values, any field replaced.

Every builder takes the few fields a test usually cares about positionally and any other
field by keyword (`order_updated(7, status="cancelled", reason="by owner")`). Times
default to a fixed moment plus the sequence number in milliseconds, so they are
deterministic and grow with `seq`.
"""

from __future__ import annotations

from typing import Any

import msgspec

from tokenpit.core.events import (
    AccountOpened,
    BalanceChanged,
    BookChanged,
    EndpointGradeSet,
    EndpointRegistered,
    InstrumentClosed,
    InstrumentListed,
    LotUpdated,
    OrderUpdated,
    TradeExecuted,
    TransferPosted,
)
from tokenpit.storage.base import JournalEntry

START_NS = 1_796_306_400_000_000_000  # 2026-12-03T14:00:00Z
HOUR_NS = 3_600_000_000_000
INSTRUMENT = "CHAT-B.2026-12-03T14"
GRADE = "CHAT-B"


def ts_at(seq: int) -> int:
    """Return the default time of the command numbered `seq`."""
    return START_NS + seq * 1_000_000


def journal_entry(seq: int, command: bytes | None = None) -> JournalEntry:
    """Return a journal entry; the command bytes are opaque to the store."""
    body = command if command is not None else b'{"command":"Tick","ts_ns":%d}' % ts_at(seq)
    return JournalEntry(seq, ts_at(seq), body)


def account_opened(account_id: int, seq: int = 1, **changes: Any) -> AccountOpened:
    """Return an AccountOpened for a buyer and seller named after its id."""
    event = AccountOpened(
        seq=seq,
        ts_ns=ts_at(seq),
        account_id=account_id,
        name=f"account-{account_id}",
        roles=["buyer", "seller"],
    )
    return msgspec.structs.replace(event, **changes)


def balance_changed(
    account_id: int, cash_micros: int, held_micros: int = 0, seq: int = 1, **changes: Any
) -> BalanceChanged:
    """Return a BalanceChanged whose available cash is what the holds leave."""
    bond_micros = changes.pop("bond_micros", 0)
    event = BalanceChanged(
        seq=seq,
        ts_ns=ts_at(seq),
        account_id=account_id,
        cash_micros=cash_micros,
        held_micros=held_micros,
        bond_micros=bond_micros,
        available_micros=cash_micros - held_micros - bond_micros,
    )
    return msgspec.structs.replace(event, **changes)


def endpoint_registered(endpoint_id: int, account_id: int, seq: int = 1) -> EndpointRegistered:
    """Return an EndpointRegistered for a loopback endpoint."""
    return EndpointRegistered(
        seq=seq,
        ts_ns=ts_at(seq),
        endpoint_id=endpoint_id,
        account_id=account_id,
        url=f"http://127.0.0.1:{8000 + endpoint_id}/v1",
        model="test-model",
        capacity_units=10_000_000,
    )


def endpoint_grade_set(
    endpoint_id: int, account_id: int, grade: str | None, seq: int = 1
) -> EndpointGradeSet:
    """Return an EndpointGradeSet."""
    return EndpointGradeSet(
        seq=seq, ts_ns=ts_at(seq), endpoint_id=endpoint_id, account_id=account_id, grade=grade
    )


def instrument_listed(instrument: str = INSTRUMENT, seq: int = 1) -> InstrumentListed:
    """Return an InstrumentListed for the default hour's period."""
    return InstrumentListed(
        seq=seq,
        ts_ns=ts_at(seq),
        instrument=instrument,
        grade=instrument.partition(".")[0],
        period_start_ns=START_NS,
        period_end_ns=START_NS + HOUR_NS,
    )


def instrument_closed(instrument: str = INSTRUMENT, seq: int = 1) -> InstrumentClosed:
    """Return an InstrumentClosed."""
    return InstrumentClosed(seq=seq, ts_ns=ts_at(seq), instrument=instrument)


def order_updated(order_id: int, account_id: int = 1, seq: int = 1, **changes: Any) -> OrderUpdated:
    """Return an open limit bid for one lot at 2,000,000 µUSD per million units."""
    event = OrderUpdated(
        seq=seq,
        ts_ns=ts_at(seq),
        order_id=order_id,
        account_id=account_id,
        client_order_id=None,
        instrument=INSTRUMENT,
        side="buy",
        type="limit",
        price_micros=2_000_000,
        lots=1,
        filled_lots=0,
        remaining_lots=1,
        time_in_force="gtc",
        expire_at_ns=0,
        post_only=False,
        endpoint_id=None,
        status="open",
        created_ns=ts_at(seq),
    )
    return msgspec.structs.replace(event, **changes)


def trade_executed(
    trade_id: int,
    buyer_account_id: int = 1,
    seller_account_id: int = 2,
    seq: int = 1,
    **changes: Any,
) -> TradeExecuted:
    """Return a trade of one 100,000-unit lot, the buyer the aggressor."""
    event = TradeExecuted(
        seq=seq,
        ts_ns=ts_at(seq),
        trade_id=trade_id,
        instrument=INSTRUMENT,
        price_micros=2_000_000,
        lots=1,
        units=100_000,
        buy_order_id=2 * trade_id,
        sell_order_id=2 * trade_id + 1,
        buyer_account_id=buyer_account_id,
        seller_account_id=seller_account_id,
        aggressor_side="buy",
    )
    return msgspec.structs.replace(event, **changes)


def lot_updated(
    lot_id: int,
    buyer_account_id: int = 1,
    seller_account_id: int = 2,
    seq: int = 1,
    **changes: Any,
) -> LotUpdated:
    """Return an open, undelivered lot of 100,000 units worth 200,000 µUSD."""
    event = LotUpdated(
        seq=seq,
        ts_ns=ts_at(seq),
        lot_id=lot_id,
        trade_id=lot_id,
        instrument=INSTRUMENT,
        period_start_ns=START_NS,
        period_end_ns=START_NS + HOUR_NS,
        buyer_account_id=buyer_account_id,
        seller_account_id=seller_account_id,
        endpoint_id=None,
        units=100_000,
        price_micros=2_000_000,
        notional_micros=200_000,
        bond_micros=40_000,
        delivered_units=0,
        paid_micros=0,
        refunded_micros=0,
        fee_micros=0,
        status="open",
    )
    return msgspec.structs.replace(event, **changes)


def transfer_posted(
    transfer_id: int,
    source_account_id: int,
    destination_account_id: int,
    amount_micros: int,
    seq: int = 1,
    **changes: Any,
) -> TransferPosted:
    """Return a transfer between two cash books (a deposit when the source is account 0)."""
    event = TransferPosted(
        seq=seq,
        ts_ns=ts_at(seq),
        transfer_id=transfer_id,
        source_account_id=source_account_id,
        source_book="deposits" if source_account_id == 0 else "cash",
        destination_account_id=destination_account_id,
        destination_book="cash",
        amount_micros=amount_micros,
        reason="deposit" if source_account_id == 0 else "trade",
        ref=f"transfer:{transfer_id}",
    )
    return msgspec.structs.replace(event, **changes)


def book_changed(instrument: str = INSTRUMENT, seq: int = 1) -> BookChanged:
    """Return a BookChanged."""
    return BookChanged(seq=seq, ts_ns=ts_at(seq), instrument=instrument)
