"""Certificates decide what an endpoint may sell: issued, superseded, expired, withdrawn."""

from __future__ import annotations

import math
from typing import Any

import msgspec
import pytest

from tokenpit.core import commands as c
from tokenpit.core import events as ev
from tokenpit.core.exchange import Exchange
from tokenpit.specs import default_spec
from tokenpit.testing.certificates import audit_command, certificate_command, score
from tokenpit.testing.core import MARKET_OPEN_NS, NS_PER_S, MarketBuilder

B14 = "CHAT-B.2026-12-03T14"
DAY_NS = 86_400 * NS_PER_S


class Seller:
    """A seller with an endpoint that holds no certificate yet."""

    def __init__(self) -> None:
        self.market = MarketBuilder(Exchange(default_spec()))
        self.account = self.market.account("seller", "seller")
        self.endpoint = self.market.endpoint(self.account, grade=None)

    def ask(self, instrument: str = B14) -> Any:
        return self.market.apply(
            c.PlaceOrder(
                account_id=self.account,
                instrument=instrument,
                side="sell",
                price_micros=2_000_000,
                lots=1,
                endpoint_id=self.endpoint,
            )
        )

    def refusal(self) -> str:
        failure = self.ask().failure
        assert failure is not None
        assert failure.param == "endpoint_id"
        return f"{failure.code}: {failure.message}"


@pytest.fixture
def seller() -> Seller:
    return Seller()


def test_a_certificate_of_the_grade_lets_the_endpoint_ask(seller: Seller) -> None:
    issued = seller.market.ok(certificate_command(seller.endpoint, "B"))

    ask = seller.ask()

    assert ask.ok, ask.failure
    assert (issued["id"], issued["grade"], issued["method"], issued["status"]) == (
        1,
        "B",
        "measured",
        "valid",
    )
    assert issued["scores"][0] == {
        "category": "arithmetic",
        "passed": 33,
        "items": 40,
        "lower": score("arithmetic", 33, 40).lower,
        "upper": score("arithmetic", 33, 40).upper,
    }
    assert (issued["issued_ns"], issued["audits"], issued["audit_passed"]) == (
        MARKET_OPEN_NS,
        0,
        0,
    )


def test_a_better_grade_may_ask_for_a_lower_one(seller: Seller) -> None:
    seller.market.ok(certificate_command(seller.endpoint, "A"))

    assert seller.ask("CHAT-C.2026-12-03T14").ok


def test_without_a_certificate_an_ask_is_refused(seller: Seller) -> None:
    assert seller.refusal() == (
        f"certificate_required: endpoint {seller.endpoint} holds no certificate; "
        f"{B14} needs a valid certificate of grade B or better"
    )


def test_a_lower_grade_certificate_is_refused_naming_both_grades(seller: Seller) -> None:
    seller.market.ok(certificate_command(seller.endpoint, "C"))

    assert seller.refusal() == (
        f"grade_required: endpoint {seller.endpoint} holds certificate 1 of grade C; "
        f"{B14} needs grade B or better"
    )


def test_an_expired_certificate_is_refused_naming_its_expiry(seller: Seller) -> None:
    seller.market.ok(certificate_command(seller.endpoint, "B", valid_s=600))

    seller.market.now_ns += 600 * NS_PER_S

    assert seller.refusal() == (
        f"certificate_required: endpoint {seller.endpoint} holds certificate 1 of grade B, "
        f"which expired at 2026-12-03T13:20:00Z; {B14} needs a valid certificate of grade B "
        "or better"
    )
    endpoint = seller.market.exchange.state.endpoints[seller.endpoint]
    assert endpoint.grade == "B"  # expiry is a matter of time, not of state


def test_a_measurement_that_earned_no_grade_sells_nothing(seller: Seller) -> None:
    issued = seller.market.ok(certificate_command(seller.endpoint, None))

    assert issued["grade"] is None
    assert seller.refusal().endswith(
        "holds certificate 1, which earned no grade; "
        f"{B14} needs a valid certificate of grade B or better"
    )


