"""Audits: results pile up per certificate, and proof of a shortfall suspends the endpoint."""

from __future__ import annotations

import pytest

from tokenpit.clearing.ledger import ESCROW, EXCHANGE, FEES
from tokenpit.core import commands as c
from tokenpit.core import events as ev
from tokenpit.core.audits import WINDOW
from tokenpit.core.exchange import Exchange
from tokenpit.specs import default_spec
from tokenpit.testing.certificates import CATEGORIES, audit_command, certificate_command
from tokenpit.testing.core import NS_PER_S, MarketBuilder

B14 = "CHAT-B.2026-12-03T14"
B15 = "CHAT-B.2026-12-03T15"
PRICE = 2_000_000  # one lot is worth 200,000 µUSD
CASH = 10_000_000


class Market:
    """A seller certified for B, with a lot sold in 14:00 and asks resting in 14:00 and 15:00."""

    def __init__(self) -> None:
        self.builder = MarketBuilder(Exchange(default_spec()))
        self.buyer = self.builder.account("buyer", "buyer", cash_micros=CASH)
        self.seller = self.builder.account("seller", "seller", cash_micros=CASH)
        self.endpoint = self.builder.endpoint(self.seller, grade=None)
        self.builder.ok(certificate_command(self.endpoint, "B"))
        self.asks = [self.ask(B14, lots=2), self.ask(B15, lots=1)]
        self.builder.ok(
            c.PlaceOrder(
                account_id=self.buyer, instrument=B14, side="buy", price_micros=PRICE, lots=1
            )
        )

    def ask(self, instrument: str, lots: int) -> int:
        order: int = self.builder.ok(
            c.PlaceOrder(
                account_id=self.seller,
                instrument=instrument,
                side="sell",
                price_micros=PRICE,
                lots=lots,
                endpoint_id=self.endpoint,
            )
        )["id"]
        return order

    def audit(self, passed: int, failed: int = 0, category: str = "arithmetic") -> c.RecordAudit:
        return audit_command(self.endpoint, passed, failed, category)

    def spread(self, passed: int, items: int) -> c.RecordAudit:
        """Return `items` audits over every category in turn, the first `passed` passing."""
        results = [
            c.AuditResult(
                category=CATEGORIES[n % len(CATEGORIES)], passed=n < passed, ttft_ms=None, reason=""
            )
            for n in range(items)
        ]
        return c.RecordAudit(endpoint_id=self.endpoint, results=results)


@pytest.fixture
def market() -> Market:
    return Market()


def suspensions(events: list[ev.AnyEvent]) -> list[str]:
    return [e.reason for e in events if isinstance(e, ev.CertificateSuspended)]


def test_an_overall_shortfall_suspends_naming_the_figures(market: Market) -> None:
    outcome = market.builder.apply(market.spread(passed=9, items=30))

    assert suspensions(outcome.events) == [
        (
            "audits: 9 of 30 passed since certification; upper 95% bound 0.47 < quality_min 0.70 "
            "of grade B"
        )
    ]
    certificate = market.builder.exchange.state.certificates[1]
    assert (certificate.status, certificate.audits, certificate.audit_passed) == (
        "suspended",
        30,
        9,
    )
    assert market.builder.exchange.state.endpoints[market.endpoint].grade is None
    assert outcome.result is not None
    assert outcome.result["certificate_status"] == "suspended"


def test_a_category_shortfall_suspends_naming_the_category(market: Market) -> None:
    market.builder.ok(market.audit(passed=60, category="logic"))

    outcome = market.builder.apply(market.audit(passed=2, failed=10, category="tools"))

    assert suspensions(outcome.events) == [
        (
            "audits: 2 of 12 tools items passed since certification; upper 95% bound 0.44 "
            "< category_floor 0.55 of grade B"
        )
    ]


def test_suspension_cancels_every_ask_and_defaults_the_lots(market: Market) -> None:
    outcome = market.builder.apply(market.audit(passed=0, failed=10))

    cancelled = [e for e in outcome.events if isinstance(e, ev.OrderUpdated)]
    assert [(e.order_id, e.status, e.reason) for e in cancelled] == [
        (order_id, "cancelled", "certificate_suspended") for order_id in market.asks
    ]
    defaulted = [e for e in outcome.events if isinstance(e, ev.LotUpdated)]
    assert [(e.status, e.refunded_micros, e.penalty_micros) for e in defaulted] == [
        ("defaulted", 200_000, 20_000)
    ]
    assert [e.reason for e in outcome.events if isinstance(e, ev.EndpointDefaulted)] == [
        "certificate 1 suspended by audits"
    ]
    exchange = market.builder.exchange
    assert exchange.state.orders == {}
    assert exchange.balances(market.buyer)["cash_micros"] == CASH + 20_000
    assert exchange.balances(market.seller) == {
        "account_id": market.seller,
        "cash_micros": CASH - 20_000,
        "held_micros": 0,
        "bond_micros": 0,
        "available_micros": CASH - 20_000,
    }


