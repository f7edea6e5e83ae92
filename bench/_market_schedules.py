"""The markets of the allocative-efficiency experiment: Gode and Sunder's five, and our own five.

`GODE_SUNDER` holds the five markets of Gode and Sunder (1993, "Allocative
efficiency of markets with zero-intelligence traders", Journal of Political
Economy 101(1), 119-137), the ones their Table 2 reports efficiency for. The
paper prints its schedules only as step curves beside figures 1-5; the
numbers here are a digitization of those figures by the SugarScape project
(github.com/ndouglas/SugarScape: crates/sugarscape-core/src/zi/market.rs at
commit 7623e28 and docs/superpowers/specs/2026-09-28-zi-traders-design.md at
commit 58de897). They are a reconstruction, not the authors' data:

- Markets 1-4, medium confidence. They agree with every number the text gives:
  equilibrium price 69 in market 2 and 170 in market 4, volume 24 in market 1
  and 6 in market 3 (units at value = cost left out), and Table 2's ZI-U
  efficiency, which ZI-U fixes exactly because it trades every unit (values
  less costs over the most surplus). Those checks pin each side's total, not
  every step. Market 4's second cost reads 141 in the scan; 142 reproduces 48.8.
- Market 5, low confidence and approximate: a fine staircase read as well as
  the scan allows. Its ZI-U efficiency comes out 86.7 against the published 86.0.

In all five, six buyers and six sellers trade (Gode and Sunder's 12 traders);
in markets 1-4 the six on a side hold the same units. `tests/sim/
test_gode_sunder_schedules.py` checks the figures above.

`OWN` holds our own five markets of the same kinds (symmetric, three
asymmetric, flat supply), which the benchmark used before the digitization
was found (`--markets own`). No published figure belongs to them. Where
traders hold several units, their units are dealt round-robin, so each holds
a mix of high and low units.

Prices are in ticks from 1 to 200, units in trading order. ZI-C's efficiency
depends on the schedules, above all on how many extramarginal units (those
that do not trade in equilibrium) could still trade at a gain, and how close
to the clearing price they sit.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenpit.sim.zi_markets import Market, Schedule

MAX_PRICE_TICKS = 200


@dataclass(frozen=True)
class MarketCase:
    """One market of the experiment and, for Gode and Sunder's, their Table 2 efficiencies."""

    name: str
    description: str
    market: Market
    published_zic_pct: float | None  # Gode and Sunder (1993), Table 2, ZI-C mean efficiency
    published_ziu_pct: float | None  # the same table's ZI-U figure


def units_at_a_gain(market: Market) -> int:
    """Return how many units trade in equilibrium with value above cost: the text's volume."""
    values = sorted((value for schedule in market.buyers for value in schedule), reverse=True)
    costs = sorted(cost for schedule in market.sellers for cost in schedule)
    return sum(value > cost for value, cost in zip(values, costs, strict=False))


def identical(units: list[int], traders: int = 6) -> tuple[Schedule, ...]:
    """Give each of `traders` traders the same units."""
    return (tuple(units),) * traders


def dealt(units: list[int], traders: int) -> tuple[Schedule, ...]:
    """Deal `units` (best first) round-robin to `traders` traders."""
    return tuple(tuple(units[first::traders]) for first in range(traders))


def singles(units: list[int]) -> tuple[Schedule, ...]:
    """Give each unit to a trader of its own."""
    return tuple((unit,) for unit in units)


def stepped(first: int, step: int, count: int) -> list[int]:
    """Return `count` prices from `first`, `step` apart."""
    return [first + step * number for number in range(count)]


# Market 5: three buyers and three sellers share 18 intramarginal steps a
# side; three more of each hold seven units just beyond the clearing price.
GS5_BUYERS = (
    (159, 154, 149, 144, 139, 134),
    (157, 152, 147, 143, 138, 133),
    (156, 151, 146, 141, 136, 131),
    *identical([127] * 7, 3),
)
GS5_SELLERS = (
    (96, 101, 106, 111, 116, 121),
    (98, 103, 108, 112, 117, 122),
    (99, 104, 109, 114, 119, 124),
    *identical([131] * 7, 3),
)

