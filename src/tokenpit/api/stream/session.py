"""One stream connection: read the client's requests, forward events, close slow clients.

Three tasks run side by side: one reads the client's subscribe and unsubscribe
requests, one turns committed events into messages, one writes messages out. Messages
wait in a bounded queue; a client that lets it fill (or lets the core's queue for this
connection fill) cannot keep up and is closed with 1013.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any, Final

import structlog
from starlette.websockets import WebSocket, WebSocketDisconnect

from tokenpit.api.errors import INVALID_REQUEST, error_body
from tokenpit.api.market import book_body
from tokenpit.api.reading import in_thread, recent_trades, trade_records
from tokenpit.api.state import AppState
from tokenpit.api.stream.books import BookThrottle
from tokenpit.api.stream.channels import BOOK, CANDLES, Channel, ChannelError, Feed, parse_channel
from tokenpit.core.sequencer import Subscription
from tokenpit.core.state import AccountRecord
from tokenpit.marketdata import TradeRecord

log = structlog.get_logger(__name__)

TRY_AGAIN_LATER: Final = 1013
SERVICE_RESTART: Final = 1012
INTERNAL_ERROR: Final = 1011
NS_PER_S: Final = 1_000_000_000


class StreamSession:
    """Serve one accepted WebSocket until the client leaves or must be closed."""

    def __init__(self, websocket: WebSocket, state: AppState, account: AccountRecord | None):
        self._websocket = websocket
        self._state = state
        self._config = state.config
        self._signed_in = account is not None
        self._feed = Feed(account.account_id if account else None)
        self._outbox: asyncio.Queue[str] = asyncio.Queue(state.config.stream_queue_max)
        self._feed_lock = asyncio.Lock()  # subscribing (which may read the store) vs events
        self._ended = asyncio.Event()
        self._close: tuple[int, str] | None = None
        self._books = BookThrottle(
            asyncio.get_running_loop(), state.config.stream_book_interval_s, self._send_book
        )

    async def run(self) -> None:
        """Serve the connection; close it with a code and reason when the server ends it."""
        subscription = self._state.core.subscribe(max_batches=self._config.stream_queue_max)
        tasks = [
            asyncio.create_task(self._read_requests()),
            asyncio.create_task(self._forward(subscription)),
            asyncio.create_task(self._write()),
            asyncio.create_task(self._ended.wait()),
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    log.error("stream_failed", exc_info=task.exception())
                    self._end(INTERNAL_ERROR, "internal error")
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            subscription.close()
            self._books.close()
        if self._close is not None:
            with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
                await self._websocket.close(*self._close)

    def _end(self, code: int, reason: str) -> None:
        if self._close is None:
            self._close = (code, reason)
        self._ended.set()

    async def _read_requests(self) -> None:
        while True:
            message = await self._websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                self._error("bad_message", "send requests as JSON text frames")
            elif len(text) > self._config.max_body_bytes:
                self._error(
                    "message_too_large",
                    f"a request may hold at most {self._config.max_body_bytes:,} bytes",
                )
            else:
                await self._handle(text)

    async def _handle(self, text: str) -> None:
        try:
            request = json.loads(text)
        except ValueError:
            example = '{"op": "subscribe", "channels": ["trades"]}'
            self._error("bad_json", f"a request must be JSON such as {example}")
            return
        op = request.get("op") if isinstance(request, dict) else None
        names = request.get("channels") if isinstance(request, dict) else None
        if op not in ("subscribe", "unsubscribe"):
            self._error("bad_op", f"op must be 'subscribe' or 'unsubscribe', got {op!r}", "op")
            return
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            self._error("bad_channels", "channels must be a list of channel names", "channels")
            return
        if op == "unsubscribe":
            async with self._feed_lock:
                for name in names:
                    self._unsubscribe(name)
        else:
            await self._subscribe(names)
        self._send("subscriptions", {"channels": sorted(self._feed.channels)})

    async def _subscribe(self, names: list[str]) -> None:
        for name in names:
            if name in self._feed.channels:
                continue
            if len(self._feed.channels) >= self._config.stream_channels_max:
                limit = self._config.stream_channels_max
                self._error("too_many_channels", f"at most {limit} channels", "channels")
                return
            try:
                channel = parse_channel(self._state.core.spec, name, signed_in=self._signed_in)
            except ChannelError as error:
                self._error(error.code, str(error), "channels")
                continue
            if channel.kind == BOOK and channel.instrument not in self._books_listed():
                failure = self._state.core.exchange.unlisted(channel.instrument or "")
                self._error(failure.code, failure.message, "channels")
                continue
            async with self._feed_lock:
                seed = await self._candle_seed(channel) if channel.kind == CANDLES else None
                self._feed.add(channel, seed)
            if channel.kind == BOOK and channel.instrument is not None:
                self._send_book(channel.instrument)

    def _unsubscribe(self, name: str) -> None:
        channel = self._feed.channels.get(name)
        if channel is not None and channel.kind == BOOK and channel.instrument is not None:
            self._books.forget(channel.instrument)
        self._feed.remove(name)

    def _books_listed(self) -> dict[str, Any]:
        return self._state.core.exchange.engine.books

    async def _candle_seed(self, channel: Channel) -> list[TradeRecord]:
        """Return the trades of the channel's current interval, so its candle starts whole."""
        assert channel.interval_s is not None
        interval_ns = channel.interval_s * NS_PER_S
        now_ns = self._state.core.clock.now_ns()
        rows = await in_thread(
            recent_trades,
            self._state.core.store,
            instrument=channel.instrument,
            since_ns=now_ns - now_ns % interval_ns,
            max_rows=self._config.market_trades_max,
        )
        return trade_records(self._state.core.spec, rows[::-1])

    async def _forward(self, subscription: Subscription) -> None:
        async for batch in subscription:
            async with self._feed_lock:
                messages, books = self._feed.messages(batch)
            for channel, data in messages:
                self._send(channel, data)
            for instrument in books:
                self._books.changed(instrument)
            if subscription.overflowed:
                self._end(TRY_AGAIN_LATER, "too slow: the client fell behind the exchange")
                return
        self._end(SERVICE_RESTART, "the exchange stopped")

    async def _write(self) -> None:
        with contextlib.suppress(WebSocketDisconnect, OSError):
            while True:
                await self._websocket.send_text(await self._outbox.get())

    def _send_book(self, instrument: str) -> None:
        body = book_body(self._state.core.exchange, instrument, self._config.stream_book_levels)
        if body is not None:
            self._send(f"{BOOK}:{instrument}", body)

    def _send(self, channel: str, data: dict[str, Any]) -> None:
        self._put(json.dumps({"channel": channel, "data": data}))

    def _error(self, code: str, message: str, param: str | None = None) -> None:
        self._put(
            json.dumps(error_body(message, error_type=INVALID_REQUEST, code=code, param=param))
        )

    def _put(self, text: str) -> None:
        try:
            self._outbox.put_nowait(text)
        except asyncio.QueueFull:
            waiting = self._outbox.qsize()
            self._end(TRY_AGAIN_LATER, f"too slow: {waiting} messages are waiting")
