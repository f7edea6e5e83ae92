"""The exchange state machine: orders through risk, trades into lots, periods settling."""

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


@pytest.fixture
def market() -> MarketBuilder:
    return MarketBuilder(Exchange(default_spec()))


def order(account: int, side: str, **fields: Any) -> c.PlaceOrder:
    """Build an order for one lot of CHAT-B 14:00 at $2.00/M unless fields say otherwise."""
    values: dict[str, Any] = {"instrument": B14, "price_micros": PRICE, "lots": 1} | fields
    return c.PlaceOrder(account_id=account, side=side, **values)


def buy(account: int, **fields: Any) -> c.PlaceOrder:
    return order(account, "buy", **fields)


def sell(account: int, endpoint: int | None, **fields: Any) -> c.PlaceOrder:
    return order(account, "sell", endpoint_id=endpoint, **fields)


def test_a_resting_bid_holds_its_value(market: MarketBuilder) -> None:
    buyer = market.account("buyer", "buyer")

    order = market.ok(buy(buyer, lots=3))

    assert order["status"] == "open"
    assert market.exchange.balances(buyer)["held_micros"] == 600_000


def test_a_trade_makes_a_lot_and_moves_money_to_escrow(market: MarketBuilder) -> None:
    buyer = market.account("buyer", "buyer")
    seller = market.account("seller", "seller")
    endpoint = market.endpoint(seller)
    market.ok(sell(seller, endpoint, lots=2))

    outcome = market.apply(buy(buyer, lots=2, price_micros=2_100_000))

    lots = [e for e in outcome.events if isinstance(e, ev.LotUpdated)]
    assert [(lot.units, lot.price_micros, lot.notional_micros) for lot in lots] == [
        (200_000, PRICE, 400_000)
    ]
    assert outcome.result is not None
    assert outcome.result["status"] == "filled"
    buyer_balances = market.exchange.balances(buyer)
    assert (buyer_balances["cash_micros"], buyer_balances["held_micros"]) == (9_600_000, 0)
    assert market.exchange.balances(seller)["bond_micros"] == 80_000


def test_insufficient_funds_is_refused_and_changes_nothing(market: MarketBuilder) -> None:
    buyer = market.account("buyer", "buyer", cash_micros=100_000)
    before = market.exchange.snapshot()

    outcome = market.apply(buy(buyer, lots=1))

    assert outcome.failure is not None
    assert outcome.failure.kind == "insufficient_funds"
    assert "needs 200000" in outcome.failure.message
    after = Exchange.restore(default_spec(), market.exchange.snapshot())
    after.state.now_ns = Exchange.restore(default_spec(), before).state.now_ns
    assert after.snapshot() == before


def test_a_sell_needs_a_graded_endpoint_of_the_account(market: MarketBuilder) -> None:
    seller = market.account("seller", "seller")
    other = market.account("other", "seller")
    other_endpoint = market.endpoint(other)

    missing = market.apply(sell(seller, None))
    foreign = market.apply(sell(seller, other_endpoint))

    assert missing.failure is not None
    assert missing.failure.param == "endpoint_id"
    assert foreign.failure is not None
    assert foreign.failure.kind == "not_found"


def test_a_lower_grade_endpoint_cannot_sell_a_higher_grade(market: MarketBuilder) -> None:
    seller = market.account("seller", "seller")
    endpoint = market.endpoint(seller, grade="C")

    outcome = market.apply(sell(seller, endpoint))

    assert outcome.failure is not None
    assert outcome.failure.code == "grade_required"
    assert "needs grade B or better" in outcome.failure.message


def test_asks_cannot_exceed_the_endpoints_capacity(market: MarketBuilder) -> None:
    seller = market.account("seller", "seller")
    endpoint = market.endpoint(seller, capacity_units=300_000)
    market.ok(sell(seller, endpoint, lots=2))

    outcome = market.apply(sell(seller, endpoint, lots=2))

    assert outcome.failure is not None
    assert outcome.failure.code == "capacity_exceeded"


def test_roles_are_enforced(market: MarketBuilder) -> None:
    seller = market.account("seller", "seller")

    outcome = market.apply(buy(seller))

    assert outcome.failure is not None
    assert outcome.failure.kind == "forbidden"


def test_a_repeated_client_order_id_returns_the_original_and_changes_nothing(
    market: MarketBuilder,
) -> None:
    buyer = market.account("buyer", "buyer")
    first = market.ok(buy(buyer, lots=2, client_order_id="abc"))

    again = market.apply(buy(buyer, lots=5, client_order_id="abc"))

    assert again.result == first
    assert again.events == []
    assert market.exchange.balances(buyer)["held_micros"] == 400_000


