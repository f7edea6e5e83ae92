"""Zero-intelligence periods on the engine book and on the classic single-quote rules."""

from __future__ import annotations

import random
import statistics

import pytest

from tokenpit.engine import Engine
from tokenpit.sim.zi_auctions import PeriodResult, run_book_period, run_classic_period
from tokenpit.sim.zi_markets import Market, equilibrium, zi_u_expected_surplus

TICK = 1_000
MARKET = Market(
    buyers=((180, 120, 60), (160, 100, 40), (140, 80)),
    sellers=((20, 80, 140), (40, 100), (60, 120, 170)),
    max_price_ticks=200,
)


def book_period(
    market: Market, seed: int, constrained: bool, max_arrivals: int = 2_000
) -> PeriodResult:
    return run_book_period(
        Engine(), "X", market, random.Random(seed),
        constrained=constrained, max_arrivals=max_arrivals, tick_micros=TICK,
    )  # fmt: skip


@pytest.mark.parametrize("seed", range(20))
def test_zi_c_never_loses_nor_beats_the_equilibrium(seed: int) -> None:
    result = book_period(MARKET, seed, constrained=True)

    # A unit trades only between a bid at most its value and an ask at least its cost.
    assert 0 <= result.surplus_ticks <= equilibrium(MARKET).surplus_ticks
    assert all(20 <= price <= 180 for price in result.prices_ticks)


def test_zi_c_period_stops_once_no_value_covers_a_cost() -> None:
    market = Market(buyers=((150, 50),), sellers=((60, 140),), max_price_ticks=200)

    result = book_period(market, seed=3, constrained=True)

    assert len(result.prices_ticks) == 1
    assert result.surplus_ticks == 90
    assert not result.timed_out


def test_zi_u_trades_every_unit_when_both_sides_hold_as_many() -> None:
    market = Market(
        buyers=((150, 40), (120, 30)), sellers=((20, 160), (60, 90)), max_price_ticks=200
    )

    for seed in range(10):
        result = book_period(market, seed, constrained=False)

        assert len(result.prices_ticks) == 4
        assert result.surplus_ticks == zi_u_expected_surplus(market)


def test_zi_u_mean_surplus_matches_its_exact_expectation() -> None:
    market = Market(buyers=((150, 100),), sellers=((20,), (60,), (170,)), max_price_ticks=200)
    rng = random.Random(7)
    engine = Engine()

    surpluses = [
        run_book_period(
            engine, f"X.{period}", market, rng, constrained=False, max_arrivals=2_000,
            tick_micros=TICK,
        ).surplus_ticks
        for period in range(2_000)
    ]  # fmt: skip

    expected = float(zi_u_expected_surplus(market) or 0)
    standard_error = statistics.pstdev(surpluses) / len(surpluses) ** 0.5
    assert abs(statistics.mean(surpluses) - expected) < 4 * standard_error


def test_book_period_closes_its_book_and_replays_from_its_seed() -> None:
    engine = Engine()

    first = run_book_period(
        engine, "X", MARKET, random.Random(5), constrained=True, max_arrivals=500, tick_micros=TICK
    )

    assert engine.books == {}
    assert first == book_period(MARKET, seed=5, constrained=True, max_arrivals=500)


def test_an_arrival_cap_that_binds_is_reported() -> None:
    result = book_period(MARKET, seed=1, constrained=True, max_arrivals=3)

    assert result.arrivals == 3
    assert result.timed_out


@pytest.mark.parametrize("seed", range(20))
def test_classic_rules_keep_zi_c_within_budget(seed: int) -> None:
    result = run_classic_period(MARKET, random.Random(seed), constrained=True, max_arrivals=2_000)

    assert 0 <= result.surplus_ticks <= equilibrium(MARKET).surplus_ticks
    assert all(20 <= price <= 180 for price in result.prices_ticks)


def test_zi_c_never_trades_a_unit_at_a_loss_and_zi_u_does() -> None:
    market = Market(buyers=((100,),), sellers=((60,), (140,)), max_price_ticks=200)

    zi_c = {book_period(market, seed, constrained=True).surplus_ticks for seed in range(40)}
    classic = {
        run_classic_period(
            market, random.Random(seed), constrained=True, max_arrivals=2_000
        ).surplus_ticks
        for seed in range(40)
    }
    zi_u = {book_period(market, seed, constrained=False).surplus_ticks for seed in range(40)}

    assert zi_c == classic == {40}
    assert zi_u == {40, -40}
