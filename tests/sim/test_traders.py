"""Zero-intelligence traders stay within their budget constraint."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.sim import ZeroIntelligenceTrader

TICK = 1_000


@given(
    side=st.sampled_from(["buy", "sell"]),
    limit=st.integers(min_value=TICK, max_value=10_000_000),
    spread=st.integers(min_value=1, max_value=5_000_000),
    seed=st.integers(0, 2**32),
)
def test_quotes_are_on_tick_and_never_beyond_the_limit(
    side: str, limit: int, spread: int, seed: int
) -> None:
    trader = ZeroIntelligenceTrader(1, side, limit, spread, random.Random(seed))

    intent = trader.quote("X", TICK)

    assert intent.price_micros % TICK == 0
    assert intent.price_micros > 0
    if side == "buy":
        assert intent.price_micros <= limit
    else:
        assert intent.price_micros > limit
    assert 1 <= intent.lots <= 5


def test_a_trader_refuses_a_bad_side() -> None:
    with pytest.raises(ValueError, match="'hold'"):
        ZeroIntelligenceTrader(1, "hold", 1_000, 1_000, random.Random(1))
