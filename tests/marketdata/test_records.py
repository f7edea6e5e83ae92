"""Trade records: validation, conversion from engine trades, and windows of trades."""

from __future__ import annotations

import pytest

from tokenpit.engine import TradeExecuted
from tokenpit.marketdata import TradeRecord, in_trade_order, trade_record, trades_between
from tokenpit.specs import SymbolError

from .trades import GRADE, INSTRUMENT, LOT_UNITS, PERIOD_START_NS, SPEC, T0_NS, trade


def engine_trade(instrument: str = INSTRUMENT, lots: int = 3) -> TradeExecuted:
    return TradeExecuted(7, instrument, 42, 400_000, lots, 1, 10, 2, 20, "buy", 0, 0)


def test_an_engine_trade_becomes_a_record_with_grade_period_and_units() -> None:
    record = trade_record(SPEC, engine_trade(lots=3), T0_NS)

    assert record == TradeRecord(
        trade_id=42,
        ts_ns=T0_NS,
        instrument=INSTRUMENT,
        grade=GRADE,
        period_start_ns=PERIOD_START_NS,
        price_micros=400_000,
        lots=3,
        units=3 * LOT_UNITS,
    )


def test_an_engine_trade_of_another_family_is_refused() -> None:
    with pytest.raises(SymbolError):
        trade_record(SPEC, engine_trade(instrument="CODE-B.2026-12-03T14"), T0_NS)


@pytest.mark.parametrize("field", ["price_micros", "lots", "units"])
def test_a_record_refuses_a_size_or_price_below_one(field: str) -> None:
    fields = {"price_micros": 400_000, "lots": 1, "units": LOT_UNITS, field: 0}

    with pytest.raises(ValueError, match=f"{field} must be at least 1, got 0"):
        TradeRecord(1, T0_NS, INSTRUMENT, GRADE, PERIOD_START_NS, **fields)


def test_a_record_refuses_a_grade_that_is_not_its_instruments() -> None:
    with pytest.raises(ValueError, match="grade 'CHAT-A' is not the grade of instrument"):
        TradeRecord(1, T0_NS, INSTRUMENT, "CHAT-A", PERIOD_START_NS, 400_000, 1, LOT_UNITS)


def test_a_record_as_plain_data_keeps_every_field() -> None:
    assert trade(5, T0_NS, 401_000, lots=2).to_dict() == {
        "trade_id": 5,
        "ts_ns": T0_NS,
        "instrument": INSTRUMENT,
        "grade": GRADE,
        "period_start_ns": PERIOD_START_NS,
        "price_micros": 401_000,
        "lots": 2,
        "units": 2 * LOT_UNITS,
    }


def test_trade_order_is_by_time_then_trade_id() -> None:
    late, tie_high, tie_low = trade(1, T0_NS + 9, 1), trade(3, T0_NS, 1), trade(2, T0_NS, 1)

    assert in_trade_order([late, tie_high, tie_low]) == [tie_low, tie_high, late]


def test_a_window_excludes_its_start_and_includes_its_end() -> None:
    at_start, inside, at_end = (trade(i, T0_NS + i, 400_000) for i in (0, 1, 2))

    assert trades_between([at_end, at_start, inside], T0_NS, T0_NS + 2) == [inside, at_end]


def test_an_open_window_takes_every_trade() -> None:
    trades = [trade(2, T0_NS + 5, 400_000), trade(1, T0_NS, 400_000)]

    assert trades_between(trades, None, None) == trades[::-1]


def test_a_window_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match=r"\(until_ns 1\) before it starts \(since_ns 2\)"):
        trades_between([], 2, 1)
