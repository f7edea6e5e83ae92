"""Candles built as trades arrive, one trade at a time, in bounded memory."""

from __future__ import annotations

from collections import deque

from tokenpit.marketdata.candles import (
    Candle,
    CandleAccumulator,
    check_interval,
    fill_candle_gaps,
)
from tokenpit.marketdata.records import TradeRecord, trade_order


class CandleBuilder:
    """Build the candles of one instrument and one interval as its trades arrive.

    Fed the same trades, it gives the same candles as `candles()`, of which it keeps the
    last `max_candles`; older ones are forgotten. Trades must come in trade order (by
    `ts_ns`, ties by `trade_id`), as the exchange publishes them.
    """

    __slots__ = ("_candles", "_current", "_instrument", "_interval_ns", "_interval_s", "_last")

    def __init__(self, instrument: str, interval_s: int, max_candles: int = 1_000) -> None:
        """Start with no candles; raise `ValueError` for a bad interval or `max_candles`."""
        self._interval_ns = check_interval(interval_s)
        if max_candles < 1:
            raise ValueError(f"max_candles must be at least 1, got {max_candles}")
        self._instrument = instrument
        self._interval_s = interval_s
        self._candles: deque[Candle] = deque(maxlen=max_candles)
        self._current: CandleAccumulator | None = None
        self._last: TradeRecord | None = None

    @property
    def instrument(self) -> str:
        """Return the symbol of the instrument whose candles this builds."""
        return self._instrument

    @property
    def interval_s(self) -> int:
        """Return the length of a candle, in seconds."""
        return self._interval_s

    @property
    def max_candles(self) -> int:
        """Return how many of the latest candles are kept."""
        maxlen = self._candles.maxlen
        assert maxlen is not None  # set in __init__
        return maxlen

    def add(self, trade: TradeRecord) -> Candle:
        """Add the next trade and return the candle it changed (or opened).

        Raises `ValueError` for a trade of another instrument, or one that comes before
        the last trade added in trade order (a late or repeated trade).
        """
        if trade.instrument != self._instrument:
            raise ValueError(
                f"trade {trade.trade_id} is of {trade.instrument}, "
                f"this builder's instrument is {self._instrument}"
            )
        last = self._last
        if last is not None and trade_order(trade) <= trade_order(last):
            raise ValueError(
                f"trade {trade.trade_id} at ts_ns {trade.ts_ns} does not come after trade "
                f"{last.trade_id} at ts_ns {last.ts_ns}; add trades by ts_ns, then trade_id"
            )
        self._last = trade

        start_ns = trade.ts_ns - trade.ts_ns % self._interval_ns
        current = self._current
        if current is not None and current.start_ns == start_ns:
            current.add(trade)
            candle = current.candle()
            self._candles[-1] = candle
            return candle

        self._current = CandleAccumulator(start_ns, trade)
        candle = self._current.candle()
        self._candles.append(candle)
        return candle

    def candles(self, *, fill_gaps: bool = False) -> list[Candle]:
        """Return the kept candles, oldest first: the last `max_candles` of `candles()`.

        With `fill_gaps`, flat candles stand for the empty intervals in between, as with
        `candles(..., fill_gaps=True)`, and still only the last `max_candles` come back.
        """
        kept = list(self._candles)
        if not fill_gaps or not kept:
            return kept
        since_ns = kept[-1].start_ns - (self.max_candles - 1) * self._interval_ns
        return fill_candle_gaps(kept, self._interval_s, since_ns)
