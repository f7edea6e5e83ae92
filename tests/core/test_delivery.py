"""Deliveries settle lots: metered units paid to the seller, discounts, spills, defaults."""

from __future__ import annotations

from typing import Any

import pytest

from tokenpit.core import commands as c
from tokenpit.core import events as ev
from tokenpit.core.exchange import Exchange
from tokenpit.specs import default_spec
from tokenpit.testing.core import NS_PER_S, MarketBuilder

B14 = "CHAT-B.2026-12-03T14"
PRICE = 2_000_000  # one lot (100,000 units) is worth 200,000 µUSD
CASH = 10_000_000


class Market:
    """A buyer holding lots of CHAT-B 14:00 from one seller's endpoint, during that hour."""

    def __init__(self, lots: int = 1, trades: int = 1, *, delivering: bool = True) -> None:
        self.builder = MarketBuilder(Exchange(default_spec()))
        self.buyer = self.builder.account("buyer", "buyer", cash_micros=CASH)
        self.seller = self.builder.account("seller", "seller", cash_micros=CASH)
        self.endpoint = self.builder.endpoint(self.seller)
        self.lot_ids: list[int] = []
        for _ in range(trades):
            self.trade(lots)
        if delivering:
            self.builder.now_ns += 3_600 * NS_PER_S  # 14:10: the lots deliver now
            self.builder.ok(c.Tick())

    def trade(self, lots: int, endpoint: int | None = None) -> None:
        self.builder.ok(
            c.PlaceOrder(
                account_id=self.seller,
                instrument=B14,
                side="sell",
                price_micros=PRICE,
                lots=lots,
                endpoint_id=endpoint or self.endpoint,
            )
        )
        outcome = self.builder.apply(
            c.PlaceOrder(
                account_id=self.buyer, instrument=B14, side="buy", price_micros=PRICE, lots=lots
            )
        )
        self.lot_ids += [e.lot_id for e in outcome.events if isinstance(e, ev.LotUpdated)]

    def deliver(self, **fields: Any) -> Any:
        values: dict[str, Any] = {
            "request_id": "req-1",
            "buyer_account_id": self.buyer,
            "lot_id": self.lot_ids[0],
            "outcome": "on_grade",
            "input_tokens": 4_000,
            "output_tokens": 1_000,
            "ttft_ms": 300,
            "duration_ms": 2_000,
        } | fields
        return self.builder.apply(c.RecordDelivery(**values))

    def cash(self, account: int) -> int:
        return int(self.builder.exchange.balances(account)["cash_micros"])

    def lot(self, index: int = 0) -> Any:
        return self.builder.exchange.clearing.state.lots[self.lot_ids[index]]


def test_an_on_grade_delivery_charges_the_reference_units_and_pays_the_seller() -> None:
    market = Market()

    outcome = market.deliver(reported_input_tokens=9_999, reported_output_tokens=9_999)

    # 1,000 output + 4,000 × 0.25 input = 2,000 units at $2.00/M: 4,000 µUSD.
    assert outcome.result is not None
    assert outcome.result["units"] == outcome.result["charged_units"] == 2_000
    assert outcome.result["paid_micros"] == 4_000
    assert outcome.result["reported_input_tokens"] == 9_999  # recorded, never billed
    assert market.lot().delivered_units == 2_000
    assert market.cash(market.seller) == CASH + 4_000


def test_an_off_grade_delivery_pays_half_and_refunds_the_discount() -> None:
    market = Market()
    buyer_cash = market.cash(market.buyer)

    outcome = market.deliver(outcome="off_grade", reason="ttft 3100 ms over 2500 ms")

    assert outcome.result is not None
    assert (outcome.result["paid_micros"], outcome.result["refunded_micros"]) == (2_000, 2_000)
    assert market.cash(market.buyer) == buyer_cash + 2_000
    assert market.lot().offgrade_units == 2_000


def test_a_failed_delivery_is_recorded_and_charges_nothing() -> None:
    market = Market()

    outcome = market.deliver(outcome="failed", reason="seller answered 500")

    assert outcome.result is not None
    assert (outcome.result["units"], outcome.result["paid_micros"]) == (0, 0)
    assert market.lot().delivered_units == 0
    recorded = [e for e in outcome.events if isinstance(e, ev.DeliveryRecorded)]
    assert [e.outcome for e in recorded] == ["failed"]


