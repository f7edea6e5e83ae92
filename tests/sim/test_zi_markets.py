"""Unit schedules: their equilibrium and ZI-U's exact expected surplus."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tokenpit.sim.zi_markets import Equilibrium, Market, equilibrium, zi_u_expected_surplus


def test_equilibrium_pairs_highest_values_with_lowest_costs() -> None:
    market = Market(buyers=((150, 90), (120,)), sellers=((60, 100), (80,)), max_price_ticks=200)

    # 150-60 and 120-80 trade; 90 does not cover 100.
    assert equilibrium(market) == Equilibrium(2, 130, (90, 100))


def test_equilibrium_price_range_is_bounded_by_the_short_side() -> None:
    market = Market(buyers=((150,),), sellers=((60,), (70,), (80,)), max_price_ticks=200)

    assert equilibrium(market) == Equilibrium(1, 90, (60, 70))


def test_a_market_without_gains_has_no_clearing_price() -> None:
    market = Market(buyers=((50,),), sellers=((60,),), max_price_ticks=200)

    assert equilibrium(market) == Equilibrium(0, 0, None)


@pytest.mark.parametrize(
    ("buyers", "sellers", "problem"),
    [
        (((90, 100),), ((50,),), "must not rise"),
        (((100,),), ((60, 50),), "must not fall"),
        (((201,),), ((50,),), "outside 1..200"),
        (((),), ((50,),), "at least one unit"),
    ],
)
def test_a_schedule_out_of_order_or_range_is_refused(
    buyers: tuple[tuple[int, ...], ...], sellers: tuple[tuple[int, ...], ...], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        Market(buyers=buyers, sellers=sellers, max_price_ticks=200)


def test_zi_u_trading_every_unit_makes_values_less_costs() -> None:
    market = Market(
        buyers=((150, 40), (120, 30)), sellers=((20, 160), (60, 90)), max_price_ticks=200
    )

    assert zi_u_expected_surplus(market) == 340 - 330


def test_zi_u_long_side_of_single_units_contributes_its_mean_per_trade() -> None:
    market = Market(buyers=((150, 100),), sellers=((20,), (60,), (70,)), max_price_ticks=200)

    assert zi_u_expected_surplus(market) == 250 - Fraction(2 * 150, 3)


def test_zi_u_flat_long_side_with_many_units_is_exact() -> None:
    market = Market(buyers=((150,),), sellers=((70, 70), (70, 70)), max_price_ticks=200)

    assert zi_u_expected_surplus(market) == 150 - 70


def test_zi_u_has_no_closed_form_for_a_sloped_long_side_of_many_units() -> None:
    market = Market(buyers=((150,),), sellers=((20, 90), (60, 70)), max_price_ticks=200)

    assert zi_u_expected_surplus(market) is None
