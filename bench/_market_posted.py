"""Part 2 of the market benchmark: one population, on the exchange and under posted prices.

Providers each have a cost and a capacity; buyers each want one lot and have a
value. On the exchange they trade as ZI-C traders in one period on a fresh
book of the matching engine. Under posted prices each provider asks its cost
plus a random markup, and each buyer, in random order, tries up to `TRIES`
random providers and buys from the first priced at or under its value that
still has capacity (`tokenpit.sim.posted_prices`).
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass

from tokenpit.engine import Engine
from tokenpit.sim.posted_prices import PostedSeller, run_posted_prices
from tokenpit.sim.zi_auctions import run_book_period
from tokenpit.sim.zi_markets import Market, equilibrium

# The population, in ticks per million units (the default spec's tick is 1,000 µUSD).
PROVIDERS = 20
PROVIDER_LOTS = 5
BUYERS = 120
COST_TICKS = (300, 900)  # $0.30 to $0.90 per million units
VALUE_TICKS = (200, 2_000)  # $0.20 to $2.00
MARKUP_PCT = (10, 150)  # a posted price is cost × (1 + markup)
TRIES = 3  # providers a buyer looks at before it gives up


@dataclass(frozen=True)
class Comparison:
    """One repetition of part 2: prices, surplus (ticks) and trades in each market."""

    exchange_cv: float
    posted_cv: float
    exchange_surplus_ticks: int
    posted_surplus_ticks: int
    best_surplus_ticks: int
    exchange_trades: int
    posted_trades: int
    exchange_mean_price_ticks: float
    posted_mean_price_ticks: float
    exchange_timed_out: bool
    best_quantity: int
    best_price_ticks: float  # the middle of the clearing price range


def compare_once(rng: random.Random, arrivals_per_trader: int, tick_micros: int) -> Comparison:
    """Draw a population and trade it on the exchange and under posted prices."""
    costs = [rng.randint(*COST_TICKS) for _ in range(PROVIDERS)]
    values = [rng.randint(*VALUE_TICKS) for _ in range(BUYERS)]
    markups = [rng.randint(*MARKUP_PCT) for _ in range(PROVIDERS)]
    market = Market(
        tuple((value,) for value in values),
        tuple((cost,) * PROVIDER_LOTS for cost in costs),
        VALUE_TICKS[1],
    )

    exchange = run_book_period(
        Engine(), "CHAT-B.EXCHANGE", market, rng, constrained=True,
        max_arrivals=arrivals_per_trader * (PROVIDERS + BUYERS), tick_micros=tick_micros,
    )  # fmt: skip
    sellers = [
        PostedSeller(cost, cost * (100 + markup) // 100, PROVIDER_LOTS)
        for cost, markup in zip(costs, markups, strict=True)
    ]
    posted = run_posted_prices(values, sellers, rng, TRIES)
    found = equilibrium(market)
    return Comparison(
        coefficient_of_variation(exchange.prices_ticks),
        coefficient_of_variation(posted.prices_ticks),
        exchange.surplus_ticks,
        posted.surplus_ticks,
        found.surplus_ticks,
        len(exchange.prices_ticks),
        len(posted.prices_ticks),
        statistics.mean(exchange.prices_ticks or (0,)),
        statistics.mean(posted.prices_ticks or (0,)),
        exchange.timed_out,
        found.quantity,
        statistics.mean(found.price_range_ticks or (0,)),
    )


def coefficient_of_variation(prices: tuple[int, ...]) -> float:
    """Return the standard deviation of `prices` over their mean (0 for fewer than two)."""
    if len(prices) < 2:
        return 0.0
    return statistics.pstdev(prices) / statistics.mean(prices)
