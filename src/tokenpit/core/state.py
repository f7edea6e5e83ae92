"""The exchange's state beside the engine's books, as values that snapshot to JSON."""

from __future__ import annotations

from typing import Any

import msgspec

from tokenpit.clearing import ClearingState

OPEN = "open"
PARTIALLY_FILLED = "partially_filled"
FILLED = "filled"
CANCELLED = "cancelled"
EXPIRED = "expired"
REJECTED = "rejected"


class AccountRecord(msgspec.Struct, kw_only=True):
    """An account: its roles and the hash of its API key."""

    account_id: int
    name: str
    roles: list[str]
    key_hash: str
    created_ns: int
    auto_buy_max_price_micros: int | None = None  # the gateway may buy at market up to this


class EndpointRecord(msgspec.Struct, kw_only=True):
    """A seller's endpoint and the grade it may sell."""

    endpoint_id: int
    account_id: int
    url: str
    model: str
    capacity_units: int
    grade: str | None = None
    credential_token: str | None = None  # encrypted; never shown, logged or sent in an event


class InstrumentRecord(msgspec.Struct, kw_only=True):
    """A listed instrument."""

    symbol: str
    grade: str  # grade name, e.g. "B"
    period_start_ns: int
    period_end_ns: int


class OrderRecord(msgspec.Struct, kw_only=True):
    """An order the exchange knows; open ones stay in state, finished ones only in read models."""

    order_id: int
    account_id: int
    client_order_id: str | None
    instrument: str
    side: str
    type: str
    price_micros: int
    lots: int
    filled_lots: int = 0
    remaining_lots: int = 0
    time_in_force: str
    expire_at_ns: int
    post_only: bool
    endpoint_id: int | None
    status: str = OPEN
    reason: str | None = None
    message: str | None = None
    created_ns: int


class ExchangeState(msgspec.Struct, kw_only=True):
    """Everything the exchange knows besides the order books."""

    now_ns: int = 0
    accounts: dict[int, AccountRecord] = msgspec.field(default_factory=dict)
    endpoints: dict[int, EndpointRecord] = msgspec.field(default_factory=dict)
    instruments: dict[str, InstrumentRecord] = msgspec.field(default_factory=dict)
    orders: dict[int, OrderRecord] = msgspec.field(default_factory=dict)  # open orders
    # "account:client_order_id" -> (instrument, the original response), for idempotency.
    client_orders: dict[str, tuple[str, dict[str, Any]]] = msgspec.field(default_factory=dict)
    clearing: ClearingState = msgspec.field(default_factory=ClearingState)
    last_account_id: int = 0
    last_endpoint_id: int = 0
    last_order_id: int = 0
    last_delivery_id: int = 0
    listed_until_ns: int = 0  # lifecycle has run for every period boundary before this
