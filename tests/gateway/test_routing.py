"""Routing: which of a buyer's lots serves a request."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tokenpit.core import commands as c
from tokenpit.core.exchange import Exchange
from tokenpit.gateway.routing import Router
from tokenpit.specs import default_spec
from tokenpit.testing.core import NS_PER_S, MarketBuilder

PRICE = 2_000_000


class Lots:
    """A buyer with one lot from each of three endpoints, two of B and one of A, at 14:10."""

    def __init__(self) -> None:
        self.builder = MarketBuilder(Exchange(default_spec()))
        self.buyer = self.builder.account("buyer", "buyer")
        self.endpoints = []
        for n, grade in enumerate("BBA"):
            seller = self.builder.account(f"seller{n}", "seller")
            endpoint = self.builder.endpoint(seller, grade="A")
            self.endpoints.append(endpoint)
            instrument = f"CHAT-{grade}.2026-12-03T14"
            for account, side, extra in ((seller, "sell", endpoint), (self.buyer, "buy", None)):
                self.builder.ok(
                    c.PlaceOrder(
                        account_id=account,
                        instrument=instrument,
                        side=side,
                        price_micros=PRICE,
                        lots=1,
                        endpoint_id=extra,
                    )
                )
        self.builder.now_ns += 3_600 * NS_PER_S
        self.builder.ok(c.Tick())
        self.router = Router(default_spec())

    def candidates(self, grade: str = "B", need: int = 1) -> list[int]:
        exchange = self.builder.exchange
        lots = self.router.candidates(exchange, self.buyer, grade, self.builder.now_ns, need)
        return [lot.endpoint_id or 0 for lot in lots]


def test_lots_of_the_grade_come_first_then_better_grades() -> None:
    lots = Lots()
    b1, b2, a = lots.endpoints

    assert lots.candidates("B") == [b1, b2, a]
    assert lots.candidates("A") == [a]
    assert lots.candidates("C") == [b1, b2, a]


def test_units_set_aside_by_requests_in_flight_are_not_offered_twice() -> None:
    lots = Lots()
    exchange = lots.builder.exchange
    first = lots.router.candidates(exchange, lots.buyer, "A", lots.builder.now_ns, 1)[0]

    lots.router.reserve(first, 99_000)
    assert lots.candidates("A", need=1_000) == [lots.endpoints[2]]
    assert lots.candidates("A", need=1_001) == []
    lots.router.release(first, 99_000)
    assert lots.candidates("A", need=100_000) == [lots.endpoints[2]]


def test_another_buyers_lots_and_other_periods_are_never_offered() -> None:
    lots = Lots()
    other = lots.builder.account("other", "buyer")

    assert lots.router.candidates(lots.builder.exchange, other, "B", lots.builder.now_ns, 1) == []
    later = lots.builder.now_ns + 3_600 * NS_PER_S
    assert lots.router.candidates(lots.builder.exchange, lots.buyer, "B", later, 1) == []


def test_a_lot_of_the_requested_grade_is_chosen_before_a_better_one() -> None:
    lots = Lots()
    exchange = lots.builder.exchange
    offered = lots.router.candidates(exchange, lots.buyer, "B", lots.builder.now_ns, 1)
    b1, b2, a = lots.endpoints

    assert lots.router.choose(offered, None, set()).endpoint_id in {b1, b2}  # type: ignore[union-attr]
    assert lots.router.choose(offered, None, {b1, b2}).endpoint_id == a  # type: ignore[union-attr]


def test_an_unmeasured_endpoint_is_tried_then_the_faster_one_wins() -> None:
    lots = Lots()
    exchange = lots.builder.exchange
    offered = lots.router.candidates(exchange, lots.buyer, "B", lots.builder.now_ns, 1)
    b1, b2, _ = lots.endpoints

    lots.router.observe(b1, 900.0)
    assert lots.router.choose(offered, None, set()).endpoint_id == b2  # type: ignore[union-attr]
    lots.router.observe(b2, 1_500.0)
    assert lots.router.choose(offered, None, set()).endpoint_id == b1  # type: ignore[union-attr]
    lots.router.observe_failure(b1)
    assert lots.router.choose(offered, None, set()).endpoint_id == b2  # type: ignore[union-attr]
    assert lots.router.choose(offered, None, {b2}).endpoint_id == b1  # type: ignore[union-attr]


def test_load_spreads_across_equally_fast_endpoints() -> None:
    lots = Lots()
    exchange = lots.builder.exchange
    offered = lots.router.candidates(exchange, lots.buyer, "B", lots.builder.now_ns, 1)
    for endpoint in lots.endpoints:
        lots.router.observe(endpoint, 500.0)

    chosen = []
    for _ in range(4):
        lot = lots.router.choose(offered, None, set())
        assert lot is not None
        lots.router.reserve(lot, 10)
        chosen.append(lot.endpoint_id)

    # The two B lots share the load; the A lot is kept for when no B lot is left.
    assert sorted(chosen) == sorted(lots.endpoints[:2] * 2)


@given(st.text(min_size=1, max_size=30), st.sets(st.sampled_from([0, 1, 2])))
def test_a_conversation_key_keeps_its_endpoint_until_that_one_is_excluded(
    affinity: str, excluded: set[int]
) -> None:
    lots = Lots()
    exchange = lots.builder.exchange
    offered = lots.router.candidates(exchange, lots.buyer, "B", lots.builder.now_ns, 1)
    skip = {lots.endpoints[i] for i in excluded}

    chosen = lots.router.choose(offered, affinity, set())
    again = lots.router.choose(offered, affinity, skip)

    assert chosen is not None
    if chosen.endpoint_id not in skip:
        assert again is chosen
    elif len(skip) < 3:
        assert again is not None
        assert again.endpoint_id not in skip
    else:
        assert again is None
