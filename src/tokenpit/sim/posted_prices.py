"""A posted-price market: how inference is bought today, one provider at a time.

Each seller posts a take-it-or-leave-it price for a limited number of units.
Buyers, each wanting one unit, arrive in random order; a buyer tries up to
`tries` different sellers drawn at random and buys from the first that still
has a unit at a price no higher than the buyer's value, else buys nothing. It
is the fragmented market the exchange is measured against.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PostedSeller:
    """A seller's cost and posted price per unit, in ticks, and how many units it can sell."""

    cost_ticks: int
    price_ticks: int
    capacity: int


@dataclass(frozen=True)
class PostedResult:
    """The surplus the sales made (values less costs) and the prices paid, in sale order."""

    surplus_ticks: int
    prices_ticks: tuple[int, ...]


def run_posted_prices(
    values_ticks: Sequence[int],
    sellers: Sequence[PostedSeller],
    rng: random.Random,
    tries: int,
) -> PostedResult:
    """Let every buyer, in random order, try up to `tries` random sellers for one unit."""
    if tries < 1:
        raise ValueError(f"tries must be at least 1, got {tries}")
    left = [seller.capacity for seller in sellers]
    buyers = list(values_ticks)
    rng.shuffle(buyers)
    surplus_ticks = 0
    prices_ticks = []
    for value in buyers:
        for number in rng.sample(range(len(sellers)), min(tries, len(sellers))):
            seller = sellers[number]
            if left[number] and seller.price_ticks <= value:
                left[number] -= 1
                surplus_ticks += value - seller.cost_ticks
                prices_ticks.append(seller.price_ticks)
                break
    return PostedResult(surplus_ticks, tuple(prices_ticks))
