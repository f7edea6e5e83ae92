"""Candles built one trade at a time, in bounded memory."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.marketdata import CANDLE_INTERVALS_S, Candle, CandleBuilder, TradeRecord, candles
from tokenpit.marketdata.records import in_trade_order

from .trades import INSTRUMENT, MINUTE_NS, T0_NS, trade, trade_streams


def test_adding_a_trade_returns_the_candle_it_updated() -> None:
    builder = CandleBuilder(INSTRUMENT, 60)

    first = builder.add(trade(1, T0_NS, 400_005))
    second = builder.add(trade(2, T0_NS + 1, 400_005))

    assert first == Candle(T0_NS, 400_005, 400_005, 400_005, 400_005, 1, 100_000, 40_000, 1)
    assert second == Candle(T0_NS, 400_005, 400_005, 400_005, 400_005, 2, 200_000, 80_001, 2)


def test_a_trade_in_a_new_interval_opens_a_new_candle() -> None:
    builder = CandleBuilder(INSTRUMENT, 60)
    builder.add(trade(1, T0_NS, 400_000))

    opened = builder.add(trade(2, T0_NS + MINUTE_NS, 401_000))

    assert opened.start_ns == T0_NS + MINUTE_NS
    assert [candle.start_ns for candle in builder.candles()] == [T0_NS, T0_NS + MINUTE_NS]


def test_only_the_last_max_candles_are_kept() -> None:
    builder = CandleBuilder(INSTRUMENT, 60, max_candles=2)
    for minute in range(5):
        builder.add(trade(minute + 1, T0_NS + minute * MINUTE_NS, 400_000 + minute))

    assert [candle.open_micros for candle in builder.candles()] == [400_003, 400_004]


def test_filled_candles_are_limited_to_max_candles_too() -> None:
    builder = CandleBuilder(INSTRUMENT, 60, max_candles=3)
    builder.add(trade(1, T0_NS, 400_000))
    builder.add(trade(2, T0_NS + 10 * MINUTE_NS, 401_000))

    starts = [candle.start_ns for candle in builder.candles(fill_gaps=True)]

    assert starts == [T0_NS + minute * MINUTE_NS for minute in (8, 9, 10)]


def test_a_new_builder_has_no_candles() -> None:
    assert CandleBuilder(INSTRUMENT, 300).candles(fill_gaps=True) == []


def test_a_trade_older_than_the_last_is_refused() -> None:
    builder = CandleBuilder(INSTRUMENT, 60)
    builder.add(trade(2, T0_NS + 5, 400_000))

    with pytest.raises(ValueError, match=r"trade 3 at ts_ns .* does not come after trade 2"):
        builder.add(trade(3, T0_NS + 4, 400_000))
    with pytest.raises(ValueError, match=r"trade 1 .* does not come after trade 2"):
        builder.add(trade(1, T0_NS + 5, 400_000))


def test_a_repeated_trade_is_refused() -> None:
    builder = CandleBuilder(INSTRUMENT, 60)
    builder.add(trade(1, T0_NS, 400_000))

    with pytest.raises(ValueError, match="does not come after"):
        builder.add(trade(1, T0_NS, 400_000))


def test_a_trade_of_another_instrument_is_refused() -> None:
    builder = CandleBuilder(INSTRUMENT, 60)

    with pytest.raises(ValueError, match=r"is of CHAT-A\.2026-12-03T14, this builder's"):
        builder.add(trade(1, T0_NS, 400_000, instrument="CHAT-A.2026-12-03T14"))


def test_a_builder_refuses_an_interval_not_offered() -> None:
    with pytest.raises(ValueError, match="interval_s 61 is not one of"):
        CandleBuilder(INSTRUMENT, 61)


def test_a_builder_refuses_to_keep_no_candles() -> None:
    with pytest.raises(ValueError, match="max_candles must be at least 1, got 0"):
        CandleBuilder(INSTRUMENT, 60, max_candles=0)


def test_a_builder_reports_what_it_builds() -> None:
    builder = CandleBuilder(INSTRUMENT, 900, max_candles=7)

    assert (builder.instrument, builder.interval_s, builder.max_candles) == (INSTRUMENT, 900, 7)


@given(trade_streams(), st.sampled_from(CANDLE_INTERVALS_S), st.integers(1, 8))
def test_building_one_trade_at_a_time_matches_candles(
    trades: list[TradeRecord], interval_s: int, max_candles: int
) -> None:
    builder = CandleBuilder(INSTRUMENT, interval_s, max_candles)
    ordered = in_trade_order(trades)

    for count, added in enumerate(ordered, start=1):
        assert builder.add(added) == candles(ordered[:count], interval_s)[-1]

    assert builder.candles() == candles(trades, interval_s)[-max_candles:]
    filled = candles(trades, interval_s, fill_gaps=True)
    assert builder.candles(fill_gaps=True) == filled[-max_candles:]
