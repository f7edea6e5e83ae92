"""The five markets of the allocative-efficiency experiment, after Gode and Sunder (1993).

They are of the kinds Gode and Sunder used (symmetric supply and demand, three
asymmetric ones, one with a flat supply curve) but they are our own schedules,
not theirs. Prices are in ticks from 1 to 200. Where traders hold several
units, the schedule's units are dealt round-robin, so each trader holds a mix
of high and low units, in trading order.

ZI-C's efficiency depends on the schedules, above all on how many
extramarginal units (those that do not trade in equilibrium) could still
trade at a gain, and how close to the clearing price they sit.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenpit.sim.zi_markets import Market, Schedule

MAX_PRICE_TICKS = 200


@dataclass(frozen=True)
class MarketCase:
    """One market of the experiment and the ZI-C efficiency published for its kind."""

    name: str
    description: str
    market: Market
    published_zic_pct: float  # Gode and Sunder (1993), ZI-C mean efficiency of their market


def dealt(units: list[int], traders: int) -> tuple[Schedule, ...]:
    """Deal `units` (best first) round-robin to `traders` traders."""
    return tuple(tuple(units[first::traders]) for first in range(traders))


def singles(units: list[int]) -> tuple[Schedule, ...]:
    """Give each unit to a trader of its own."""
    return tuple((unit,) for unit in units)


def stepped(first: int, step: int, count: int) -> list[int]:
    """Return `count` prices from `first`, `step` apart."""
    return [first + step * number for number in range(count)]


MARKETS = (
    MarketCase(
        "1 symmetric",
        "6 buyers and 6 sellers, 3 units each; values 190 down to 54 and costs 10 up to 146, "
        "8 ticks apart, mirror images about 100; each trader's third unit is extramarginal",
        Market(dealt(stepped(190, -8, 18), 6), dealt(stepped(10, 8, 18), 6), MAX_PRICE_TICKS),
        99.9,
    ),
    MarketCase(
        "2 asymmetric: steep demand",
        "6 buyers and 6 sellers, 3 units each; values 196 down to 26, 10 apart, costs 40 up "
        "to 91, 3 apart: buyers hold most of the surplus",
        Market(dealt(stepped(196, -10, 18), 6), dealt(stepped(40, 3, 18), 6), MAX_PRICE_TICKS),
        99.2,
    ),
    MarketCase(
        "3 asymmetric: excess supply",
        "4 buyers of 3 units, values 170 down to 82, 8 apart; 18 sellers of 1 unit, costs 20 "
        "up to 156, 8 apart: eight sellers are extramarginal",
        Market(dealt(stepped(170, -8, 12), 4), singles(stepped(20, 8, 18)), MAX_PRICE_TICKS),
        99.0,
    ),
    MarketCase(
        "4 asymmetric: crowded margin",
        "18 buyers of 1 unit, values 150 down to 82, 4 apart; 4 sellers of 3 units, costs 30 "
        "up to 129, 9 apart: sellers hold most of the surplus and eight extramarginal buyers "
        "sit within 32 ticks below the clearing price",
        Market(singles(stepped(150, -4, 18)), dealt(stepped(30, 9, 12), 4), MAX_PRICE_TICKS),
        98.2,
    ),
    MarketCase(
        "5 flat supply",
        "5 sellers of 2 units, every cost 70 (a horizontal supply curve); 16 buyers of 1 unit, "
        "values 190 down to 55, 9 apart: supply binds, and four extramarginal buyers value a "
        "unit above its cost",
        Market(singles(stepped(190, -9, 16)), ((70, 70),) * 5, MAX_PRICE_TICKS),
        97.1,
    ),
)
