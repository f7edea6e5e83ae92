"""Market data the REST routes and the stream both show: books and public trades."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenpit.core.exchange import Exchange
from tokenpit.marketdata import depth_levels


def book_body(exchange: Exchange, instrument: str, levels: int) -> dict[str, Any] | None:
    """Return a listed instrument's book, best levels first; None if it is not listed.

    Reads the engine, so call it on the core's event loop, never from a thread.
    """
    book = exchange.engine.books.get(instrument)
    if book is None:
        return None
    chart = depth_levels(book.depth(levels), levels)
    return {
        "instrument": instrument,
        "best_bid_micros": book.best_bid(),
        "best_ask_micros": book.best_ask(),
        "bids": chart["bids"],
        "asks": chart["asks"],
    }


def public_trade(trade: Mapping[str, Any]) -> dict[str, Any]:
    """Return what anyone may see of a trade: never who traded."""
    return {
        "trade_id": trade["trade_id"],
        "instrument": trade["instrument"],
        "price_micros": trade["price_micros"],
        "lots": trade["lots"],
        "units": trade["units"],
        "aggressor_side": trade["aggressor_side"],
        "ts_ns": trade["ts_ns"],
    }


def own_trade(trade: Mapping[str, Any]) -> dict[str, Any]:
    """Return a trade of the caller's, with its side and its order (a store row with `side`)."""
    order_id = trade["buy_order_id"] if trade["side"] == "buy" else trade["sell_order_id"]
    return {**public_trade(trade), "side": trade["side"], "order_id": order_id}
