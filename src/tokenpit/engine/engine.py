"""The matching engine: commands in, events out, one book per instrument.

Every command returns the events it caused, numbered by one sequence across
all books. The engine is deterministic: the same commands from the same state
give the same events, and `snapshot`/`restore` carry that state across a
restart. It has no clock: good-till-date orders expire when an `expire`
command brings the time forward.

Order ids are chosen by the caller (the core assigns them from its journal)
and must be unique; the engine refuses an id that is live in any of its books.
"""

from __future__ import annotations

import heapq
from typing import Any

from tokenpit.engine import rules
from tokenpit.engine.book import (
    BUY,
    SELL,
    STP_CANCEL_INCOMING,
    STP_CANCEL_RESTING,
    STP_MODES,
    Book,
    Order,
    Side,
)
from tokenpit.engine.events import (
    CANCEL_BOOK_CLOSED,
    CANCEL_REQUESTED,
    CANCEL_SELF_TRADE,
    CANCEL_UNFILLED,
    REJECT_DUPLICATE_ORDER,
    REJECT_UNKNOWN_INSTRUMENT,
    Event,
    OrderAccepted,
    OrderCancelled,
    OrderExpired,
    OrderRejected,
    OrderReplaced,
    TradeExecuted,
)
from tokenpit.engine.rules import FOK, GTC, GTD, LIMIT, MARKET


