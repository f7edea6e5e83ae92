"""Volume-weighted average prices and the index price of a grade."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.marketdata import IndexPrice, TradeRecord, index_price, vwap

from .trades import GRADE, T0_NS, trade, trade_streams

NOW_NS = T0_NS + 3_600 * 10**9


def test_vwap_weights_prices_by_units() -> None:
    # (400_000 × 100_000 + 410_000 × 300_000) / 400_000 units = 407_500.
    trades = [trade(1, T0_NS + 1, 400_000, lots=1), trade(2, T0_NS + 2, 410_000, lots=3)]

    assert vwap(trades, T0_NS, NOW_NS) == 407_500


def test_vwap_rounds_down() -> None:
    # 120_000_200_000 / 300_000 = 400_000.67 µUSD per million units.
    trades = [trade(1, T0_NS + 1, 400_000, lots=1), trade(2, T0_NS + 2, 400_001, lots=2)]

    assert vwap(trades, None, None) == 400_000


def test_vwap_counts_the_window_end_but_not_its_start() -> None:
    trades = [trade(1, T0_NS, 300_000), trade(2, T0_NS + 5, 400_000), trade(3, T0_NS + 9, 500_000)]

    assert vwap(trades, T0_NS, T0_NS + 5) == 400_000


def test_vwap_of_an_empty_window_is_none() -> None:
    trades = [trade(1, T0_NS, 400_000)]

    assert vwap(trades, T0_NS, NOW_NS) is None
    assert vwap([], None, None) is None
    assert vwap(trades, T0_NS, T0_NS) is None


def test_vwap_refuses_a_window_that_ends_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        vwap([], NOW_NS, T0_NS)


@given(trade_streams(), st.integers(0, 3 * 86_400 * 10**9), st.integers(0, 86_400 * 10**9))
def test_vwap_lies_between_the_lowest_and_highest_price(
    trades: list[TradeRecord], since_offset_ns: int, length_ns: int
) -> None:
    since_ns = T0_NS + since_offset_ns
    in_window = [t.price_micros for t in trades if since_ns < t.ts_ns <= since_ns + length_ns]

    price_micros = vwap(trades, since_ns, since_ns + length_ns)

    if not in_window:
        assert price_micros is None
    else:
        assert price_micros is not None
        assert min(in_window) <= price_micros <= max(in_window)


def test_the_index_is_the_vwap_of_the_grade_across_periods_in_the_window() -> None:
    trades = [
        trade(1, NOW_NS - 60 * 10**9, 400_000, instrument="CHAT-B.2026-12-03T14"),
        trade(2, NOW_NS, 420_000, lots=3, instrument="CHAT-B.2026-12-03T15"),
        trade(3, NOW_NS - 1, 900_000, instrument="CHAT-A.2026-12-03T14"),  # another grade
        trade(4, NOW_NS - 300 * 10**9, 100_000),  # exactly at the window's start
        trade(5, NOW_NS + 1, 100_000),  # after now
    ]

    index = index_price(trades, GRADE, NOW_NS, 300)

    # (400_000 × 100_000 + 420_000 × 300_000) / 400_000 = 415_000.
    assert index == IndexPrice(GRADE, 415_000, 300, 2, 400_000, NOW_NS)


def test_a_grade_without_trades_in_the_window_has_no_index_price() -> None:
    index = index_price([trade(1, T0_NS, 400_000)], GRADE, NOW_NS, 60)

    assert index.to_dict() == {
        "grade": GRADE,
        "price_micros": None,
        "window_s": 60,
        "trades": 0,
        "volume_units": 0,
        "as_of_ns": NOW_NS,
    }


@pytest.mark.parametrize("window_s", [0, -60])
def test_an_index_window_shorter_than_a_second_is_refused(window_s: int) -> None:
    with pytest.raises(ValueError, match=f"window_s must be at least 1 second, got {window_s}"):
        index_price([], GRADE, NOW_NS, window_s)
