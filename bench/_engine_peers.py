"""Replay one benchmark stream through one order book and print a JSON result line.

This is the worker behind `bench/engine.py`: the parent starts one process per
engine and run, with the tokenpit venv's Python for tokenpit and the peers
venv's Python for the books from PyPI, so each run gets a fresh interpreter.
It reads the stream, builds the engine's adapter, places any preload orders
untimed, times the processing loop alone with `time.perf_counter_ns`, and
prints one line:

    {"engine": ..., "ops": N, "seconds": S, "seconds_at_checkpoint": S, "trades": N,
     "trades_at_checkpoint": N, "resting_orders": N, "resting_lots": N, "build": ...}

(`build` says, for tokenpit only, whether its engine ran compiled or from source.)

An adapter maps the stream onto its engine's own API as a caller of that
library would: limit orders rest good-till-cancelled, marketable orders are
immediate-or-cancel limit orders (placed, then any remainder cancelled where
the library has no IOC), and a cancel of an order that is no longer resting
is a no-op. One trade is one match between a resting and an incoming order.
This module imports only the standard library at import time; each adapter
imports its engine when it is built.
"""

# Each adapter imports its engine when it is built, since no one venv holds them all.
# ruff: noqa: PLC0415

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from array import array
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

KIND_LIMIT = 0
KIND_CANCEL = 1
KIND_MARKETABLE = 2
SIDE_BUY = 0
SIDE_SELL = 1
FIELDS_PER_OP = 5  # kind, order_id, side, price_ticks, lots
HEADER_FIELDS = 2  # preload op count, timed op count
SYMBOL = "BENCH"

Op = tuple[int, int, int, int, int]


