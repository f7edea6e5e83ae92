"""The fake upstream of bench/gateway.py: a fast OpenAI-compatible server on loopback.

Usage: _gateway_upstream.py --port P [--model NAME]

It answers `POST /v1/chat/completions` at once with a fixed small completion: a
`chat.completion` JSON with `usage`, or with `"stream": true` a handful of
`chat.completion.chunk` server-sent events (plus a usage chunk when
`stream_options.include_usage` is set) and `data: [DONE]`, sent with chunked transfer
encoding as real servers do. `GET /v1/models` lists the one model. Every answer is built
once at start, so the upstream spends as little of the shared CPUs as it can: it speaks
just enough HTTP/1.1 (keep-alive, pipelining, Content-Length or chunked request bodies)
in a raw asyncio protocol on uvloop. A request it cannot read gets a 4xx answer in
OpenAI's error shape and the connection is closed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any, cast

import uvloop

MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024
REPLY_PIECES = ("Hello", "!", " This is", " a fixed", " reply", " from the bench upstream.")
PROMPT_TOKENS = 14  # what the reply's usage claims: the upstream does not tokenize
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
REASONS |= {411: "Length Required", 413: "Content Too Large", 431: "Header Fields Too Large"}


def _response(status: int, content_type: str, body: bytes, *, close: bool = False) -> bytes:
    """Return a whole HTTP/1.1 response with a Content-Length."""
    connection = "Connection: close\r\n" if close else ""
    head = (
        f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n{connection}\r\n"
    )
    return head.encode() + body


def error_response(status: int, message: str, *, close: bool = False) -> bytes:
    """Return an error answer in OpenAI's shape."""
    body = {"error": {"message": message, "type": "invalid_request_error", "code": None}}
    return _response(status, "application/json", json.dumps(body).encode(), close=close)


@dataclass(frozen=True)
class Answers:
    """Every answer the upstream gives to a well-formed request, built once."""

    completion: bytes
    stream: bytes
    stream_with_usage: bytes
    models: bytes

    @classmethod
    def build(cls, model: str) -> Answers:
        """Build the answers for `model`."""
        created = int(time.time())
        completion_tokens = len(REPLY_PIECES)
        usage = {
            "prompt_tokens": PROMPT_TOKENS,
            "completion_tokens": completion_tokens,
            "total_tokens": PROMPT_TOKENS + completion_tokens,
        }
        completion = {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "".join(REPLY_PIECES)},
                    "finish_reason": "stop",
                }
            ],
            "usage": usage,
        }
        chunk = {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
        }

        def delta(content: dict[str, str], finish_reason: str | None = None) -> dict[str, Any]:
            choice = {"index": 0, "delta": content, "finish_reason": finish_reason}
            return {**chunk, "choices": [choice]}

        events = [delta({"role": "assistant", "content": ""})]
        events += [delta({"content": piece}) for piece in REPLY_PIECES]
        events.append(delta({}, "stop"))
        usage_event = {**chunk, "choices": [], "usage": usage}
        models = {
            "object": "list",
            "data": [{"id": model, "object": "model", "created": created, "owned_by": "bench"}],
        }
        return cls(
            completion=_response(200, "application/json", json.dumps(completion).encode()),
            stream=_stream_response(events),
            stream_with_usage=_stream_response([*events, usage_event]),
            models=_response(200, "application/json", json.dumps(models).encode()),
        )

    def for_completion(self, body: bytes) -> bytes:
        """Return the answer to a chat completion request body, or a 400 naming the problem."""
        try:
            request = json.loads(body)
        except ValueError:
            return error_response(400, "body: not JSON")
        if not isinstance(request, dict) or not isinstance(request.get("model"), str):
            return error_response(400, "model: required, a string")
        if not isinstance(request.get("messages"), list) or not request["messages"]:
            return error_response(400, "messages: required, a non-empty list")
        if request.get("stream") is not True:
            return self.completion
        options = request.get("stream_options")
        if isinstance(options, dict) and options.get("include_usage") is True:
            return self.stream_with_usage
        return self.stream


def _stream_response(events: list[dict[str, Any]]) -> bytes:
    """Return a streamed answer: each server-sent event one chunk, then [DONE]."""
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    lines = [f"data: {json.dumps(event)}\n\n".encode() for event in events]
    lines.append(b"data: [DONE]\n\n")
    chunks = [f"{len(line):x}\r\n".encode() + line + b"\r\n" for line in lines]
    return head + b"".join(chunks) + b"0\r\n\r\n"


