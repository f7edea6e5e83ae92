"""An engine-only demo market: zero-intelligence traders on every listed instrument.

Each grade gets buyers whose values and sellers whose costs scatter around a
reference price for that grade (a better grade is worth more), so prices
settle per grade and better grades trade above worse ones. It drives the
matching engine directly; the exchange demo adds accounts, delivery and a
dashboard on top.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from tokenpit.engine import Engine, Event, OrderAccepted, TradeExecuted
from tokenpit.sim.traders import ZeroIntelligenceTrader
from tokenpit.specs import Spec, listed_instruments

# Reference value of a million units of each grade, best first (µUSD); grades past
# the list are priced at 60% of the one above.
REFERENCE_PRICE_MICROS = (3_000_000, 2_000_000, 1_200_000)
CANCEL_SHARE = 0.25  # share of steps that cancel a resting order instead of placing one


@dataclass
class InstrumentSummary:
    """Top of book and activity of one instrument."""

    symbol: str
    best_bid_micros: int | None = None
    best_ask_micros: int | None = None
    last_micros: int | None = None
    volume_lots: int = 0
    trades: int = 0
    notional_micros: int = field(default=0, repr=False)

    @property
    def vwap_micros(self) -> int | None:
        """Volume-weighted average price, rounded down; None before the first trade."""
        return self.notional_micros // self.volume_lots if self.volume_lots else None


class EngineDemo:
    """A seeded market of ZI-C traders on the instruments `spec` lists at `now`."""

    def __init__(
        self, spec: Spec, now: dt.datetime, seed: int = 1, periods: int = 3, traders: int = 12
    ) -> None:
        self.spec = spec
        self.engine = Engine()
        self._rng = random.Random(seed)
        self._next_order_id = 1
        self._resting: list[int] = []
        self.summaries: dict[str, InstrumentSummary] = {}
        self._traders: dict[str, list[ZeroIntelligenceTrader]] = {}

        listed = listed_instruments(spec, now)
        starts = sorted({i.period_start for i in listed})[:periods]
        for instrument in (i for i in listed if i.period_start in starts):
            symbol = instrument.symbol
            self.engine.add_book(symbol, spec.tick_micros)
            self.summaries[symbol] = InstrumentSummary(symbol)
            reference = _reference_price(spec.rank(instrument.grade))
            self._traders[symbol] = self._make_traders(reference, traders)

    def step(self) -> list[Event]:
        """Let one trader act: cancel a resting order, or place a new one."""
        if self._resting and self._rng.random() < CANCEL_SHARE:
            index = self._rng.randrange(len(self._resting))
            self._resting[index], self._resting[-1] = self._resting[-1], self._resting[index]
            events = self.engine.cancel(self._resting.pop())
        else:
            symbol = self._rng.choice(list(self._traders))
            trader = self._rng.choice(self._traders[symbol])
            intent = trader.quote(symbol, self.spec.tick_micros)
            order_id = self._next_order_id
            self._next_order_id += 1
            events = self.engine.place(
                order_id, intent.account_id, symbol, intent.side, intent.price_micros, intent.lots
            )
            if any(isinstance(e, OrderAccepted) for e in events) and order_id in self.engine.orders:
                self._resting.append(order_id)
        self._record(events)
        return events

    def _record(self, events: list[Event]) -> None:
        touched: set[str] = set()
        for event in events:
            if isinstance(event, TradeExecuted):
                summary = self.summaries[event.instrument]
                summary.last_micros = event.price_micros
                summary.volume_lots += event.lots
                summary.notional_micros += event.price_micros * event.lots
                summary.trades += 1
            touched.add(getattr(event, "instrument", ""))
        self._resting = [o for o in self._resting if o in self.engine.orders]
        for symbol in touched & self.summaries.keys():
            book = self.engine.book(symbol)
            summary = self.summaries[symbol]
            summary.best_bid_micros = book.best_bid()
            summary.best_ask_micros = book.best_ask()

    def _make_traders(self, reference: int, count: int) -> list[ZeroIntelligenceTrader]:
        traders = []
        spread = reference // 4
        for n in range(count):
            side = "buy" if n % 2 == 0 else "sell"
            # Values and costs scatter 20% around the reference, so some pairs can trade.
            limit = int(reference * self._rng.uniform(0.8, 1.2))
            account_id = len(self._traders) * count + n + 1
            traders.append(ZeroIntelligenceTrader(account_id, side, limit, spread, self._rng))
        return traders


def _reference_price(rank: int) -> int:
    price = REFERENCE_PRICE_MICROS[min(rank, len(REFERENCE_PRICE_MICROS) - 1)]
    for _ in range(len(REFERENCE_PRICE_MICROS), rank + 1):
        price = price * 6 // 10
    return price
