"""The order book of one instrument: price levels of resting orders in time order.

Each side keeps a dict of price -> Level and a heap of those prices (bids
negated), so the best price is found in O(1) amortized time and a new level
costs one heap push. A level that empties stays in the dict and the heap until
it surfaces at the top of the heap; prices near the mid come back constantly,
so keeping the empty level saves allocating it again. When empty levels
outnumber live ones the side is compacted.

Within a level, orders form a doubly linked list, so a cancel unlinks in O(1)
and matching walks from the head (the oldest order).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from typing import Any, Final

BUY: Final = "buy"
SELL: Final = "sell"

# Self-trade prevention: what happens when an incoming order meets a resting
# order of the same account.
STP_CANCEL_RESTING: Final = "cancel_resting"
STP_CANCEL_INCOMING: Final = "cancel_incoming"
STP_MODES: Final = (STP_CANCEL_RESTING, STP_CANCEL_INCOMING)

# Compact a side once it holds this many levels and four times more than are live.
_COMPACT_MIN_LEVELS: Final = 64


class Order:
    """A resting order; `lots` is what is still open."""

    __slots__ = (
        "account_id",
        "book",
        "expire_at_ns",
        "is_buy",
        "level",
        "lots",
        "next",
        "order_id",
        "post_only",
        "prev",
        "price_micros",
        "stp",
        "tif",
    )

    def __init__(
        self,
        book: Book,
        order_id: int,
        account_id: int,
        is_buy: bool,
        price_micros: int,
        lots: int,
        tif: str,
        post_only: bool,
        expire_at_ns: int,
        stp: str,
    ) -> None:
        self.book = book
        self.order_id = order_id
        self.account_id = account_id
        self.is_buy = is_buy
        self.price_micros = price_micros
        self.lots = lots
        self.tif = tif
        self.post_only = post_only
        self.expire_at_ns = expire_at_ns
        self.stp = stp
        self.level: Level | None = None
        self.prev: Order | None = None
        self.next: Order | None = None


class Level:
    """All resting orders at one price on one side, oldest first."""

    __slots__ = ("count", "head", "lots", "price_micros", "side", "tail")

    def __init__(self, side: Side, price_micros: int) -> None:
        self.side = side
        self.price_micros = price_micros
        self.lots = 0
        self.count = 0
        self.head: Order | None = None
        self.tail: Order | None = None

    def append(self, order: Order) -> None:
        """Put `order` at the back of the queue."""
        order.level = self
        order.next = None
        tail = self.tail
        order.prev = tail
        if tail is None:
            self.head = order
            side = self.side
            side.live += 1
            # A level coming alive may now be the best one; see Side.best.
            top = side.top
            if top is not None and (
                self.price_micros > top.price_micros
                if side.is_buy
                else self.price_micros < top.price_micros
            ):
                side.top = self
        else:
            tail.next = order
        self.tail = order
        self.lots += order.lots
        self.count += 1

    def unlink(self, order: Order) -> None:
        """Take `order` out of the queue; its open lots leave the level's total."""
        prev = order.prev
        nxt = order.next
        if prev is None:
            self.head = nxt
        else:
            prev.next = nxt
        if nxt is None:
            self.tail = prev
        else:
            nxt.prev = prev
        order.prev = None
        order.next = None
        order.level = None
        self.lots -= order.lots
        self.count -= 1
        if self.head is None:
            self.side.live -= 1


