"""Domain events: what a command changed, for read models, market data and streams.

The exchange emits them while applying a command; the store projects them into
its read-model tables in the same transaction as the command's journal entry,
and subscribers (market data, WebSocket clients) receive them after that
transaction commits. They carry no secret (no key hash, no credential), so any
of them may be shown to the account it concerns, except `AuditRecorded` (see there).

Every event carries the sequence number and time of the command that caused it.
"""

from __future__ import annotations

import msgspec

from tokenpit.core.commands import Score


class Event(msgspec.Struct, tag=True, tag_field="event", kw_only=True):
    """Base of all domain events."""

    seq: int
    ts_ns: int


class AccountOpened(Event, kw_only=True):
    """A new account exists."""

    account_id: int
    name: str
    roles: list[str]


class BalanceChanged(Event, kw_only=True):
    """An account's balances after the command (all µUSD)."""

    account_id: int
    cash_micros: int
    held_micros: int  # set aside for open bids
    bond_micros: int  # set aside as seller collateral
    available_micros: int  # cash - held - bond


class EndpointRegistered(Event, kw_only=True):
    """A seller registered an endpoint."""

    endpoint_id: int
    account_id: int
    url: str
    model: str
    capacity_units: int


class EndpointGradeSet(Event, kw_only=True):
    """The grade an endpoint may sell changed (None: it may sell none), or its certificate."""

    endpoint_id: int
    account_id: int
    grade: str | None
    certificate_id: int | None = None  # the endpoint's current certificate, whatever its status


class CertificateIssued(Event, kw_only=True):
    """An endpoint got a certificate, valid from `ts_ns` until `expires_at_ns`.

    `method` is measured (by grading) or operator (an override by hand, without scores);
    `grade` None records a measurement that earned no grade.
    """

    certificate_id: int
    endpoint_id: int
    account_id: int
    grade: str | None
    method: str
    suite_version: str
    overall: Score
    scores: list[Score]
    ttft_p95_ms: int | None
    output_tps_median: float | None
    context_tokens: int | None
    features: list[str]
    items_used: int
    expires_at_ns: int
    reason: str


class CertificateSuperseded(Event, kw_only=True):
    """A valid certificate gave way to a newer one of the same endpoint."""

    certificate_id: int
    endpoint_id: int
    account_id: int
    by_certificate_id: int


class CertificateWithdrawn(Event, kw_only=True):
    """The operator withdrew an endpoint's certificate: the endpoint may sell nothing."""

    certificate_id: int
    endpoint_id: int
    account_id: int
    reason: str


class CertificateSuspended(Event, kw_only=True):
    """Audits showed an endpoint below its certificate's grade: it may sell nothing.

    Its open asks are cancelled and its lots of periods not yet ended defaulted, in the
    same command (OrderUpdated, EndpointDefaulted, LotUpdated events follow).
    """

    certificate_id: int
    endpoint_id: int
    account_id: int
    reason: str  # the figures: passed of items, the upper bound and the floor it missed


class AuditRecorded(Event, kw_only=True):
    """One audit item's outcome, against the endpoint's current certificate (if any).

    Never shown to the seller, not even as its own account's event: its time would point
    the audit request out in the seller's logs. The API shows audits only by hour.
    """

    endpoint_id: int
    account_id: int
    certificate_id: int | None
    category: str
    passed: bool
    ttft_ms: int | None
    reason: str


class InstrumentListed(Event, kw_only=True):
    """An instrument opened for trading."""

    instrument: str
    grade: str  # grade symbol, e.g. CHAT-B
    period_start_ns: int
    period_end_ns: int


class InstrumentClosed(Event, kw_only=True):
    """An instrument's period ended: its book closed and its lots settled."""

    instrument: str


class OrderUpdated(Event, kw_only=True):
    """An order's state after the command: opened, filled, cancelled, expired, replaced or rejected.

    `status` is one of open, partially_filled, filled, cancelled, expired,
    rejected; `reason` says why an order was cancelled or rejected.
    """

    order_id: int
    account_id: int
    client_order_id: str | None
    instrument: str
    side: str
    type: str
    price_micros: int
    lots: int  # lots submitted in all (a replace that grows the order adds to it)
    filled_lots: int
    remaining_lots: int  # still resting in the book
    time_in_force: str
    expire_at_ns: int
    post_only: bool
    endpoint_id: int | None
    status: str
    reason: str | None = None
    message: str | None = None
    created_ns: int


