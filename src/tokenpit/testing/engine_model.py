"""A deliberately simple order book to check the engine against.

It keeps one flat list of resting orders and finds the next order to match by
sorting the whole list, so it is slow and obviously right: price first, then
arrival. It mirrors the engine's rules for time in force, post-only,
self-trade prevention, replace priority and expiry, and records its outcomes
as plain tuples that tests compare with the engine's events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tokenpit.engine import (
    Event,
    OrderCancelled,
    OrderExpired,
    OrderRejected,
    OrderReplaced,
    TradeExecuted,
)

# An outcome is a tuple a test can compare: a trade is (kind "trade", maker id,
# taker id, price, lots); then "cancel" with id, lots, reason; "expire" with id,
# lots; "reject" with id, code; "replace" with id, price, lots, priority kept.
Outcome = tuple[object, ...]


@dataclass
class ModelOrder:
    """A resting order in the model; `arrival` orders orders at the same price."""

    order_id: int
    account_id: int
    is_buy: bool
    price: int
    lots: int
    tif: str
    post_only: bool
    expire_at_ns: int
    stp: str
    arrival: int


@dataclass
class ModelBook:
    """The reference book: every resting order in one list."""

    tick: int
    default_stp: str = "cancel_resting"
    resting: list[ModelOrder] = field(default_factory=list)
    now_ns: int = 0
    clock: int = 0

    def queue(self, is_buy: bool) -> list[ModelOrder]:
        """Return one side's orders in priority order: best price, then earliest arrival."""
        side = [o for o in self.resting if o.is_buy == is_buy]
        return sorted(side, key=lambda o: (-o.price if is_buy else o.price, o.arrival))

    def find(self, order_id: int) -> ModelOrder | None:
        """Return the resting order with this id, if any."""
        return next((o for o in self.resting if o.order_id == order_id), None)

    def place(
        self,
        order_id: int,
        account_id: int,
        is_buy: bool,
        price: int,
        lots: int,
        kind: str = "limit",
        tif: str = "gtc",
        post_only: bool = False,
        expire_at_ns: int = 0,
        stp: str | None = None,
    ) -> list[Outcome]:
        """Place an order and return what happened."""
        stp_mode = stp or self.default_stp
        code = self._reject_code(order_id, price, lots, kind, tif, post_only, expire_at_ns)
        if code is not None:
            return [("reject", order_id, code)]
        market = kind == "market"
        opposite = self.queue(not is_buy)
        reachable = [o for o in opposite if market or _crosses(is_buy, price, o.price)]
        if post_only and reachable:
            return [("reject", order_id, "post_only_would_cross")]
        if market and not opposite:
            return [("reject", order_id, "no_liquidity")]
        if tif == "fok" and not _fok_fillable(reachable, account_id, stp_mode, lots):
            return [("reject", order_id, "fok_not_fillable")]
        self.clock += 1
        taker = ModelOrder(
            order_id, account_id, is_buy, 0 if market else price, lots, tif, post_only,
            expire_at_ns, stp_mode, self.clock,
        )  # fmt: skip
        return self._execute(taker, market)

    def cancel(self, order_id: int) -> list[Outcome]:
        """Cancel a resting order."""
        order = self.find(order_id)
        if order is None:
            return [("reject", order_id, "unknown_order")]
        self.resting.remove(order)
        return [("cancel", order_id, order.lots, "requested")]

    def replace(self, order_id: int, price: int, lots: int) -> list[Outcome]:
        """Change an order's price and lots, as the engine documents."""
        order = self.find(order_id)
        if order is None:
            return [("reject", order_id, "unknown_order")]
        if price <= 0:
            return [("reject", order_id, "bad_price")]
        if price % self.tick:
            return [("reject", order_id, "price_off_tick")]
        if lots <= 0:
            return [("reject", order_id, "bad_lots")]
        if price == order.price and lots <= order.lots:
            order.lots = lots
            return [("replace", order_id, price, lots, True)]
        opposite = self.queue(not order.is_buy)
        if order.post_only and any(_crosses(order.is_buy, price, o.price) for o in opposite):
            return [("reject", order_id, "post_only_would_cross")]
        self.resting.remove(order)
        self.clock += 1
        order.price, order.lots, order.arrival = price, lots, self.clock
        return [("replace", order_id, price, lots, False), *self._execute(order, False)]

    def expire(self, now_ns: int) -> list[Outcome]:
        """Expire good-till-date orders due at `now_ns`, earliest expiry (then id) first."""
        self.now_ns = max(self.now_ns, now_ns)
        due = [o for o in self.resting if o.tif == "gtd" and o.expire_at_ns <= self.now_ns]
        due.sort(key=lambda o: (o.expire_at_ns, o.order_id))
        for order in due:
            self.resting.remove(order)
        return [("expire", o.order_id, o.lots) for o in due]

    def _execute(self, taker: ModelOrder, market: bool) -> list[Outcome]:
        outcomes: list[Outcome] = []
        while taker.lots > 0:
            opposite = [
                o
                for o in self.queue(not taker.is_buy)
                if market or _crosses(taker.is_buy, taker.price, o.price)
            ]
            if not opposite:
                break
            maker = opposite[0]
            if maker.account_id == taker.account_id:
                if taker.stp == "cancel_incoming":
                    outcomes.append(("cancel", taker.order_id, taker.lots, "self_trade"))
                    return outcomes
                self.resting.remove(maker)
                outcomes.append(("cancel", maker.order_id, maker.lots, "self_trade"))
                continue
            fill = min(maker.lots, taker.lots)
            maker.lots -= fill
            taker.lots -= fill
            outcomes.append(("trade", maker.order_id, taker.order_id, maker.price, fill))
            if maker.lots == 0:
                self.resting.remove(maker)
        if taker.lots > 0:
            if taker.tif in ("gtc", "gtd"):
                self.resting.append(taker)
            else:
                outcomes.append(("cancel", taker.order_id, taker.lots, "unfilled"))
        return outcomes

    def _reject_code(
        self,
        order_id: int,
        price: int,
        lots: int,
        kind: str,
        tif: str,
        post_only: bool,
        expire_at_ns: int,
    ) -> str | None:
        if self.find(order_id) is not None:
            return "duplicate_order"
        if lots <= 0:
            return "bad_lots"
        if kind == "limit" and price <= 0:
            return "bad_price"
        if kind == "limit" and price % self.tick:
            return "price_off_tick"
        if kind == "market" and tif not in ("ioc", "fok"):
            return "bad_time_in_force"
        if post_only and tif not in ("gtc", "gtd"):
            return "bad_time_in_force"
        if tif == "gtd" and expire_at_ns <= self.now_ns:
            return "bad_expiry"
        if tif != "gtd" and expire_at_ns != 0:
            return "bad_expiry"
        return None


