"""Each order type, time in force and rejection reason, one behaviour per test."""

from __future__ import annotations

import pytest

from tokenpit.engine import (
    Engine,
    Event,
    OrderAccepted,
    OrderCancelled,
    OrderExpired,
    OrderRejected,
    OrderReplaced,
    TradeExecuted,
)

SYMBOL = "CHAT-B.2026-12-03T14"
TICK = 1_000


@pytest.fixture
def engine() -> Engine:
    engine = Engine()
    engine.add_book(SYMBOL, TICK)
    return engine


def trades(events: list[Event]) -> list[tuple[int, int, int, int]]:
    """Return (maker id, taker id, price, lots) of each trade."""
    return [
        (e.maker_order_id, e.taker_order_id, e.price_micros, e.lots)
        for e in events
        if isinstance(e, TradeExecuted)
    ]


def rejection(events: list[Event]) -> OrderRejected:
    assert len(events) == 1
    event = events[0]
    assert isinstance(event, OrderRejected)
    return event


def test_resting_limit_order_is_accepted_and_shows_in_depth(engine: Engine) -> None:
    events = engine.place(1, 10, SYMBOL, "buy", 50_000, 3)

    assert events == [OrderAccepted(1, SYMBOL, 1, 10, "buy", 50_000, 3)]
    assert engine.book(SYMBOL).depth() == ([(50_000, 3, 1)], [])


def test_crossing_limit_trades_at_the_resting_price(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 2)

    events = engine.place(2, 20, SYMBOL, "buy", 52_000, 2)

    assert trades(events) == [(1, 2, 50_000, 2)]
    assert engine.book(SYMBOL).best_ask() is None


def test_price_priority_before_time_priority(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 51_000, 1)
    engine.place(2, 11, SYMBOL, "sell", 50_000, 1)

    events = engine.place(3, 20, SYMBOL, "buy", 51_000, 2)

    assert trades(events) == [(2, 3, 50_000, 1), (1, 3, 51_000, 1)]


def test_time_priority_within_a_price(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 1)
    engine.place(2, 11, SYMBOL, "sell", 50_000, 1)

    events = engine.place(3, 20, SYMBOL, "buy", 50_000, 1)

    assert trades(events) == [(1, 3, 50_000, 1)]


def test_partial_fill_rests_the_remainder(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 2)

    events = engine.place(2, 20, SYMBOL, "buy", 50_000, 5)

    fill = events[1]
    assert isinstance(fill, TradeExecuted)
    assert (fill.maker_lots_left, fill.taker_lots_left) == (0, 3)
    assert engine.book(SYMBOL).depth() == ([(50_000, 3, 1)], [])


def test_market_order_sweeps_levels_and_cancels_the_rest(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 1)
    engine.place(2, 10, SYMBOL, "sell", 60_000, 1)

    events = engine.place(3, 20, SYMBOL, "buy", 0, 5, kind="market", tif="ioc")

    assert trades(events) == [(1, 3, 50_000, 1), (2, 3, 60_000, 1)]
    assert events[-1] == OrderCancelled(events[-1].seq, SYMBOL, 3, 3, "unfilled")


def test_market_order_on_an_empty_side_is_rejected(engine: Engine) -> None:
    events = engine.place(1, 20, SYMBOL, "buy", 0, 1, kind="market", tif="ioc")

    assert rejection(events).code == "no_liquidity"
    assert "no asks" in rejection(events).message


def test_market_order_must_be_immediate(engine: Engine) -> None:
    events = engine.place(1, 20, SYMBOL, "buy", 0, 1, kind="market", tif="gtc")

    assert rejection(events).code == "bad_time_in_force"


def test_ioc_fills_what_it_can_and_cancels_the_rest(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 1)

    events = engine.place(2, 20, SYMBOL, "buy", 50_000, 3, tif="ioc")

    assert trades(events) == [(1, 2, 50_000, 1)]
    assert isinstance(events[-1], OrderCancelled)
    assert (events[-1].lots, events[-1].reason) == (2, "unfilled")
    assert engine.book(SYMBOL).best_bid() is None


def test_fok_that_cannot_fill_completely_is_rejected_and_changes_nothing(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 2)

    events = engine.place(2, 20, SYMBOL, "buy", 50_000, 3, tif="fok")

    assert rejection(events).code == "fok_not_fillable"
    assert engine.book(SYMBOL).depth() == ([], [(50_000, 2, 1)])


def test_fok_that_can_fill_fills_completely(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 2)
    engine.place(2, 11, SYMBOL, "sell", 51_000, 2)

    events = engine.place(3, 20, SYMBOL, "buy", 51_000, 3, tif="fok")

    assert trades(events) == [(1, 3, 50_000, 2), (2, 3, 51_000, 1)]


def test_fok_does_not_count_own_orders(engine: Engine) -> None:
    engine.place(1, 20, SYMBOL, "sell", 50_000, 5)
    engine.place(2, 10, SYMBOL, "sell", 50_000, 1)

    events = engine.place(3, 20, SYMBOL, "buy", 50_000, 2, tif="fok")

    assert rejection(events).code == "fok_not_fillable"


