"""The forward curve of a grade: one point per listed delivery period, in delivery order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

from tokenpit.marketdata.prices import vwap_of
from tokenpit.marketdata.records import TradeRecord, in_trade_order

# What the curve knows of a listed instrument: its symbol and its delivery period (epoch ns).
ListedInstrument = tuple[str, int, int]
# The best bid and best ask of an instrument's book, in µUSD per million units.
BestPrices = tuple[int | None, int | None]


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """Price one delivery period of a grade: its book's best prices and its trades.

    `mid_micros` is the mean of the best bid and ask rounded down, None unless both
    exist. `last_micros`, `vwap_micros` and `volume_lots` cover every trade of the
    instrument up to the curve's time; they are None (volume 0) before its first trade.
    """

    instrument: str
    period_start_ns: int
    best_bid_micros: int | None
    best_ask_micros: int | None
    mid_micros: int | None
    last_micros: int | None
    vwap_micros: int | None
    volume_lots: int

    def to_dict(self) -> dict[str, int | str | None]:
        """Return the point as JSON-friendly plain data."""
        return asdict(self)


def mid_price(best_bid_micros: int | None, best_ask_micros: int | None) -> int | None:
    """Return the mean of the best bid and ask, rounded down; None unless both exist."""
    if best_bid_micros is None or best_ask_micros is None:
        return None
    return (best_bid_micros + best_ask_micros) // 2


def forward_curve(
    grade: str,
    instruments: Sequence[ListedInstrument],
    trades: Iterable[TradeRecord],
    books: Mapping[str, BestPrices],
    now_ns: int,
) -> list[CurvePoint]:
    """Return the forward curve of `grade` (such as `CHAT-B`) as of `now_ns`.

    `instruments` are the listed ones as (symbol, period_start_ns, period_end_ns); those
    of other grades are skipped, and the points come in delivery order. `books` maps a
    symbol to its (best bid, best ask); a symbol missing from it has an empty book.
    Trades of instruments not on the curve, and trades after `now_ns`, are left out.
    Raises `ValueError` for a symbol listed twice or a period that does not end after it
    starts.
    """
    listed = [entry for entry in instruments if entry[0].partition(".")[0] == grade]
    seen: set[str] = set()
    for symbol, period_start_ns, period_end_ns in listed:
        if symbol in seen:
            raise ValueError(f"instrument {symbol} is listed more than once")
        seen.add(symbol)
        if period_end_ns <= period_start_ns:
            raise ValueError(
                f"instrument {symbol}: period_end_ns {period_end_ns} is not after "
                f"period_start_ns {period_start_ns}"
            )

    by_instrument: dict[str, list[TradeRecord]] = {symbol: [] for symbol, _, _ in listed}
    for trade in in_trade_order(trades):
        if trade.ts_ns <= now_ns and trade.instrument in by_instrument:
            by_instrument[trade.instrument].append(trade)

    points = []
    for symbol, period_start_ns, _ in sorted(listed, key=lambda entry: entry[1]):
        best_bid_micros, best_ask_micros = books.get(symbol, (None, None))
        made = by_instrument[symbol]
        points.append(
            CurvePoint(
                instrument=symbol,
                period_start_ns=period_start_ns,
                best_bid_micros=best_bid_micros,
                best_ask_micros=best_ask_micros,
                mid_micros=mid_price(best_bid_micros, best_ask_micros),
                last_micros=made[-1].price_micros if made else None,
                vwap_micros=vwap_of(made),
                volume_lots=sum(trade.lots for trade in made),
            )
        )
    return points