def test_a_market_buy_holds_exactly_what_it_will_pay(market: MarketBuilder) -> None:
    buyer = market.account("buyer", "buyer", cash_micros=410_000)
    seller = market.account("seller", "seller")
    endpoint = market.endpoint(seller)
    market.ok(sell(seller, endpoint, lots=1, price_micros=2_000_000))
    market.ok(sell(seller, endpoint, lots=1, price_micros=2_100_000))

    order = market.ok(buy(buyer, lots=3, price_micros=0, type="market", time_in_force="ioc"))

    assert (order["filled_lots"], order["status"], order["reason"]) == (2, "cancelled", "unfilled")
    assert market.exchange.balances(buyer)["cash_micros"] == 0


def test_an_order_outside_the_listing_window_is_refused(market: MarketBuilder) -> None:
    buyer = market.account("buyer", "buyer")

    early = market.apply(buy(buyer, instrument="CHAT-B.2026-12-05T14"))
    bogus = market.apply(buy(buyer, instrument="CHAT-Z.2026-12-03T14"))

    assert early.failure is not None
    assert early.failure.code == "not_trading"
    assert "not listed yet" in early.failure.message
    assert bogus.failure is not None
    assert bogus.failure.kind == "invalid"


def test_replace_adjusts_the_hold_and_refuses_what_cannot_be_covered(market: MarketBuilder) -> None:
    buyer = market.account("buyer", "buyer", cash_micros=500_000)
    placed = market.ok(buy(buyer, lots=2))

    order_id = placed["id"]
    grown = market.apply(
        c.ReplaceOrder(account_id=buyer, order_id=order_id, price_micros=PRICE, lots=3)
    )
    shrunk = market.ok(
        c.ReplaceOrder(account_id=buyer, order_id=order_id, price_micros=PRICE, lots=1)
    )

    assert grown.failure is not None
    assert grown.failure.kind == "insufficient_funds"
    assert shrunk["remaining_lots"] == 1
    assert market.exchange.balances(buyer)["held_micros"] == 200_000


def test_another_accounts_order_is_not_found(market: MarketBuilder) -> None:
    buyer = market.account("buyer", "buyer")
    other = market.account("other", "buyer")
    placed = market.ok(buy(buyer))

    outcome = market.apply(c.CancelOrder(account_id=other, order_id=placed["id"]))

    assert outcome.failure is not None
    assert outcome.failure.kind == "not_found"
    assert market.exchange.state.orders[placed["id"]].status == "open"


def test_period_close_cancels_orders_settles_lots_and_releases_bonds(market: MarketBuilder) -> None:
    buyer = market.account("buyer", "buyer")
    seller = market.account("seller", "seller")
    endpoint = market.endpoint(seller)
    market.ok(sell(seller, endpoint, lots=2))
    market.ok(buy(buyer, lots=1))
    market.ok(buy(buyer, lots=1, price_micros=1_000_000))  # rests until the period closes

    market.now_ns += 2 * 3_600 * NS_PER_S
    outcome = market.apply(c.Tick())

    closed = [e.instrument for e in outcome.events if isinstance(e, ev.InstrumentClosed)]
    assert B14 in closed
    assert market.exchange.balances(seller) == {
        "account_id": seller,
        "cash_micros": 10_200_000,  # take or pay: the whole lot is paid
        "held_micros": 0,
        "bond_micros": 0,
        "available_micros": 10_200_000,
    }
    assert market.exchange.balances(buyer)["held_micros"] == 0
    assert market.exchange.state.orders == {}


def test_gtd_orders_expire_on_time(market: MarketBuilder) -> None:
    buyer = market.account("buyer", "buyer")
    expiry = market.now_ns + 60 * NS_PER_S
    placed = market.ok(buy(buyer, time_in_force="gtd", expire_at_ns=expiry))

    market.now_ns = expiry
    outcome = market.apply(c.Tick())

    updates = [e for e in outcome.events if isinstance(e, ev.OrderUpdated)]
    assert [(u.order_id, u.status) for u in updates] == [(placed["id"], "expired")]
    assert market.exchange.balances(buyer)["held_micros"] == 0


def test_accounts_validate_their_fields(market: MarketBuilder) -> None:
    no_roles = market.apply(c.CreateAccount(name="x", roles=[], key_hash="k1"))
    bad_role = market.apply(c.CreateAccount(name="x", roles=["admin"], key_hash="k2"))
    market.ok(c.CreateAccount(name="x", roles=["buyer"], key_hash="k3"))
    taken = market.apply(c.CreateAccount(name="y", roles=["buyer"], key_hash="k3"))

    assert no_roles.failure is not None
    assert no_roles.failure.param == "roles"
    assert bad_role.failure is not None
    assert "'admin'" in bad_role.failure.message
    assert taken.failure is not None
    assert taken.failure.code == "duplicate_key"


def test_a_gtd_order_whose_expiry_has_passed_is_refused(market: MarketBuilder) -> None:
    buyer = market.account("buyer", "buyer")
    market.now_ns += 5 * NS_PER_S

    outcome = market.apply(buy(buyer, time_in_force="gtd", expire_at_ns=market.now_ns - 1))

    assert outcome.failure is not None
    assert outcome.failure.code == "bad_expiry"