class TradeExecuted(Event, kw_only=True):
    """A bid and an ask matched at the resting order's price."""

    trade_id: int
    instrument: str
    price_micros: int
    lots: int
    units: int
    buy_order_id: int
    sell_order_id: int
    buyer_account_id: int
    seller_account_id: int
    aggressor_side: str  # the side of the incoming (taker) order


class LotUpdated(Event, kw_only=True):
    """A lot's state after the command: created by a trade, delivered against, settled.

    `status` is open (deliverable), settled (period closed and paid out), or
    defaulted.
    """

    lot_id: int
    trade_id: int
    instrument: str
    period_start_ns: int
    period_end_ns: int
    buyer_account_id: int
    seller_account_id: int
    endpoint_id: int | None
    units: int
    price_micros: int
    notional_micros: int  # price × units / 1,000,000, exact
    bond_micros: int
    delivered_units: int
    paid_micros: int  # paid to the seller so far, fees included
    refunded_micros: int  # returned to the buyer
    fee_micros: int  # kept by the exchange
    status: str
    offgrade_units: int = 0  # delivered units that missed the grade's latency limits
    discount_micros: int = 0  # refunded to the buyer for off-grade units
    penalty_micros: int = 0  # paid by the seller to the buyer on default


class TransferPosted(Event, kw_only=True):
    """Money moved between two ledger accounts: one entry and its counter-entry.

    Account 0 is the exchange itself; its books are `deposits` (the outside
    world: money in and out), `escrow` (buyers' money for undelivered lots)
    and `fees`. A participant's book is `cash`.
    """

    transfer_id: int
    source_account_id: int
    source_book: str
    destination_account_id: int
    destination_book: str
    amount_micros: int
    reason: str  # deposit, withdrawal, trade, delivery, settlement, refund, fee, default
    ref: str  # what caused it, e.g. "lot:12" or "trade:40"


class AutoBuySet(Event, kw_only=True):
    """An account's auto-buy limit changed (None: off)."""

    account_id: int
    max_price_micros: int | None


class DeliveryRecorded(Event, kw_only=True):
    """The gateway served one request against a lot: what was metered, measured and paid.

    `units` is what the reference tokenizer counted; `charged_units` what lots covered;
    `unbilled_units` the rest (the buyer's lots from that endpoint ran out mid-request).
    """

    delivery_id: int
    request_id: str
    lot_id: int
    instrument: str
    buyer_account_id: int
    seller_account_id: int
    endpoint_id: int | None
    outcome: str  # on_grade, off_grade or failed
    reason: str | None
    input_tokens: int
    output_tokens: int
    units: int
    charged_units: int
    unbilled_units: int
    reported_input_tokens: int | None
    reported_output_tokens: int | None
    ttft_ms: int
    duration_ms: int
    output_tps: float | None
    streamed: bool
    paid_micros: int  # to the seller for this delivery, fees included
    refunded_micros: int  # off-grade discount returned to the buyer


class EndpointDefaulted(Event, kw_only=True):
    """An endpoint's open lots of a period defaulted: refunded to buyers, penalty charged."""

    endpoint_id: int
    account_id: int
    period_start_ns: int
    lots: int
    reason: str


class BookChanged(Event, kw_only=True):
    """An instrument's order book changed; read its depth for the new levels."""

    instrument: str


AnyEvent = (
    AccountOpened
    | BalanceChanged
    | EndpointRegistered
    | EndpointGradeSet
    | CertificateIssued
    | CertificateSuperseded
    | CertificateWithdrawn
    | CertificateSuspended
    | AuditRecorded
    | InstrumentListed
    | InstrumentClosed
    | OrderUpdated
    | TradeExecuted
    | LotUpdated
    | TransferPosted
    | AutoBuySet
    | DeliveryRecorded
    | EndpointDefaulted
    | BookChanged
)
