"""OHLCV candles of one instrument's trades."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.marketdata import CANDLE_INTERVALS_S, Candle, TradeRecord, candles, fill_candle_gaps

from .trades import MINUTE_NS, T0_NS, trade, trade_streams

# A worked example: three trades in the first minute, none in the second, one in the third.
# Σ price × units of the first minute: 40_000_500_000 + 123_000_000_000 + 40_000_500_000.
WORKED = [
    trade(1, T0_NS + 5 * 10**9, 400_005, lots=1),
    trade(2, T0_NS + 20 * 10**9, 410_000, lots=3),
    trade(3, T0_NS + 59 * 10**9, 400_005, lots=1),
    trade(4, T0_NS + 130 * 10**9, 402_000, lots=2),
]
FIRST_MINUTE = Candle(T0_NS, 400_005, 410_000, 400_005, 400_005, 5, 500_000, 203_001, 3)
THIRD_MINUTE = Candle(
    T0_NS + 2 * MINUTE_NS, 402_000, 402_000, 402_000, 402_000, 2, 200_000, 80_400, 1
)


def test_minute_candles_of_the_worked_example() -> None:
    assert candles(WORKED, 60) == [FIRST_MINUTE, THIRD_MINUTE]


def test_a_five_minute_candle_holds_all_four_trades() -> None:
    assert candles(WORKED, 300) == [
        Candle(T0_NS, 400_005, 410_000, 400_005, 402_000, 7, 700_000, 283_401, 4)
    ]


def test_notional_rounds_once_over_the_sum_not_per_trade() -> None:
    # Each trade is worth 40_000.5 µUSD: floored one by one they would make 80_000.
    halves = [trade(1, T0_NS, 400_005), trade(2, T0_NS + 1, 400_005)]

    assert candles(halves, 60)[0].notional_micros == 80_001


def test_candles_start_on_utc_multiples_of_the_interval() -> None:
    late_in_hour = trade(1, T0_NS + 3 * 3_600 * 10**9 + 59 * MINUTE_NS + 7, 400_000)

    assert [c.start_ns for c in candles([late_in_hour], 3_600)] == [T0_NS + 3 * 3_600 * 10**9]
    assert [c.start_ns for c in candles([late_in_hour], 86_400)] == [T0_NS]


def test_an_interval_without_trades_has_no_candle() -> None:
    starts = [candle.start_ns for candle in candles(WORKED, 60)]

    assert T0_NS + MINUTE_NS not in starts


def test_filled_gaps_repeat_the_previous_close_with_no_volume() -> None:
    flat = Candle(T0_NS + MINUTE_NS, 400_005, 400_005, 400_005, 400_005, 0, 0, 0, 0)

    assert candles(WORKED, 60, fill_gaps=True) == [FIRST_MINUTE, flat, THIRD_MINUTE]


def test_unsorted_trades_are_taken_in_time_order() -> None:
    shuffled = WORKED[:]
    random.Random(4).shuffle(shuffled)

    assert candles(shuffled, 60) == [FIRST_MINUTE, THIRD_MINUTE]


def test_trades_at_the_same_time_are_taken_by_trade_id() -> None:
    same_time = [trade(2, T0_NS, 420_000), trade(1, T0_NS, 410_000)]

    (candle,) = candles(same_time, 60)

    assert (candle.open_micros, candle.close_micros) == (410_000, 420_000)


def test_the_window_takes_trades_from_its_start_up_to_not_including_its_end() -> None:
    window = candles(WORKED, 60, start_ns=T0_NS + 20 * 10**9, end_ns=T0_NS + 130 * 10**9)

    assert window == [Candle(T0_NS, 410_000, 410_000, 400_005, 400_005, 4, 400_000, 163_000, 2)]


def test_a_window_without_trades_gives_no_candles() -> None:
    assert candles(WORKED, 60, start_ns=T0_NS + MINUTE_NS, end_ns=T0_NS + 2 * MINUTE_NS) == []
    assert candles([], 60, fill_gaps=True) == []


def test_a_window_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        candles(WORKED, 60, start_ns=T0_NS, end_ns=T0_NS - 1)


@pytest.mark.parametrize("interval_s", [61, 0, -60, 120, 604_800])
def test_an_interval_not_offered_is_refused_with_the_offered_ones(interval_s: int) -> None:
    with pytest.raises(ValueError, match=f"interval_s {interval_s} is not one of .*60, 300"):
        candles(WORKED, interval_s)


def test_trades_of_two_instruments_are_refused() -> None:
    other = trade(9, T0_NS, 400_000, instrument="CHAT-B.2026-12-03T15")

    with pytest.raises(ValueError, match=r"one instrument's trades, got CHAT-B\.2026-12-03T14, "):
        candles([*WORKED, other], 60)


def test_a_candle_as_plain_data_names_every_field() -> None:
    assert FIRST_MINUTE.to_dict() == {
        "start_ns": T0_NS,
        "open_micros": 400_005,
        "high_micros": 410_000,
        "low_micros": 400_005,
        "close_micros": 400_005,
        "volume_lots": 5,
        "volume_units": 500_000,
        "notional_micros": 203_001,
        "trades": 3,
    }


def test_gap_filling_from_an_unaligned_time_starts_at_the_next_interval() -> None:
    filled = fill_candle_gaps(candles(WORKED, 60), 60, since_ns=T0_NS + 1)

    assert [candle.start_ns for candle in filled] == [T0_NS + MINUTE_NS, T0_NS + 2 * MINUTE_NS]


intervals = st.sampled_from(CANDLE_INTERVALS_S)


@given(trade_streams(), intervals)
def test_candle_volumes_sum_to_the_trades_volume(
    trades: list[TradeRecord], interval_s: int
) -> None:
    built = candles(trades, interval_s, fill_gaps=True)

    assert sum(c.volume_lots for c in built) == sum(t.lots for t in trades)
    assert sum(c.volume_units for c in built) == sum(t.units for t in trades)
    assert sum(c.trades for c in built) == len(trades)


@given(trade_streams(), intervals)
def test_high_and_low_bound_open_and_close(trades: list[TradeRecord], interval_s: int) -> None:
    for candle in candles(trades, interval_s):
        assert candle.high_micros >= max(candle.open_micros, candle.close_micros)
        assert min(candle.open_micros, candle.close_micros) >= candle.low_micros


@given(trade_streams(), intervals)
def test_notional_is_the_floor_of_the_exact_sum(trades: list[TradeRecord], interval_s: int) -> None:
    exact_sum = sum(t.price_micros * t.units for t in trades)
    built = candles(trades, interval_s)

    # Each candle floors once, so together they fall short of the exact total by under 1 µUSD each.
    total_micros = sum(c.notional_micros for c in built)
    assert 0 <= exact_sum - total_micros * 1_000_000 < 1_000_000 * max(len(built), 1)


@given(trade_streams(), intervals)
def test_filled_candles_have_contiguous_starts(trades: list[TradeRecord], interval_s: int) -> None:
    starts = [candle.start_ns for candle in candles(trades, interval_s, fill_gaps=True)]

    assert all(b - a == interval_s * 10**9 for a, b in pairwise(starts))
    assert all(start % (interval_s * 10**9) == 0 for start in starts)


@given(trade_streams(), intervals, st.randoms())
def test_the_order_trades_arrive_in_does_not_matter(
    trades: list[TradeRecord], interval_s: int, rng: random.Random
) -> None:
    shuffled = trades[:]
    rng.shuffle(shuffled)

    assert candles(shuffled, interval_s) == candles(trades, interval_s)
