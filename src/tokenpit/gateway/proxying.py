"""Proxy one attempt to a seller, plain or streamed, and read what it delivered.

Nothing reaches the buyer until the seller's answer is known good: for a plain answer
the whole body, parsed and checked; for a stream its first event. Until then any
failure raises `SellerError` and the gateway may try another lot. After that a
failure ends the stream with an error event and is returned in `ProxyResult.broken`.
Stream events are forwarded one by one as they arrive, each as the seller sent it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from tokenpit.gateway.config import GatewayConfig
from tokenpit.gateway.errors import SellerError, error_body
from tokenpit.gateway.metering import Meter, MeteringError
from tokenpit.gateway.request import Request
from tokenpit.gateway.sse import SseError, SseParser, decode_chunk, read_chunk
from tokenpit.gateway.upstream import Upstream, without_credential

Send = Callable[[dict[str, Any]], Awaitable[None]]
ANSWER_BYTES_MAX = 64 * 1024 * 1024
# A seller's usage figure above this is nonsense, and would not fit the database's integers.
REPORTED_TOKENS_MAX = 1_000_000_000
DONE = b"data: [DONE]\n\n"


@dataclass(frozen=True, slots=True)
class ProxyIO:
    """What every attempt uses: the seller client, the meter and the limits."""

    upstream: Upstream
    meter: Meter
    config: GatewayConfig


@dataclass(frozen=True, slots=True)
class ProxyResult:
    """What one successful (or broken-off) attempt delivered, and when."""

    start_ns: int
    first_content_ns: int | None
    end_ns: int
    output_tokens: int
    reported_input_tokens: int | None
    reported_output_tokens: int | None
    broken: str | None = None  # why a stream ended early, after bytes reached the buyer
    content: str = ""  # what was delivered: the text, and the tool calls assembled
    tool_calls: tuple[Mapping[str, Any], ...] = ()


async def proxy_plain(
    io: ProxyIO,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    request: Request,
    send: Send,
    extra_headers: Mapping[str, str],
) -> ProxyResult:
    """Proxy a non-streamed request; send the seller's answer once it is checked."""
    start_ns = time.monotonic_ns()
    response = await io.upstream.open(url, body, headers)
    data = await io.upstream.read_all(response, ANSWER_BYTES_MAX)
    end_ns = time.monotonic_ns()
    content, tool_calls, usage = _read_completion(data)
    try:
        output_tokens = io.meter.completion_tokens(content, tool_calls)
    except MeteringError as error:
        raise SellerError(f"malformed answer: {error}") from error

    await send(_start(200, b"application/json", extra_headers))
    await send({"type": "http.response.body", "body": data, "more_body": False})
    reported_in, reported_out = reported_usage(usage)
    return ProxyResult(
        start_ns,
        None,
        end_ns,
        output_tokens,
        reported_in,
        reported_out,
        content=content,
        tool_calls=tuple(tool_calls),
    )


async def proxy_stream(
    io: ProxyIO,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    request: Request,
    send: Send,
    extra_headers: Mapping[str, str],
) -> ProxyResult:
    """Proxy a streamed request, forwarding each event as it arrives."""
    start_ns = time.monotonic_ns()
    response = await io.upstream.open(url, body, headers)
    stream = _Stream(io, request, send, extra_headers)
    try:
        await stream.forward(io.upstream.chunks(response))
    except (SellerError, SseError, MeteringError) as error:
        reason = error.reason if isinstance(error, SellerError) else f"malformed stream: {error}"
        # The reason quotes what the seller sent, which may echo the credential it was given.
        reason = without_credential(reason, headers)
        if not stream.started:
            status = error.status if isinstance(error, SellerError) else None
            raise SellerError(reason, status=status) from error
        stream.broken = reason
        body = error_body(reason, "upstream_error", None, "seller_failed")
        await send(_body(b"data: " + body + b"\n\n"))
    finally:
        response.release()

    if not stream.started:
        raise SellerError("the stream ended before any event")
    if stream.broken is None:
        await send(_body(DONE))
    await send({"type": "http.response.body", "body": b"", "more_body": False})
    end_ns = time.monotonic_ns()
    reported_in, reported_out = reported_usage(stream.usage)
    return ProxyResult(
        start_ns,
        stream.first_content_ns,
        end_ns,
        await stream.counter.total_async(),
        reported_in,
        reported_out,
        stream.broken,
        content=stream.counter.content(),
        tool_calls=tuple(stream.counter.tool_calls()),
    )


