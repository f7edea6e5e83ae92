"""The posted-price market: buyers search a few sellers and take a price or leave."""

from __future__ import annotations

import random

import pytest

from tokenpit.sim.posted_prices import PostedSeller, run_posted_prices


@pytest.mark.parametrize("seed", range(20))
def test_no_buyer_pays_above_its_value_and_no_seller_oversells(seed: int) -> None:
    rng = random.Random(seed)
    sellers = [PostedSeller(cost_ticks=50, price_ticks=60 + 10 * n, capacity=2) for n in range(4)]
    values = [rng.randint(40, 120) for _ in range(12)]

    result = run_posted_prices(values, sellers, random.Random(seed), tries=2)

    assert len(result.prices_ticks) <= 8
    for seller in sellers:
        assert result.prices_ticks.count(seller.price_ticks) <= seller.capacity
    # Each price is at most its buyer's value, so sorted prices sit under the highest values.
    paid = sorted(result.prices_ticks)
    highest = sorted(values)[len(values) - len(paid) :]
    assert all(price <= value for price, value in zip(paid, highest, strict=True))


def test_surplus_is_values_less_costs_whatever_the_price() -> None:
    sellers = [PostedSeller(cost_ticks=30, price_ticks=90, capacity=5)]

    result = run_posted_prices([100, 95, 80], sellers, random.Random(1), tries=1)

    assert result.prices_ticks == (90, 90)
    assert result.surplus_ticks == (100 - 30) + (95 - 30)


def test_a_buyer_buys_from_the_first_acceptable_seller_it_tries() -> None:
    sellers = [
        PostedSeller(cost_ticks=10, price_ticks=50, capacity=1),
        PostedSeller(cost_ticks=10, price_ticks=20, capacity=1),
    ]
    prices = {
        run_posted_prices([100], sellers, random.Random(seed), tries=2).prices_ticks
        for seed in range(20)
    }

    # Searching stops at the first price under the value, not at the cheapest.
    assert prices == {(50,), (20,)}


def test_a_buyer_leaves_after_its_tries_run_out() -> None:
    sellers = [PostedSeller(cost_ticks=10, price_ticks=200, capacity=1)] * 3

    result = run_posted_prices([100, 100], sellers, random.Random(1), tries=3)

    assert result.prices_ticks == ()
    assert result.surplus_ticks == 0


def test_tries_must_be_positive() -> None:
    with pytest.raises(ValueError, match="tries"):
        run_posted_prices([100], [PostedSeller(10, 20, 1)], random.Random(1), tries=0)
