"""The rules an order must keep, and the reasons given when it does not.

Each check returns None or a `Problem`: a stable code and a message that names
the value and the rule, ready to become an `OrderRejected` event.
"""

from __future__ import annotations

from typing import Final

from tokenpit.engine.book import BUY, SELL, STP_CANCEL_INCOMING, STP_MODES, Side
from tokenpit.engine.events import (
    REJECT_BAD_EXPIRY,
    REJECT_BAD_KIND,
    REJECT_BAD_LOTS,
    REJECT_BAD_PRICE,
    REJECT_BAD_SELF_TRADE_MODE,
    REJECT_BAD_SIDE,
    REJECT_BAD_TIME_IN_FORCE,
    REJECT_FOK_NOT_FILLABLE,
    REJECT_NO_LIQUIDITY,
    REJECT_POST_ONLY_WOULD_CROSS,
    REJECT_PRICE_OFF_TICK,
    REJECT_UNKNOWN_ORDER,
)

LIMIT: Final = "limit"
MARKET: Final = "market"
GTC: Final = "gtc"
IOC: Final = "ioc"
FOK: Final = "fok"
GTD: Final = "gtd"
TIMES_IN_FORCE: Final = (GTC, IOC, FOK, GTD)

Problem = tuple[str, str]


def check_order(
    tick_micros: int,
    now_ns: int,
    side: str,
    price_micros: int,
    lots: int,
    kind: str,
    tif: str,
    post_only: bool,
    expire_at_ns: int,
    stp: str | None,
) -> Problem | None:
    """Return the first rule a new order breaks on its own, or None."""
    # Plain comparisons rather than `in (...)`: compiled, they avoid generic lookups.
    if side != BUY and side != SELL:  # noqa: PLR1714
        return REJECT_BAD_SIDE, f"side must be 'buy' or 'sell', got {side!r}"
    if stp is not None and stp not in STP_MODES:
        return REJECT_BAD_SELF_TRADE_MODE, f"stp must be one of {STP_MODES}, got {stp!r}"
    return (
        check_lots(lots)
        or _check_kind(kind, price_micros, tick_micros, tif)
        or _check_time_in_force(tif, post_only, expire_at_ns, now_ns)
    )


def _check_kind(kind: str, price_micros: int, tick_micros: int, tif: str) -> Problem | None:
    if kind == LIMIT:
        return check_price(price_micros, tick_micros)
    if kind == MARKET:
        if tif != IOC and tif != FOK:  # noqa: PLR1714
            return REJECT_BAD_TIME_IN_FORCE, f"a market order must be ioc or fok, got {tif!r}"
        return None
    return REJECT_BAD_KIND, f"kind must be 'limit' or 'market', got {kind!r}"


def _check_time_in_force(
    tif: str, post_only: bool, expire_at_ns: int, now_ns: int
) -> Problem | None:
    if tif not in TIMES_IN_FORCE:
        return (
            REJECT_BAD_TIME_IN_FORCE,
            f"time in force must be one of {TIMES_IN_FORCE}, got {tif!r}",
        )
    if post_only and tif not in (GTC, GTD):
        return REJECT_BAD_TIME_IN_FORCE, f"a post-only order must rest: gtc or gtd, not {tif!r}"
    if tif == GTD:
        if expire_at_ns <= now_ns:
            return REJECT_BAD_EXPIRY, (
                f"expire_at_ns {expire_at_ns!r} is not after the engine time {now_ns}"
            )
    elif expire_at_ns != 0:
        return REJECT_BAD_EXPIRY, f"expire_at_ns is only for gtd orders, got tif {tif!r}"
    return None


def check_lots(lots: int) -> Problem | None:
    """Refuse a size that is not a positive whole number of lots."""
    if lots <= 0:
        return REJECT_BAD_LOTS, f"size not a whole number of lots: {lots!r}, must be at least 1"
    return None


def check_price(price_micros: int, tick_micros: int) -> Problem | None:
    """Refuse a limit price that is not positive or not on the tick."""
    if price_micros <= 0:
        return REJECT_BAD_PRICE, f"price_micros must be a positive integer, got {price_micros!r}"
    if price_micros % tick_micros:
        return REJECT_PRICE_OFF_TICK, f"price not on tick: {price_micros}, tick {tick_micros}"
    return None


def crosses(is_buy: bool, limit_micros: int, opposite_price_micros: int) -> bool:
    """Tell whether a limit price reaches a resting price on the other side."""
    if is_buy:
        return opposite_price_micros <= limit_micros
    return opposite_price_micros >= limit_micros


def fillable(
    opposite: Side,
    is_buy: bool,
    limit_micros: int,
    is_market: bool,
    account_id: int,
    stp: str,
    lots: int,
) -> bool:
    """Tell whether a fill-or-kill order would fill completely, changing nothing.

    Orders of the same account do not count: self-trade prevention would cancel
    them (cancel_resting) or stop the incoming order at them (cancel_incoming).
    """
    available = 0
    for level in opposite.levels_best_first():
        if not is_market and not crosses(is_buy, limit_micros, level.price_micros):
            return False
        order = level.head
        while order is not None:
            if order.account_id != account_id:
                available += order.lots
                if available >= lots:
                    return True
            elif stp == STP_CANCEL_INCOMING:
                return False
            order = order.next
    return False


def preview_fills(
    opposite: Side,
    is_buy: bool,
    limit_micros: int,
    is_market: bool,
    account_id: int,
    stp: str,
    lots: int,
) -> list[tuple[int, int]]:
    """Return the (price_micros, lots) fills an incoming order would make now, changing nothing.

    Orders of the same account are skipped as self-trade prevention would
    (cancel_resting) or end the walk (cancel_incoming), exactly as matching does.
    """
    fills: list[tuple[int, int]] = []
    remaining = lots
    for level in opposite.levels_best_first():
        if not is_market and not crosses(is_buy, limit_micros, level.price_micros):
            return fills
        order = level.head
        while order is not None:
            if order.account_id != account_id:
                fill = order.lots if order.lots < remaining else remaining
                fills.append((level.price_micros, fill))
                remaining -= fill
                if remaining == 0:
                    return fills
            elif stp == STP_CANCEL_INCOMING:
                return fills
            order = order.next
    return fills


def post_only_problem(best_price_micros: int) -> Problem:
    """Refuse a post-only order that would take liquidity."""
    return REJECT_POST_ONLY_WOULD_CROSS, (
        f"post-only order would cross the best opposite price {best_price_micros}"
    )


def no_liquidity_problem(side: str, instrument: str) -> Problem:
    """Refuse a market order when nothing rests on the other side."""
    opposite = "asks" if side == BUY else "bids"
    return REJECT_NO_LIQUIDITY, f"market order on an empty side: no {opposite} in {instrument}"


def fok_problem(lots: int) -> Problem:
    """Refuse a fill-or-kill order the book cannot fill completely."""
    return REJECT_FOK_NOT_FILLABLE, f"fill-or-kill order for {lots} lots cannot fill completely"


def unknown_order_problem(order_id: int) -> Problem:
    """Refuse a cancel or replace of an order that is not resting."""
    return REJECT_UNKNOWN_ORDER, (
        f"unknown order: {order_id} is not resting (never placed, or already filled, "
        "cancelled or expired)"
    )
