"""Request bodies: strict, bounded, and closed to fields they do not name.

Integers are JSON integers only (neither `1.5` nor `"3"`), every number has bounds, and
an unknown field is refused by name, so a misspelt option never passes silently.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

from tokenpit.api.texts import TEXT_PATTERN, checked_time_ns, plain_text
from tokenpit.endpoints import MAX_URL_CHARS, validate_endpoint_url
from tokenpit.settings import Secret

MAX_ID: Final = 2**62  # ids are SQLite integers; one more must still fit
MAX_LOTS: Final = 1_000_000
MAX_PRICE_MICROS: Final = 10**12  # a million dollars per million units
MAX_AMOUNT_MICROS: Final = 10**15  # a billion dollars
MAX_CAPACITY_UNITS: Final = 10**12
MAX_CREDENTIAL_CHARS: Final = 4_096

Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
Lots = Annotated[int, Field(strict=True, ge=1, le=MAX_LOTS, description="whole lots")]
PriceMicros = Annotated[
    int,
    Field(strict=True, ge=0, le=MAX_PRICE_MICROS, description="µUSD per million units"),
]
AmountMicros = Annotated[int, Field(strict=True, ge=1, le=MAX_AMOUNT_MICROS)]
Role = Literal["buyer", "seller", "operator"]


def _text(max_chars: int) -> object:
    return Field(min_length=1, max_length=max_chars, json_schema_extra={"pattern": TEXT_PATTERN})


def _as_secret(value: Any) -> Secret:
    # Only the type is checked here: a validation error quotes the value it refuses, and
    # this one is a secret. `credential_problem` checks the rest without quoting it.
    if not isinstance(value, str):
        raise ValueError("must be a string")  # noqa: TRY004 - pydantic wants a ValueError
    return Secret(value)


Name = Annotated[str, _text(100), AfterValidator(plain_text)]
Symbol = Annotated[str, _text(64), AfterValidator(plain_text)]
ClientOrderId = Annotated[str, _text(64), AfterValidator(plain_text)]
EndpointUrl = Annotated[
    str,
    Field(min_length=1, max_length=MAX_URL_CHARS, examples=["https://inference.example.com/v1"]),
    AfterValidator(validate_endpoint_url),
]
Credential = Annotated[
    Secret,
    PlainValidator(_as_secret),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_CREDENTIAL_CHARS,
            "format": "password",
            "writeOnly": True,
        }
    ),
]
ModelName = Annotated[str, _text(200), AfterValidator(plain_text)]
Time = Annotated[
    str, _text(64), AfterValidator(checked_time_ns), Field(examples=["2026-12-03T14:30:00Z"])
]
GradeName = Annotated[str, _text(16), AfterValidator(plain_text)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CreateAccountRequest(_Body):
    """Open an account with roles; its API key is in the answer, once."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "acme-bot", "roles": ["buyer"]}]}
    )

    name: Name
    roles: Annotated[list[Role], Field(min_length=1, max_length=3)]


class AmountRequest(_Body):
    """Move money into or out of an account (µUSD)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"amount_micros": 250_000_000}]})

    amount_micros: AmountMicros


class AutoBuyRequest(_Body):
    """Let the gateway buy lots at market, up to a price, when your units run out."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"max_price_micros": 3_000_000}]})

    max_price_micros: Annotated[
        int | None,
        Field(
            strict=True, ge=1, le=MAX_PRICE_MICROS, description="µUSD per million units; null: off"
        ),
    ]


class PlaceOrderRequest(_Body):
    """Place an order.

    `price_micros` is required for a limit order; for a market order it is an optional
    price cap. `time_in_force` defaults to gtc for limit orders and ioc for market ones;
    `expire_at` (ISO 8601) is for gtd orders only. A sell order names the endpoint that
    will deliver it. A `client_order_id` makes the order idempotent: sending it again
    returns the first answer.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "instrument": "CHAT-B.2026-12-03T14",
                    "side": "buy",
                    "type": "limit",
                    "price_micros": 2_000_000,
                    "lots": 3,
                    "time_in_force": "gtc",
                    "client_order_id": "my-order-1",
                }
            ]
        }
    )

    instrument: Symbol
    side: Literal["buy", "sell"]
    type: Literal["limit", "market"] = "limit"
    price_micros: PriceMicros | None = None
    lots: Lots
    time_in_force: Literal["gtc", "ioc", "fok", "gtd"] | None = None
    expire_at: Time | None = None
    post_only: bool = False
    client_order_id: ClientOrderId | None = None
    endpoint_id: Id | None = None


class ReplaceOrderRequest(_Body):
    """Change a resting order's price and its open lots."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"price_micros": 2_100_000, "lots": 2}]}
    )

    price_micros: PriceMicros
    lots: Lots


class RegisterEndpointRequest(_Body):
    """Register an OpenAI-compatible endpoint and the units it can deliver per period.

    `url` is the base URL the exchange calls (`…/v1`); its host must lead to public
    addresses only, unless the operator allows private ones. `credential` is the key the
    exchange sends the endpoint (`Authorization: Bearer …`): it is stored encrypted and
    never shown again.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "url": "https://inference.example.com/v1",
                    "model": "llama-3.1-70b-instruct",
                    "capacity_units": 10_000_000,
                    "credential": "sk-your-endpoint-key",
                }
            ]
        }
    )

    url: EndpointUrl
    model: ModelName
    capacity_units: Annotated[int, Field(strict=True, ge=1, le=MAX_CAPACITY_UNITS)]
    credential: Credential | None = None


def credential_problem(credential: Secret) -> str | None:
    """Return the rule a credential breaks, without quoting it, or None if it is fine."""
    text = credential.reveal()
    if not 1 <= len(text) <= MAX_CREDENTIAL_CHARS:
        return f"must be 1 to {MAX_CREDENTIAL_CHARS:,} characters, got {len(text):,}"
    if not text.strip():
        return "must not be blank"
    try:
        plain_text(text)
    except ValueError as error:
        return str(error)
    return None


class SetGradeRequest(_Body):
    """Override the grade an endpoint may sell (a name such as "B"), or null to withdraw it.

    The exchange issues the endpoint a certificate of method operator, without scores,
    valid until `expires_at` (ISO 8601; default 7 days from now, at most 366).
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"grade": "B"},
                {"grade": "B", "expires_at": "2026-12-10T14:00:00Z"},
                {"grade": None},
            ]
        }
    )

    grade: GradeName | None
    expires_at: Time | None = None
