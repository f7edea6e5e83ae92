"""Certificates: what an endpoint earned by measurement, and what it therefore may sell.

Grading submits `IssueCertificate`; the operator's `SetEndpointGrade` is an override that
issues a certificate of method operator (no scores) or withdraws the current one. An
endpoint holds one current certificate at a time: a new one supersedes the last. An ask
needs a current certificate that is valid (neither suspended nor withdrawn) and not yet
expired, of the instrument's grade or better. Audits and suspension: `tokenpit.core.audits`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

import msgspec

from tokenpit.core import commands as cmd
from tokenpit.core import events as ev
from tokenpit.core.effects import Effects
from tokenpit.core.outcome import CONFLICT, INVALID, NOT_FOUND, Failure
from tokenpit.core.state import (
    SUSPENDED,
    VALID,
    WITHDRAWN,
    CertificateRecord,
    EndpointRecord,
    InstrumentRecord,
    shown_status,
)

if TYPE_CHECKING:
    from tokenpit.core.exchange import Exchange

MEASURED: Final = "measured"
OPERATOR: Final = "operator"
METHODS: Final = (MEASURED, OPERATOR)
MAX_NAME: Final = 64  # categories, features, suite versions
NAME_RULE: Final = f"1 to {MAX_NAME} characters without surrounding spaces"
MAX_CATEGORIES: Final = 32
MAX_FEATURES: Final = 16
MAX_ITEMS: Final = 1_000_000
MAX_TPS: Final = 1_000_000.0
NS_PER_S: Final = 1_000_000_000
DAY_NS: Final = 86_400 * NS_PER_S
# Far enough for any re-certification cycle; near enough that every time stays an int64.
MAX_VALIDITY_NS: Final = 366 * DAY_NS
OPERATOR_VALIDITY_NS: Final = 7 * DAY_NS
OPERATOR_REASON: Final = "grade set by the operator"


def issue(ex: Exchange, fx: Effects, command: cmd.IssueCertificate) -> dict[str, Any] | Failure:
    """Issue an endpoint the certificate grading measured, superseding its current one."""
    endpoint = ex.state.endpoints.get(command.endpoint_id)
    if endpoint is None:
        return unknown_endpoint(command.endpoint_id)
    failure = _check_certificate(ex, command, fx.ts_ns)
    if failure is not None:
        return failure
    return certificate_body(_issue(ex, fx, endpoint, command), fx.ts_ns)


def set_grade(ex: Exchange, fx: Effects, command: cmd.SetEndpointGrade) -> dict[str, Any] | Failure:
    """Override an endpoint's grade: issue an operator certificate, or withdraw with None."""
    endpoint = ex.state.endpoints.get(command.endpoint_id)
    if endpoint is None:
        return unknown_endpoint(command.endpoint_id)
    if command.grade is None:
        _withdraw(ex, fx, endpoint)
        return endpoint_body(ex, endpoint)

    expires_at_ns = command.expires_at_ns
    certificate = cmd.IssueCertificate(
        endpoint_id=endpoint.endpoint_id,
        grade=command.grade,
        method=OPERATOR,
        suite_version=OPERATOR,
        overall=cmd.Score(category="overall", passed=0, items=0, lower=0.0, upper=1.0),
        scores=[],
        ttft_p95_ms=None,
        output_tps_median=None,
        context_tokens=None,
        features=[],
        items_used=0,
        expires_at_ns=fx.ts_ns + OPERATOR_VALIDITY_NS if expires_at_ns is None else expires_at_ns,
        reason=OPERATOR_REASON,
    )
    failure = _check_certificate(ex, certificate, fx.ts_ns)
    if failure is not None:
        return failure
    _issue(ex, fx, endpoint, certificate)
    return endpoint_body(ex, endpoint)


def _issue(
    ex: Exchange, fx: Effects, endpoint: EndpointRecord, command: cmd.IssueCertificate
) -> CertificateRecord:
    previous = current_certificate(ex, endpoint)
    if previous is not None:
        del ex.state.certificates[previous.certificate_id]
    ex.state.audit_windows.pop(endpoint.endpoint_id, None)  # audits count from certification

    ex.state.last_certificate_id += 1
    fields = {name: getattr(command, name) for name in _CERTIFIED_FIELDS}
    record = CertificateRecord(
        certificate_id=ex.state.last_certificate_id,
        account_id=endpoint.account_id,
        issued_ns=fx.ts_ns,
        **{**fields, "scores": list(command.scores), "features": list(command.features)},
    )
    ex.state.certificates[record.certificate_id] = record
    fx.events.append(
        ev.CertificateIssued(
            seq=fx.seq,
            ts_ns=fx.ts_ns,
            certificate_id=record.certificate_id,
            account_id=record.account_id,
            **fields,
        )
    )
    if previous is not None and previous.status == VALID:
        fx.events.append(
            ev.CertificateSuperseded(
                seq=fx.seq,
                ts_ns=fx.ts_ns,
                certificate_id=previous.certificate_id,
                endpoint_id=endpoint.endpoint_id,
                account_id=endpoint.account_id,
                by_certificate_id=record.certificate_id,
            )
        )
    set_endpoint_grade(fx, endpoint, record.grade, record.certificate_id)
    return record