def test_post_only_that_would_cross_is_rejected(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 1)

    events = engine.place(2, 20, SYMBOL, "buy", 50_000, 1, post_only=True)

    assert rejection(events).code == "post_only_would_cross"
    assert "50000" in rejection(events).message


def test_post_only_that_does_not_cross_rests(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 1)

    events = engine.place(2, 20, SYMBOL, "buy", 49_000, 1, post_only=True)

    assert isinstance(events[0], OrderAccepted)
    assert engine.book(SYMBOL).best_bid() == 49_000


def test_post_only_cannot_be_immediate(engine: Engine) -> None:
    events = engine.place(1, 20, SYMBOL, "buy", 49_000, 1, tif="ioc", post_only=True)

    assert rejection(events).code == "bad_time_in_force"


def test_gtd_order_expires_when_time_reaches_its_expiry(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "buy", 50_000, 2, tif="gtd", expire_at_ns=1_000)

    assert engine.expire(999) == []
    events = engine.expire(1_000)

    assert events == [OrderExpired(events[0].seq, SYMBOL, 1, 2)]
    assert engine.book(SYMBOL).best_bid() is None


def test_gtd_order_filled_before_expiry_does_not_expire(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "buy", 50_000, 1, tif="gtd", expire_at_ns=1_000)
    engine.place(2, 20, SYMBOL, "sell", 50_000, 1)

    assert engine.expire(2_000) == []


def test_gtd_expiry_must_lie_after_the_engine_time(engine: Engine) -> None:
    engine.expire(5_000)

    events = engine.place(1, 10, SYMBOL, "buy", 50_000, 1, tif="gtd", expire_at_ns=5_000)

    assert rejection(events).code == "bad_expiry"


def test_expiry_time_is_only_for_gtd(engine: Engine) -> None:
    events = engine.place(1, 10, SYMBOL, "buy", 50_000, 1, tif="gtc", expire_at_ns=5_000)

    assert rejection(events).code == "bad_expiry"


def test_engine_time_never_goes_back(engine: Engine) -> None:
    engine.expire(5_000)
    engine.expire(1_000)

    assert engine.now_ns == 5_000


def test_cancel_removes_the_order(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "buy", 50_000, 2)

    events = engine.cancel(1)

    assert events == [OrderCancelled(events[0].seq, SYMBOL, 1, 2, "requested")]
    assert engine.book(SYMBOL).depth() == ([], [])


def test_cancel_of_unknown_order_is_rejected(engine: Engine) -> None:
    assert rejection(engine.cancel(42)).code == "unknown_order"


def test_cancel_of_filled_order_is_rejected(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "buy", 50_000, 1)
    engine.place(2, 20, SYMBOL, "sell", 50_000, 1)

    assert rejection(engine.cancel(1)).code == "unknown_order"


def test_replace_to_fewer_lots_keeps_priority(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 3)
    engine.place(2, 11, SYMBOL, "sell", 50_000, 3)

    replaced = engine.replace(1, 50_000, 1)
    events = engine.place(3, 20, SYMBOL, "buy", 50_000, 1)

    assert isinstance(replaced[0], OrderReplaced)
    assert replaced[0].priority_kept
    assert trades(events) == [(1, 3, 50_000, 1)]


def test_replace_to_more_lots_loses_priority(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 1)
    engine.place(2, 11, SYMBOL, "sell", 50_000, 1)

    replaced = engine.replace(1, 50_000, 2)
    events = engine.place(3, 20, SYMBOL, "buy", 50_000, 1)

    assert isinstance(replaced[0], OrderReplaced)
    assert not replaced[0].priority_kept
    assert trades(events) == [(2, 3, 50_000, 1)]


def test_replace_to_a_new_price_loses_priority(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 51_000, 1)
    engine.place(2, 11, SYMBOL, "sell", 50_000, 1)

    engine.replace(1, 50_000, 1)
    events = engine.place(3, 20, SYMBOL, "buy", 50_000, 1)

    assert trades(events) == [(2, 3, 50_000, 1)]


def test_replace_that_crosses_trades_immediately(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 1)
    engine.place(2, 20, SYMBOL, "buy", 49_000, 1)

    events = engine.replace(2, 50_000, 1)

    assert trades(events) == [(1, 2, 50_000, 1)]


def test_post_only_replace_that_would_cross_is_rejected_and_keeps_the_order(
    engine: Engine,
) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 1)
    engine.place(2, 20, SYMBOL, "buy", 49_000, 1, post_only=True)

    events = engine.replace(2, 50_000, 1)

    assert rejection(events).code == "post_only_would_cross"
    assert engine.book(SYMBOL).best_bid() == 49_000


def test_self_trade_cancels_the_resting_order_by_default(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 1)
    engine.place(2, 11, SYMBOL, "sell", 50_000, 1)

    events = engine.place(3, 10, SYMBOL, "buy", 50_000, 1)

    cancels = [e for e in events if isinstance(e, OrderCancelled)]
    assert [(c.order_id, c.reason) for c in cancels] == [(1, "self_trade")]
    assert trades(events) == [(2, 3, 50_000, 1)]


