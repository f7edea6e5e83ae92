"""Trade records, the input of every market-data computation, and how to select them.

A record carries what the computations need and nothing of who traded: the instrument,
its grade and delivery period, the price, and the size in lots and in units. Times are
UTC epoch nanoseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from tokenpit.engine import TradeExecuted
from tokenpit.specs import Spec, epoch_seconds, parse_symbol

NS_PER_S = 1_000_000_000


@dataclass(frozen=True, slots=True)
class TradeRecord:
    """Describe one trade as market data sees it: when, which instrument, price and size.

    `units` is `lots` × the spec's `lot_units`; `grade` is the grade symbol (`CHAT-B`)
    that starts `instrument` (`CHAT-B.2026-12-03T14`). The constructor refuses a price,
    lots or units below 1 and a grade that does not start the instrument's symbol.
    """

    trade_id: int
    ts_ns: int
    instrument: str
    grade: str
    period_start_ns: int
    price_micros: int
    lots: int
    units: int

    def __post_init__(self) -> None:
        for name, value in (
            ("price_micros", self.price_micros),
            ("lots", self.lots),
            ("units", self.units),
        ):
            if value < 1:
                raise ValueError(f"trade {self.trade_id}: {name} must be at least 1, got {value}")
        if self.instrument.partition(".")[0] != self.grade:
            raise ValueError(
                f"trade {self.trade_id}: grade {self.grade!r} is not the grade of "
                f"instrument {self.instrument!r}"
            )

    def to_dict(self) -> dict[str, int | str]:
        """Return the record as JSON-friendly plain data."""
        return asdict(self)


def trade_record(spec: Spec, trade: TradeExecuted, ts_ns: int) -> TradeRecord:
    """Return the record of an engine trade of an instrument of `spec`, made at `ts_ns`.

    Raises `tokenpit.specs.SymbolError` when the trade's instrument is not of `spec`.
    """
    instrument = parse_symbol(spec, trade.instrument)
    return TradeRecord(
        trade_id=trade.trade_id,
        ts_ns=ts_ns,
        instrument=trade.instrument,
        grade=instrument.grade_symbol,
        period_start_ns=epoch_seconds(instrument.period_start) * NS_PER_S,
        price_micros=trade.price_micros,
        lots=trade.lots,
        units=trade.lots * spec.lot_units,
    )


def trade_order(trade: TradeRecord) -> tuple[int, int]:
    """Return the key that orders trades as they happened: time, then trade id."""
    return trade.ts_ns, trade.trade_id


def in_trade_order(trades: Iterable[TradeRecord]) -> list[TradeRecord]:
    """Return `trades` sorted as they happened: by `ts_ns`, ties by `trade_id`."""
    return sorted(trades, key=trade_order)


def check_window(since_ns: int | None, until_ns: int | None) -> None:
    """Raise `ValueError` when a window's end comes before its start."""
    if since_ns is not None and until_ns is not None and until_ns < since_ns:
        raise ValueError(
            f"window ends (until_ns {until_ns}) before it starts (since_ns {since_ns})"
        )


def window_start_ns(now_ns: int, window_s: int) -> int:
    """Return the exclusive start of the window of `window_s` seconds that ends at `now_ns`."""
    if window_s < 1:
        raise ValueError(f"window_s must be at least 1 second, got {window_s}")
    return now_ns - window_s * NS_PER_S


def trades_between(
    trades: Iterable[TradeRecord], since_ns: int | None, until_ns: int | None
) -> list[TradeRecord]:
    """Return the trades made in (`since_ns`, `until_ns`], in trade order; None is unbounded.

    The start is excluded and the end included, so that a window "the last 24 hours as of
    now" holds a trade made at now, and back-to-back windows never count a trade twice.
    """
    check_window(since_ns, until_ns)
    return in_trade_order(
        trade
        for trade in trades
        if (since_ns is None or trade.ts_ns > since_ns)
        and (until_ns is None or trade.ts_ns <= until_ns)
    )