_CERTIFIED_FIELDS: Final = (
    "endpoint_id",
    "grade",
    "method",
    "suite_version",
    "overall",
    "scores",
    "ttft_p95_ms",
    "output_tps_median",
    "context_tokens",
    "features",
    "items_used",
    "expires_at_ns",
    "reason",
)


def _withdraw(ex: Exchange, fx: Effects, endpoint: EndpointRecord) -> None:
    """Withdraw the endpoint's current certificate, if it still counts for anything."""
    record = current_certificate(ex, endpoint)
    if record is not None and record.status in (VALID, SUSPENDED):
        record.status = WITHDRAWN
        fx.events.append(
            ev.CertificateWithdrawn(
                seq=fx.seq,
                ts_ns=fx.ts_ns,
                certificate_id=record.certificate_id,
                endpoint_id=endpoint.endpoint_id,
                account_id=endpoint.account_id,
                reason="withdrawn by the operator",
            )
        )
    set_endpoint_grade(fx, endpoint, None, endpoint.certificate_id)


def set_endpoint_grade(
    fx: Effects, endpoint: EndpointRecord, grade: str | None, certificate_id: int | None
) -> None:
    """Set what an endpoint may sell and its current certificate, and say so."""
    endpoint.grade = grade
    endpoint.certificate_id = certificate_id
    fx.events.append(
        ev.EndpointGradeSet(
            seq=fx.seq,
            ts_ns=fx.ts_ns,
            endpoint_id=endpoint.endpoint_id,
            account_id=endpoint.account_id,
            grade=grade,
            certificate_id=certificate_id,
        )
    )


def current_certificate(ex: Exchange, endpoint: EndpointRecord) -> CertificateRecord | None:
    """Return the endpoint's current certificate, whatever its status, or None."""
    if endpoint.certificate_id is None:
        return None
    return ex.state.certificates.get(endpoint.certificate_id)


def ask_refusal(
    ex: Exchange, endpoint: EndpointRecord, instrument: InstrumentRecord, now_ns: int
) -> Failure | None:
    """Return why `endpoint` may not offer `instrument` now, or None if its certificate does."""
    certificate = current_certificate(ex, endpoint)
    held = _unusable(certificate, now_ns)
    if held is not None or certificate is None or certificate.grade is None:
        return Failure(
            kind=CONFLICT,
            code="certificate_required",
            param="endpoint_id",
            message=f"endpoint {endpoint.endpoint_id} holds {held}; {instrument.symbol} needs "
            f"a valid certificate of grade {instrument.grade} or better",
        )
    if not ex.spec.can_deliver(certificate.grade, instrument.grade):
        return Failure(
            kind=CONFLICT,
            code="grade_required",
            param="endpoint_id",
            message=f"endpoint {endpoint.endpoint_id} holds certificate "
            f"{certificate.certificate_id} of grade {certificate.grade}; "
            f"{instrument.symbol} needs grade {instrument.grade} or better",
        )
    return None


