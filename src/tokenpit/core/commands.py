"""Commands: every state change of the exchange, as a journaled value.

The core gives each command a sequence number and a time (`ts_ns`) when it
sequences it, journals it durably, then applies it. Replaying the journal
applies the same commands with the same times, so the state comes out the
same: nothing else may feed the exchange's state.

Commands are msgspec structs tagged by their class name, so the journal is
plain JSON with the command name under `command` (`encode_command` / `decode_command`).
"""

from __future__ import annotations

import msgspec


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
    """Mark the grade an endpoint may sell (operator; grading replaces this later)."""

    endpoint_id: int
    grade: str | None  # grade name such as "B"; None withdraws it


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


class Tick(Command, kw_only=True):
    """Bring the exchange's time forward: list, expire and close what is due."""


AnyCommand = (
    CreateAccount
    | Deposit
    | Withdraw
    | RegisterEndpoint
    | SetEndpointGrade
    | PlaceOrder
    | CancelOrder
    | ReplaceOrder
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
