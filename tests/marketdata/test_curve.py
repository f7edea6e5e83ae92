"""The forward curve of a grade across its listed delivery periods."""

from __future__ import annotations

import pytest

from tokenpit.marketdata import CurvePoint, forward_curve, mid_price

from .trades import GRADE, HOUR_NS, PERIOD_START_NS, T0_NS, trade

T14, T15, T16 = "CHAT-B.2026-12-03T14", "CHAT-B.2026-12-03T15", "CHAT-B.2026-12-03T16"
A14 = "CHAT-A.2026-12-03T14"
NOW_NS = T0_NS + HOUR_NS
LISTED = [
    (T15, PERIOD_START_NS + HOUR_NS, PERIOD_START_NS + 2 * HOUR_NS),
    (A14, PERIOD_START_NS, PERIOD_START_NS + HOUR_NS),
    (T14, PERIOD_START_NS, PERIOD_START_NS + HOUR_NS),
    (T16, PERIOD_START_NS + 2 * HOUR_NS, PERIOD_START_NS + 3 * HOUR_NS),
]


def test_the_curve_prices_each_period_of_the_grade_in_delivery_order() -> None:
    trades = [
        trade(2, T0_NS + 2, 410_000, lots=3, instrument=T14),
        trade(1, T0_NS + 1, 400_000, lots=1, instrument=T14),
        trade(3, T0_NS + 3, 390_000, lots=2, instrument=T15),
        trade(4, T0_NS + 4, 999_000, lots=1, instrument=A14),  # another grade
        trade(5, NOW_NS + 1, 100_000, lots=9, instrument=T15),  # after now
    ]
    books = {T14: (400_000, 401_000), T15: (400_000, 400_001), T16: (395_000, None)}

    curve = forward_curve(GRADE, LISTED, trades, books, NOW_NS)

    assert curve == [
        CurvePoint(T14, PERIOD_START_NS, 400_000, 401_000, 400_500, 410_000, 407_500, 4),
        CurvePoint(T15, PERIOD_START_NS + HOUR_NS, 400_000, 400_001, 400_000, 390_000, 390_000, 2),
        CurvePoint(T16, PERIOD_START_NS + 2 * HOUR_NS, 395_000, None, None, None, None, 0),
    ]


def test_an_instrument_missing_from_the_books_has_an_empty_book() -> None:
    (point,) = forward_curve(GRADE, LISTED[2:3], [], {}, NOW_NS)

    assert point.to_dict() == {
        "instrument": T14,
        "period_start_ns": PERIOD_START_NS,
        "best_bid_micros": None,
        "best_ask_micros": None,
        "mid_micros": None,
        "last_micros": None,
        "vwap_micros": None,
        "volume_lots": 0,
    }


def test_a_grade_with_nothing_listed_has_an_empty_curve() -> None:
    assert forward_curve("CHAT-C", LISTED, [], {}, NOW_NS) == []


def test_the_mid_price_rounds_down_and_needs_both_sides() -> None:
    assert mid_price(400_000, 400_003) == 400_001
    assert mid_price(None, 400_003) is None
    assert mid_price(400_000, None) is None


def test_a_period_that_does_not_end_after_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match=f"instrument {T14}: period_end_ns .* is not after"):
        forward_curve(GRADE, [(T14, PERIOD_START_NS, PERIOD_START_NS)], [], {}, NOW_NS)


def test_an_instrument_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=f"instrument {T14} is listed more than once"):
        forward_curve(GRADE, [LISTED[2], LISTED[2]], [], {}, NOW_NS)
