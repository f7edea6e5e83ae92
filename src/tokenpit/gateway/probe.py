"""Send grading and audit items to a seller exactly as the gateway sends buyer traffic.

`SellerProbe` is grading's `ChatClient` for one endpoint. It builds the same upstream
body (the seller's model name; usage asked for on streams) and headers, and goes
through the same `proxy_plain` / `proxy_stream` and the same connection pool, address
policy and timeouts as a buyer's request, so nothing on the wire tells an audit from
a sale. What the seller answered comes back in the proxy's result; nothing is sent on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from tokenpit.endpoints import AddressPolicy
from tokenpit.gateway.config import GatewayConfig
from tokenpit.gateway.errors import SellerError
from tokenpit.gateway.metering import Meter
from tokenpit.gateway.proxying import ProxyIO, ProxyResult, proxy_plain, proxy_stream
from tokenpit.gateway.request import Request
from tokenpit.gateway.upstream import Upstream
from tokenpit.grading.client import Reply
from tokenpit.grading.items import Answer, ToolCall
from tokenpit.settings import Secret
from tokenpit.specs import Spec

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
        proxy = proxy_stream if stream else proxy_plain
        try:
            result = await proxy(
                self._io,
                self._url,
                request.upstream_body(self._model),
                self._headers,
                request,
                _discard,
                {},
            )
        except SellerError as failure:
            return Reply(None, error=failure.reason)
        if result.broken is not None:
            return Reply(None, error=result.broken, streamed=stream)
        return _reply(result, stream)


@asynccontextmanager
async def standalone_probe(
    spec: Spec, config: GatewayConfig, url: str, model: str, credential: Secret | None
) -> AsyncIterator[SellerProbe]:
    """Yield a probe of one endpoint outside an exchange, with its own connections.

    Loopback and private addresses are allowed: whoever runs it chose the endpoint.
    """
    upstream = Upstream(config, AddressPolicy(allow_private=True))
    try:
        yield SellerProbe(ProxyIO(upstream, Meter(spec), config), url, model, credential)
    finally:
        await upstream.close()


async def _discard(_: Mapping[str, Any]) -> None:
    """Take the answer's messages where a buyer's would be sent: the result holds the answer."""


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


def _reply(result: ProxyResult, stream: bool) -> Reply:
    calls = tuple(
        ToolCall(
            name=str(function.get("name") or ""), arguments=str(function.get("arguments") or "")
        )
        for call in result.tool_calls
        if isinstance(function := call.get("function"), dict)
    )
    answer = Answer(content=result.content or None, tool_calls=calls)
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
