"""Build trade records for the market-data tests: worked examples and random streams."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from tokenpit.marketdata import NS_PER_S, TradeRecord
from tokenpit.specs import default_spec, epoch_seconds, parse_symbol

SPEC = default_spec()
LOT_UNITS = SPEC.lot_units
GRADE = "CHAT-B"
INSTRUMENT = "CHAT-B.2026-12-03T14"
PERIOD_START_NS = epoch_seconds(dt.datetime(2026, 12, 3, 14, tzinfo=dt.UTC)) * NS_PER_S
# An instant on a whole UTC day, so on a boundary of every candle interval.
T0_NS = epoch_seconds(dt.datetime(2026, 12, 2, tzinfo=dt.UTC)) * NS_PER_S
MINUTE_NS = 60 * NS_PER_S
HOUR_NS = 3_600 * NS_PER_S


def trade(
    trade_id: int,
    ts_ns: int,
    price_micros: int,
    lots: int = 1,
    instrument: str = INSTRUMENT,
) -> TradeRecord:
    """Return a trade record of `instrument` (default CHAT-B.2026-12-03T14) of the chat spec."""
    period = parse_symbol(SPEC, instrument)
    return TradeRecord(
        trade_id=trade_id,
        ts_ns=ts_ns,
        instrument=instrument,
        grade=period.grade_symbol,
        period_start_ns=epoch_seconds(period.period_start) * NS_PER_S,
        price_micros=price_micros,
        lots=lots,
        units=lots * LOT_UNITS,
    )


@st.composite
def trade_streams(draw: st.DrawFn, max_size: int = 40) -> list[TradeRecord]:
    """Draw trades of one instrument in no particular order, with unique trade ids.

    Times cluster within three days of `T0_NS` and often tie, prices are any positive
    µUSD (so notionals round), and trade ids are a shuffle of 1..n.
    """
    moments = draw(
        st.lists(
            st.tuples(
                st.integers(0, 3 * 86_400 * NS_PER_S) | st.sampled_from([0, NS_PER_S, HOUR_NS]),
                st.integers(1, 10**9),
                st.integers(1, 1_000),
            ),
            max_size=max_size,
        )
    )
    trade_ids = draw(st.permutations(range(1, len(moments) + 1)))
    return [
        trade(trade_id, T0_NS + offset_ns, price_micros, lots)
        for trade_id, (offset_ns, price_micros, lots) in zip(trade_ids, moments, strict=True)
    ]
