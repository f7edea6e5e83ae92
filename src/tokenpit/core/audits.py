"""Audits: record what the exchange's mystery-shopper requests found, and suspend on proof.

Each endpoint keeps a rolling window of its last `WINDOW` audit results since its current
certificate was issued. After every `RecordAudit` the window is tested against the
certificate's grade; an endpoint that audits show below its grade at 95% confidence is
suspended: it may sell nothing, its open asks are cancelled, and its lots of every period
not yet ended default as `tokenpit.core.delivery.default_endpoint` defaults them.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Any, Final

from tokenpit import engine as eng
from tokenpit.core import commands as cmd
from tokenpit.core import delivery, trading
from tokenpit.core import events as ev
from tokenpit.core.certificates import (
    NAME_RULE,
    bad_field,
    current_certificate,
    is_name,
    is_valid,
    set_endpoint_grade,
    unknown_endpoint,
)
from tokenpit.core.effects import Effects
from tokenpit.core.outcome import Failure
from tokenpit.core.state import SUSPENDED, CertificateRecord, EndpointRecord, shown_status
from tokenpit.grading.stats import interval
from tokenpit.specs import Grade

if TYPE_CHECKING:
    from tokenpit.core.exchange import Exchange

WINDOW: Final = 200  # results kept per endpoint
MAX_RESULTS: Final = WINDOW  # per command
MIN_OVERALL: Final = 20  # results before the overall rate is tested
MIN_CATEGORY: Final = 10  # results of a category before that category is tested
CANCEL_SUSPENDED: Final = "certificate_suspended"


def record(ex: Exchange, fx: Effects, command: cmd.RecordAudit) -> dict[str, Any] | Failure:
    """Record audit results against the endpoint's current certificate; suspend if proven."""
    endpoint = ex.state.endpoints.get(command.endpoint_id)
    if endpoint is None:
        return unknown_endpoint(command.endpoint_id)
    failure = _check_results(command.results)
    if failure is not None:
        return failure

    certificate = current_certificate(ex, endpoint)
    certificate_id = None if certificate is None else certificate.certificate_id
    for result in command.results:
        fx.events.append(
            ev.AuditRecorded(
                seq=fx.seq,
                ts_ns=fx.ts_ns,
                endpoint_id=endpoint.endpoint_id,
                account_id=endpoint.account_id,
                certificate_id=certificate_id,
                category=result.category,
                passed=result.passed,
                ttft_ms=result.ttft_ms,
                reason=result.reason,
            )
        )
    status = None
    if certificate is not None:
        _count(ex, fx, endpoint, certificate, command.results)
        status = shown_status(certificate.status, certificate.expires_at_ns, fx.ts_ns)
    return {
        "endpoint_id": endpoint.endpoint_id,
        "certificate_id": certificate_id,
        "recorded": len(command.results),
        "certificate_status": status,
    }


def _count(
    ex: Exchange,
    fx: Effects,
    endpoint: EndpointRecord,
    certificate: CertificateRecord,
    results: list[cmd.AuditResult],
) -> None:
    """Add results to the certificate's counters and window; suspend it if they prove it."""
    certificate.audits += len(results)
    certificate.audit_passed += sum(result.passed for result in results)
    certificate.last_audit_ns = fx.ts_ns
    window = ex.state.audit_windows.setdefault(endpoint.endpoint_id, [])
    window += [(result.category, result.passed) for result in results]
    del window[:-WINDOW]

    # Audits of a certificate no longer in force are kept as evidence but decide nothing.
    if certificate.grade is None or not is_valid(certificate, fx.ts_ns):
        return
    full = certificate.audits > len(window)
    since = f"in the last {WINDOW} audits" if full else "since certification"
    reason = shortfall(ex.spec.grade(certificate.grade), window, since)
    if reason is not None:
        _suspend(ex, fx, endpoint, certificate, reason)