def test_self_trade_can_cancel_the_incoming_order(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "sell", 50_000, 1)

    events = engine.place(2, 10, SYMBOL, "buy", 50_000, 3, stp="cancel_incoming")

    assert trades(events) == []
    assert events[-1] == OrderCancelled(events[-1].seq, SYMBOL, 2, 3, "self_trade")
    assert engine.book(SYMBOL).depth() == ([], [(50_000, 1, 1)])


def test_engine_wide_self_trade_default_is_configurable() -> None:
    engine = Engine(default_stp="cancel_incoming")
    engine.add_book(SYMBOL, TICK)
    engine.place(1, 10, SYMBOL, "sell", 50_000, 1)

    events = engine.place(2, 10, SYMBOL, "buy", 50_000, 1)

    assert (events[-1].order_id, events[-1].reason) == (2, "self_trade")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("side", "price", "lots", "kind", "tif", "stp", "code", "named"),
    [
        ("hold", 50_000, 1, "limit", "gtc", None, "bad_side", "'hold'"),
        ("buy", 50_500, 1, "limit", "gtc", None, "price_off_tick", "50500, tick 1000"),
        ("buy", 0, 1, "limit", "gtc", None, "bad_price", "got 0"),
        ("buy", -1_000, 1, "limit", "gtc", None, "bad_price", "got -1000"),
        ("buy", 50_000, 0, "limit", "gtc", None, "bad_lots", "0"),
        ("buy", 50_000, -2, "limit", "gtc", None, "bad_lots", "-2"),
        ("buy", 50_000, 1, "stop", "gtc", None, "bad_kind", "'stop'"),
        ("buy", 50_000, 1, "limit", "day", None, "bad_time_in_force", "'day'"),
        ("buy", 50_000, 1, "limit", "gtc", "cancel_both", "bad_self_trade_mode", "'cancel_both'"),
    ],
)
def test_malformed_order_is_rejected_with_a_reason_naming_the_value(
    engine: Engine,
    side: str,
    price: int,
    lots: int,
    kind: str,
    tif: str,
    stp: str | None,
    code: str,
    named: str,
) -> None:
    events = engine.place(1, 10, SYMBOL, side, price, lots, kind=kind, tif=tif, stp=stp)

    assert rejection(events).code == code
    assert named in rejection(events).message
    assert engine.book(SYMBOL).depth() == ([], [])


def test_order_on_an_unknown_instrument_is_rejected(engine: Engine) -> None:
    events = engine.place(1, 10, "CHAT-Z.2026-12-03T14", "buy", 50_000, 1)

    assert rejection(events).code == "unknown_instrument"


def test_duplicate_live_order_id_is_rejected(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "buy", 50_000, 1)

    assert rejection(engine.place(1, 10, SYMBOL, "buy", 49_000, 1)).code == "duplicate_order"


def test_replace_with_bad_values_is_rejected(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "buy", 50_000, 1)

    assert rejection(engine.replace(1, 50_001, 1)).code == "price_off_tick"
    assert rejection(engine.replace(1, 50_000, 0)).code == "bad_lots"
    assert rejection(engine.replace(2, 50_000, 1)).code == "unknown_order"


def test_close_book_cancels_every_resting_order(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "buy", 50_000, 1)
    engine.place(2, 11, SYMBOL, "sell", 60_000, 2)

    events = engine.close_book(SYMBOL)

    assert [(e.order_id, e.lots, e.reason) for e in events] == [  # type: ignore[attr-defined]
        (1, 1, "book_closed"),
        (2, 2, "book_closed"),
    ]
    assert engine.orders == {}


def test_events_are_numbered_in_one_sequence_across_books(engine: Engine) -> None:
    engine.add_book("CHAT-A.2026-12-03T14", TICK)

    first = engine.place(1, 10, SYMBOL, "buy", 50_000, 1)
    second = engine.place(2, 10, "CHAT-A.2026-12-03T14", "buy", 50_000, 1)

    assert [e.seq for e in first + second] == [1, 2]


def test_depth_aggregates_levels_best_first(engine: Engine) -> None:
    engine.place(1, 10, SYMBOL, "buy", 49_000, 1)
    engine.place(2, 11, SYMBOL, "buy", 50_000, 2)
    engine.place(3, 12, SYMBOL, "buy", 50_000, 3)
    engine.place(4, 13, SYMBOL, "sell", 52_000, 4)
    engine.place(5, 14, SYMBOL, "sell", 51_000, 5)

    bids, asks = engine.book(SYMBOL).depth(levels=1)

    assert bids == [(50_000, 5, 2)]
    assert asks == [(51_000, 5, 1)]


def test_event_to_dict_names_the_event_and_its_fields() -> None:
    event = OrderCancelled(7, SYMBOL, 3, 2, "requested")

    assert event.to_dict() == {
        "event": "OrderCancelled",
        "seq": 7,
        "instrument": SYMBOL,
        "order_id": 3,
        "lots": 2,
        "reason": "requested",
    }