def write_stream(path: Path, preload: array[int], timed: array[int]) -> None:
    """Write a stream file: a two-number header, then the preload ops, then the timed ops."""
    header = array("q", [len(preload) // FIELDS_PER_OP, len(timed) // FIELDS_PER_OP])
    with path.open("wb") as stream_file:
        for part in (header, preload, timed):
            part.tofile(stream_file)


def read_stream(path: Path) -> tuple[list[Op], list[Op]]:
    """Read a stream file written by `write_stream` into (preload ops, timed ops)."""
    numbers = array("q")
    numbers.frombytes(path.read_bytes())
    preload_count = numbers[0]
    fields = iter(numbers[HEADER_FIELDS:])
    ops: list[Op] = list(zip(fields, fields, fields, fields, fields, strict=True))
    return ops[:preload_count], ops[preload_count:]


class BookAdapter(Protocol):
    """What the timed loop needs from an engine; prices are integer ticks, sizes lots."""

    def place_limit(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Place a good-till-cancelled limit order."""

    def place_marketable(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Place an immediate-or-cancel limit order; no remainder may rest."""

    def cancel(self, order_id: int) -> None:
        """Cancel an order; a no-op when it no longer rests."""

    def trade_count(self) -> int | None:
        """Return the trades so far, or None when the engine does not report fills."""

    def resting(self) -> tuple[int, int]:
        """Return (orders, lots) resting now; called once, after timing."""


class TokenpitBook:
    """tokenpit's engine: IOC natively; trades counted by the engine's own trade numbers.

    `place` and `cancel` build and return their events as for any caller, but
    the adapter does not read them: the trade count comes from the engine's
    own record, as cython-orderbook's does from its trade log. The engine
    numbers its trades, so on a fresh engine `Engine.trade_seq` is the count.
    """

    def __init__(self) -> None:
        from tokenpit.engine import Engine

        self._engine = Engine()
        self._engine.add_book(SYMBOL, tick_micros=1)
        self._place = self._engine.place
        self._cancel = self._engine.cancel

    def place_limit(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Place a GTC limit order; the account id is the order id, so no self-trades."""
        self._place(order_id, order_id, SYMBOL, "sell" if side else "buy", price_ticks, lots)

    def place_marketable(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Place an IOC limit order."""
        side_name = "sell" if side else "buy"
        self._place(order_id, order_id, SYMBOL, side_name, price_ticks, lots, tif="ioc")

    def cancel(self, order_id: int) -> None:
        """Cancel the order; the engine answers `OrderRejected` for one not resting."""
        self._cancel(order_id)

    def trade_count(self) -> int:
        """Return the number of the engine's last trade: its trades so far."""
        return self._engine.trade_seq

    def resting(self) -> tuple[int, int]:
        """Close the book and count the orders and lots its closing cancelled."""
        from tokenpit.engine import OrderCancelled

        cancelled = [e for e in self._engine.close_book(SYMBOL) if isinstance(e, OrderCancelled)]
        return len(cancelled), sum(event.lots for event in cancelled)


class LightMatchingEngineBook:
    """lightmatchingengine: numbers its own orders and keeps filled ones in its id map.

    It has no IOC, so a marketable order is a crossing limit order whose
    remainder is cancelled. Its trade list holds one aggressor entry per price
    level plus one entry per resting order hit; only the latter are counted.
    Cancelling an order it already filled trips an assertion inside the
    library, so the adapter checks the order's leaves quantity first.
    """

    def __init__(self) -> None:
        from lightmatchingengine.lightmatchingengine import LightMatchingEngine, Side

        self._engine = LightMatchingEngine()
        self._sides = (Side.BUY, Side.SELL)
        self._orders: dict[int, Any] = {}
        self._trades = 0

    def _add(self, side: int, price_ticks: int, lots: int) -> Any:
        order, trades = self._engine.add_order(SYMBOL, price_ticks, lots, self._sides[side])
        for trade in trades:
            if trade.order_id != order.order_id:
                self._trades += 1
        return order

    def place_limit(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Place a limit order and remember it for a later cancel."""
        order = self._add(side, price_ticks, lots)
        if order.leaves_qty:
            self._orders[order_id] = order

    def place_marketable(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Place a crossing limit order and cancel what did not fill."""
        order = self._add(side, price_ticks, lots)
        if order.leaves_qty:
            self._engine.cancel_order(order.order_id, SYMBOL)

    def cancel(self, order_id: int) -> None:
        """Cancel the order unless it is unknown or already filled."""
        order = self._orders.pop(order_id, None)
        if order is not None and order.leaves_qty:
            self._engine.cancel_order(order.order_id, SYMBOL)

    def trade_count(self) -> int:
        """Return the passive fills seen so far."""
        return self._trades

    def resting(self) -> tuple[int, int]:
        """Count the orders in both sides' price levels."""
        book = self._engine.order_books[SYMBOL]
        levels = [*book.bids.values(), *book.asks.values()]
        return sum(map(len, levels)), sum(order.leaves_qty for level in levels for order in level)


class CythonOrderbookBook:
    """cython-orderbook: a marketable order is a crossing limit order, remainder cancelled.

    Its `trade_log` gets one entry per match, so its length is the trade count.
    """

    def __init__(self) -> None:
        from cython_orderbook import Order, OrderBook, OrderSide

        self._book = OrderBook()
        self._order_type = Order
        self._sides = (OrderSide.BID, OrderSide.ASK)
        self._ids: dict[int, str] = {}

    def place_limit(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Place a limit order and remember the library's id for it."""
        order = self._order_type(self._sides[side], lots, price_ticks)
        self._book.add_limit_order(order)
        if order.remaining_quantity:
            self._ids[order_id] = order.order_id

    def place_marketable(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Place a crossing limit order and cancel what did not fill."""
        order = self._order_type(self._sides[side], lots, price_ticks)
        self._book.add_limit_order(order)
        if order.remaining_quantity:
            self._book.cancel_order(order.order_id)

    def cancel(self, order_id: int) -> None:
        """Cancel the order; the library answers False for one that no longer rests."""
        library_id = self._ids.pop(order_id, None)
        if library_id is not None:
            self._book.cancel_order(library_id)

    def trade_count(self) -> int:
        """Return the length of the library's trade log."""
        return len(self._book.trade_log)

    def resting(self) -> tuple[int, int]:
        """Count the orders in the library's id map."""
        orders = [order for _level, order in self._book.orders.values()]
        return len(orders), sum(order.remaining_quantity for order in orders)


class PyorderbookBook:
    """pyorderbook: a marketable order is a crossing limit order, remainder cancelled.

    `Book.cancel` raises (and logs an error) for an order that is not resting,
    so the adapter asks `Book.get_order` first.
    """

    def __init__(self) -> None:
        from pyorderbook import Book, Order, Side

        self._book = Book()
        self._order_type = Order
        self._sides = (Side.BID, Side.ASK)
        self._orders: dict[int, Any] = {}
        self._trades = 0

    def place_limit(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Match a limit order and remember it for a later cancel."""
        order = self._order_type(self._sides[side], SYMBOL, price_ticks, lots)
        self._trades += len(self._book.match(order).trades)
        if order.quantity:
            self._orders[order_id] = order

    def place_marketable(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Match a crossing limit order and cancel what did not fill."""
        order = self._order_type(self._sides[side], SYMBOL, price_ticks, lots)
        self._trades += len(self._book.match(order).trades)
        if order.quantity:
            self._book.cancel(order)

    def cancel(self, order_id: int) -> None:
        """Cancel the order unless it no longer rests."""
        order = self._orders.pop(order_id, None)
        if order is not None and self._book.get_order(order.id) is not None:
            self._book.cancel(order)

    def trade_count(self) -> int:
        """Return the trades in the blotters seen so far."""
        return self._trades

    def resting(self) -> tuple[int, int]:
        """Count the orders in the library's id map."""
        orders = self._book.order_map.values()
        return len(orders), sum(order.quantity for order in orders)


class OrderMatchingBook:
    """order-matching: every order is placed, then matched at its own timestamp.

    Time priority comes from each order's timestamp, so orders get strictly
    increasing ones. `cancel_order` raises ValueError for an order that is not
    resting; that is its way of rejecting and counts as a no-op. A marketable
    order is a crossing limit order whose remainder is cancelled. The
    library's loguru debug lines are disabled, as a user in production would.
    """

    def __init__(self) -> None:
        from loguru import logger
        from order_matching.enums import Side
        from order_matching.matching_engine import MatchingEngine
        from order_matching.order import LimitOrder
        from order_matching.orders import Orders

        logger.disable("order_matching")
        self._engine = MatchingEngine(seed=0)
        self._order_type = LimitOrder
        self._orders_type = Orders
        self._sides = (Side.BUY, Side.SELL)
        self._start = datetime(2026, 1, 1)  # noqa: DTZ001 - the library compares naive stamps
        self._sequence = 0
        self._trades = 0

    def _place(self, order_id: int, side: int, price_ticks: int, lots: int) -> Any:
        self._sequence += 1
        timestamp = self._start + timedelta(microseconds=self._sequence)
        order = self._order_type(
            side=self._sides[side],
            price=float(price_ticks),
            size=float(lots),
            timestamp=timestamp,
            order_id=str(order_id),
            trader_id=str(order_id),
        )
        self._engine.place(self._orders_type([order]))
        self._trades += len(self._engine.match(timestamp=timestamp))
        return order

    def place_limit(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Place and match a limit order."""
        self._place(order_id, side, price_ticks, lots)

    def place_marketable(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Place and match a crossing limit order and cancel what did not fill."""
        if self._place(order_id, side, price_ticks, lots).size > 0:
            self._engine.cancel_order(str(order_id))

    def cancel(self, order_id: int) -> None:
        """Cancel the order; the library's ValueError for a missing order is the no-op."""
        try:
            self._engine.cancel_order(str(order_id))
        except ValueError:
            return

    def trade_count(self) -> int:
        """Return the executed trades seen so far."""
        return self._trades

    def resting(self) -> tuple[int, int]:
        """Count the orders in both sides' price levels."""
        book = self._engine.unprocessed_orders
        orders = [
            order for level in (*book.bids.values(), *book.offers.values()) for order in level
        ]
        return len(orders), int(sum(order.size for order in orders))


class LimitOrderBookBook:
    """limit-order-book 2.0.0: a C++ book behind ctypes; it reports no fills.

    Cancelling an id it does not hold throws a C++ exception that would abort
    the process, so the adapter asks `has` first. A marketable order is a
    crossing limit order whose remainder is cancelled. With no fill reports,
    its agreement with the others is checked on the orders and lots resting
    at the end.
    """

    def __init__(self) -> None:
        from limit_order_book import LimitOrderBook

        self._book = LimitOrderBook()
        self._limits = (self._book.limit_buy, self._book.limit_sell)
        self._has = self._book.has
        self._cancel = self._book.cancel

    def place_limit(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Place a limit order under our order id."""
        self._limits[side](order_id, lots, price_ticks)

    def place_marketable(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Place a crossing limit order and cancel what did not fill."""
        self._limits[side](order_id, lots, price_ticks)
        if self._has(order_id):
            self._cancel(order_id)

    def cancel(self, order_id: int) -> None:
        """Cancel the order if the book still holds it."""
        if self._has(order_id):
            self._cancel(order_id)

    def trade_count(self) -> None:
        """Return None: the library does not report fills."""

    def resting(self) -> tuple[int, int]:
        """Return the library's own order count and volume."""
        return self._book.count(), self._book.volume()


ADAPTERS: dict[str, type[BookAdapter]] = {
    "tokenpit": TokenpitBook,
    "lightmatchingengine": LightMatchingEngineBook,
    "cython-orderbook": CythonOrderbookBook,
    "pyorderbook": PyorderbookBook,
    "order-matching": OrderMatchingBook,
    "limit-order-book": LimitOrderBookBook,
}


def replay(book: BookAdapter, ops: list[Op]) -> int:
    """Apply `ops` to `book` and return the nanoseconds the loop took."""
    place_limit = book.place_limit
    place_marketable = book.place_marketable
    cancel = book.cancel

    started_ns = time.perf_counter_ns()
    for kind, order_id, side, price_ticks, lots in ops:
        if kind == KIND_LIMIT:
            place_limit(order_id, side, price_ticks, lots)
        elif kind == KIND_CANCEL:
            cancel(order_id)
        else:
            place_marketable(order_id, side, price_ticks, lots)
    return time.perf_counter_ns() - started_ns


def tokenpit_build() -> str:
    """Say whether tokenpit's engine module was loaded from a compiled extension or source."""
    from tokenpit.engine import engine as engine_module

    origin = Path(engine_module.__file__ or "")
    return "a compiled extension module" if origin.suffix in {".so", ".pyd"} else "Python source"


def run(engine: str, stream_path: Path, stop: int, checkpoint: int) -> dict[str, Any]:
    """Replay the stream's first `stop` timed ops (0: all) and return the result record."""
    preload, timed = read_stream(stream_path)
    if stop:
        timed = timed[:stop]
    book = ADAPTERS[engine]()
    replay(book, preload)
    gc.collect()

    # Two timed segments, so the trade count at the checkpoint can be compared
    # with an engine that ran only that prefix of the stream.
    split = checkpoint if 0 < checkpoint < len(timed) else len(timed)
    checkpoint_ns = replay(book, timed[:split])
    trades_at_checkpoint = book.trade_count()
    elapsed_ns = checkpoint_ns + replay(book, timed[split:])

    resting_orders, resting_lots = book.resting()
    return {
        "engine": engine,
        "ops": len(timed),
        "seconds": elapsed_ns / 1e9,
        "seconds_at_checkpoint": checkpoint_ns / 1e9,
        "trades": book.trade_count(),
        "trades_at_checkpoint": trades_at_checkpoint if split < len(timed) else None,
        "resting_orders": resting_orders,
        "resting_lots": resting_lots,
        "build": tokenpit_build() if engine == "tokenpit" else None,
    }


def main() -> None:
    """Parse the worker's arguments, run one replay and print its JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", required=True, choices=sorted(ADAPTERS))
    parser.add_argument("--stream", required=True, type=Path)
    parser.add_argument("--stop", type=int, default=0, help="replay only the first N timed ops")
    parser.add_argument("--checkpoint", type=int, default=0, help="also count trades at op N")
    args = parser.parse_args()
    result = run(args.engine, args.stream, args.stop, args.checkpoint)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
