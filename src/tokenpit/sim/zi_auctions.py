"""Zero-intelligence double auctions: one trading period, on the engine or on the classic rules.

In each period randomly chosen traders quote their next untraded unit, one
unit per order. Budget-constrained traders (ZI-C, Gode and Sunder 1993) bid
uniformly from 1 tick up to their value and ask uniformly from their cost up
to the market's top price; unconstrained ones (ZI-U) quote uniformly over the
whole range and may trade at a loss. A period ends when no trade is possible
any more (ZI-U: one side has nothing left; ZI-C: no remaining value covers a
remaining cost) or after a set number of arrivals.

`run_book_period` trades on a fresh book of the matching engine, where a
trader's new order replaces its resting one (cancel, then place) and the book
keeps every other resting order. `run_classic_period` is the reference: the
single-quote double auction of the laboratory experiments, which keeps only
the best bid and ask, ignores a quote that does not improve on them, and
clears both after every trade.

`ZeroIntelligenceTrader` is not reused: it holds one limit, quotes random lot
sizes and asks strictly above cost, while these experiments need unit
schedules, single-unit quotes over closed ranges and an unconstrained mode.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tokenpit.engine import BUY, SELL, Engine, TradeExecuted
from tokenpit.sim.zi_markets import Market


@dataclass(frozen=True)
class PeriodResult:
    """What one trading period produced; prices are in ticks, in trade order."""

    surplus_ticks: int
    prices_ticks: tuple[int, ...]
    arrivals: int
    timed_out: bool  # the arrivals ran out while a trade was still possible


class _Traders:
    """One period's traders: units traded, who may still trade, the surplus so far.

    Trader t is buyer t when t < len(market.buyers), else seller t - len(buyers).
    """

    def __init__(self, market: Market, rng: random.Random, constrained: bool) -> None:
        self.market = market
        self.rng = rng
        self.constrained = constrained
        self.schedules = (*market.buyers, *market.sellers)
        self.buyer_count = len(market.buyers)
        self.traded = [0] * len(self.schedules)
        self.active = list(range(len(self.schedules)))
        self.surplus_ticks = 0
        self.prices_ticks: list[int] = []
        self.can_trade = self._trade_possible()

    def is_buyer(self, trader: int) -> bool:
        """Say whether `trader` buys."""
        return trader < self.buyer_count

    def pick(self) -> int:
        """Return a trader with units left, each equally likely."""
        return self.active[self.rng.randrange(len(self.active))]

    def quote(self, trader: int) -> int:
        """Return a uniform price in ticks: within the budget for ZI-C, anywhere for ZI-U."""
        top = self.market.max_price_ticks
        if not self.constrained:
            return self.rng.randint(1, top)
        limit = self._next_limit(trader)
        return self.rng.randint(1, limit) if self.is_buyer(trader) else self.rng.randint(limit, top)

    def settle(self, one: int, other: int, price_ticks: int) -> None:
        """Book one unit traded between a buyer and a seller, given in either order."""
        buyer, seller = (one, other) if self.is_buyer(one) else (other, one)
        self.surplus_ticks += self._next_limit(buyer) - self._next_limit(seller)
        self.prices_ticks.append(price_ticks)
        for trader in (buyer, seller):
            self.traded[trader] += 1
            if self.traded[trader] == len(self.schedules[trader]):
                self.active.remove(trader)
        self.can_trade = self._trade_possible()

    def _trade_possible(self) -> bool:
        """Say whether some remaining buyer and seller could still trade."""
        values = [self._next_limit(t) for t in self.active if self.is_buyer(t)]
        costs = [self._next_limit(t) for t in self.active if not self.is_buyer(t)]
        if not values or not costs:
            return False
        return not self.constrained or max(values) >= min(costs)

    def _next_limit(self, trader: int) -> int:
        return self.schedules[trader][self.traded[trader]]


def run_book_period(
    engine: Engine,
    instrument: str,
    market: Market,
    rng: random.Random,
    *,
    constrained: bool,
    max_arrivals: int,
    tick_micros: int,
) -> PeriodResult:
    """Trade one period of `market` on a new engine book `instrument`, then close the book.

    Each arrival cancels the trader's resting order, if any, and places a
    one-lot GTC limit order for its next unit; trader t trades as account t + 1.
    """
    engine.add_book(instrument, tick_micros=tick_micros)
    traders = _Traders(market, rng, constrained)
    resting = [0] * len(traders.schedules)  # order id, 0 when none rests
    order_id = 0  # ids need only be unique among live orders, and each book starts empty
    arrivals = 0
    while arrivals < max_arrivals and traders.can_trade:
        arrivals += 1
        trader = traders.pick()
        price_ticks = traders.quote(trader)
        if resting[trader]:
            engine.cancel(resting[trader])
            resting[trader] = 0

        order_id += 1
        side = BUY if traders.is_buyer(trader) else SELL
        events = engine.place(order_id, trader + 1, instrument, side, price_ticks * tick_micros, 1)
        trades = [event for event in events if isinstance(event, TradeExecuted)]
        for trade in trades:
            maker = trade.maker_account_id - 1
            resting[maker] = 0
            traders.settle(trader, maker, trade.price_micros // tick_micros)
        if not trades:
            resting[trader] = order_id
    engine.close_book(instrument)
    return _result(traders, arrivals)


def run_classic_period(
    market: Market, rng: random.Random, *, constrained: bool, max_arrivals: int
) -> PeriodResult:
    """Trade one period of `market` on the single-quote rules, without the engine.

    A bid that meets the standing ask trades at the ask, and an ask that meets
    the standing bid at the bid; a bid that does not beat the standing bid is
    ignored, and so is an ask that does not undercut the standing ask.
    """
    traders = _Traders(market, rng, constrained)
    bid: tuple[int, int] | None = None  # (price in ticks, trader)
    ask: tuple[int, int] | None = None
    arrivals = 0
    while arrivals < max_arrivals and traders.can_trade:
        arrivals += 1
        trader = traders.pick()
        price_ticks = traders.quote(trader)
        if traders.is_buyer(trader):
            if ask is not None and price_ticks >= ask[0]:
                traders.settle(trader, ask[1], ask[0])
                bid = ask = None
            elif bid is None or price_ticks > bid[0]:
                bid = (price_ticks, trader)
        elif bid is not None and price_ticks <= bid[0]:
            traders.settle(trader, bid[1], bid[0])
            bid = ask = None
        elif ask is None or price_ticks < ask[0]:
            ask = (price_ticks, trader)
    return _result(traders, arrivals)


def _result(traders: _Traders, arrivals: int) -> PeriodResult:
    return PeriodResult(
        traders.surplus_ticks, tuple(traders.prices_ticks), arrivals, traders.can_trade
    )
