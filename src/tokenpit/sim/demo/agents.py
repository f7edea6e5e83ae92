"""The demo's trading agents: zero-intelligence traders and market makers, through the core.

Sellers ask at their cost plus a random markup and never below cost; buyers bid their
value less a random shading and never above value (ZI-C, Gode and Sunder 1993).
Market makers quote both sides a little around the last price of the instrument. Each
agent keeps a few orders resting and cancels its oldest beyond that, so books stay
lively. Refusals (a period that just closed, capacity, funds) are outcomes, not errors:
the agent simply acts again later.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import deque
from dataclasses import dataclass, field

from tokenpit.core import commands as cmd
from tokenpit.core.sequencer import Core, CoreStoppedError, OverloadedError

RESTING_MAX = 6  # orders an agent keeps resting before it cancels its oldest
# A trader's demand for one period is bounded, as in Gode and Sunder's markets: with no
# bound, buyers would lift every ask and leave the buyers' apps nothing to buy.
BUYER_LOTS_PER_PERIOD = 12
SPREAD_PCT = 12  # how far a ZI quote may stray from its limit, in % of the limit
MAKER_HALF_SPREAD_PCT = 2


@dataclass(slots=True)
class Agent:
    """One trading account and the limit that bounds its prices."""

    account_id: int
    grade: str
    side: str  # "buy", "sell" or "both" (a market maker)
    limit_micros: int  # a buyer's value, a seller's cost
    endpoint_id: int | None = None
    resting: deque[int] = field(default_factory=deque)
    quotes: dict[str, list[int]] = field(default_factory=dict)  # a maker's, by instrument
    bid_lots: dict[str, int] = field(default_factory=dict)  # a buyer's bids, by instrument


class TradingAgents:
    """Drive every agent in turn against the core at a steady rate."""

    def __init__(self, core: Core, agents: list[Agent], rng: random.Random) -> None:
        self.core = core
        self.agents = agents
        self._rng = rng
        self._tick = core.spec.tick_micros
        self.orders = 0

    async def run(self, orders_per_s: float) -> None:
        """Act, one random agent at a time, until cancelled."""
        while True:
            agent = self._rng.choice(self.agents)
            # The exchange is stopping or busy: the agent acts again on a later beat.
            with contextlib.suppress(CoreStoppedError, OverloadedError):
                await self.act(agent)
            await asyncio.sleep(self._rng.expovariate(orders_per_s))

    async def act(self, agent: Agent) -> None:
        """Place one order (two for a market maker) for `agent`, cancelling its oldest."""
        instrument = self._instrument(agent.grade)
        if instrument is None:
            return
        if agent.side == "both":
            await self._requote(agent, instrument)
            return
        if agent.side == "buy" and agent.bid_lots.get(instrument, 0) >= BUYER_LOTS_PER_PERIOD:
            return  # this buyer has all it wants of that period
        placed = await self._place(agent, instrument, agent.side, self._zi_price(agent))
        if placed is not None:
            agent.resting.append(placed)
        while len(agent.resting) > RESTING_MAX:
            await self._cancel(agent, agent.resting.popleft())

    async def _requote(self, agent: Agent, instrument: str) -> None:
        """Replace a market maker's two-sided quote on `instrument`, around its mid.

        A maker keeps one quote on every period it trades, so each book, the current one
        above all, has something to buy from.
        """
        for order_id in agent.quotes.pop(instrument, []):
            await self._cancel(agent, order_id)
        reference = self._reference(instrument, agent.limit_micros)
        half = max(self._tick, reference * MAKER_HALF_SPREAD_PCT // 100)
        bid = await self._place(agent, instrument, "buy", reference - half)
        ask = await self._place(
            agent, instrument, "sell", max(reference + half, agent.limit_micros)
        )
        agent.quotes[instrument] = [order_id for order_id in (bid, ask) if order_id is not None]

    async def _cancel(self, agent: Agent, order_id: int) -> None:
        # A refusal means the order is already gone (filled, or its period closed).
        await self.core.submit(cmd.CancelOrder(account_id=agent.account_id, order_id=order_id))

    def _zi_price(self, agent: Agent) -> int:
        room = agent.limit_micros * SPREAD_PCT // 100
        offset = self._rng.randint(0, room // self._tick) * self._tick
        limit = agent.limit_micros - agent.limit_micros % self._tick
        if agent.side == "buy":
            return max(self._tick, limit - offset)
        return limit + self._tick + offset

    async def _place(self, agent: Agent, instrument: str, side: str, price: int) -> int | None:
        """Place a limit order; return its id if it rests, else None."""
        price = max(self._tick, price - price % self._tick)
        lots = self._rng.randint(1, 3)
        if side == "buy" and agent.side == "buy":
            agent.bid_lots[instrument] = agent.bid_lots.get(instrument, 0) + lots
        outcome = await self.core.submit(
            cmd.PlaceOrder(
                account_id=agent.account_id,
                instrument=instrument,
                side=side,
                price_micros=price,
                lots=lots,
                endpoint_id=agent.endpoint_id if side == "sell" else None,
            )
        )
        self.orders += 1
        status = outcome.result.get("status") if outcome.result is not None else None
        if outcome.result is not None and status in ("open", "partially_filled"):
            return int(outcome.result["id"])
        return None

    def _instrument(self, grade: str) -> str | None:
        """Return a random instrument of `grade` that still trades, sooner ones likelier."""
        state = self.core.exchange.state
        listed = sorted(
            (i for i in state.instruments.values() if i.grade == grade),
            key=lambda i: i.period_start_ns,
        )
        live = [i.symbol for i in listed if i.period_end_ns > state.now_ns]
        if not live:
            return None
        # The current and next periods matter most to buyers: weight them up.
        weights = [1 / (position + 1) for position in range(len(live))]
        return self._rng.choices(live, weights)[0]

    def _reference(self, instrument: str, fallback_micros: int) -> int:
        """Return the instrument's mid, else its last trade, else the maker's own limit."""
        book = self.core.exchange.engine.book(instrument)
        bid, ask = book.best_bid(), book.best_ask()
        if bid is not None and ask is not None:
            return (bid + ask) // 2
        return int(fallback_micros * 1.1)
