"""The matching engine: one order book per instrument, price-time priority.

Pure and deterministic: no clock, no I/O, no floats. Imports nothing of ours.
`Engine` takes commands (place, cancel, replace, expire, close_book) and
returns events; `Book` answers best-price and depth queries.
"""

from tokenpit.engine.book import BUY, SELL, STP_CANCEL_INCOMING, STP_CANCEL_RESTING, Book
from tokenpit.engine.engine import Engine
from tokenpit.engine.events import (
    Event,
    OrderAccepted,
    OrderCancelled,
    OrderExpired,
    OrderRejected,
    OrderReplaced,
    TradeExecuted,
)
from tokenpit.engine.rules import FOK, GTC, GTD, IOC, LIMIT, MARKET

__all__ = [
    "BUY",
    "FOK",
    "GTC",
    "GTD",
    "IOC",
    "LIMIT",
    "MARKET",
    "SELL",
    "STP_CANCEL_INCOMING",
    "STP_CANCEL_RESTING",
    "Book",
    "Engine",
    "Event",
    "OrderAccepted",
    "OrderCancelled",
    "OrderExpired",
    "OrderRejected",
    "OrderReplaced",
    "TradeExecuted",
]
