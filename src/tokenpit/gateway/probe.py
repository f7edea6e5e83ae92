"""Send grading and audit items to a seller exactly as the gateway sends buyer traffic.

`SellerProbe` is grading's `ChatClient` for one endpoint. It builds the same upstream
body (the seller's model name; usage asked for on streams) and headers, and goes
through the same `proxy_plain` / `proxy_stream` and the same connection pool, address
policy and timeouts as a buyer's request, so nothing on the wire tells an audit from
a sale. The answer is captured instead of being sent to a buyer, then read back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenpit.gateway.errors import SellerError
from tokenpit.gateway.metering import MeteringError
from tokenpit.gateway.proxying import ProxyIO, ProxyResult, proxy_plain, proxy_stream, read_answer
from tokenpit.gateway.request import Request
from tokenpit.gateway.sse import SseError, SseParser, decode_chunk, read_chunk
from tokenpit.grading.client import Reply
from tokenpit.grading.items import Answer, ToolCall
from tokenpit.settings import Secret

NS_PER_MS = 1_000_000


def seller_headers(credential: Secret | None) -> dict[str, str]:
    """Return the headers of every request to a seller: buyer traffic, grading and audits."""
    headers = {"Content-Type": "application/json"}
    if credential is not None:
        headers["Authorization"] = f"Bearer {credential.reveal()}"
    return headers


class SellerProbe:
    """A grading `ChatClient` for one seller endpoint, over the gateway's own path."""

    def __init__(self, io: ProxyIO, url: str, model: str, credential: Secret | None) -> None:
        self._io = io
        self._url = url
        self._model = model
        self._headers = seller_headers(credential)

    async def chat(self, body: dict[str, Any]) -> Reply:
        """Send `body` to the seller and return its reply; failures come back as `error`."""
        stream = body.get("stream") is True
        request = _request(body, stream)
        capture = _Capture()
        proxy = proxy_stream if stream else proxy_plain
        try:
            result = await proxy(
                self._io,
                self._url,
                request.upstream_body(self._model),
                self._headers,
                request,
                capture.send,
                {},
            )
        except SellerError as failure:
            return Reply(None, error=failure.reason)
        if result.broken is not None:
            return Reply(None, error=result.broken, streamed=stream)
        try:
            answer = _stream_answer(capture.body) if stream else _plain_answer(capture.body)
        except (SseError, MeteringError, SellerError, ValueError) as error:
            return Reply(None, error=f"malformed answer: {error}", streamed=stream)
        return _reply(answer, result, stream)


class _Capture:
    """An ASGI `send` that keeps the body instead of sending it to a buyer."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    async def send(self, message: Mapping[str, Any]) -> None:
        if message["type"] == "http.response.body":
            self._parts.append(message.get("body", b""))

    @property
    def body(self) -> bytes:
        return b"".join(self._parts)


def _request(body: dict[str, Any], stream: bool) -> Request:
    max_tokens = body.get("max_completion_tokens", body.get("max_tokens"))
    return Request(
        body=body,
        model="",
        grade="",
        stream=stream,
        wants_usage=False,
        input_tokens=0,
        output_estimate=max_tokens if isinstance(max_tokens, int) else 0,
        affinity=None,
    )


def _plain_answer(data: bytes) -> Answer:
    content, tool_calls, _ = read_answer(data)
    return Answer(content=content or None, tool_calls=_tool_calls(tool_calls))


def _stream_answer(data: bytes) -> Answer:
    parser = SseParser()
    content: list[str] = []
    names: dict[int, list[str]] = {}
    arguments: dict[int, list[str]] = {}
    for event in parser.feed(data):
        if event.is_done:
            break
        reading = read_chunk(decode_chunk(event.data))
        content.append(reading.content)
        for position, delta in enumerate(reading.tool_calls):
            index = delta.get("index", position)
            function = delta.get("function")
            if not isinstance(index, int) or not isinstance(function, dict):
                continue
            names.setdefault(index, []).append(str(function.get("name") or ""))
            arguments.setdefault(index, []).append(str(function.get("arguments") or ""))
    calls = tuple(
        ToolCall(name="".join(names[i]), arguments="".join(arguments[i])) for i in sorted(names)
    )
    return Answer(content="".join(content) or None, tool_calls=calls)


def _tool_calls(raw: list[Any]) -> tuple[ToolCall, ...]:
    calls = []
    for call in raw:
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(function, dict):
            name, arguments = function.get("name"), function.get("arguments")
            calls.append(ToolCall(name=str(name or ""), arguments=str(arguments or "")))
    return tuple(calls)


def _reply(answer: Answer, result: ProxyResult, stream: bool) -> Reply:
    ttft_ms = None
    if stream and result.first_content_ns is not None:
        ttft_ms = (result.first_content_ns - result.start_ns) / NS_PER_MS
    return Reply(
        answer,
        streamed=stream,
        ttft_ms=ttft_ms,
        duration_ms=(result.end_ns - result.start_ns) / NS_PER_MS,
        output_tokens=result.output_tokens,
    )
