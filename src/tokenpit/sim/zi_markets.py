"""Markets for zero-intelligence experiments: unit schedules and the surplus they allow.

A market is a set of unit schedules: each buyer holds units it values and each
seller units it can make, in price ticks, traded one at a time in the order
listed (Gode and Sunder 1993). `equilibrium` gives the most surplus that
trading them can make, the denominator of allocative efficiency;
`zi_u_expected_surplus` is what unconstrained random traders make on average,
where that has a closed form. `tokenpit.sim.zi_auctions` trades them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

Schedule = tuple[int, ...]


@dataclass(frozen=True)
class Market:
    """Buyers' unit values and sellers' unit costs, in ticks from 1 to `max_price_ticks`.

    Units trade in the order listed, so a buyer's values must not rise and a
    seller's costs must not fall: together they form step demand and supply curves.
    """

    buyers: tuple[Schedule, ...]
    sellers: tuple[Schedule, ...]
    max_price_ticks: int

    def __post_init__(self) -> None:
        if not self.buyers or not self.sellers:
            raise ValueError("a market needs at least one buyer and one seller")
        for side, schedules, step in (("buyers", self.buyers, -1), ("sellers", self.sellers, 1)):
            for number, schedule in enumerate(schedules):
                _check_schedule(f"{side}[{number}]", schedule, step, self.max_price_ticks)

    @property
    def buyer_units(self) -> int:
        """Return how many units all buyers together want."""
        return sum(len(schedule) for schedule in self.buyers)

    @property
    def seller_units(self) -> int:
        """Return how many units all sellers together can make."""
        return sum(len(schedule) for schedule in self.sellers)


def _check_schedule(name: str, schedule: Schedule, step: int, max_price_ticks: int) -> None:
    """Refuse an empty schedule, a price off the range, or units out of trading order."""
    if not schedule:
        raise ValueError(f"{name}: a trader needs at least one unit")
    if any(not 1 <= price <= max_price_ticks for price in schedule):
        raise ValueError(f"{name}: {schedule} has a price outside 1..{max_price_ticks} ticks")
    if any((later - earlier) * step < 0 for earlier, later in itertools.pairwise(schedule)):
        order = "rise" if step < 0 else "fall"
        raise ValueError(f"{name}: {schedule} must not {order}: units trade in the order listed")


@dataclass(frozen=True)
class Equilibrium:
    """The competitive equilibrium: units traded, the surplus, the clearing prices in ticks."""

    quantity: int
    surplus_ticks: int
    price_range_ticks: tuple[int, int] | None  # None when no value covers any cost


def equilibrium(market: Market) -> Equilibrium:
    """Return the competitive equilibrium, whose surplus is the most the units can make.

    Pairing the highest values with the lowest costs for as long as a value
    covers a cost maximises the total; each trader's own units already come
    in that order, so the traders can reach it. Any price in the range clears
    the market: it is no higher than the last traded value or the first
    untraded cost, and no lower than the last traded cost or the first untraded value.
    """
    values = sorted((value for schedule in market.buyers for value in schedule), reverse=True)
    costs = sorted(cost for schedule in market.sellers for cost in schedule)
    # The longer side's last units find no partner, hence strict=False.
    gains = [value - cost for value, cost in zip(values, costs, strict=False) if value >= cost]
    quantity = len(gains)
    if not quantity:
        return Equilibrium(0, 0, None)

    low = max(costs[quantity - 1], values[quantity] if quantity < len(values) else 1)
    high = min(values[quantity - 1], costs[quantity] if quantity < len(costs) else values[0])
    return Equilibrium(quantity, sum(gains), (low, high))


def zi_u_expected_surplus(market: Market) -> Fraction | None:
    """Return ZI-U's exact expected surplus for a period that trades out its shorter side.

    It holds for the auctions of `tokenpit.sim.zi_auctions`, where each arrival
    is a trader with units left, chosen uniformly. There ZI-U's arrivals and
    quotes never depend on values or costs, so relabelling the traders of one
    side who hold equally many units leaves the law of who trades how much
    unchanged. When the period runs until one side has nothing left (the
    arrival cap not binding):

    - a side whose units all trade contributes exactly the sum of its units;
    - on the longer side, if every trader holds the same number of units and
      the mean over traders of their k-th unit is the same for every k (one
      unit each, or a flat schedule), each unit is equally likely to be among
      the `short` that trade, so that side contributes `short` × its mean unit.

    Return None for a longer side shaped otherwise: its expectation then
    depends on how many units each trader gets through, which has no closed form.
    """
    short = min(market.buyer_units, market.seller_units)
    values = _traded_sum_expectation(market.buyers, short)
    costs = _traded_sum_expectation(market.sellers, short)
    if values is None or costs is None:
        return None
    return values - costs


def _traded_sum_expectation(schedules: tuple[Schedule, ...], trades: int) -> Fraction | None:
    """Return the expected sum of one side's traded units when `trades` of them trade."""
    units = sum(len(schedule) for schedule in schedules)
    if units == trades:
        return Fraction(sum(sum(schedule) for schedule in schedules))
    if len({len(schedule) for schedule in schedules}) != 1:
        return None
    rank_sums = {sum(ranked) for ranked in zip(*schedules, strict=True)}
    if len(rank_sums) != 1:
        return None
    return Fraction(trades * sum(sum(schedule) for schedule in schedules), units)
