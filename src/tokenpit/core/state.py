"""The exchange's state beside the engine's books, as values that snapshot to JSON."""

from __future__ import annotations

from typing import Any

import msgspec

from tokenpit.clearing import ClearingState
from tokenpit.core.commands import Score

OPEN = "open"
PARTIALLY_FILLED = "partially_filled"
FILLED = "filled"
CANCELLED = "cancelled"
EXPIRED = "expired"
REJECTED = "rejected"

# Certificate statuses. "expired" is no status: a valid certificate expires with time, and
# bodies show it as expired from `expires_at_ns` on.
VALID = "valid"
SUSPENDED = "suspended"
SUPERSEDED = "superseded"
WITHDRAWN = "withdrawn"
SHOWN_EXPIRED = "expired"


class AccountRecord(msgspec.Struct, kw_only=True):
    """An account: its roles and the hash of its API key."""

    account_id: int
    name: str
    roles: list[str]
    key_hash: str
    created_ns: int
    auto_buy_max_price_micros: int | None = None  # the gateway may buy at market up to this


class EndpointRecord(msgspec.Struct, kw_only=True):
    """A seller's endpoint and the grade it may sell.

    `grade` is its current certificate's grade, None when it has none or the certificate
    is suspended or withdrawn; whether the certificate has expired is a matter of time,
    which the ask checks.
    """

    endpoint_id: int
    account_id: int
    url: str
    model: str
    capacity_units: int
    grade: str | None = None
    credential_token: str | None = None  # encrypted; never shown, logged or sent in an event
    certificate_id: int | None = None  # the current certificate, whatever its status


class CertificateRecord(msgspec.Struct, kw_only=True):
    """An endpoint's current certificate: what it measured, until when, and its audits."""

    certificate_id: int
    endpoint_id: int
    account_id: int
    grade: str | None  # None: measured, and earned no grade
    method: str  # "measured" | "operator"
    suite_version: str
    overall: Score
    scores: list[Score]
    ttft_p95_ms: int | None
    output_tps_median: float | None
    context_tokens: int | None
    features: list[str]
    items_used: int
    issued_ns: int
    expires_at_ns: int
    reason: str
    status: str = VALID
    suspended_reason: str | None = None
    audits: int = 0
    audit_passed: int = 0
    last_audit_ns: int | None = None


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
    # Endpoints' current certificates only; superseded ones live on in the read models.
    certificates: dict[int, CertificateRecord] = msgspec.field(default_factory=dict)
    # endpoint id -> the last audit results (category, passed) since its current certificate.
    audit_windows: dict[int, list[tuple[str, bool]]] = msgspec.field(default_factory=dict)
    last_account_id: int = 0
    last_endpoint_id: int = 0
    last_certificate_id: int = 0
    last_order_id: int = 0
    last_delivery_id: int = 0
    listed_until_ns: int = 0  # lifecycle has run for every period boundary before this


def shown_status(status: str, expires_at_ns: int, now_ns: int) -> str:
    """Return a certificate's status as bodies show it: a valid one expires with time."""
    return SHOWN_EXPIRED if status == VALID and now_ns >= expires_at_ns else status