class Side:
    """One side of a book: levels by price and a heap that yields the best price first."""

    __slots__ = ("heap", "is_buy", "levels", "live", "top")

    def __init__(self, is_buy: bool) -> None:
        self.is_buy = is_buy
        self.levels: dict[int, Level] = {}
        # Heap keys: the price for asks, the negated price for bids, so the best is at [0].
        self.heap: list[int] = []
        self.live = 0  # levels with at least one order
        # The best level as last found, or None. While it has orders it is the best:
        # a level that comes alive at a better price replaces it (Level.append).
        # Once it empties, best() searches the heap again.
        self.top: Level | None = None

    def level_for(self, price_micros: int) -> Level:
        """Return the level at `price_micros`, creating it if needed."""
        level = self.levels.get(price_micros)
        if level is None:
            if len(self.levels) >= _COMPACT_MIN_LEVELS and len(self.levels) > 4 * self.live:
                self._compact()
            level = Level(self, price_micros)
            self.levels[price_micros] = level
            heapq.heappush(self.heap, -price_micros if self.is_buy else price_micros)
        return level

    def best(self) -> Level | None:
        """Return the best live level, dropping empty levels that surface on the way."""
        top = self.top
        if top is not None and top.head is not None:
            return top
        heap = self.heap
        levels = self.levels
        while heap:
            key = heap[0]
            level = levels[-key if self.is_buy else key]
            if level.head is not None:
                self.top = level
                return level
            heapq.heappop(heap)
            del levels[level.price_micros]
        self.top = None
        return None

    def levels_best_first(self) -> Iterator[Level]:
        """Yield the live levels best price first, sorting only as far as the caller reads."""
        heap = list(self.heap)
        levels = self.levels
        while heap:
            key = heapq.heappop(heap)
            level = levels[-key if self.is_buy else key]
            if level.head is not None:
                yield level

    def sorted_levels(self) -> list[Level]:
        """Return the live levels, best price first."""
        live = [level for level in self.levels.values() if level.head is not None]
        live.sort(key=_price_of, reverse=self.is_buy)
        return live

    def _compact(self) -> None:
        self.levels = {p: lv for p, lv in self.levels.items() if lv.head is not None}
        self.heap = [-p if self.is_buy else p for p in self.levels]
        heapq.heapify(self.heap)


def _price_of(level: Level) -> int:
    return level.price_micros


class Book:
    """The order book of one instrument."""

    __slots__ = ("asks", "bids", "instrument", "tick_micros")

    def __init__(self, instrument: str, tick_micros: int) -> None:
        if tick_micros <= 0:
            raise ValueError(f"tick_micros must be positive, got {tick_micros}")
        self.instrument = instrument
        self.tick_micros = tick_micros
        self.bids = Side(is_buy=True)
        self.asks = Side(is_buy=False)

    def best_bid(self) -> int | None:
        """Return the highest resting bid price, or None when there are no bids."""
        level = self.bids.best()
        return None if level is None else level.price_micros

    def best_ask(self) -> int | None:
        """Return the lowest resting ask price, or None when there are no asks."""
        level = self.asks.best()
        return None if level is None else level.price_micros

    def depth(
        self, levels: int = 10
    ) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
        """Return up to `levels` aggregated (price_micros, lots, orders) per side, best first."""
        return (
            [(lv.price_micros, lv.lots, lv.count) for lv in self.bids.sorted_levels()[:levels]],
            [(lv.price_micros, lv.lots, lv.count) for lv in self.asks.sorted_levels()[:levels]],
        )

    def resting_orders(self) -> list[Order]:
        """Return every resting order: bids best first, then asks best first, each in time order."""
        orders: list[Order] = []
        for side in (self.bids, self.asks):
            for level in side.sorted_levels():
                order = level.head
                while order is not None:
                    orders.append(order)
                    order = order.next
        return orders

    def snapshot(self) -> dict[str, Any]:
        """Return the book as plain data from which `restore` rebuilds it exactly."""
        return {
            "instrument": self.instrument,
            "tick_micros": self.tick_micros,
            "orders": [
                [
                    o.order_id,
                    o.account_id,
                    BUY if o.is_buy else SELL,
                    o.price_micros,
                    o.lots,
                    o.tif,
                    o.post_only,
                    o.expire_at_ns,
                    o.stp,
                ]
                for o in self.resting_orders()
            ],
        }