GODE_SUNDER = (
    MarketCase(
        "GS1",
        "6 buyers with values 102 97 92 87 82 77 and 6 sellers with costs 34 46 58 70 82 94",
        Market(
            identical([102, 97, 92, 87, 82, 77]),
            identical([34, 46, 58, 70, 82, 94]),
            MAX_PRICE_TICKS,
        ),
        99.9,
        90.0,
    ),
    MarketCase(
        "GS2",
        "6 buyers with values 117 105 93 81 69 57 and 6 sellers with costs 49 54 59 64 69 74",
        Market(
            identical([117, 105, 93, 81, 69, 57]),
            identical([49, 54, 59, 64, 69, 74]),
            MAX_PRICE_TICKS,
        ),
        99.2,
        90.0,
    ),
    MarketCase(
        "GS3",
        "6 buyers with values 133 95 90 and 6 sellers with costs 90 95 100",
        Market(identical([133, 95, 90]), identical([90, 95, 100]), MAX_PRICE_TICKS),
        99.0,
        76.7,
    ),
    MarketCase(
        "GS4",
        "6 buyers with values 180 175 170 165 160 and 6 sellers with costs 90 142 170 190 198",
        Market(
            identical([180, 175, 170, 165, 160]),
            identical([90, 142, 170, 190, 198]),
            MAX_PRICE_TICKS,
        ),
        98.2,
        48.8,
    ),
    MarketCase(
        "GS5 (approximate)",
        "3 buyers with 6 values from 159 to 131 and 3 sellers with 6 costs from 96 to 124, "
        "dealt in turn; 3 buyers with 7 units at 127 and 3 sellers with 7 units at 131",
        Market(GS5_BUYERS, GS5_SELLERS, MAX_PRICE_TICKS),
        97.1,
        86.0,
    ),
)

OWN = (
    MarketCase(
        "1 symmetric",
        "6 buyers and 6 sellers, 3 units each; values 190 down to 54 and costs 10 up to 146, "
        "8 ticks apart, mirror images about 100; each trader's third unit is extramarginal",
        Market(dealt(stepped(190, -8, 18), 6), dealt(stepped(10, 8, 18), 6), MAX_PRICE_TICKS),
        None,
        None,
    ),
    MarketCase(
        "2 asymmetric: steep demand",
        "6 buyers and 6 sellers, 3 units each; values 196 down to 26, 10 apart, costs 40 up "
        "to 91, 3 apart: buyers hold most of the surplus",
        Market(dealt(stepped(196, -10, 18), 6), dealt(stepped(40, 3, 18), 6), MAX_PRICE_TICKS),
        None,
        None,
    ),
    MarketCase(
        "3 asymmetric: excess supply",
        "4 buyers of 3 units, values 170 down to 82, 8 apart; 18 sellers of 1 unit, costs 20 "
        "up to 156, 8 apart: eight sellers are extramarginal",
        Market(dealt(stepped(170, -8, 12), 4), singles(stepped(20, 8, 18)), MAX_PRICE_TICKS),
        None,
        None,
    ),
    MarketCase(
        "4 asymmetric: crowded margin",
        "18 buyers of 1 unit, values 150 down to 82, 4 apart; 4 sellers of 3 units, costs 30 "
        "up to 129, 9 apart: sellers hold most of the surplus and eight extramarginal buyers "
        "sit within 32 ticks below the clearing price",
        Market(singles(stepped(150, -4, 18)), dealt(stepped(30, 9, 12), 4), MAX_PRICE_TICKS),
        None,
        None,
    ),
    MarketCase(
        "5 flat supply",
        "5 sellers of 2 units, every cost 70 (a horizontal supply curve); 16 buyers of 1 unit, "
        "values 190 down to 55, 9 apart: supply binds, and four extramarginal buyers value a "
        "unit above its cost",
        Market(singles(stepped(190, -9, 16)), ((70, 70),) * 5, MAX_PRICE_TICKS),
        None,
        None,
    ),
)

MARKET_SETS = {"gs": GODE_SUNDER, "own": OWN}
