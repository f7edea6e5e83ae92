"""Response bodies of the account, trading and record routes (money in integer µUSD)."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class ErrorDetail(BaseModel):
    """What went wrong: `type` says what to do, `code` names the problem, `param` the field."""

    message: str
    type: str
    param: str | None
    code: str


class ErrorResponse(BaseModel):
    """The one error shape of the API."""

    error: ErrorDetail


class Page(BaseModel, Generic[T]):
    """A page of records, newest first; pass `next_before_id` as `before_id` for the next."""

    data: list[T]
    next_before_id: int | None = None


class Listing(BaseModel, Generic[T]):
    """A complete list."""

    data: list[T]


class Balances(BaseModel):
    """An account's money: cash, set aside for bids (held) and as seller bond, available."""

    account_id: int
    cash_micros: int
    held_micros: int
    bond_micros: int
    available_micros: int


class Account(Balances):
    """The calling account: who it is and its balances."""

    id: int
    name: str
    roles: list[str]


class AccountCreated(BaseModel):
    """A new account and its API key. The key is shown here only: keep it."""

    id: int
    name: str
    roles: list[str]
    api_key: str = Field(examples=["tp_3q2…"])


class OrderFill(BaseModel):
    """A trade the command made for this order."""

    trade_id: int
    price_micros: int
    lots: int
    units: int


class Order(BaseModel):
    """An order's state: open, partially_filled, filled, cancelled, expired."""

    id: int
    client_order_id: str | None
    instrument: str
    side: str
    type: str
    price_micros: int
    lots: int
    filled_lots: int
    remaining_lots: int
    time_in_force: str
    expire_at_ns: int
    post_only: bool
    endpoint_id: int | None
    status: str
    reason: str | None
    created_ns: int


class OrderResult(Order):
    """An order after a command, with the trades that command made."""

    trades: list[OrderFill]


class Trade(BaseModel):
    """A trade. Own trades (`mine=true`) add the caller's side and order."""

    trade_id: int
    instrument: str
    price_micros: int
    lots: int
    units: int
    aggressor_side: str
    ts_ns: int
    side: str | None = None
    order_id: int | None = None


class Endpoint(BaseModel):
    """A seller's endpoint, the grade it may sell, and its current certificate.

    `grade` is the current certificate's grade (null without one, or when it is suspended
    or withdrawn); an ask also needs that certificate unexpired. `has_credential` says
    whether the exchange holds a key for the endpoint; the key itself is never shown.
    """

    id: int
    account_id: int
    url: str
    model: str
    capacity_units: int
    grade: str | None
    certificate_id: int | None = Field(description="see GET /api/certificates/{id}")
    certificate_status: str | None = Field(
        description="valid, expired, suspended or withdrawn; null without a certificate"
    )
    has_credential: bool


class Lot(BaseModel):
    """A delivery obligation a trade created: the seller owes the buyer units in a period."""

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
    notional_micros: int
    bond_micros: int
    delivered_units: int
    paid_micros: int
    refunded_micros: int
    fee_micros: int
    status: str
    offgrade_units: int = 0
    discount_micros: int = 0
    penalty_micros: int = 0


class Delivery(BaseModel):
    """One request the gateway served against a lot: metered, measured and paid.

    Token counts are the reference tokenizer's (`cl100k_base`); `reported_*` are the
    seller's own usage figures, recorded and never billed.
    """

    delivery_id: int
    request_id: str
    lot_id: int
    instrument: str
    buyer_account_id: int
    seller_account_id: int
    endpoint_id: int | None
    outcome: str = Field(description="on_grade, off_grade or failed")
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
    paid_micros: int
    refunded_micros: int
    ts_ns: int


class AutoBuy(BaseModel):
    """The price up to which the gateway buys lots at market when the account runs out."""

    account_id: int
    max_price_micros: int | None


class LedgerEntry(BaseModel):
    """One ledger line of the account: a signed amount on one of its books."""

    entry_id: int
    transfer_id: int
    book: str
    amount_micros: int
    reason: str
    ref: str
    seq: int
    ts_ns: int


class Health(BaseModel):
    """The exchange is up; `seq` is the last command it sequenced."""

    status: str
    seq: int


class CertificationRunBody(BaseModel):
    """A certification run of an endpoint: where it stands, then what it produced.

    `phase` runs probing → grading → context → done; `items` counts the grading items
    scored so far, of at most `max_items`. A completed run names its certificate.
    """

    id: int
    endpoint_id: int
    status: str = Field(description="running, completed or failed")
    phase: str
    items: int
    max_items: int
    passed: int
    detail: str = Field(description="the decision so far, or what is being checked")
    started_ns: int
    finished_ns: int | None
    certificate_id: int | None
    grade: str | None = Field(description="the grade earned; null for none (or not yet)")
    error: str | None = Field(description="why a failed run failed")