def test_a_new_certificate_supersedes_the_last_and_restarts_the_audits(seller: Seller) -> None:
    seller.market.ok(certificate_command(seller.endpoint, "C"))
    seller.market.ok(audit_command(seller.endpoint, passed=3))

    outcome = seller.market.apply(certificate_command(seller.endpoint, "B"))

    superseded = [e for e in outcome.events if isinstance(e, ev.CertificateSuperseded)]
    assert [(e.certificate_id, e.by_certificate_id) for e in superseded] == [(1, 2)]
    state = seller.market.exchange.state
    assert list(state.certificates) == [2]
    assert state.endpoints[seller.endpoint].certificate_id == 2
    assert seller.endpoint not in state.audit_windows
    assert seller.ask().ok


def test_the_operator_grade_issues_an_operator_certificate_for_a_week(seller: Seller) -> None:
    body = seller.market.ok(c.SetEndpointGrade(endpoint_id=seller.endpoint, grade="B"))

    certificate = seller.market.exchange.state.certificates[1]
    assert (body["grade"], body["certificate_id"], body["certificate_status"]) == ("B", 1, "valid")
    assert (certificate.method, certificate.items_used, certificate.scores) == ("operator", 0, [])
    assert certificate.expires_at_ns == MARKET_OPEN_NS + 7 * DAY_NS
    assert seller.ask().ok


def test_the_operator_grade_may_set_its_expiry(seller: Seller) -> None:
    expiry = MARKET_OPEN_NS + DAY_NS

    seller.market.ok(
        c.SetEndpointGrade(endpoint_id=seller.endpoint, grade="B", expires_at_ns=expiry)
    )
    late = seller.market.apply(
        c.SetEndpointGrade(endpoint_id=seller.endpoint, grade="B", expires_at_ns=MARKET_OPEN_NS)
    )

    assert seller.market.exchange.state.certificates[1].expires_at_ns == expiry
    assert late.failure is not None
    assert (late.failure.code, late.failure.param) == ("bad_certificate", "expires_at_ns")


def test_withdrawing_the_grade_withdraws_the_certificate(seller: Seller) -> None:
    seller.market.ok(c.SetEndpointGrade(endpoint_id=seller.endpoint, grade="B"))

    outcome = seller.market.apply(c.SetEndpointGrade(endpoint_id=seller.endpoint, grade=None))

    withdrawn = [e for e in outcome.events if isinstance(e, ev.CertificateWithdrawn)]
    assert [e.certificate_id for e in withdrawn] == [1]
    assert outcome.result is not None
    assert (outcome.result["grade"], outcome.result["certificate_status"]) == (None, "withdrawn")
    assert seller.refusal().endswith(
        f"holds certificate 1, withdrawn; {B14} needs a valid certificate of grade B or better"
    )


def test_a_journal_of_the_operator_grade_from_before_certificates_replays() -> None:
    old = b'{"command":"SetEndpointGrade","ts_ns":%d,"endpoint_id":1,"grade":"B"}' % (
        MARKET_OPEN_NS
    )
    command = c.decode_command(old)
    seller = Seller()

    seller.market.ok(command)

    assert isinstance(command, c.SetEndpointGrade)
    assert command.expires_at_ns is None
    assert seller.market.exchange.state.endpoints[1].grade == "B"


def test_an_unknown_endpoint_is_not_found(seller: Seller) -> None:
    outcome = seller.market.apply(certificate_command(99, "B"))

    assert outcome.failure is not None
    assert (outcome.failure.kind, outcome.failure.param) == ("not_found", "endpoint_id")


def good_score(**changes: Any) -> c.Score:
    return msgspec.structs.replace(score("logic", 30, 40), **changes)


