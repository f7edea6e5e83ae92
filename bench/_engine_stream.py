"""Draw the engine benchmark's seeded stream and model the book it builds.

The generator applies every operation it draws to a small price-time order
book of its own (`ReferenceBook`), so that cancels go only to orders that
still rest, and so that the benchmark knows, before any engine runs, how many
trades the stream makes and what rests at its end. Nothing here is timed.
"""

from __future__ import annotations

import bisect
import random
import statistics
from array import array
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from _engine_peers import (
    FIELDS_PER_OP,
    KIND_CANCEL,
    KIND_LIMIT,
    KIND_MARKETABLE,
    SIDE_BUY,
    SIDE_SELL,
    Op,
    write_stream,
)

START_MID_TICKS = 10_000
MAX_OFFSET_TICKS = 50  # limit orders rest 1..50 ticks from the mid; marketable ones cross by 50
PRELOAD_MAX_OFFSET_TICKS = 200  # the deep book's standing orders rest 1..200 ticks from the start
MAX_LOTS = 10
# The book keeps its size only if fills take out about as many resting orders
# as cancels do, since 60% of ops add an order and 30% cancel one. With
# marketable orders the size of limit orders, the book grows by about one
# order every ten ops however live the cancels are; at up to three times
# the size, it stays within about 1,500 orders.
MAX_MARKETABLE_LOTS = 3 * MAX_LOTS
LIMIT_SHARE = 0.6
CANCEL_SHARE = 0.3  # the remaining 10% are marketable
# The mid steps back toward the start with probability 1/2 + its distance / REVERSION_TICKS.
REVERSION_TICKS = 900


class ReferenceBook:
    """Match orders by price-time priority, plainly, and count the trades.

    Each side maps a price in ticks to a deque of [order id, open lots] in
    arrival order and keeps its prices in a sorted list: the best bid is the
    last bid price, the best ask the first ask price. An incoming order fills
    against the best opposite level's oldest order first, one trade per
    resting order it meets, until it is filled or the best opposite price is
    beyond its limit. Every order has its own account, so no self-trades.
    """

    def __init__(self) -> None:
        self._levels: tuple[dict[int, deque[list[int]]], ...] = ({}, {})  # by side
        self._prices: tuple[list[int], ...] = ([], [])  # by side, ascending
        self._resting: dict[int, tuple[int, int]] = {}  # order id -> (side, price_ticks)
        self.trades = 0
        self.resting_lots = 0

    @property
    def resting_orders(self) -> int:
        """Return how many orders rest now."""
        return len(self._resting)

    def rests(self, order_id: int) -> bool:
        """Say whether `order_id` rests in the book now."""
        return order_id in self._resting

    def place(self, order_id: int, side: int, price_ticks: int, lots: int, *, rest: bool) -> None:
        """Match an incoming order, then rest what is left when `rest`, else drop it (IOC)."""
        lots = self._match(side, price_ticks, lots)
        if lots and rest:
            self._rest(order_id, side, price_ticks, lots)

    def cancel(self, order_id: int) -> None:
        """Take a resting order out of the book."""
        side, price_ticks = self._resting.pop(order_id)
        level = self._levels[side][price_ticks]
        entry = next(entry for entry in level if entry[0] == order_id)
        level.remove(entry)
        self.resting_lots -= entry[1]
        if not level:
            self._drop_level(side, price_ticks)

    def _match(self, side: int, price_ticks: int, lots: int) -> int:
        """Fill up to `lots` against the other side's levels in price order; return the rest."""
        other = SIDE_SELL if side == SIDE_BUY else SIDE_BUY
        while lots:
            best_ticks = self._best(other)
            if best_ticks is None:
                break
            if best_ticks > price_ticks if side == SIDE_BUY else best_ticks < price_ticks:
                break
            lots = self._fill_level(other, best_ticks, lots)
        return lots

    def _best(self, side: int) -> int | None:
        """Return the side's best price, or None when the side is empty."""
        prices = self._prices[side]
        if not prices:
            return None
        return prices[-1] if side == SIDE_BUY else prices[0]

    def _fill_level(self, side: int, price_ticks: int, lots: int) -> int:
        """Fill up to `lots` against one level's orders, oldest first; return the rest."""
        level = self._levels[side][price_ticks]
        while lots and level:
            maker = level[0]
            fill = min(lots, maker[1])
            maker[1] -= fill
            lots -= fill
            self.resting_lots -= fill
            self.trades += 1
            if maker[1] == 0:
                level.popleft()
                del self._resting[maker[0]]
        if not level:
            self._drop_level(side, price_ticks)
        return lots

    def _rest(self, order_id: int, side: int, price_ticks: int, lots: int) -> None:
        """Append an order to the back of its price level, opening the level if need be."""
        levels = self._levels[side]
        if price_ticks not in levels:
            levels[price_ticks] = deque()
            bisect.insort(self._prices[side], price_ticks)
        levels[price_ticks].append([order_id, lots])
        self._resting[order_id] = (side, price_ticks)
        self.resting_lots += lots

    def _drop_level(self, side: int, price_ticks: int) -> None:
        """Forget an empty price level."""
        del self._levels[side][price_ticks]
        self._prices[side].remove(price_ticks)