def test_a_delivery_past_the_lots_end_spills_to_the_next_lot_then_goes_unbilled() -> None:
    market = Market(lots=1, trades=2)

    # 250,000 units: 100,000 fill the first lot, 100,000 the second, 50,000 have no lot.
    outcome = market.deliver(input_tokens=0, output_tokens=250_000)

    assert outcome.result is not None
    assert (outcome.result["charged_units"], outcome.result["unbilled_units"]) == (
        200_000,
        50_000,
    )
    assert [market.lot(0).units_left, market.lot(1).units_left] == [0, 0]
    assert outcome.result["paid_micros"] == 400_000


def test_deliveries_sum_to_the_exact_total_whatever_their_sizes() -> None:
    market = Market(lots=1)

    for n in range(7):
        market.deliver(request_id=f"r{n}", input_tokens=3, output_tokens=1)  # 2 units each

    # 14 units at 2 µUSD per unit: paid on the running total, so nothing drifts.
    assert market.lot().paid_micros == 28
    assert market.cash(market.seller) == CASH + 28


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"outcome": "great"}, "outcome"),
        ({"input_tokens": -1}, "input_tokens"),
        ({"output_tokens": 10**9}, "output_tokens"),
        ({"ttft_ms": -5}, "ttft_ms"),
        ({"request_id": ""}, "request_id"),
    ],
)
def test_a_bad_delivery_is_refused_and_changes_nothing(fields: dict[str, Any], param: str) -> None:
    market = Market()
    before = market.builder.exchange.snapshot()

    outcome = market.deliver(**fields)

    assert outcome.failure is not None
    assert (outcome.failure.kind, outcome.failure.param) == ("invalid", param)
    assert param in outcome.failure.message
    assert market.builder.exchange.snapshot() == before


def test_another_buyers_lot_is_not_found() -> None:
    market = Market()
    other = market.builder.account("other", "buyer")

    outcome = market.deliver(buyer_account_id=other)

    assert outcome.failure is not None
    assert outcome.failure.kind == "not_found"


def test_a_lot_whose_period_has_not_started_cannot_be_delivered() -> None:
    market = Market(delivering=False)  # 13:10

    outcome = market.deliver()

    assert outcome.failure is not None
    assert (outcome.failure.kind, outcome.failure.code) == ("conflict", "not_delivering")


def test_a_default_refunds_buyers_charges_a_penalty_and_cancels_the_asks() -> None:
    market = Market(lots=2)
    market.deliver(input_tokens=0, output_tokens=50_000)  # 100,000 µUSD delivered of 400,000
    resting = market.builder.ok(
        c.PlaceOrder(
            account_id=market.seller,
            instrument=B14,
            side="sell",
            price_micros=PRICE,
            lots=1,
            endpoint_id=market.endpoint,
        )
    )
    buyer_cash = market.cash(market.buyer)
    start_ns = market.lot().period_start_ns

    outcome = market.builder.apply(
        c.DefaultEndpoint(endpoint_id=market.endpoint, period_start_ns=start_ns, reason="5 fails")
    )

    # 300,000 µUSD undelivered comes back, plus a 10% penalty out of the 80,000 bond.
    assert outcome.result == {
        "endpoint_id": market.endpoint,
        "period_start_ns": start_ns,
        "lots": 1,
    }
    assert market.cash(market.buyer) == buyer_cash + 300_000 + 30_000
    assert market.cash(market.seller) == CASH + 100_000 - 30_000
    assert market.builder.exchange.balances(market.seller)["bond_micros"] == 0
    assert resting["id"] not in market.builder.exchange.state.orders
    assert market.lot_ids[0] not in market.builder.exchange.clearing.state.lots


@pytest.mark.parametrize("price", [0, -1_000, 1_500, 10**13])
def test_auto_buy_refuses_a_price_off_tick_or_out_of_range(price: int) -> None:
    market = Market()

    outcome = market.builder.apply(c.SetAutoBuy(account_id=market.buyer, max_price_micros=price))

    assert outcome.failure is not None
    assert outcome.failure.param == "max_price_micros"


def test_auto_buy_is_set_and_cleared() -> None:
    market = Market()
    accounts = market.builder.exchange.state.accounts

    market.builder.ok(c.SetAutoBuy(account_id=market.buyer, max_price_micros=3_000_000))
    assert accounts[market.buyer].auto_buy_max_price_micros == 3_000_000
    market.builder.ok(c.SetAutoBuy(account_id=market.buyer, max_price_micros=None))
    assert accounts[market.buyer].auto_buy_max_price_micros is None
