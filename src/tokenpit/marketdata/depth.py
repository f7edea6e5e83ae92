"""Order book depth as plain data for a depth chart, with cumulative lots per side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

# One aggregated price level as the engine's `Book.depth` gives it: (price_micros, lots, orders).
EngineLevel = tuple[int, int, int]


class DepthLevel(TypedDict):
    """One price level: its price, its lots and orders, and the lots up to it from the best."""

    price_micros: int
    lots: int
    orders: int
    cumulative_lots: int


class DepthChart(TypedDict):
    """Both sides of a book, best level first."""

    bids: list[DepthLevel]
    asks: list[DepthLevel]


def depth_levels(
    depth: tuple[Sequence[EngineLevel], Sequence[EngineLevel]], max_levels: int
) -> DepthChart:
    """Return the engine's (bids, asks) depth as JSON-friendly levels, up to `max_levels` a side.

    Each side keeps its order, best first; `cumulative_lots` sums the lots from the best
    level down to and including this one. Raises `ValueError` when `max_levels` < 0.
    """
    if max_levels < 0:
        raise ValueError(f"max_levels must be 0 or more, got {max_levels}")
    bids, asks = depth
    return {"bids": _side(bids, max_levels), "asks": _side(asks, max_levels)}


def _side(levels: Sequence[EngineLevel], max_levels: int) -> list[DepthLevel]:
    """Return one side's first `max_levels` levels with their running lot totals."""
    side: list[DepthLevel] = []
    cumulative_lots = 0
    for price_micros, lots, orders in levels[:max_levels]:
        cumulative_lots += lots
        side.append(
            {
                "price_micros": price_micros,
                "lots": lots,
                "orders": orders,
                "cumulative_lots": cumulative_lots,
            }
        )
    return side
