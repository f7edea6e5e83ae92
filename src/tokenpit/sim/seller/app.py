"""The simulated seller's aiohttp application: routes, pacing, faults and usage.

Every request to `/v1/…` is authenticated (when a key is set), then checked, then meets
the configured fault or drawn failure, and only then is answered: after `ttft_ms`, at
`output_tps`, with usage scaled by `usage_factor`.
"""

from __future__ import annotations

import asyncio
import hmac
import random
import time
from typing import Final

import msgspec
from aiohttp import web

from tokenpit.sim.seller.config import Fault, SimSellerConfig
from tokenpit.sim.seller.grading import GradingResponder
from tokenpit.sim.seller.requests import ChatRequest, RequestError, parse_chat_request
from tokenpit.sim.seller.responses import ChunkRenderer, Usage, completion_body, error_body
from tokenpit.sim.seller.text import Reply, ResponderFactory
from tokenpit.sim.seller.tokens import Tokenizer

BODY_BYTES_MAX: Final = 32 * 1024 * 1024  # a 128k-token prompt is about 0.5 MiB of text
# Counting a prompt this long takes about a millisecond: count it off the event loop.
THREAD_PROMPT_CHARS: Final = 64 * 1024
JSON: Final = "application/json"
SSE_HEADERS: Final = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
}


def create_app(
    config: SimSellerConfig, responder_factory: ResponderFactory = GradingResponder
) -> web.Application:
    """Build the application of a simulated seller; it owns all of its state."""
    seller = SimSeller(config, responder_factory)
    app = web.Application(client_max_size=BODY_BYTES_MAX)
    app.router.add_get("/healthz", seller.health)
    app.router.add_get("/v1/models", seller.models)
    app.router.add_post("/v1/chat/completions", seller.chat_completions)
    app.router.add_route("*", "/{path:.*}", seller.unknown_route)
    app.on_shutdown.append(seller.release_hung_requests)
    return app


def error_response(error: RequestError) -> web.Response:
    """Answer with OpenAI's error shape."""
    body = error_body(
        error.message, error_type=error.error_type, param=error.param, code=error.code
    )
    return web.Response(status=error.status, body=body, content_type=JSON)


