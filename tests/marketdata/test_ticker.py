"""The ticker of an instrument: a markets-table row."""

from __future__ import annotations

import pytest

from tokenpit.marketdata import Ticker, ticker

from .trades import INSTRUMENT, T0_NS, trade

DAY_NS = 86_400 * 10**9
NOW_NS = T0_NS + 2 * DAY_NS


def test_the_ticker_of_the_worked_example() -> None:
    trades = [
        trade(1, NOW_NS - DAY_NS, 380_000, lots=5),  # at the window's start: outside
        trade(2, NOW_NS - DAY_NS + 1, 400_000, lots=2),
        trade(4, NOW_NS - 10, 410_000, lots=3),
        trade(3, NOW_NS - 20, 420_000, lots=1),
        trade(5, NOW_NS + 1, 100_000, lots=7),  # after now
        trade(6, NOW_NS - 5, 900_000, instrument="CHAT-A.2026-12-03T14"),
    ]

    row = ticker(INSTRUMENT, trades, 405_000, 412_000, NOW_NS)

    # A change of 10_000 on 400_000 is 250 basis points.
    assert row == Ticker(
        instrument=INSTRUMENT,
        last_micros=410_000,
        best_bid_micros=405_000,
        best_ask_micros=412_000,
        spread_micros=7_000,
        volume_lots=6,
        change_micros=10_000,
        change_bps=250,
        high_micros=420_000,
        low_micros=400_000,
    )


def test_a_fall_in_basis_points_rounds_toward_minus_infinity() -> None:
    trades = [trade(1, NOW_NS - 2, 300_000), trade(2, NOW_NS - 1, 299_999)]

    row = ticker(INSTRUMENT, trades, None, None, NOW_NS)

    # -1 / 300_000 is -0.03 basis points.
    assert (row.change_micros, row.change_bps) == (-1, -1)


def test_without_trades_in_the_window_the_last_price_still_shows() -> None:
    row = ticker(INSTRUMENT, [trade(1, NOW_NS - 2 * DAY_NS, 380_000)], None, 390_000, NOW_NS)

    assert row.to_dict() == {
        "instrument": INSTRUMENT,
        "last_micros": 380_000,
        "best_bid_micros": None,
        "best_ask_micros": 390_000,
        "spread_micros": None,
        "volume_lots": 0,
        "change_micros": None,
        "change_bps": None,
        "high_micros": None,
        "low_micros": None,
    }


def test_a_shorter_window_narrows_volume_and_change() -> None:
    trades = [trade(1, NOW_NS - 120 * 10**9, 400_000), trade(2, NOW_NS - 30 * 10**9, 404_000)]

    row = ticker(INSTRUMENT, trades, None, None, NOW_NS, window_s=60)

    assert (row.volume_lots, row.change_micros, row.change_bps) == (1, 0, 0)


def test_a_ticker_window_shorter_than_a_second_is_refused() -> None:
    with pytest.raises(ValueError, match="window_s must be at least 1 second, got 0"):
        ticker(INSTRUMENT, [], None, None, NOW_NS, window_s=0)