def shortfall(grade: Grade, window: list[tuple[str, bool]], since: str) -> str | None:
    """Return why `window` proves an endpoint below `grade`, or None if it does not.

    The test is on the *upper* 95% bound: it falls below a floor only once the audits
    show, at 95% confidence, that the true pass rate is under it. A lower bound would
    suspend every honest seller: over a small window it lies far below the observed rate
    (20 of 20 passed still gives a lower bound of 0.84, under grade A's 0.85), and
    certification already needed it above the floor. Each test is repeated after every
    audit, so an endpoint whose true rate sits right at its floor is suspended now and
    then by chance; one certified above its floor almost never is.
    """
    passed = sum(ok for _, ok in window)
    if len(window) >= MIN_OVERALL:
        upper = interval(passed, len(window)).upper
        if upper < grade.quality_min:
            return (
                f"audits: {passed} of {len(window)} passed {since}; upper 95% bound "
                f"{_floored(upper)} < quality_min {grade.quality_min:.2f} of grade {grade.name}"
            )

    items = Counter(category for category, _ in window)
    passes = Counter(category for category, ok in window if ok)
    for category in sorted(items):
        if items[category] < MIN_CATEGORY:
            continue
        upper = interval(passes[category], items[category]).upper
        if upper < grade.category_floor:
            return (
                f"audits: {passes[category]} of {items[category]} {category} items passed "
                f"{since}; upper 95% bound {_floored(upper)} < category_floor "
                f"{grade.category_floor:.2f} of grade {grade.name}"
            )
    return None


def _floored(bound: float) -> str:
    """Show a bound to two places, rounded down, so it never reads as equal to its floor."""
    return f"{math.floor(bound * 100) / 100:.2f}"


def _suspend(
    ex: Exchange,
    fx: Effects,
    endpoint: EndpointRecord,
    certificate: CertificateRecord,
    reason: str,
) -> None:
    """Suspend the certificate: the endpoint sells nothing and its lots default."""
    certificate.status = SUSPENDED
    certificate.suspended_reason = reason
    fx.events.append(
        ev.CertificateSuspended(
            seq=fx.seq,
            ts_ns=fx.ts_ns,
            certificate_id=certificate.certificate_id,
            endpoint_id=endpoint.endpoint_id,
            account_id=endpoint.account_id,
            reason=reason,
        )
    )
    set_endpoint_grade(fx, endpoint, None, certificate.certificate_id)

    # Asks first, of every period, so that no further lot comes of them.
    asks = [o.order_id for o in ex.state.orders.values() if o.endpoint_id == endpoint.endpoint_id]
    for order_id in sorted(asks):
        _cancel_ask(ex, fx, order_id)

    # Lots of ended periods have settled and left the clearing state: these are the rest.
    lots = ex.clearing.state.lots.values()
    periods = {lot.period_start_ns for lot in lots if lot.endpoint_id == endpoint.endpoint_id}
    for period_start_ns in sorted(periods):
        default = cmd.DefaultEndpoint(
            endpoint_id=endpoint.endpoint_id,
            period_start_ns=period_start_ns,
            reason=f"certificate {certificate.certificate_id} suspended by audits",
        )
        outcome = delivery.default_endpoint(ex, fx, default)
        assert not isinstance(outcome, Failure), outcome  # the endpoint exists, the reason fits


def _cancel_ask(ex: Exchange, fx: Effects, order_id: int) -> None:
    """Cancel an ask, its reason saying why: the engine only knows it was asked to."""
    engine_events = [
        eng.OrderCancelled(e.seq, e.instrument, e.order_id, e.lots, CANCEL_SUSPENDED)
        if isinstance(e, eng.OrderCancelled)
        else e
        for e in ex.engine.cancel(order_id)
    ]
    failure = trading.apply_engine_events(ex, fx, engine_events)
    assert failure is None, failure  # the order rests: its endpoint's asks come from the state


def _check_results(results: list[cmd.AuditResult]) -> Failure | None:
    """Return the first rule the audit results break, naming the field and value."""
    if not 1 <= len(results) <= MAX_RESULTS:
        return _bad("results", f"1 to {MAX_RESULTS} results", f"{len(results)} results")
    for index, result in enumerate(results):
        param = f"results[{index}]"
        if not is_name(result.category):
            return _bad(f"{param}.category", NAME_RULE, repr(result.category))
        if result.ttft_ms is not None and not 0 <= result.ttft_ms <= cmd.MAX_MS:
            return _bad(f"{param}.ttft_ms", f"0 to {cmd.MAX_MS:,} or null", result.ttft_ms)
        if len(result.reason) > cmd.MAX_REASON_CHARS:
            rule = f"at most {cmd.MAX_REASON_CHARS} characters"
            return _bad(f"{param}.reason", rule, f"{len(result.reason)} characters")
    return None


def _bad(param: str, rule: str, got: object) -> Failure:
    return bad_field(param, rule, got, code="bad_audit")
