"""Zero-intelligence traders: random prices, bounded by what the trader can afford.

A budget-constrained (ZI-C, Gode and Sunder 1993) buyer never bids above its
value and a seller never asks below its cost; within that bound each price is
uniformly random. Markets of such traders still discover prices near the
competitive equilibrium, which makes them a good background for a demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class OrderIntent:
    """An order a trader wants to place: limit price and size on one instrument."""

    account_id: int
    instrument: str
    side: str
    price_micros: int
    lots: int


class ZeroIntelligenceTrader:
    """A ZI-C trader on one side of the market with a private limit price."""

    def __init__(
        self, account_id: int, side: str, limit_micros: int, spread_micros: int, rng: random.Random
    ) -> None:
        if side not in ("buy", "sell"):
            raise ValueError(f"side must be 'buy' or 'sell', got {side!r}")
        if limit_micros <= 0 or spread_micros <= 0:
            raise ValueError("limit_micros and spread_micros must be positive")
        self.account_id = account_id
        self.side = side
        self.limit_micros = limit_micros  # a buyer's value or a seller's cost
        self.spread_micros = spread_micros  # how far from its limit it may quote
        self._rng = rng

    def quote(self, instrument: str, tick_micros: int, max_lots: int = 5) -> OrderIntent:
        """Draw a price between the limit and `spread_micros` away on the safe side."""
        offset = self._rng.randint(0, self.spread_micros // tick_micros) * tick_micros
        limit = self.limit_micros - self.limit_micros % tick_micros
        if self.side == "buy":
            price = max(tick_micros, limit - offset)
        else:
            price = limit + tick_micros + offset
        lots = self._rng.randint(1, max_lots)
        return OrderIntent(self.account_id, instrument, self.side, price, lots)
