"""Events: every outcome of an engine command, each with a sequence number.

Expected business outcomes (a rejection, a self-trade cancel, an expiry) are
events with reasons, never exceptions. Events are plain values: they compare
equal field by field, so replaying a command stream can be checked event for
event.

They are hand-written slotted classes rather than dataclasses: the engine makes
one or more per command, and when the engine is compiled (mypyc) a plain
`__init__` builds an event several times faster than a dataclass one.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

# Why an order left the book without filling (OrderCancelled.reason).
CANCEL_REQUESTED: Final = "requested"
CANCEL_SELF_TRADE: Final = "self_trade"
CANCEL_UNFILLED: Final = "unfilled"  # the remainder of an IOC or market order
CANCEL_BOOK_CLOSED: Final = "book_closed"

# Why a command was refused (OrderRejected.code). The message names the value and the rule.
REJECT_BAD_SIDE: Final = "bad_side"
REJECT_BAD_KIND: Final = "bad_kind"
REJECT_BAD_TIME_IN_FORCE: Final = "bad_time_in_force"
REJECT_BAD_PRICE: Final = "bad_price"
REJECT_PRICE_OFF_TICK: Final = "price_off_tick"
REJECT_BAD_LOTS: Final = "bad_lots"
REJECT_POST_ONLY_WOULD_CROSS: Final = "post_only_would_cross"
REJECT_FOK_NOT_FILLABLE: Final = "fok_not_fillable"
REJECT_NO_LIQUIDITY: Final = "no_liquidity"
REJECT_UNKNOWN_ORDER: Final = "unknown_order"
REJECT_DUPLICATE_ORDER: Final = "duplicate_order"
REJECT_UNKNOWN_INSTRUMENT: Final = "unknown_instrument"
REJECT_BAD_EXPIRY: Final = "bad_expiry"
REJECT_BAD_SELF_TRADE_MODE: Final = "bad_self_trade_mode"


class Event:
    """Base of all engine events; `seq` orders them across every book of an engine."""

    __slots__ = ("seq",)
    FIELDS: ClassVar[tuple[str, ...]] = ("seq",)

    seq: int

    def to_dict(self) -> dict[str, Any]:
        """Return the event as plain data, with its type name under `event`."""
        data: dict[str, Any] = {"event": type(self).__name__}
        for name in self.FIELDS:
            data[name] = getattr(self, name)
        return data

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self) or not isinstance(other, Event):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.FIELDS)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, name) for name in self.FIELDS))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"{type(self).__name__}({fields})"


class OrderAccepted(Event):
    """An order passed validation; fills, a cancel of its remainder, or resting follow."""

    __slots__ = ("account_id", "instrument", "lots", "order_id", "price_micros", "side")
    FIELDS: ClassVar[tuple[str, ...]] = (
        "seq",
        "instrument",
        "order_id",
        "account_id",
        "side",
        "price_micros",
        "lots",
    )

    def __init__(
        self,
        seq: int,
        instrument: str,
        order_id: int,
        account_id: int,
        side: str,
        price_micros: int,
        lots: int,
    ) -> None:
        self.seq = seq
        self.instrument = instrument
        self.order_id = order_id
        self.account_id = account_id
        self.side = side
        self.price_micros = price_micros  # 0 for a market order
        self.lots = lots


class OrderRejected(Event):
    """A command was refused; nothing changed. `code` is stable, `message` is for people."""

    __slots__ = ("code", "instrument", "message", "order_id")
    FIELDS: ClassVar[tuple[str, ...]] = ("seq", "instrument", "order_id", "code", "message")

    def __init__(
        self,
        seq: int,
        instrument: str,
        order_id: int,
        code: str,
        message: str,
    ) -> None:
        self.seq = seq
        self.instrument = instrument
        self.order_id = order_id
        self.code = code
        self.message = message


class TradeExecuted(Event):
    """An incoming (taker) order matched a resting (maker) one at the maker's price."""

    __slots__ = (
        "instrument",
        "lots",
        "maker_account_id",
        "maker_lots_left",
        "maker_order_id",
        "price_micros",
        "taker_account_id",
        "taker_lots_left",
        "taker_order_id",
        "taker_side",
        "trade_id",
    )
    FIELDS: ClassVar[tuple[str, ...]] = (
        "seq",
        "instrument",
        "trade_id",
        "price_micros",
        "lots",
        "maker_order_id",
        "maker_account_id",
        "taker_order_id",
        "taker_account_id",
        "taker_side",
        "maker_lots_left",
        "taker_lots_left",
    )

    def __init__(
        self,
        seq: int,
        instrument: str,
        trade_id: int,
        price_micros: int,
        lots: int,
        maker_order_id: int,
        maker_account_id: int,
        taker_order_id: int,
        taker_account_id: int,
        taker_side: str,
        maker_lots_left: int,
        taker_lots_left: int,
    ) -> None:
        self.seq = seq
        self.instrument = instrument
        self.trade_id = trade_id
        self.price_micros = price_micros
        self.lots = lots
        self.maker_order_id = maker_order_id
        self.maker_account_id = maker_account_id
        self.taker_order_id = taker_order_id
        self.taker_account_id = taker_account_id
        self.taker_side = taker_side
        self.maker_lots_left = maker_lots_left
        self.taker_lots_left = taker_lots_left


class OrderCancelled(Event):
    """Lots of an order left the book unfilled; `reason` says why."""

    __slots__ = ("instrument", "lots", "order_id", "reason")
    FIELDS: ClassVar[tuple[str, ...]] = ("seq", "instrument", "order_id", "lots", "reason")

    def __init__(
        self,
        seq: int,
        instrument: str,
        order_id: int,
        lots: int,
        reason: str,
    ) -> None:
        self.seq = seq
        self.instrument = instrument
        self.order_id = order_id
        self.lots = lots
        self.reason = reason


class OrderExpired(Event):
    """A good-till-date order reached its expiry time with lots still resting."""

    __slots__ = ("instrument", "lots", "order_id")
    FIELDS: ClassVar[tuple[str, ...]] = ("seq", "instrument", "order_id", "lots")

    def __init__(
        self,
        seq: int,
        instrument: str,
        order_id: int,
        lots: int,
    ) -> None:
        self.seq = seq
        self.instrument = instrument
        self.order_id = order_id
        self.lots = lots


class OrderReplaced(Event):
    """An order's price or size changed; `priority_kept` tells whether it kept its place."""

    __slots__ = (
        "instrument",
        "lots",
        "order_id",
        "previous_lots",
        "previous_price_micros",
        "price_micros",
        "priority_kept",
    )
    FIELDS: ClassVar[tuple[str, ...]] = (
        "seq",
        "instrument",
        "order_id",
        "price_micros",
        "lots",
        "previous_price_micros",
        "previous_lots",
        "priority_kept",
    )

    def __init__(
        self,
        seq: int,
        instrument: str,
        order_id: int,
        price_micros: int,
        lots: int,
        previous_price_micros: int,
        previous_lots: int,
        priority_kept: bool,
    ) -> None:
        self.seq = seq
        self.instrument = instrument
        self.order_id = order_id
        self.price_micros = price_micros
        self.lots = lots
        self.previous_price_micros = previous_price_micros
        self.previous_lots = previous_lots
        self.priority_kept = priority_kept