def _unusable(certificate: CertificateRecord | None, now_ns: int) -> str | None:
    """Describe a certificate that permits no ask (None: it permits its grade)."""
    if certificate is None:
        return "no certificate"
    name = f"certificate {certificate.certificate_id}"
    if certificate.status == SUSPENDED:
        return f"{name}, suspended: {certificate.suspended_reason}"
    if certificate.status != VALID:
        return f"{name}, {certificate.status}"
    if certificate.grade is None:
        return f"{name}, which earned no grade"
    if now_ns >= certificate.expires_at_ns:
        expired = dt.datetime.fromtimestamp(certificate.expires_at_ns // NS_PER_S, dt.UTC)
        expired_at = expired.isoformat().replace("+00:00", "Z")
        return f"{name} of grade {certificate.grade}, which expired at {expired_at}"
    return None


def is_valid(certificate: CertificateRecord, now_ns: int) -> bool:
    """Tell whether a certificate is in force: valid status and not yet expired."""
    return certificate.status == VALID and now_ns < certificate.expires_at_ns


def certificate_body(record: CertificateRecord, now_ns: int) -> dict[str, Any]:
    """Return a certificate as the API shows it (audit figures only by completed hour)."""
    body: dict[str, Any] = msgspec.to_builtins(record)
    body["id"] = body.pop("certificate_id")
    body["status"] = shown_status(record.status, record.expires_at_ns, now_ns)
    # A count that moves with each audit would time it: a fresh certificate shows none yet.
    for hidden in ("audits", "audit_passed", "last_audit_ns"):
        del body[hidden]
    return {**body, "audits": 0, "audit_passed": 0}


def endpoint_body(ex: Exchange, record: EndpointRecord) -> dict[str, Any]:
    """Return an endpoint as the API shows it (never a credential)."""
    certificate = current_certificate(ex, record)
    status = None
    if certificate is not None:
        status = shown_status(certificate.status, certificate.expires_at_ns, ex.state.now_ns)
    return {
        "id": record.endpoint_id,
        "account_id": record.account_id,
        "url": record.url,
        "model": record.model,
        "capacity_units": record.capacity_units,
        "grade": record.grade,
        "certificate_id": record.certificate_id,
        "certificate_status": status,
    }


def unknown_endpoint(endpoint_id: int) -> Failure:
    """Return the failure of a command naming an endpoint that does not exist."""
    return Failure(
        kind=NOT_FOUND,
        code="unknown_endpoint",
        param="endpoint_id",
        message=f"no endpoint {endpoint_id}",
    )


def bad_field(param: str, rule: str, got: object, code: str = "bad_certificate") -> Failure:
    """Return the failure of a field that breaks `rule`."""
    return Failure(
        kind=INVALID,
        code=code,
        param=param,
        message=f"{param} must be {rule}, got {got}",
    )


def is_name(text: str) -> bool:
    """Tell whether `text` may name a category, feature or suite version (NAME_RULE)."""
    return 1 <= len(text) <= MAX_NAME and text == text.strip()


def _within(value: float | None, high: float) -> bool:
    return value is None or 0 <= value <= high


def _check_certificate(ex: Exchange, command: cmd.IssueCertificate, now_ns: int) -> Failure | None:
    """Return the first rule the certificate breaks, naming its field and value."""
    if command.grade is not None and command.grade not in ex.spec.grade_names:
        return Failure(
            kind=INVALID,
            code="unknown_grade",
            param="grade",
            message=f"grade must be one of {list(ex.spec.grade_names)} or null, "
            f"got {command.grade!r}",
        )
    problem = next(_problems(command, now_ns), None)
    return None if problem is None else bad_field(*problem)


def _problems(command: cmd.IssueCertificate, now_ns: int) -> Iterator[tuple[str, str, object]]:
    """Yield (field, rule, value) for each rule the certificate breaks, in field order."""
    if command.method not in METHODS:
        yield "method", f"one of {list(METHODS)}", repr(command.method)
    if not is_name(command.suite_version):
        yield "suite_version", NAME_RULE, repr(command.suite_version)
    yield from _score_problems(command)
    if not _within(command.ttft_p95_ms, cmd.MAX_MS):
        yield "ttft_p95_ms", f"0 to {cmd.MAX_MS:,} or null", command.ttft_p95_ms
    if not _within(command.output_tps_median, MAX_TPS):
        yield "output_tps_median", f"0 to {MAX_TPS:,.0f} or null", command.output_tps_median
    if not _within(command.context_tokens, cmd.MAX_TOKENS):
        yield "context_tokens", f"0 to {cmd.MAX_TOKENS:,} or null", command.context_tokens
    yield from _feature_problems(command.features)
    if not 0 <= command.items_used <= MAX_ITEMS:
        yield "items_used", f"0 to {MAX_ITEMS:,}", command.items_used
    if not now_ns < command.expires_at_ns <= now_ns + MAX_VALIDITY_NS:
        rule = f"after the command's time ({now_ns}) and at most 366 days later"
        yield "expires_at_ns", rule, command.expires_at_ns
    if not 1 <= len(command.reason) <= cmd.MAX_REASON_CHARS:
        yield (
            "reason",
            f"1 to {cmd.MAX_REASON_CHARS} characters",
            f"{len(command.reason)} characters",
        )


def _feature_problems(features: list[str]) -> Iterator[tuple[str, str, object]]:
    if len(features) > MAX_FEATURES:
        yield "features", f"at most {MAX_FEATURES} names", f"{len(features)} names"
    for index, feature in enumerate(features):
        if not is_name(feature):
            yield f"features[{index}]", NAME_RULE, repr(feature)
        elif feature in features[:index]:
            yield f"features[{index}]", "a feature named once", repr(feature)


def _score_problems(command: cmd.IssueCertificate) -> Iterator[tuple[str, str, object]]:
    if len(command.scores) > MAX_CATEGORIES:
        yield "scores", f"at most {MAX_CATEGORIES} scores", f"{len(command.scores)} scores"
    yield from _one_score_problems("overall", command.overall)
    categories = [score.category for score in command.scores]
    for index, score in enumerate(command.scores):
        if score.category in categories[:index]:
            yield f"scores[{index}].category", "a category scored once", repr(score.category)
        yield from _one_score_problems(f"scores[{index}]", score)


def _one_score_problems(param: str, score: cmd.Score) -> Iterator[tuple[str, str, object]]:
    if not is_name(score.category):
        yield f"{param}.category", NAME_RULE, repr(score.category)
    if not 0 <= score.items <= MAX_ITEMS:
        yield f"{param}.items", f"0 to {MAX_ITEMS:,}", score.items
    if not 0 <= score.passed <= score.items:
        yield f"{param}.passed", f"0 to items ({score.items})", score.passed
    # Written so that NaN, which compares false with everything, breaks the rule too.
    if not 0 <= score.lower <= 1:
        yield f"{param}.lower", "in [0, 1]", score.lower
    if not score.lower <= score.upper <= 1:
        yield f"{param}.upper", f"in [lower ({score.lower}), 1]", score.upper
