"""Build domain events and journal entries for tests: valid values, any field replaced.

Every builder takes the few fields a test usually cares about positionally and any other
field by keyword (`order_updated(7, status="cancelled", reason="by owner")`). Times
default to a fixed moment plus the sequence number in milliseconds, so they are
deterministic and grow with `seq`.
"""

from __future__ import annotations

from typing import Any

import msgspec

from tokenpit.core.commands import Score
from tokenpit.core.events import (
    AccountOpened,
    AuditRecorded,
    BalanceChanged,
    BookChanged,
    CertificateIssued,
    CertificateSuperseded,
    CertificateSuspended,
    CertificateWithdrawn,
    DeliveryRecorded,
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
    endpoint_id: int,
    account_id: int,
    grade: str | None,
    seq: int = 1,
    certificate_id: int | None = None,
) -> EndpointGradeSet:
    """Return an EndpointGradeSet."""
    return EndpointGradeSet(
        seq=seq,
        ts_ns=ts_at(seq),
        endpoint_id=endpoint_id,
        account_id=account_id,
        grade=grade,
        certificate_id=certificate_id,
    )


def certificate_issued(
    certificate_id: int, endpoint_id: int = 1, seq: int = 1, **changes: Any
) -> CertificateIssued:
    """Return a measured grade B certificate of account 7's endpoint, valid for a day."""
    event = CertificateIssued(
        seq=seq,
        ts_ns=ts_at(seq),
        certificate_id=certificate_id,
        endpoint_id=endpoint_id,
        account_id=7,
        grade="B",
        method="measured",
        suite_version="2026.12",
        overall=Score(category="overall", passed=90, items=100, lower=0.8256, upper=0.9448),
        scores=[Score(category="tools", passed=45, items=50, lower=0.7864, upper=0.9565)],
        ttft_p95_ms=900,
        output_tps_median=55.5,
        context_tokens=32_000,
        features=["streaming", "tools"],
        items_used=100,
        expires_at_ns=ts_at(seq) + 24 * HOUR_NS,
        reason="measured grade B",
    )
    return msgspec.structs.replace(event, **changes)


def certificate_changed(
    kind: type[CertificateSuperseded | CertificateWithdrawn | CertificateSuspended],
    certificate_id: int,
    seq: int = 1,
    endpoint_id: int = 1,
) -> CertificateSuperseded | CertificateWithdrawn | CertificateSuspended:
    """Return the event that gives a certificate another status (superseded by the next id)."""
    common = {
        "seq": seq,
        "ts_ns": ts_at(seq),
        "certificate_id": certificate_id,
        "endpoint_id": endpoint_id,
        "account_id": 7,
    }
    if kind is CertificateSuperseded:
        return CertificateSuperseded(**common, by_certificate_id=certificate_id + 1)
    if kind is CertificateWithdrawn:
        return CertificateWithdrawn(**common, reason="withdrawn by the operator")
    return CertificateSuspended(**common, reason=f"audits: certificate {certificate_id} failed")


def audit_recorded(
    certificate_id: int | None, passed: bool, seq: int = 1, **changes: Any
) -> AuditRecorded:
    """Return an audit of account 7's endpoint 1 in the category arithmetic."""
    event = AuditRecorded(
        seq=seq,
        ts_ns=ts_at(seq),
        endpoint_id=1,
        account_id=7,
        certificate_id=certificate_id,
        category="arithmetic",
        passed=passed,
        ttft_ms=350,
        reason="correct" if passed else "wrong answer",
    )
    return msgspec.structs.replace(event, **changes)


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


def delivery_recorded(
    delivery_id: int, endpoint_id: int = 1, seq: int = 1, **changes: Any
) -> DeliveryRecorded:
    """Return an on-grade delivery of 650 units against lot 1, first token after 300 ms."""
    event = DeliveryRecorded(
        seq=seq,
        ts_ns=ts_at(seq),
        delivery_id=delivery_id,
        request_id=f"req-{delivery_id}",
        lot_id=1,
        instrument=INSTRUMENT,
        buyer_account_id=1,
        seller_account_id=7,
        endpoint_id=endpoint_id,
        outcome="on_grade",
        reason=None,
        input_tokens=1_200,
        output_tokens=350,
        units=650,
        charged_units=650,
        unbilled_units=0,
        reported_input_tokens=1_200,
        reported_output_tokens=350,
        ttft_ms=300,
        duration_ms=2_000,
        output_tps=200.0,
        streamed=True,
        paid_micros=1_300,
        refunded_micros=0,
    )
    return msgspec.structs.replace(event, **changes)