@dataclass(frozen=True)
class ModelState:
    """What the reference book holds after some ops: the trades so far and what rests."""

    trades: int
    resting: tuple[int, int]  # (orders, lots)


@dataclass(frozen=True)
class BookDepth:
    """Resting orders in the reference book after each timed op: least, mean and most."""

    min_orders: int
    mean_orders: float
    max_orders: int

    @classmethod
    def of(cls, resting_orders: array[int]) -> BookDepth:
        """Summarize a series of resting-order counts."""
        return cls(min(resting_orders), statistics.fmean(resting_orders), max(resting_orders))


@dataclass(frozen=True)
class StreamModel:
    """What the generator knows of a stream it drew, from its reference book."""

    mix: str
    depth: BookDepth
    mid_range_ticks: tuple[int, int]  # lowest and highest mid, from the starting mid
    states: dict[int, ModelState]  # by timed ops done: at the end, and at the checkpoint

    def notes(self) -> list[str]:
        """Return the lines that describe the stream under a variant's table."""
        depth = self.depth
        counts = (
            f"min {depth.min_orders:,}, mean {depth.mean_orders:,.0f}, max {depth.max_orders:,}"
        )
        lowest_ticks, highest_ticks = self.mid_range_ticks
        return [
            f"stream: {self.mix}",
            f"resting orders after each timed op, in the generator's model: {counts}",
            f"the mid wandered {lowest_ticks:+} to {highest_ticks:+} ticks from where it started",
        ]


