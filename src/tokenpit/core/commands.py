"""Commands: every state change of the exchange, as a journaled value.

The core gives each command a sequence number and a time (`ts_ns`) when it
sequences it, journals it durably, then applies it. Replaying the journal
applies the same commands with the same times, so the state comes out the
same: nothing else may feed the exchange's state.

Commands are msgspec structs tagged by their class name, so the journal is
plain JSON with the command name under `command` (`encode_command` / `decode_command`).
"""

from __future__ import annotations

from typing import Final

import msgspec

# Bounds on what commands may carry; the core refuses a command beyond them.
MAX_TOKENS: Final = 100_000_000  # per request: far beyond any context window
MAX_MS: Final = 86_400_000  # a day: no request lasts longer
MAX_REASON_CHARS: Final = 200  # reasons, request ids


class Command(msgspec.Struct, tag=True, tag_field="command", kw_only=True):
    """Base of all commands; `ts_ns` is set by the core when it sequences the command."""

    ts_ns: int = 0


class CreateAccount(Command, kw_only=True):
    """Open an account. The API key itself never reaches the journal, only its hash."""

    name: str
    roles: list[str]  # of "buyer", "seller", "operator"
    key_hash: str


class Deposit(Command, kw_only=True):
    """Credit an account's cash (operator only: there are no payment rails)."""

    account_id: int
    amount_micros: int


class Withdraw(Command, kw_only=True):
    """Debit an account's available cash (operator only)."""

    account_id: int
    amount_micros: int


class RegisterEndpoint(Command, kw_only=True):
    """Register a seller's OpenAI-compatible endpoint and its capacity per period."""

    account_id: int
    url: str
    model: str
    capacity_units: int  # per delivery period, in units of the spec
    # The seller's API key for the endpoint, encrypted by the API before it is journaled
    # (`tokenpit.endpoints.credentials`); the core never sees it in the clear.
    credential_token: str | None = None


class SetEndpointGrade(Command, kw_only=True):
    """Override an endpoint's grade by hand (operator): issue a certificate of method operator.

    The certificate carries no scores; `grade=None` withdraws the endpoint's current
    certificate instead.
    """

    endpoint_id: int
    grade: str | None  # grade name such as "B"; None withdraws the current certificate
    expires_at_ns: int | None = None  # None: 7 days after the command


class Score(msgspec.Struct, frozen=True, kw_only=True):
    """Items passed of items tried in one category, with the confidence bounds of the rate.

    The bounds are measurements, not money, so they are floats.
    """

    category: str  # "overall" for the score over every category
    passed: int
    items: int
    lower: float  # confidence bounds of the pass rate, in [0, 1]
    upper: float


class IssueCertificate(Command, kw_only=True):
    """Issue an endpoint the certificate that grading measured; it supersedes the previous one.

    `grade=None` records a measurement that earned no grade: the endpoint may then sell
    nothing.
    """

    endpoint_id: int
    grade: str | None
    method: str = "measured"  # "measured" | "operator"
    suite_version: str
    overall: Score
    scores: list[Score]  # per category
    ttft_p95_ms: int | None
    output_tps_median: float | None
    context_tokens: int | None
    features: list[str]
    items_used: int
    expires_at_ns: int
    reason: str


class AuditResult(msgspec.Struct, frozen=True, kw_only=True):
    """One audit item's outcome: a request the exchange sent the endpoint as a buyer would."""

    category: str
    passed: bool
    ttft_ms: int | None
    reason: str


class RecordAudit(Command, kw_only=True):
    """Record audit results against an endpoint's current certificate; suspend it if it fails."""

    endpoint_id: int
    results: list[AuditResult]


class PlaceOrder(Command, kw_only=True):
    """Place an order for an account."""

    account_id: int
    instrument: str
    side: str  # "buy" | "sell"
    type: str = "limit"  # "limit" | "market"
    price_micros: int = 0  # limit price; for a market order, an optional price cap (0: none)
    lots: int
    time_in_force: str = "gtc"  # "gtc" | "ioc" | "fok" | "gtd"
    expire_at_ns: int = 0  # for gtd
    post_only: bool = False
    client_order_id: str | None = None
    endpoint_id: int | None = None  # which endpoint delivers a sell order


class CancelOrder(Command, kw_only=True):
    """Cancel one of an account's resting orders."""

    account_id: int
    order_id: int


class ReplaceOrder(Command, kw_only=True):
    """Change the price and open lots of one of an account's resting orders."""

    account_id: int
    order_id: int
    price_micros: int
    lots: int


class SetAutoBuy(Command, kw_only=True):
    """Let the gateway buy lots at market for an account that runs out, up to a price."""

    account_id: int
    max_price_micros: int | None  # None turns auto-buy off


class RecordDelivery(Command, kw_only=True):
    """Record one request the gateway served against a buyer's lot, and settle it.

    Token counts are the reference tokenizer's; the core turns them into units by the
    spec, charges them to the lot (and, past its end, to the buyer's other lots of the
    same instrument from the same endpoint), pays the seller and refunds any off-grade
    discount. A failed request is recorded and charges nothing.
    """

    request_id: str
    buyer_account_id: int
    lot_id: int
    outcome: str  # "on_grade" | "off_grade" | "failed"
    reason: str | None = None  # why it was off grade or failed
    input_tokens: int = 0
    output_tokens: int = 0
    reported_input_tokens: int | None = None  # the seller's own usage figures, if it sent any
    reported_output_tokens: int | None = None
    ttft_ms: int = 0
    duration_ms: int = 0
    output_tps: float | None = None  # a measurement, not money
    streamed: bool = False


class DefaultEndpoint(Command, kw_only=True):
    """Default an endpoint's open lots of one period: it kept failing to deliver."""

    endpoint_id: int
    period_start_ns: int
    reason: str


class Tick(Command, kw_only=True):
    """Bring the exchange's time forward: list, expire and close what is due."""


AnyCommand = (
    CreateAccount
    | Deposit
    | Withdraw
    | RegisterEndpoint
    | SetEndpointGrade
    | IssueCertificate
    | RecordAudit
    | PlaceOrder
    | CancelOrder
    | ReplaceOrder
    | SetAutoBuy
    | RecordDelivery
    | DefaultEndpoint
    | Tick
)

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(AnyCommand)


def encode_command(command: Command) -> bytes:
    """Return the journal form of a command."""
    return _encoder.encode(command)


def decode_command(data: bytes | str) -> AnyCommand:
    """Read a command back from its journal form."""
    command: AnyCommand = _decoder.decode(data)
    return command
