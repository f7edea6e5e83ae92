"""Volume-weighted average prices, and the index price of a grade built on them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from tokenpit.marketdata.records import TradeRecord, trades_between, window_start_ns


@dataclass(frozen=True, slots=True)
class IndexPrice:
    """Give the reference price of a grade: the VWAP of its trades over a recent window.

    `price_micros` is None when the grade did not trade in (`as_of_ns` - `window_s`,
    `as_of_ns`]; `trades` counts the trades in that window, `volume_units` their units.
    """

    grade: str
    price_micros: int | None
    window_s: int
    trades: int
    volume_units: int
    as_of_ns: int

    def to_dict(self) -> dict[str, int | str | None]:
        """Return the index price as JSON-friendly plain data."""
        return asdict(self)


def vwap_of(trades: Iterable[TradeRecord]) -> int | None:
    """Return the VWAP of all `trades`, rounded down, or None when there are none."""
    price_units = units = 0
    for trade in trades:
        price_units += trade.price_micros * trade.units
        units += trade.units
    return price_units // units if units else None


def vwap(trades: Iterable[TradeRecord], since_ns: int | None, until_ns: int | None) -> int | None:
    """Return the volume-weighted average price of the trades made in (since_ns, until_ns].

    The price is in µUSD per million units, weighted by units and rounded down:
    Σ price_micros × units // Σ units, exact in integers. It is None when no trade falls
    in the window. None for a bound leaves that side open. All `trades` given count,
    whatever their instrument. Raises `ValueError` when `until_ns` < `since_ns`.
    """
    return vwap_of(trades_between(trades, since_ns, until_ns))


def index_price(
    trades: Iterable[TradeRecord], grade: str, now_ns: int, window_s: int
) -> IndexPrice:
    """Return the index price of `grade` (a grade symbol such as `CHAT-B`) as of `now_ns`.

    It is the VWAP of the grade's trades, in every delivery period, made in
    (now_ns - window_s, now_ns]. Raises `ValueError` when `window_s` < 1.
    """
    since_ns = window_start_ns(now_ns, window_s)
    in_window = trades_between(
        (trade for trade in trades if trade.grade == grade), since_ns, now_ns
    )
    return IndexPrice(
        grade=grade,
        price_micros=vwap_of(in_window),
        window_s=window_s,
        trades=len(in_window),
        volume_units=sum(trade.units for trade in in_window),
        as_of_ns=now_ns,
    )


@dataclass(frozen=True, slots=True)
class IndexPoint:
    """Give a grade's VWAP over one interval starting at `start_ns`, and its volume."""

    start_ns: int
    price_micros: int
    trades: int
    volume_lots: int
    volume_units: int

    def to_dict(self) -> dict[str, int]:
        """Return the point as JSON-friendly plain data."""
        return asdict(self)


def index_history(
    trades: Iterable[TradeRecord], grade: str, interval_ns: int, since_ns: int, until_ns: int
) -> list[IndexPoint]:
    """Return the VWAP of `grade`'s trades per UTC-aligned interval, oldest first.

    Only trades made in [since_ns, until_ns) count, of every delivery period of the grade;
    an interval without trades has no point. Raises `ValueError` when `interval_ns` < 1.
    """
    if interval_ns < 1:
        raise ValueError(f"interval_ns must be at least 1, got {interval_ns}")
    buckets: dict[int, list[TradeRecord]] = {}
    for trade in trades:
        if trade.grade == grade and since_ns <= trade.ts_ns < until_ns:
            buckets.setdefault(trade.ts_ns - trade.ts_ns % interval_ns, []).append(trade)

    points = []
    for start_ns in sorted(buckets):
        bucket = buckets[start_ns]
        price_micros = vwap_of(bucket)
        assert price_micros is not None  # a bucket holds at least one trade
        points.append(
            IndexPoint(
                start_ns=start_ns,
                price_micros=price_micros,
                trades=len(bucket),
                volume_lots=sum(trade.lots for trade in bucket),
                volume_units=sum(trade.units for trade in bucket),
            )
        )
    return points
