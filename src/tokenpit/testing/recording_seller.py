"""A seller that keeps every request it is sent, for tests of what the gateway forwards.

    async with running_recording_seller() as seller:
        ...  # register f"{seller.url}/v1" as an endpoint, send through the gateway
        [request] = seller.requests  # its headers and its decoded JSON body

It answers every chat completion with one short reply, plain or streamed (with the usage
chunk when asked). With `refuse_with_echo` it answers 401 instead, quoting the
Authorization header it got, as some servers quote a wrong key back: a test can then
check that the gateway never passes a seller's credential on to a buyer. With
`echo_in_stream` a streamed answer starts, then breaks off with an error object that
quotes the header, after the buyer has had bytes.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import msgspec
from aiohttp import web

REPLY: Final = "Recorded."
USAGE: Final = {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the seller received it."""

    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class RecordingSeller:
    """Where the recording seller listens, and what it was sent so far."""

    url: str
    requests: list[RecordedRequest] = field(default_factory=list)


@asynccontextmanager
async def running_recording_seller(
    *, refuse_with_echo: bool = False, echo_in_stream: bool = False
) -> AsyncIterator[RecordingSeller]:
    """Serve a recording seller on a loopback port for the length of the block."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    seller = RecordingSeller(f"http://127.0.0.1:{listener.getsockname()[1]}")

    async def chat_completions(request: web.Request) -> web.StreamResponse:
        body = msgspec.json.decode(await request.read())
        seller.requests.append(RecordedRequest(dict(request.headers), body))
        if refuse_with_echo:
            given = request.headers.get("Authorization", "")
            error = {"message": f"Incorrect API key provided: {given}", "type": "auth_error"}
            return web.json_response({"error": error}, status=401)
        if body.get("stream"):
            return await _stream(request, body, echo_in_stream=echo_in_stream)
        return web.json_response(_completion(body["model"]))

    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat_completions)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.SockSite(runner, listener)
    await site.start()
    try:
        yield seller
    finally:
        await runner.cleanup()


def _completion(model: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": REPLY}
    return {
        "id": "chatcmpl-recorded",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": USAGE,
    }


async def _stream(
    request: web.Request, body: dict[str, Any], *, echo_in_stream: bool
) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    envelope = {"id": "chatcmpl-recorded", "object": "chat.completion.chunk", "created": 0}
    envelope["model"] = body["model"]
    deltas: list[tuple[dict[str, Any], str | None]] = [
        ({"role": "assistant", "content": ""}, None),
        ({"content": REPLY}, None),
        ({}, "stop"),
    ]
    for delta, finish_reason in deltas:
        choice = {"index": 0, "delta": delta, "finish_reason": finish_reason}
        await response.write(_event({**envelope, "choices": [choice]}))
        if echo_in_stream and delta.get("content"):
            given = request.headers.get("Authorization", "")
            error = {"message": f"session lost for {given}", "type": "server_error"}
            await response.write(_event({"error": error}))
            await response.write_eof()
            return response
    if (body.get("stream_options") or {}).get("include_usage"):
        await response.write(_event({**envelope, "choices": [], "usage": USAGE}))
    await response.write(b"data: [DONE]\n\n")
    await response.write_eof()
    return response


def _event(chunk: dict[str, Any]) -> bytes:
    return b"data: " + msgspec.json.encode(chunk) + b"\n\n"