class SimSeller:
    """A simulated seller's state and its request handlers; one per application."""

    def __init__(self, config: SimSellerConfig, responder_factory: ResponderFactory) -> None:
        self.config = config
        self.tokenizer = Tokenizer()
        self._rng = random.Random(config.seed)
        self.responder = responder_factory(config, self.tokenizer, self._rng)
        self._stopping = asyncio.Event()
        self.requests_in_flight = 0  # shown by /healthz: load tests and fault tests watch it
        key = config.api_key.reveal() if config.api_key else None
        self._authorization = f"Bearer {key}".encode() if key else None
        model = {"id": config.model, "object": "model", "created": 0, "owned_by": "tokenpit-sim"}
        self._models_body = msgspec.json.encode({"object": "list", "data": [model]})

    async def health(self, request: web.Request) -> web.Response:
        """Answer that the seller is up, which model it serves and how busy it is."""
        return web.json_response(
            {
                "status": "ok",
                "model": self.config.model,
                "requests_in_flight": self.requests_in_flight,
            }
        )

    async def models(self, request: web.Request) -> web.Response:
        """List the one model this seller serves."""
        refusal = self._refuse_unauthenticated(request)
        if refusal is not None:
            return refusal
        return web.Response(body=self._models_body, content_type=JSON)

    async def unknown_route(self, request: web.Request) -> web.Response:
        """Answer a path or method this seller does not serve."""
        return error_response(
            RequestError(
                f"unknown request URL: {request.method} {request.path}",
                code="unknown_url",
                status=404,
            )
        )

    async def release_hung_requests(self, app: web.Application) -> None:
        """Let requests held by the hang and stall faults end, so the server can stop."""
        self._stopping.set()

    async def chat_completions(self, request: web.Request) -> web.StreamResponse:
        """Answer a Chat Completions request, as configured."""
        self.requests_in_flight += 1
        try:
            return await self._answer(request)
        finally:
            self.requests_in_flight -= 1

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        started = asyncio.get_running_loop().time()
        refusal = self._refuse_unauthenticated(request)
        if refusal is not None:
            return refusal
        try:
            chat = parse_chat_request(await _read_json(request), self.config.model)
        except RequestError as error:
            return error_response(error)

        fault = self.config.fault
        if fault is Fault.HANG:
            await self._stopping.wait()
            return error_response(_server_error("the seller is shutting down", 503))
        if fault is Fault.HTTP_500:
            return error_response(_server_error("simulated fault: http_500"))
        if self.config.failure_rate and self._rng.random() < self.config.failure_rate:
            return error_response(_server_error("simulated failure (failure_rate)"))

        try:
            prompt_tokens = await self._prompt_tokens(chat)
            _check_context(prompt_tokens, self.config.context_tokens)
            reply = self.responder.reply(chat)
        except RequestError as error:
            return error_response(error)
        usage = self._usage(prompt_tokens, reply.completion_tokens)
        if chat.stream:
            return await self._stream(request, started, chat, reply, usage)
        return await self._complete(request, started, reply, usage)

    async def _complete(
        self, request: web.Request, started: float, reply: Reply, usage: Usage
    ) -> web.StreamResponse:
        await _sleep_until(started + self.config.reply_duration_s(len(reply.pieces)))
        completion_id, tool_call_id = self._ids()
        body = completion_body(
            completion_id, int(time.time()), self.config.model, reply, tool_call_id, usage
        )
        fault = self.config.fault
        if fault in (Fault.INVALID_JSON, Fault.INVALID_JSON_MIDSTREAM):
            return web.Response(body=body[:-1], content_type=JSON)
        if fault in (Fault.CLOSE_MIDSTREAM, Fault.STALL_MIDSTREAM):
            response = web.StreamResponse(headers={"Content-Type": JSON})
            response.content_length = len(body)
            await response.prepare(request)
            await response.write(body[: len(body) // 2])
            if fault is Fault.STALL_MIDSTREAM:
                await self._stopping.wait()
            _drop_connection(request)
            return response
        return web.Response(body=body, content_type=JSON)

    async def _stream(
        self, request: web.Request, started: float, chat: ChatRequest, reply: Reply, usage: Usage
    ) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        first_token_at = started + self.config.ttft_s
        response = web.StreamResponse(headers=SSE_HEADERS)
        await response.prepare(request)
        completion_id, tool_call_id = self._ids()
        renderer = ChunkRenderer(
            completion_id,
            int(time.time()),
            self.config.model,
            include_usage=chat.include_usage,
            broken=self.config.fault is Fault.INVALID_JSON,
        )
        fault = self.config.fault
        cutting = fault in (Fault.CLOSE_MIDSTREAM, Fault.STALL_MIDSTREAM)
        breaking = fault is Fault.INVALID_JSON_MIDSTREAM
        # A mid-stream fault strikes after about half the reply; at least one piece, so it
        # strikes mid-reply.
        half = max(len(reply.pieces) // 2, 1)
        total = half if cutting or breaking else len(reply.pieces)
        output_tps = self.config.output_tps

        try:
            await _sleep_until(first_token_at)
            events = renderer.opening(reply, tool_call_id)
            sent = 0
            while True:
                # Pieces due by now go out together: one write, however late the loop woke.
                due = min(total, int((loop.time() - first_token_at) * output_tps) + 1)
                data = events + renderer.pieces(reply, reply.pieces[sent:due])
                if data:
                    await response.write(data)
                events, sent = b"", max(sent, due)
                if sent >= total:
                    break
                await _sleep_until(first_token_at + sent / output_tps)
            if cutting:
                if fault is Fault.STALL_MIDSTREAM:
                    await self._stopping.wait()
                _drop_connection(request)
                return response
            if breaking:
                await response.write(b'data: {"id": "broken chunk\n\n')
                await response.write(renderer.pieces(reply, reply.pieces[total:]))
            await response.write(renderer.closing(reply.finish_reason, usage))
            await response.write_eof()
        except ConnectionResetError:
            pass  # the buyer went away; there is no one left to answer
        return response

    async def _prompt_tokens(self, chat: ChatRequest) -> int:
        try:
            if self.tokenizer.prompt_chars(chat) > THREAD_PROMPT_CHARS:
                return await asyncio.to_thread(self.tokenizer.prompt_tokens, chat)
            return self.tokenizer.prompt_tokens(chat)
        except RecursionError as error:  # tools or a schema nested near the JSON reader's limit
            raise RequestError("tools or response_format nest too deeply to count") from error

    def _usage(self, prompt_tokens: int, completion_tokens: int) -> Usage:
        factor = self.config.usage_factor
        return Usage(round(prompt_tokens * factor), round(completion_tokens * factor))

    def _ids(self) -> tuple[str, str]:
        return (
            f"chatcmpl-{self._rng.getrandbits(96):024x}",
            f"call_{self._rng.getrandbits(96):024x}",
        )

    def _refuse_unauthenticated(self, request: web.Request) -> web.Response | None:
        if self._authorization is None:
            return None
        given = request.headers.get("Authorization")
        if given is None:
            message = "no API key: send the header Authorization: Bearer <key>"
            return error_response(RequestError(message, code="missing_api_key", status=401))
        if not hmac.compare_digest(given.encode(errors="surrogateescape"), self._authorization):
            message = "incorrect API key in the Authorization header"
            return error_response(RequestError(message, code="invalid_api_key", status=401))
        return None


async def _read_json(request: web.Request) -> object:
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge as error:
        raise RequestError(
            f"the request body is over the limit of {BODY_BYTES_MAX} bytes",
            code="request_too_large",
            status=413,
        ) from error
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError as error:
        raise RequestError(
            f"the request body is not valid JSON: {error}", code="invalid_json"
        ) from error
    except RecursionError as error:
        raise RequestError(
            "the request body nests JSON too deeply to read", code="invalid_json"
        ) from error


async def _sleep_until(deadline: float) -> None:
    await asyncio.sleep(max(deadline - asyncio.get_running_loop().time(), 0))


def _server_error(message: str, status: int = 500) -> RequestError:
    return RequestError(message, code="server_error", status=status, error_type="server_error")


def _drop_connection(request: web.Request) -> None:
    """Close the socket without ending the response, as a crashing seller would."""
    if request.transport is not None:
        request.transport.abort()


def _check_context(prompt_tokens: int, context_tokens: int) -> None:
    """Refuse a prompt longer than the context window, as model servers do."""
    if prompt_tokens > context_tokens:
        raise RequestError(
            f"this model's context window is {context_tokens:,} tokens; the prompt has "
            f"{prompt_tokens:,}",
            param="messages",
            code="context_length_exceeded",
        )
