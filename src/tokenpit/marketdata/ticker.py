"""The ticker of an instrument: one row of a markets table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from tokenpit.marketdata.records import TradeRecord, trades_between, window_start_ns

BPS_PER_UNIT = 10_000


@dataclass(frozen=True, slots=True)
class Ticker:
    """Summarise an instrument now: last price, best prices and the recent window.

    `last_micros` is the price of the instrument's latest trade, however old.
    `volume_lots`, `change_micros`, `change_bps`, `high_micros` and `low_micros` cover
    the window only; the prices are None (volume 0) when it holds no trade. The change
    is the latest trade's price minus the window's first; `change_bps` is that change in
    basis points of the first price, rounded down (toward minus infinity).
    """

    instrument: str
    last_micros: int | None
    best_bid_micros: int | None
    best_ask_micros: int | None
    spread_micros: int | None
    volume_lots: int
    change_micros: int | None
    change_bps: int | None
    high_micros: int | None
    low_micros: int | None

    def to_dict(self) -> dict[str, int | str | None]:
        """Return the ticker as JSON-friendly plain data."""
        return asdict(self)


def ticker(
    instrument: str,
    trades: Iterable[TradeRecord],
    best_bid_micros: int | None,
    best_ask_micros: int | None,
    now_ns: int,
    window_s: int = 86_400,
) -> Ticker:
    """Return the ticker of `instrument` as of `now_ns`, over (now_ns - window_s, now_ns].

    Trades of other instruments and trades after `now_ns` are left out. The spread is
    ask - bid, None unless both exist. Raises `ValueError` when `window_s` < 1.
    """
    since_ns = window_start_ns(now_ns, window_s)
    made = trades_between(
        (trade for trade in trades if trade.instrument == instrument), None, now_ns
    )
    in_window = [trade for trade in made if trade.ts_ns > since_ns]

    change_micros = change_bps = high_micros = low_micros = None
    if in_window:
        first_micros, last_micros = in_window[0].price_micros, in_window[-1].price_micros
        change_micros = last_micros - first_micros
        change_bps = change_micros * BPS_PER_UNIT // first_micros
        high_micros = max(trade.price_micros for trade in in_window)
        low_micros = min(trade.price_micros for trade in in_window)

    spread_micros = None
    if best_bid_micros is not None and best_ask_micros is not None:
        spread_micros = best_ask_micros - best_bid_micros

    return Ticker(
        instrument=instrument,
        last_micros=made[-1].price_micros if made else None,
        best_bid_micros=best_bid_micros,
        best_ask_micros=best_ask_micros,
        spread_micros=spread_micros,
        volume_lots=sum(trade.lots for trade in in_window),
        change_micros=change_micros,
        change_bps=change_bps,
        high_micros=high_micros,
        low_micros=low_micros,
    )