class MalformedRequestError(Exception):
    """The bytes on a connection are not a request this server reads; the answer is given."""

    def __init__(self, answer: bytes) -> None:
        super().__init__(answer[:60])
        self.answer = answer


@dataclass(frozen=True)
class Request:
    """One request read off a connection."""

    method: str
    path: str
    body: bytes
    close: bool


def read_request(buffer: bytearray) -> Request | None:
    """Take one whole request off the front of `buffer`; None while it is incomplete."""
    head_end = buffer.find(b"\r\n\r\n")
    if head_end < 0:
        if len(buffer) > MAX_HEAD_BYTES:
            raise MalformedRequestError(error_response(431, "request head too long", close=True))
        return None
    lines = bytes(buffer[:head_end]).decode("latin-1").split("\r\n")
    request_line = lines[0].split(" ")
    if len(request_line) != 3:
        raise MalformedRequestError(error_response(400, "request line: malformed", close=True))
    method, target, version = request_line
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()

    body_start = head_end + 4
    if "chunked" in headers.get("transfer-encoding", "").lower():
        read = _read_chunked(buffer, body_start)
        if read is None:
            return None
        body, body_end = read
    else:
        length_text = headers.get("content-length", "0")
        if not length_text.isdigit():
            answer = error_response(400, "content-length: not a number", close=True)
            raise MalformedRequestError(answer)
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            raise MalformedRequestError(error_response(413, "body too large", close=True))
        body_end = body_start + length
        if len(buffer) < body_end:
            return None
        body = bytes(buffer[body_start:body_end])

    del buffer[:body_end]
    connection = headers.get("connection", "").lower()
    close = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
    return Request(method, target.split("?", 1)[0], body, close)


def _read_chunked(buffer: bytearray, start: int) -> tuple[bytes, int] | None:
    """Decode a chunked body from `start`; return it and where it ends, or None if partial."""
    body = bytearray()
    position = start
    while True:
        size_end = buffer.find(b"\r\n", position)
        if size_end < 0:
            return None
        size_text = bytes(buffer[position:size_end]).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            answer = error_response(400, "chunk size: not hex", close=True)
            raise MalformedRequestError(answer) from None
        if len(body) + size > MAX_BODY_BYTES:
            raise MalformedRequestError(error_response(413, "body too large", close=True))
        if size == 0:
            # No trailers are sent by the clients this serves: the body ends at the blank line.
            end = buffer.find(b"\r\n", size_end + 2)
            return None if end < 0 else (bytes(body), end + 2)
        data_end = size_end + 2 + size
        if len(buffer) < data_end + 2:
            return None
        body += buffer[size_end + 2 : data_end]
        position = data_end + 2


class UpstreamProtocol(asyncio.Protocol):
    """One keep-alive connection: read requests as they arrive, answer each in order."""

    def __init__(self, answers: Answers) -> None:
        self._answers = answers
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport to answer on."""
        # uvloop's transports do not subclass asyncio.Transport, though they implement it.
        self._transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        """Answer every whole request now in the buffer."""
        assert self._transport is not None
        self._buffer += data
        while True:
            try:
                request = read_request(self._buffer)
            except MalformedRequestError as error:
                self._transport.write(error.answer)
                self._transport.close()
                return
            if request is None:
                return
            self._transport.write(self._answer(request))
            if request.close:
                self._transport.close()
                return

    def _answer(self, request: Request) -> bytes:
        if request.path == "/v1/chat/completions":
            if request.method != "POST":
                return error_response(405, f"method {request.method}: use POST")
            return self._answers.for_completion(request.body)
        if request.path == "/v1/models":
            if request.method != "GET":
                return error_response(405, f"method {request.method}: use GET")
            return self._answers.models
        return error_response(404, f"path {request.path}: not served here")


async def serve(port: int, model: str) -> None:
    """Serve on 127.0.0.1:`port` until the process is stopped."""
    answers = Answers.build(model)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: UpstreamProtocol(answers), "127.0.0.1", port, backlog=1024
    )
    async with server:
        await server.serve_forever()


def main() -> None:
    """Parse the arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--model", default="bench-upstream")
    args = parser.parse_args()
    uvloop.run(serve(args.port, args.model))


if __name__ == "__main__":
    main()
