"""A grade's index price per interval: the VWAP of each interval's trades."""

from __future__ import annotations

import pytest

from tokenpit.marketdata import IndexPoint, index_history

from .trades import GRADE, MINUTE_NS, T0_NS, trade

OTHER_PERIOD = "CHAT-B.2026-12-03T15"


def test_each_interval_gets_the_vwap_of_its_trades_in_every_period() -> None:
    # (400_000 × 1 + 430_000 × 2) / 3 lots = 420_000; the next minute trades once.
    trades = [
        trade(1, T0_NS + 1, 400_000),
        trade(2, T0_NS + 2, 430_000, lots=2, instrument=OTHER_PERIOD),
        trade(3, T0_NS + MINUTE_NS + 5, 410_000),
    ]

    points = index_history(trades, GRADE, MINUTE_NS, T0_NS, T0_NS + 10 * MINUTE_NS)

    assert points == [
        IndexPoint(T0_NS, 420_000, trades=2, volume_lots=3, volume_units=300_000),
        IndexPoint(T0_NS + MINUTE_NS, 410_000, trades=1, volume_lots=1, volume_units=100_000),
    ]


def test_only_the_grades_trades_inside_the_window_count() -> None:
    trades = [
        trade(1, T0_NS - 1, 300_000),
        trade(2, T0_NS, 400_000),
        trade(3, T0_NS + 5, 900_000, instrument="CHAT-A.2026-12-03T14"),
        trade(4, T0_NS + MINUTE_NS, 500_000),
    ]

    points = index_history(trades, GRADE, MINUTE_NS, T0_NS, T0_NS + MINUTE_NS)

    assert [(point.start_ns, point.price_micros) for point in points] == [(T0_NS, 400_000)]


def test_an_interval_without_trades_has_no_point() -> None:
    trades = [trade(1, T0_NS, 400_000), trade(2, T0_NS + 3 * MINUTE_NS, 410_000)]

    points = index_history(trades, GRADE, MINUTE_NS, T0_NS, T0_NS + 5 * MINUTE_NS)

    assert [point.start_ns for point in points] == [T0_NS, T0_NS + 3 * MINUTE_NS]


def test_an_interval_below_one_ns_is_refused() -> None:
    with pytest.raises(ValueError, match="interval_ns"):
        index_history([], GRADE, 0, T0_NS, T0_NS + MINUTE_NS)
