"""Order book depth as plain data for a depth chart."""

from __future__ import annotations

import json

import pytest

from tokenpit.engine import BUY, GTC, LIMIT, SELL, Engine
from tokenpit.marketdata import depth_levels

BIDS = [(400_000, 5, 2), (399_000, 3, 1), (398_000, 1, 1)]
ASKS = [(401_000, 2, 1)]


def test_levels_carry_lots_summed_from_the_best_price() -> None:
    chart = depth_levels((BIDS, ASKS), 10)

    assert chart == {
        "bids": [
            {"price_micros": 400_000, "lots": 5, "orders": 2, "cumulative_lots": 5},
            {"price_micros": 399_000, "lots": 3, "orders": 1, "cumulative_lots": 8},
            {"price_micros": 398_000, "lots": 1, "orders": 1, "cumulative_lots": 9},
        ],
        "asks": [{"price_micros": 401_000, "lots": 2, "orders": 1, "cumulative_lots": 2}],
    }


def test_each_side_keeps_at_most_max_levels() -> None:
    chart = depth_levels((BIDS, ASKS), 2)

    assert [level["cumulative_lots"] for level in chart["bids"]] == [5, 8]
    assert len(chart["asks"]) == 1


def test_an_empty_book_has_empty_sides() -> None:
    assert depth_levels(([], []), 10) == {"bids": [], "asks": []}
    assert depth_levels((BIDS, ASKS), 0) == {"bids": [], "asks": []}


def test_a_negative_number_of_levels_is_refused() -> None:
    with pytest.raises(ValueError, match="max_levels must be 0 or more, got -1"):
        depth_levels((BIDS, ASKS), -1)


def test_a_real_books_depth_becomes_json() -> None:
    engine = Engine()
    engine.add_book("CHAT-B.2026-12-03T14", 1_000)
    for order_id, (side, price_micros, lots) in enumerate(
        [(BUY, 400_000, 2), (BUY, 400_000, 3), (BUY, 399_000, 1), (SELL, 402_000, 4)], start=1
    ):
        engine.place(
            order_id, order_id, "CHAT-B.2026-12-03T14", side, price_micros, lots, LIMIT, GTC
        )

    chart = depth_levels(engine.book("CHAT-B.2026-12-03T14").depth(10), 10)

    assert json.loads(json.dumps(chart)) == {
        "bids": [
            {"price_micros": 400_000, "lots": 5, "orders": 2, "cumulative_lots": 5},
            {"price_micros": 399_000, "lots": 1, "orders": 1, "cumulative_lots": 6},
        ],
        "asks": [{"price_micros": 402_000, "lots": 4, "orders": 1, "cumulative_lots": 4}],
    }