def _crosses(is_buy: bool, limit: int, resting_price: int) -> bool:
    return resting_price <= limit if is_buy else resting_price >= limit


def _fok_fillable(reachable: list[ModelOrder], account_id: int, stp: str, lots: int) -> bool:
    available = 0
    for order in reachable:
        if order.account_id == account_id:
            if stp == "cancel_incoming":
                return False
            continue
        available += order.lots
        if available >= lots:
            return True
    return False


def outcomes_of(events: list[Event]) -> list[Outcome]:
    """Translate engine events into the model's outcome tuples (acceptances carry none)."""
    result: list[Outcome] = []
    for event in events:
        if isinstance(event, TradeExecuted):
            result.append(
                (
                    "trade",
                    event.maker_order_id,
                    event.taker_order_id,
                    event.price_micros,
                    event.lots,
                )
            )
        elif isinstance(event, OrderCancelled):
            result.append(("cancel", event.order_id, event.lots, event.reason))
        elif isinstance(event, OrderExpired):
            result.append(("expire", event.order_id, event.lots))
        elif isinstance(event, OrderRejected):
            result.append(("reject", event.order_id, event.code))
        elif isinstance(event, OrderReplaced):
            result.append(
                ("replace", event.order_id, event.price_micros, event.lots, event.priority_kept)
            )
    return result