def test_suspension_conserves_money(market: Market) -> None:
    market.builder.apply(market.audit(passed=0, failed=10))

    ledger = market.builder.exchange.clearing.state.ledger
    participants = ledger.balance(market.buyer) + ledger.balance(market.seller)
    assert ledger.total() == 0
    assert ledger.balance(EXCHANGE, ESCROW) == ledger.balance(EXCHANGE, FEES) == 0
    assert participants == 2 * CASH


def test_a_suspended_endpoint_cannot_ask_until_certified_again(market: Market) -> None:
    market.builder.apply(market.audit(passed=0, failed=10))

    refused = market.builder.apply(
        c.PlaceOrder(
            account_id=market.seller,
            instrument=B15,
            side="sell",
            price_micros=PRICE,
            lots=1,
            endpoint_id=market.endpoint,
        )
    )
    market.builder.ok(certificate_command(market.endpoint, "B"))

    assert refused.failure is not None
    assert refused.failure.message.startswith(
        "endpoint 1 holds certificate 1, suspended: audits: 0 of 10 arithmetic items passed"
    )
    assert market.ask(B15, lots=1)


def test_audits_at_the_grade_suspend_nothing(market: Market) -> None:
    outcome = market.builder.apply(market.spread(passed=25, items=30))

    assert suspensions(outcome.events) == []
    assert len([e for e in outcome.events if isinstance(e, ev.AuditRecorded)]) == 30
    assert market.builder.exchange.state.certificates[1].status == "valid"


def test_too_few_audits_prove_nothing(market: Market) -> None:
    outcome = market.builder.apply(market.audit(passed=0, failed=9))

    assert suspensions(outcome.events) == []


def test_audits_of_an_expired_certificate_are_kept_and_decide_nothing(market: Market) -> None:
    market.builder.now_ns += 8 * 86_400 * NS_PER_S

    outcome = market.builder.apply(market.audit(passed=0, failed=30))

    assert suspensions(outcome.events) == []
    assert outcome.result is not None
    assert outcome.result["certificate_status"] == "expired"
    assert market.builder.exchange.state.certificates[1].audits == 30


def test_audits_of_an_endpoint_without_a_certificate_are_recorded_only() -> None:
    builder = MarketBuilder(Exchange(default_spec()))
    endpoint = builder.endpoint(builder.account("seller", "seller"), grade=None)

    outcome = builder.apply(audit_command(endpoint, passed=1, failed=20))

    recorded = [e for e in outcome.events if isinstance(e, ev.AuditRecorded)]
    assert [e.certificate_id for e in recorded] == [None] * 21
    assert outcome.result == {
        "endpoint_id": endpoint,
        "certificate_id": None,
        "recorded": 21,
        "certificate_status": None,
    }
    assert builder.exchange.state.audit_windows == {}


def test_the_window_keeps_the_last_results_only(market: Market) -> None:
    for _ in range(3):
        market.builder.ok(market.audit(passed=100))

    window = market.builder.exchange.state.audit_windows[market.endpoint]
    assert len(window) == WINDOW
    certificate = market.builder.exchange.state.certificates[1]
    assert certificate.audits == 300


def test_once_the_window_is_full_the_reason_says_so(market: Market) -> None:
    market.builder.ok(market.audit(passed=150, category="logic"))

    outcome = market.builder.apply(market.audit(passed=2, failed=98, category="tools"))

    assert suspensions(outcome.events) == [
        (
            "audits: 102 of 200 passed in the last 200 audits; upper 95% bound 0.57 < quality_min "
            "0.70 of grade B"
        )
    ]


@pytest.mark.parametrize(
    ("results", "param", "words"),
    [
        ([], "results", "1 to 200 results, got 0 results"),
        ([c.AuditResult(category="", passed=True, ttft_ms=1, reason="")], "results[0].category",
         "1 to 64 characters"),
        ([c.AuditResult(category="logic", passed=True, ttft_ms=-1, reason="")],
         "results[0].ttft_ms", "got -1"),
        ([c.AuditResult(category="logic", passed=True, ttft_ms=None, reason="r" * 201)],
         "results[0].reason", "at most 200 characters, got 201 characters"),
    ],
)  # fmt: skip
def test_bad_results_are_refused_naming_the_field(
    market: Market, results: list[c.AuditResult], param: str, words: str
) -> None:
    outcome = market.builder.apply(c.RecordAudit(endpoint_id=market.endpoint, results=results))

    assert outcome.failure is not None
    assert (outcome.failure.kind, outcome.failure.code, outcome.failure.param) == (
        "invalid",
        "bad_audit",
        param,
    )
    assert words in outcome.failure.message
    assert outcome.events == []


def test_audits_of_an_unknown_endpoint_are_not_found(market: Market) -> None:
    outcome = market.builder.apply(audit_command(99, passed=1))

    assert outcome.failure is not None
    assert outcome.failure.kind == "not_found"