@pytest.mark.parametrize(
    ("changes", "param", "words"),
    [
        ({"grade": "Z"}, "grade", "grade must be one of ['A', 'B', 'C'] or null, got 'Z'"),
        ({"method": "guessed"}, "method", "one of ['measured', 'operator'], got 'guessed'"),
        ({"suite_version": ""}, "suite_version", "1 to 64 characters"),
        ({"suite_version": " v1"}, "suite_version", "without surrounding spaces"),
        ({"overall": good_score(passed=41)}, "overall.passed", "0 to items (40), got 41"),
        ({"overall": good_score(items=-1)}, "overall.items", "0 to 1,000,000, got -1"),
        ({"scores": [good_score(lower=-0.1)]}, "scores[0].lower", "in [0, 1], got -0.1"),
        ({"scores": [good_score(lower=math.nan)]}, "scores[0].lower", "in [0, 1], got nan"),
        ({"scores": [good_score(upper=0.1)]}, "scores[0].upper", "in [lower"),
        ({"scores": [good_score(upper=1.5)]}, "scores[0].upper", "got 1.5"),
        ({"scores": [good_score(), good_score()]}, "scores[1].category", "scored once"),
        ({"scores": [good_score(category="")]}, "scores[0].category", "1 to 64 characters"),
        ({"scores": [good_score()] * 33}, "scores", "at most 32 scores, got 33 scores"),
        ({"ttft_p95_ms": -1}, "ttft_p95_ms", "0 to 86,400,000 or null, got -1"),
        ({"output_tps_median": math.inf}, "output_tps_median", "got inf"),
        ({"context_tokens": -5}, "context_tokens", "got -5"),
        ({"features": ["tools", "tools"]}, "features[1]", "a feature named once"),
        ({"features": ["x" * 65]}, "features[0]", "1 to 64 characters"),
        ({"features": ["f"] * 17}, "features", "at most 16 names, got 17 names"),
        ({"items_used": -1}, "items_used", "0 to 1,000,000, got -1"),
        ({"expires_at_ns": MARKET_OPEN_NS}, "expires_at_ns", "after the command's time"),
        ({"expires_at_ns": MARKET_OPEN_NS + 367 * DAY_NS}, "expires_at_ns", "366 days later"),
        ({"reason": ""}, "reason", "1 to 200 characters, got 0 characters"),
        ({"reason": "r" * 201}, "reason", "got 201 characters"),
    ],
)
def test_each_bad_field_is_refused_naming_field_value_and_rule(
    seller: Seller, changes: dict[str, Any], param: str, words: str
) -> None:
    command = msgspec.structs.replace(certificate_command(seller.endpoint, "B"), **changes)

    outcome = seller.market.apply(command)

    assert outcome.failure is not None
    assert outcome.failure.kind == "invalid"
    assert outcome.failure.param == param
    assert words in outcome.failure.message
    assert param.partition("[")[0].partition(".")[0] in outcome.failure.message
    assert seller.market.exchange.state.certificates == {}
    assert outcome.events == []


def test_snapshot_and_replay_reproduce_certificates_and_audit_windows(seller: Seller) -> None:
    commands: list[c.Command] = [
        certificate_command(seller.endpoint, "C"),
        audit_command(seller.endpoint, passed=4, failed=1),
        certificate_command(seller.endpoint, "B", suite_version="v2"),
        audit_command(seller.endpoint, passed=2, failed=2, category="tools"),
    ]
    for command in commands:
        seller.market.ok(command)
    exchange = seller.market.exchange

    restored = Exchange.restore(exchange.spec, exchange.snapshot())
    replayed = Exchange(exchange.spec)
    for seq, command in enumerate(seller.market.applied, 1):
        replayed.apply(seq, c.decode_command(c.encode_command(command)))

    assert restored.snapshot() == exchange.snapshot()
    assert replayed.snapshot() == exchange.snapshot()
    window = replayed.state.audit_windows[seller.endpoint]
    assert window == [("tools", True)] * 2 + [("tools", False)] * 2
    certificate = replayed.state.certificates[2]
    assert (certificate.suite_version, certificate.audits, certificate.audit_passed) == ("v2", 4, 2)