class Engine:
    """Order books for many instruments behind one sequence of events."""

    def __init__(self, default_stp: str = STP_CANCEL_RESTING) -> None:
        if default_stp not in STP_MODES:
            raise ValueError(f"default_stp must be one of {STP_MODES}, got {default_stp!r}")
        self.default_stp = default_stp
        self.books: dict[str, Book] = {}
        self.orders: dict[int, Order] = {}
        self.seq = 0
        self.trade_seq = 0
        self.now_ns = 0
        # (expire_at_ns, order_id) of good-till-date orders; entries of orders
        # that left the book early are skipped when they surface.
        self.expiries: list[tuple[int, int]] = []

    def add_book(self, instrument: str, tick_micros: int) -> Book:
        """Open an empty book for `instrument`; prices must be multiples of `tick_micros`."""
        if instrument in self.books:
            raise ValueError(f"a book for {instrument!r} already exists")
        book = Book(instrument, tick_micros)
        self.books[instrument] = book
        return book

    def book(self, instrument: str) -> Book:
        """Return the book of `instrument`; KeyError if there is none."""
        return self.books[instrument]

    def close_book(self, instrument: str) -> list[Event]:
        """Cancel every order resting in `instrument`'s book and remove the book."""
        book = self.books.pop(instrument)
        events: list[Event] = []
        for order in book.resting_orders():
            del self.orders[order.order_id]
            self.seq += 1
            events.append(
                OrderCancelled(self.seq, instrument, order.order_id, order.lots, CANCEL_BOOK_CLOSED)
            )
        return events

    def place(
        self,
        order_id: int,
        account_id: int,
        instrument: str,
        side: str,
        price_micros: int,
        lots: int,
        kind: str = LIMIT,
        tif: str = GTC,
        post_only: bool = False,
        expire_at_ns: int = 0,
        stp: str | None = None,
    ) -> list[Event]:
        """Place an order: reject it, or accept it and match, rest or cancel its remainder."""
        book = self.books.get(instrument)
        if book is None:
            return [self._rejected(instrument, order_id, _unknown_instrument_problem(instrument))]
        if order_id in self.orders:
            return [self._rejected(instrument, order_id, _duplicate_problem(order_id))]
        problem = rules.check_order(
            book.tick_micros, self.now_ns, side, price_micros, lots, kind, tif, post_only,
            expire_at_ns, stp,
        )  # fmt: skip
        if problem is not None:
            return [self._rejected(instrument, order_id, problem)]
        is_buy = side == BUY
        is_market = kind == MARKET
        if is_market:
            price_micros = 0
        stp_mode = self.default_stp if stp is None else stp
        opposite = book.asks if is_buy else book.bids

        best = opposite.best()
        if (
            best is not None
            and not is_market
            and post_only
            and (
                (best.price_micros <= price_micros)
                if is_buy
                else (best.price_micros >= price_micros)
            )
        ):
            return [
                self._rejected(instrument, order_id, rules.post_only_problem(best.price_micros))
            ]
        if best is None and is_market:
            return [
                self._rejected(instrument, order_id, rules.no_liquidity_problem(side, instrument))
            ]
        if tif == FOK and not rules.fillable(
            opposite, is_buy, price_micros, is_market, account_id, stp_mode, lots
        ):
            return [self._rejected(instrument, order_id, rules.fok_problem(lots))]

        self.seq += 1
        events: list[Event] = [
            OrderAccepted(self.seq, instrument, order_id, account_id, side, price_micros, lots)
        ]
        order = Order(
            book, order_id, account_id, is_buy, price_micros, lots, tif, post_only, expire_at_ns,
            stp_mode,
        )  # fmt: skip
        if (
            best is not None
            and (
                is_market
                or (
                    best.price_micros <= price_micros
                    if is_buy
                    else best.price_micros >= price_micros
                )
            )
            and self._match(order, opposite, is_market, events)
        ):
            return events  # self-trade prevention cancelled it
        self._rest_or_finish(order, events)
        return events

    def preview(
        self,
        instrument: str,
        account_id: int,
        side: str,
        price_micros: int,
        lots: int,
        kind: str = LIMIT,
        stp: str | None = None,
    ) -> list[tuple[int, int]]:
        """Return the (price_micros, lots) fills such an order would make now; change nothing.

        The exchange uses it to set aside exactly what a marketable order will cost.
        """
        book = self.books[instrument]
        is_buy = side == BUY
        opposite = book.asks if is_buy else book.bids
        best = opposite.best()
        is_market = kind == MARKET
        if best is None or not (
            is_market or rules.crosses(is_buy, price_micros, best.price_micros)
        ):
            return []
        stp_mode = self.default_stp if stp is None else stp
        return rules.preview_fills(
            opposite, is_buy, price_micros, is_market, account_id, stp_mode, lots
        )

    def cancel(self, order_id: int) -> list[Event]:
        """Cancel a resting order's open lots."""
        order = self.orders.pop(order_id, None)
        if order is None:
            return [self._rejected("", order_id, rules.unknown_order_problem(order_id))]
        level = order.level
        assert level is not None  # every order in self.orders rests at a level
        level.unlink(order)
        self.seq += 1
        return [
            OrderCancelled(self.seq, order.book.instrument, order_id, order.lots, CANCEL_REQUESTED)
        ]

    def replace(self, order_id: int, price_micros: int, lots: int) -> list[Event]:
        """Change a resting order's price and open lots.

        The order keeps its place in the queue only when the price is the same
        and the lots do not grow; otherwise it goes to the back of the queue at
        its new price, and matches first if that price crosses the book.
        """
        order = self.orders.get(order_id)
        if order is None:
            return [self._rejected("", order_id, rules.unknown_order_problem(order_id))]
        book = order.book
        problem = rules.check_price(price_micros, book.tick_micros) or rules.check_lots(lots)
        if problem is not None:
            return [self._rejected(book.instrument, order_id, problem)]
        level = order.level
        assert level is not None
        old_price, old_lots = order.price_micros, order.lots

        if price_micros == old_price and lots <= old_lots:
            level.lots -= old_lots - lots
            order.lots = lots
            self.seq += 1
            return [
                OrderReplaced(
                    self.seq, book.instrument, order_id, price_micros, lots, old_price, old_lots,
                    True,
                )
            ]  # fmt: skip

        is_buy = order.is_buy
        opposite = book.asks if is_buy else book.bids
        best = opposite.best()
        crosses = best is not None and (
            best.price_micros <= price_micros if is_buy else best.price_micros >= price_micros
        )
        if crosses and order.post_only:
            assert best is not None
            return [
                self._rejected(
                    book.instrument, order_id, rules.post_only_problem(best.price_micros)
                )
            ]

        level.unlink(order)
        del self.orders[order_id]  # back in when it rests again
        order.price_micros = price_micros
        order.lots = lots
        self.seq += 1
        events: list[Event] = [
            OrderReplaced(
                self.seq, book.instrument, order_id, price_micros, lots, old_price, old_lots, False
            )
        ]
        if crosses and self._match(order, opposite, False, events):
            return events
        self._rest_or_finish(order, events)
        return events

    def expire(self, now_ns: int) -> list[Event]:
        """Bring the engine's time forward; expire good-till-date orders due by then."""
        self.now_ns = max(self.now_ns, now_ns)
        events: list[Event] = []
        expiries = self.expiries
        while expiries and expiries[0][0] <= self.now_ns:
            expire_at_ns, order_id = heapq.heappop(expiries)
            order = self.orders.get(order_id)
            if order is None or order.expire_at_ns != expire_at_ns:
                continue  # filled or cancelled before its time
            del self.orders[order_id]
            level = order.level
            assert level is not None
            level.unlink(order)
            self.seq += 1
            events.append(OrderExpired(self.seq, order.book.instrument, order_id, order.lots))
        return events

    def _match(self, taker: Order, opposite: Side, is_market: bool, events: list[Event]) -> bool:
        """Fill `taker` against `opposite`, best price first, oldest order first.

        Return True if self-trade prevention cancelled the taker; otherwise
        taker.lots is what is left to rest or cancel.
        """
        orders = self.orders
        instrument = taker.book.instrument
        is_buy = taker.is_buy
        limit = taker.price_micros
        account_id = taker.account_id
        side = BUY if is_buy else SELL

        while True:
            level = opposite.best()
            if level is None:
                return False
            price = level.price_micros
            if not is_market and (price > limit if is_buy else price < limit):
                return False
            maker = level.head
            while maker is not None:
                following = maker.next
                if maker.account_id == account_id:
                    if taker.stp == STP_CANCEL_INCOMING:
                        self._cancel_taker(taker, CANCEL_SELF_TRADE, events)
                        return True
                    level.unlink(maker)
                    del orders[maker.order_id]
                    self.seq += 1
                    events.append(
                        OrderCancelled(
                            self.seq, instrument, maker.order_id, maker.lots, CANCEL_SELF_TRADE
                        )
                    )
                    maker = following
                    continue

                fill = maker.lots if maker.lots < taker.lots else taker.lots
                maker.lots -= fill
                level.lots -= fill
                taker.lots -= fill
                self.seq += 1
                self.trade_seq += 1
                events.append(
                    TradeExecuted(
                        self.seq, instrument, self.trade_seq, price, fill, maker.order_id,
                        maker.account_id, taker.order_id, account_id, side, maker.lots,
                        taker.lots,
                    )
                )  # fmt: skip
                if maker.lots == 0:
                    level.unlink(maker)
                    del orders[maker.order_id]
                if taker.lots == 0:
                    return False
                maker = following

    def _rest_or_finish(self, order: Order, events: list[Event]) -> None:
        """After matching: rest a GTC/GTD remainder, cancel an IOC/FOK/market one."""
        if order.lots == 0:
            return
        if order.tif in (GTC, GTD):
            self.orders[order.order_id] = order
            book = order.book
            side = book.bids if order.is_buy else book.asks
            side.level_for(order.price_micros).append(order)
            if order.tif == GTD:
                heapq.heappush(self.expiries, (order.expire_at_ns, order.order_id))
        else:
            self._cancel_taker(order, CANCEL_UNFILLED, events)

    def _cancel_taker(self, taker: Order, reason: str, events: list[Event]) -> None:
        self.seq += 1
        events.append(
            OrderCancelled(self.seq, taker.book.instrument, taker.order_id, taker.lots, reason)
        )

    def _rejected(self, instrument: str, order_id: int, problem: rules.Problem) -> OrderRejected:
        self.seq += 1
        return OrderRejected(self.seq, instrument, order_id, problem[0], problem[1])

    def snapshot(self) -> dict[str, Any]:
        """Return the engine's whole state as plain data (JSON-serialisable)."""
        return {
            "default_stp": self.default_stp,
            "seq": self.seq,
            "trade_seq": self.trade_seq,
            "now_ns": self.now_ns,
            "books": [book.snapshot() for book in self.books.values()],
        }

    @classmethod
    def restore(cls, data: dict[str, Any]) -> Engine:
        """Rebuild an engine from `snapshot()` output; it then behaves exactly like the original."""
        engine = cls(default_stp=data["default_stp"])
        engine.seq = data["seq"]
        engine.trade_seq = data["trade_seq"]
        engine.now_ns = data["now_ns"]
        for book_data in data["books"]:
            book = engine.add_book(book_data["instrument"], book_data["tick_micros"])
            for row in book_data["orders"]:
                order_id, account_id, side, price, lots, tif, post_only, expire_at_ns, stp = row
                order = Order(
                    book, order_id, account_id, side == BUY, price, lots, tif, post_only,
                    expire_at_ns, stp,
                )  # fmt: skip
                engine.orders[order_id] = order
                (book.bids if order.is_buy else book.asks).level_for(price).append(order)
                if tif == GTD:
                    heapq.heappush(engine.expiries, (expire_at_ns, order_id))
        return engine


def _unknown_instrument_problem(instrument: str) -> rules.Problem:
    return REJECT_UNKNOWN_INSTRUMENT, f"unknown instrument: {instrument!r} has no open book"


def _duplicate_problem(order_id: int) -> rules.Problem:
    return REJECT_DUPLICATE_ORDER, f"order id {order_id} is already resting"
