"""Read a buyer's chat completion request: check what the gateway relies on, keep the rest.

Fields the gateway does not know pass through to the seller untouched; `model` is
replaced by the seller's own model name, and a stream always asks the seller for its
usage figures (the buyer sees the usage chunk only if it asked for one).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import msgspec

from tokenpit.gateway.errors import GatewayError, bad_request
from tokenpit.gateway.metering import Meter, MeteringError
from tokenpit.specs import Spec, SymbolError, parse_grade_symbol

MAX_OUTPUT_TOKENS = 1_000_000
AFFINITY_MAX = 256  # characters of a `user` or `prompt_cache_key` used for stickiness


@dataclass(frozen=True, slots=True)
class Request:
    """A checked chat completion request and what routing and metering need from it."""

    body: dict[str, Any]
    model: str  # the grade symbol, e.g. CHAT-B
    grade: str  # the grade name, e.g. B
    stream: bool
    wants_usage: bool  # the buyer asked for the usage chunk of a stream
    input_tokens: int  # by the reference tokenizer
    output_estimate: int  # max_tokens, or the gateway's estimate without it
    affinity: str | None  # keeps a conversation on one seller

    def upstream_body(self, seller_model: str) -> bytes:
        """Return the body to send to a seller serving `seller_model`."""
        body = dict(self.body)
        body["model"] = seller_model
        if self.stream:
            options = body.get("stream_options")
            body["stream_options"] = {**(options or {}), "include_usage": True}
        return msgspec.json.encode(body)


def parse_body(data: bytes) -> dict[str, Any]:
    """Decode a request body that must be a JSON object."""
    try:
        body = msgspec.json.decode(data)
    except msgspec.DecodeError as error:
        raise bad_request(
            f"the request body is not valid JSON: {error}", None, "invalid_json"
        ) from error
    if not isinstance(body, dict):
        raise bad_request("the request body must be a JSON object", None, "invalid_json")
    return body


def read_request(spec: Spec, body: dict[str, Any], estimate: int) -> Request:
    """Check a request's fields; raise a 400 (404 for an unknown model) naming the field.

    The input is counted afterwards (`count_input`), off the event loop when it is large.
    """
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise bad_request(
            "model is required: a grade symbol such as 'CHAT-B'", "model", "missing_model"
        )
    try:
        grade = parse_grade_symbol(spec, model)
    except SymbolError as error:
        raise _unknown_model(model, spec) from error

    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad_request("messages must be a non-empty list of messages", "messages")
    stream = _optional(body, "stream", bool, False)
    options = _optional(body, "stream_options", dict, None)
    wants_usage = bool(options and options.get("include_usage") is True)

    max_tokens = body.get("max_completion_tokens", body.get("max_tokens"))
    if max_tokens is not None and (
        isinstance(max_tokens, bool)
        or not isinstance(max_tokens, int)
        or not 1 <= max_tokens <= MAX_OUTPUT_TOKENS
    ):
        raise bad_request(
            f"max_tokens must be an integer from 1 to {MAX_OUTPUT_TOKENS:,}, got {max_tokens!r}",
            "max_tokens",
        )

    return Request(
        body=body,
        model=model,
        grade=grade,
        stream=stream,
        wants_usage=wants_usage,
        input_tokens=0,
        output_estimate=max_tokens or estimate,
        affinity=_affinity(body),
    )


def _unknown_model(model: str, spec: Spec) -> GatewayError:
    grades = ", ".join(f"{spec.symbol_family}-{name}" for name in spec.grade_names)
    return GatewayError(
        404,
        f"the model {model!r} does not exist: models are grades of the spec ({grades})",
        param="model",
        code="model_not_found",
    )


async def count_input(meter: Meter, request: Request) -> Request:
    """Return the request with its input counted by the reference tokenizer."""
    try:
        tokens = await meter.prompt_tokens_async(request.body)
    except MeteringError as error:
        raise bad_request(str(error), error.field) from error
    return dataclasses.replace(request, input_tokens=tokens)


def _optional(body: dict[str, Any], name: str, kind: type, default: Any) -> Any:
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise bad_request(f"{name} must be a {kind.__name__}, got {value!r}"[:300], name)
    return value


def _affinity(body: dict[str, Any]) -> str | None:
    for name in ("prompt_cache_key", "user"):
        value = body.get(name)
        if isinstance(value, str) and value:
            return value[:AFFINITY_MAX]
    return None