class StreamGenerator:
    """Draw the benchmark's operations from one seeded random source.

    Before every timed op the mid takes a one-tick step. When it is d ticks
    from the starting mid, the step goes back toward the start with
    probability 1/2 + d / REVERSION_TICKS (an Ehrenfest walk: the mid settles
    into a binomial spread about the start, of sqrt(REVERSION_TICKS) / 2 = 15
    ticks standard deviation, and over 200,000 ops wanders about ±60 ticks).

    Limit orders are priced 1..MAX_OFFSET_TICKS ticks on the passive side of
    the mid; one that reaches orders the mid has left behind fills against
    them first. Marketable orders are immediate-or-cancel limits priced
    MAX_OFFSET_TICKS through the mid, for up to MAX_MARKETABLE_LOTS. A cancel
    picks uniformly among the stream's orders still resting; preloaded orders
    are never cancelled, so they stay as standing depth.
    """

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self._mid_ticks = START_MID_TICKS
        self._next_order_id = 1
        self.book = ReferenceBook()
        # Stream orders that rested when placed; those that filled since are
        # discarded when a cancel draws them.
        self._cancellable: list[int] = []

    def preload(self, orders: int) -> array[int]:
        """Return `orders` limit orders 1..PRELOAD_MAX_OFFSET_TICKS from the starting mid."""
        ops = array("q")
        for _ in range(orders):
            side = self._random.getrandbits(1)
            offset_ticks = self._random.randint(1, PRELOAD_MAX_OFFSET_TICKS)
            lots = self._random.randint(1, MAX_LOTS)
            order_id, price_ticks = self._new_order_id(), self._passive_ticks(side, offset_ticks)
            self.book.place(order_id, side, price_ticks, lots, rest=True)
            ops.extend((KIND_LIMIT, order_id, side, price_ticks, lots))
        return ops

    def stream(self, count: int, checkpoint_ops: int) -> tuple[array[int], StreamModel]:
        """Return `count` ops of the mixed stream and what the reference book saw of them."""
        ops, resting_orders, mids_ticks = array("q"), array("q"), array("q")
        states = {}
        for done in range(1, count + 1):
            self._step_mid()
            op = self._draw()
            self._apply(op)
            ops.extend(op)

            resting_orders.append(self.book.resting_orders)
            mids_ticks.append(self._mid_ticks - START_MID_TICKS)
            if done in (checkpoint_ops, count):
                states[done] = self.state()

        model = StreamModel(
            _describe_mix(ops), BookDepth.of(resting_orders), (min(mids_ticks), max(mids_ticks)),
            states,
        )  # fmt: skip
        return ops, model

    def state(self) -> ModelState:
        """Return the reference book's trades so far and what rests in it."""
        return ModelState(self.book.trades, (self.book.resting_orders, self.book.resting_lots))

    def _step_mid(self) -> None:
        """Move the mid one tick, back toward the start more often the farther it is."""
        distance_ticks = self._mid_ticks - START_MID_TICKS
        toward_start = -1 if distance_ticks > 0 else 1
        back = 0.5 + abs(distance_ticks) / REVERSION_TICKS
        self._mid_ticks += toward_start if self._random.random() < back else -toward_start

    def _draw(self) -> Op:
        """Draw the next op: a limit order, a cancel of a resting one, or a marketable order."""
        share = self._random.random()
        if share < LIMIT_SHARE:
            return self._limit()
        if share < LIMIT_SHARE + CANCEL_SHARE:
            order_id = self._draw_resting()
            return self._limit() if order_id is None else (KIND_CANCEL, order_id, 0, 0, 0)
        return self._marketable()

    def _apply(self, op: Op) -> None:
        """Apply a stream op to the reference book; remember a limit order that rested."""
        kind, order_id, side, price_ticks, lots = op
        if kind == KIND_CANCEL:
            self.book.cancel(order_id)
            return
        self.book.place(order_id, side, price_ticks, lots, rest=kind == KIND_LIMIT)
        if kind == KIND_LIMIT and self.book.rests(order_id):
            self._cancellable.append(order_id)

    def _draw_resting(self) -> int | None:
        """Remove and return a stream order drawn uniformly among those resting; None if none.

        A uniform draw from the candidates, retried while it lands on one that
        has left the book, is uniform over the ones still resting.
        """
        candidates = self._cancellable
        while candidates:
            index = self._random.randrange(len(candidates))
            candidates[index], candidates[-1] = candidates[-1], candidates[index]
            order_id = candidates.pop()
            if self.book.rests(order_id):
                return order_id
        return None

    def _new_order_id(self) -> int:
        order_id = self._next_order_id
        self._next_order_id += 1
        return order_id

    def _passive_ticks(self, side: int, offset_ticks: int) -> int:
        """Return the price `offset_ticks` from the mid on `side`'s passive side."""
        if side == SIDE_SELL:
            return self._mid_ticks + offset_ticks
        return self._mid_ticks - offset_ticks

    def _limit(self) -> Op:
        side = self._random.getrandbits(1)
        offset_ticks = self._random.randint(1, MAX_OFFSET_TICKS)
        lots = self._random.randint(1, MAX_LOTS)
        return KIND_LIMIT, self._new_order_id(), side, self._passive_ticks(side, offset_ticks), lots

    def _marketable(self) -> Op:
        side = self._random.getrandbits(1)
        price_ticks = self._passive_ticks(side, -MAX_OFFSET_TICKS)
        lots = self._random.randint(1, MAX_MARKETABLE_LOTS)
        return KIND_MARKETABLE, self._new_order_id(), side, price_ticks, lots


def _describe_mix(ops: array[int]) -> str:
    """Say how many timed ops of each kind `ops` holds."""
    kinds = ops[::FIELDS_PER_OP]
    mix = ", ".join(
        f"{kinds.count(kind):,} {name}"
        for kind, name in ((KIND_LIMIT, "limit"), (KIND_CANCEL, "cancel"), (KIND_MARKETABLE, "IOC"))
    )
    return f"{len(kinds):,} timed ops ({mix})"


def make_stream_file(
    path: Path, preload_orders: int, ops: int, seed: int, checkpoint_ops: int
) -> StreamModel:
    """Draw a stream, write it to `path` and return the reference book's account of it."""
    generator = StreamGenerator(seed)
    preload = generator.preload(preload_orders)
    timed, model = generator.stream(ops, checkpoint_ops)
    write_stream(path, preload, timed)
    return model
