"""A small living market for the dashboard tests, made through the API on a live exchange.

Trading goes through the HTTP API as traders send it. What the grader and the gateway
would record (measured certificates, audits, deliveries) goes to the core as they send
it, since no real seller runs here. The clock starts at 12:10 UTC and moves three minutes
a step, so candles, index points, audit hours and deliveries spread over time.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

import httpx

from tokenpit.core import commands as c
from tokenpit.testing.api import PUBLIC_ENDPOINT_URL, LiveServer, Trader
from tokenpit.testing.certificates import audit_command, certificate_command, score
from tokenpit.testing.core import NS_PER_S, FakeClock

START = dt.datetime(2026, 12, 3, 12, 10, tzinfo=dt.UTC)
DAY = "2026-12-03"
STEPS = 30
STEP_S = 180
TICK_MICROS = 1_000
# Reference prices per grade in µUSD per million units; later periods trade a little higher.
BASE_MICROS = {"A": 3_200_000, "B": 2_000_000, "C": 1_150_000}
PREMIUM_MICROS = 15_000
FOCUS_HOUR = 14  # traded every step, in sweeps of a few levels, so candles have bodies
OTHER_HOURS = (15, 16)
QUOTED_HOURS = tuple(range(14, 24))
DEEP_HOURS = (14, 15, 16)
CATEGORY_PASSES = {
    "arithmetic": 37,
    "logic": 35,
    "instructions": 38,
    "extraction": 36,
    "tools": 34,
    "retrieval": 39,
}
CATEGORY_ITEMS = 40


def start_clock() -> FakeClock:
    """Return the fake clock the market starts at."""
    return FakeClock(int(START.timestamp()) * NS_PER_S)


def symbol(grade: str, hour: int) -> str:
    """Return the instrument of `grade` delivering in `hour` of the test day."""
    return f"CHAT-{grade}.{DAY}T{hour:02d}"


@dataclass
class Market:
    """What the seeding made: traders, endpoints, and one resting bid to cancel."""

    live: LiveServer
    client: httpx.Client
    buyer: Trader
    other_buyer: Trader
    sellers: dict[str, Trader] = field(default_factory=dict)
    endpoints: dict[str, int] = field(default_factory=dict)
    resting_bid_id: int = 0

    def place(self, trader: Trader, **order: Any) -> dict[str, Any]:
        """Place an order through the API; return its body."""
        response = self.client.post("/api/orders", json=order, headers=trader.headers)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def cross(
        self, grade: str, instrument: str, price_micros: int, lots: int, *, sell: bool
    ) -> int:
        """Make one trade: one side rests, the other takes it; return the trade id."""
        seller, endpoint_id = self.sellers[grade], self.endpoints[grade]
        ask = {"side": "sell", "endpoint_id": endpoint_id}
        bid: dict[str, Any] = {"side": "buy"}
        first, second = (bid, ask) if sell else (ask, bid)
        first_trader, second_trader = (self.buyer, seller) if sell else (seller, self.buyer)
        common = {"instrument": instrument, "price_micros": price_micros, "lots": lots}
        self.place(first_trader, **common, **first)
        taken = self.place(second_trader, **common, **second, time_in_force="ioc")
        assert taken["trades"], taken
        return int(taken["trades"][0]["trade_id"])

    def sweep(self, grade: str, instrument: str, price_micros: int, *, rising: bool) -> None:
        """Rest three levels ending at `price_micros`; one order takes them all, in turn."""
        seller, endpoint_id = self.sellers[grade], self.endpoints[grade]
        step_micros = (-2 if rising else 2) * TICK_MICROS
        levels = [price_micros + step_micros * level for level in (2, 1, 0)]
        for level_micros, lots in zip(levels, (1, 2, 1), strict=True):
            if rising:
                ask = {"side": "sell", "endpoint_id": endpoint_id}
                self.place(
                    seller, instrument=instrument, price_micros=level_micros, lots=lots, **ask
                )
            else:
                self.place(
                    self.buyer,
                    instrument=instrument,
                    price_micros=level_micros,
                    lots=lots,
                    side="buy",
                )
        taker, side = (
            (self.buyer, {"side": "buy"})
            if rising
            else (seller, {"side": "sell", "endpoint_id": endpoint_id})
        )
        taken = self.place(
            taker,
            instrument=instrument,
            price_micros=price_micros,
            lots=4,
            time_in_force="ioc",
            **side,
        )
        assert len(taken["trades"]) == 3, taken

    def submit(self, command: c.Command) -> dict[str, Any]:
        """Send a command to the core as the grader or gateway would; return its result."""
        assert self.live.core is not None
        outcome = self.live.run(self.live.core.submit(command))
        assert outcome.result is not None, outcome.failure
        return outcome.result


def seed(live: LiveServer) -> Market:
    """Open traders and sellers, certify them, trade for 80 minutes and quote the books."""
    # A fresh connection per request: on the test server's plain asyncio loop a kept-alive
    # connection waits about 40 ms per answer, which would make seeding take half a minute.
    limits = httpx.Limits(max_keepalive_connections=0)
    client = httpx.Client(base_url=live.url, timeout=30, limits=limits)
    operator = Trader(0, live.operator_key)
    buyer = _account(client, operator, "acme", ["buyer"])
    other_buyer = _account(client, operator, "globex", ["buyer"])
    market = Market(live, client, buyer, other_buyer)
    for grade, name in (("A", "gpu-farm"), ("B", "tensor-co"), ("C", "budget-llm")):
        market.sellers[grade] = _account(client, operator, name, ["seller"])
        market.endpoints[grade] = _endpoint(market, market.sellers[grade], grade)
    _endpoint(market, market.sellers["C"], None)  # measured, and earned no grade

    rng = random.Random(7)
    prices = dict(BASE_MICROS)
    for step in range(STEPS):
        for grade in BASE_MICROS:
            prices[grade] += rng.choice((-2, -1, 0, 1, 1, 2)) * 2 * TICK_MICROS
            rising = rng.random() < 0.55
            market.sweep(grade, symbol(grade, FOCUS_HOUR), prices[grade], rising=rising)
            if step % 2 == 0:
                hour = rng.choice(OTHER_HOURS)
                price_micros = prices[grade] + (hour - FOCUS_HOUR) * PREMIUM_MICROS
                lots = rng.choice((1, 2, 3, 5, 8))
                market.cross(
                    grade, symbol(grade, hour), price_micros, lots, sell=rng.random() < 0.5
                )
        if step == 0:
            _buy_current_period(market)
        if live.clock.now_ns() < int(START.replace(minute=50).timestamp()) * NS_PER_S:
            _deliver_and_audit(market, rng)
        live.clock.advance(STEP_S)

    _quote_books(market, prices)
    bid = market.place(
        buyer, instrument=symbol("B", 16), side="buy", price_micros=1_500_000, lots=4
    )
    market.resting_bid_id = int(bid["id"])
    return market


def _account(client: httpx.Client, operator: Trader, name: str, roles: list[str]) -> Trader:
    response = client.post(
        "/api/accounts", json={"name": name, "roles": roles}, headers=operator.headers
    )
    assert response.status_code == 201, response.text
    trader = Trader(response.json()["id"], response.json()["api_key"])
    deposit = {"amount_micros": 100_000_000_000}
    response = client.post(
        f"/api/accounts/{trader.account_id}/deposits", json=deposit, headers=operator.headers
    )
    assert response.status_code == 201, response.text
    return trader


def _endpoint(market: Market, seller: Trader, grade: str | None) -> int:
    body = {"url": PUBLIC_ENDPOINT_URL, "model": "any-model", "capacity_units": 1_000_000_000}
    response = market.client.post("/api/endpoints", json=body, headers=seller.headers)
    assert response.status_code == 201, response.text
    endpoint_id = int(response.json()["id"])
    drop = {"A": -2, "B": 3, "C": 6, None: 16}[grade]
    scores = [
        score(category, passed - drop - index % 3, CATEGORY_ITEMS)
        for index, (category, passed) in enumerate(CATEGORY_PASSES.items())
    ]
    passed = sum(item.passed for item in scores)
    command = certificate_command(
        endpoint_id,
        grade,
        issued_ns=market.live.clock.now_ns(),
        scores=scores,
        overall=score("overall", passed, CATEGORY_ITEMS * len(scores)),
    )
    market.submit(command)
    return endpoint_id


def _buy_current_period(market: Market) -> None:
    """Buy lots of the period under way from every seller, so deliveries can be recorded."""
    for grade, price_micros in BASE_MICROS.items():
        market.cross(grade, symbol(grade, START.hour), price_micros, 5, sell=False)


def _deliver_and_audit(market: Market, rng: random.Random) -> None:
    """Record a few gateway deliveries and one audit per endpoint, as the exchange would."""
    lots = market.client.get("/api/lots", params={"limit": 100}, headers=market.buyer.headers)
    current = [lot for lot in lots.json()["data"] if lot["instrument"].endswith(f"T{START.hour}")]
    for lot in current:
        grade = lot["instrument"][5]
        slow = {"A": 1, "B": 2, "C": 3}[grade]
        outcome = rng.choices(
            ("on_grade", "off_grade", "failed"), (90 - 8 * slow, 6 * slow, 2 * slow)
        )[0]
        market.submit(
            c.RecordDelivery(
                request_id=f"req-{lot['lot_id']}-{market.live.clock.now_ns()}",
                buyer_account_id=market.buyer.account_id,
                lot_id=lot["lot_id"],
                outcome=outcome,
                input_tokens=rng.randint(200, 2_000),
                output_tokens=0 if outcome == "failed" else rng.randint(50, 600),
                ttft_ms=0 if outcome == "failed" else rng.randint(150, 500) * slow,
                duration_ms=rng.randint(800, 4_000),
                output_tps=None if outcome == "failed" else rng.uniform(40, 140) / slow,
                streamed=True,
            )
        )
    for grade, endpoint_id in market.endpoints.items():
        failed = 1 if rng.random() < {"A": 0.1, "B": 0.2, "C": 0.3}[grade] else 0
        market.submit(
            audit_command(
                endpoint_id,
                passed=2 - failed,
                failed=failed,
                category=rng.choice(list(CATEGORY_PASSES)),
            )
        )


def _quote_books(market: Market, prices: dict[str, int]) -> None:
    """Rest three bids and three asks on every quoted period, around its curve price."""
    for grade, last_micros in prices.items():
        for hour in QUOTED_HOURS:
            middle = last_micros + (hour - FOCUS_HOUR) * PREMIUM_MICROS
            for level in range(1, 6 if hour in DEEP_HOURS else 3):
                common = {"instrument": symbol(grade, hour), "lots": 2 * level + hour % 3}
                market.place(
                    market.other_buyer,
                    **common,
                    side="buy",
                    price_micros=middle - level * 5 * TICK_MICROS,
                )
                market.place(
                    market.sellers[grade],
                    **common,
                    side="sell",
                    price_micros=middle + level * 5 * TICK_MICROS,
                    endpoint_id=market.endpoints[grade],
                )
