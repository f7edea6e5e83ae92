"""OHLCV candles of one instrument, aligned to UTC multiples of their interval."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Final

from tokenpit.marketdata.records import NS_PER_S, TradeRecord, check_window, in_trade_order
from tokenpit.specs import UNITS_PER_QUOTE

# Candle intervals offered, in seconds: 1 minute, 5 and 15 minutes, 1 hour, 1 day.
CANDLE_INTERVALS_S: Final = (60, 300, 900, 3_600, 86_400)


@dataclass(frozen=True, slots=True)
class Candle:
    """Summarise the trades of one interval: prices, volume and notional.

    `start_ns` is the interval's UTC start. `notional_micros` is the µUSD that changed
    hands: Σ price_micros × units over the trades, floor-divided by 1,000,000 once, at the
    end, so it never drifts from the exact amount by a rounding per trade. A flat candle
    (see `fill_gaps`) has no trades and repeats the previous close as every price.
    """

    start_ns: int
    open_micros: int
    high_micros: int
    low_micros: int
    close_micros: int
    volume_lots: int
    volume_units: int
    notional_micros: int
    trades: int

    def to_dict(self) -> dict[str, int]:
        """Return the candle as JSON-friendly plain data."""
        return asdict(self)


def check_interval(interval_s: int) -> int:
    """Return `interval_s` in nanoseconds, or raise `ValueError` when it is not offered."""
    if interval_s not in CANDLE_INTERVALS_S:
        offered = ", ".join(str(value) for value in CANDLE_INTERVALS_S)
        raise ValueError(f"interval_s {interval_s!r} is not one of the candle intervals {offered}")
    return interval_s * NS_PER_S


class CandleAccumulator:
    """Gather the trades of one interval, in trade order, into a candle.

    It keeps the exact Σ price_micros × units, so the notional of the candle is rounded
    once however the trades arrive.
    """

    __slots__ = (
        "close_micros",
        "high_micros",
        "low_micros",
        "open_micros",
        "price_units",
        "start_ns",
        "trades",
        "volume_lots",
        "volume_units",
    )

    def __init__(self, start_ns: int, trade: TradeRecord) -> None:
        """Open the interval starting at `start_ns` with its first trade."""
        self.start_ns = start_ns
        self.open_micros = self.high_micros = self.low_micros = trade.price_micros
        self.close_micros = trade.price_micros
        self.volume_lots = trade.lots
        self.volume_units = trade.units
        self.price_units = trade.price_micros * trade.units
        self.trades = 1

    def add(self, trade: TradeRecord) -> None:
        """Add the next trade of the interval."""
        price_micros = trade.price_micros
        self.high_micros = max(self.high_micros, price_micros)
        self.low_micros = min(self.low_micros, price_micros)
        self.close_micros = price_micros

        self.volume_lots += trade.lots
        self.volume_units += trade.units
        self.price_units += price_micros * trade.units
        self.trades += 1

    def candle(self) -> Candle:
        """Return the candle of the trades added so far."""
        return Candle(
            start_ns=self.start_ns,
            open_micros=self.open_micros,
            high_micros=self.high_micros,
            low_micros=self.low_micros,
            close_micros=self.close_micros,
            volume_lots=self.volume_lots,
            volume_units=self.volume_units,
            notional_micros=self.price_units // UNITS_PER_QUOTE,
            trades=self.trades,
        )


def candles(
    trades: Iterable[TradeRecord],
    interval_s: int,
    start_ns: int | None = None,
    end_ns: int | None = None,
    *,
    fill_gaps: bool = False,
) -> list[Candle]:
    """Return the candles of `interval_s` seconds of one instrument's trades, oldest first.

    Trades may come in any order; they are taken by `ts_ns`, ties by `trade_id`. Only
    trades made in [`start_ns`, `end_ns`) count (None leaves that side open); an edge
    candle of an unaligned window holds only the trades inside it. An interval without
    trades has no candle, unless `fill_gaps` is set: then a flat candle (every price the
    previous close, no volume) stands for each empty interval between the first and the
    last candle, so that the starts are contiguous.

    Raises `ValueError` for an interval not in `CANDLE_INTERVALS_S`, a window that ends
    before it starts, or trades of more than one instrument.
    """
    interval_ns = check_interval(interval_s)
    check_window(start_ns, end_ns)
    trades = list(trades)
    instruments = sorted({trade.instrument for trade in trades})
    if len(instruments) > 1:
        raise ValueError(f"candles take one instrument's trades, got {', '.join(instruments)}")

    built: list[Candle] = []
    current: CandleAccumulator | None = None
    for trade in in_trade_order(trades):
        if (start_ns is not None and trade.ts_ns < start_ns) or (
            end_ns is not None and trade.ts_ns >= end_ns
        ):
            continue
        candle_start_ns = trade.ts_ns - trade.ts_ns % interval_ns
        if current is not None and current.start_ns == candle_start_ns:
            current.add(trade)
            continue
        if current is not None:
            built.append(current.candle())
        current = CandleAccumulator(candle_start_ns, trade)
    if current is not None:
        built.append(current.candle())

    return fill_candle_gaps(built, interval_s) if fill_gaps else built


def fill_candle_gaps(
    candles: Sequence[Candle], interval_s: int, since_ns: int | None = None
) -> list[Candle]:
    """Return `candles` (in order, aligned) with a flat candle for each empty interval between.

    With `since_ns`, only candles that start at or after it are returned, flat ones
    included; the flat candles before it are never built.
    """
    interval_ns = check_interval(interval_s)
    if since_ns is not None:
        since_ns += -since_ns % interval_ns  # the first interval start at or after it
    filled: list[Candle] = []
    previous: Candle | None = None
    for candle in candles:
        if since_ns is not None and candle.start_ns < since_ns:
            previous = candle
            continue
        if previous is not None:
            first_gap_ns = previous.start_ns + interval_ns
            if since_ns is not None:
                first_gap_ns = max(first_gap_ns, since_ns)
            filled.extend(
                flat_candle(gap_ns, previous.close_micros)
                for gap_ns in range(first_gap_ns, candle.start_ns, interval_ns)
            )
        filled.append(candle)
        previous = candle
    return filled


def flat_candle(start_ns: int, price_micros: int) -> Candle:
    """Return the candle of an interval without trades, priced at the last close."""
    return Candle(start_ns, price_micros, price_micros, price_micros, price_micros, 0, 0, 0, 0)