class _Stream:
    """One stream being forwarded: what was read from it so far."""

    def __init__(
        self, io: ProxyIO, request: Request, send: Send, extra_headers: Mapping[str, str]
    ) -> None:
        self.request = request
        self.send = send
        self.extra_headers = extra_headers
        self.parser = SseParser()
        self.counter = io.meter.completion_counter()
        self.first_content_ns: int | None = None
        self.usage: dict[str, Any] | None = None
        self.started = False
        self.broken: str | None = None

    async def forward(self, chunks: AsyncIterator[bytes]) -> None:
        """Forward events until `[DONE]`; raise `SellerError` if the stream ends without it."""
        async for data in chunks:
            for event in self.parser.feed(data):
                if event.is_done:
                    return
                await self._event(event.data)
        raise SellerError("the stream ended without [DONE]")

    async def _event(self, data: bytes) -> None:
        chunk = decode_chunk(data)
        reading = read_chunk(chunk)
        if reading.content:
            self.counter.add_content(reading.content)
        if reading.tool_calls:
            self.counter.add_tool_call_deltas(reading.tool_calls)
        if self.first_content_ns is None and (reading.content or reading.tool_calls):
            self.first_content_ns = time.monotonic_ns()
        if reading.usage is not None:
            self.usage = {
                "prompt_tokens": reading.usage.prompt_tokens,
                "completion_tokens": reading.usage.completion_tokens,
            }
            if not self.request.wants_usage and not chunk.get("choices"):
                return  # the buyer did not ask for the usage chunk
        if not self.started:
            await self.send(_start(200, b"text/event-stream", self.extra_headers))
            self.started = True
        await self.send(_body(b"data: " + data + b"\n\n"))


def _read_completion(data: bytes) -> tuple[str, list[Any], Any]:
    """Return (content, tool calls, usage) of a plain answer, or raise `SellerError`."""
    try:
        answer = msgspec.json.decode(data)
    except msgspec.DecodeError as error:
        raise SellerError(f"malformed answer: not JSON ({error})") from error
    choices = answer.get("choices") if isinstance(answer, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise SellerError("malformed answer: no choices")
    message = choices[0].get("message")
    if not isinstance(message, dict):
        raise SellerError("malformed answer: choices[0].message is not an object")
    content = message.get("content") or ""
    tool_calls = message.get("tool_calls") or []
    if not isinstance(content, str) or not isinstance(tool_calls, list):
        raise SellerError("malformed answer: content must be text and tool_calls a list")
    return content, tool_calls, answer.get("usage")


def reported_usage(usage: Any) -> tuple[int | None, int | None]:
    """Return a seller's (prompt, completion) token figures from its `usage` object.

    A figure that is not an integer from 0 to `REPORTED_TOKENS_MAX` is None, as if the
    seller had not sent it: the seller's figures are untrusted and never move money.
    """
    if not isinstance(usage, dict):
        return None, None
    return _count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens"))


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= REPORTED_TOKENS_MAX else None
    return None


def _start(status: int, content_type: bytes, extra: Mapping[str, str]) -> dict[str, Any]:
    headers = [(b"content-type", content_type)]
    if content_type == b"text/event-stream":
        headers.append((b"cache-control", b"no-cache"))
    headers.extend((name.encode(), value.encode()) for name, value in extra.items())
    return {"type": "http.response.start", "status": status, "headers": headers}


def _body(data: bytes) -> dict[str, Any]:
    return {"type": "http.response.body", "body": data, "more_body": True}
