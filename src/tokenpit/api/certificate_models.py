"""Response bodies of the certificate and seller routes: what endpoints measured and deliver."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

_SCORE: JsonDict = {
    "category": "tools",
    "passed": 37,
    "items": 40,
    "lower": 0.7975,
    "upper": 0.9741,
}
_CERTIFICATE: JsonDict = {
    "id": 12,
    "endpoint_id": 3,
    "account_id": 7,
    "grade": "B",
    "method": "measured",
    "suite_version": "2026.12",
    "overall": {
        "category": "overall",
        "passed": 201,
        "items": 240,
        "lower": 0.7853,
        "upper": 0.8780,
    },
    "scores": [_SCORE],
    "ttft_p95_ms": 1_240,
    "output_tps_median": 72.5,
    "context_tokens": 32_000,
    "features": ["streaming", "tools"],
    "items_used": 240,
    "issued_ns": 1_796_303_400_000_000_000,
    "expires_at_ns": 1_796_908_200_000_000_000,
    "reason": "lower 95% bounds clear grade B's floors",
    "status": "valid",
    "suspended_reason": None,
    "audits": 36,
    "audit_passed": 31,
}


class Score(BaseModel):
    """Items passed of items tried in one category, and the 95% bounds of the pass rate."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SCORE]})

    category: str
    passed: int
    items: int
    lower: float
    upper: float


class Certificate(BaseModel):
    """What an endpoint earned by measurement: grade, scores, latency, features, expiry.

    `method` is measured (by grading) or operator (an override by hand, without scores);
    `grade` null means measured and earning no grade. `status` is valid, expired (a valid
    certificate past `expires_at_ns`), suspended (audits showed the endpoint below its
    grade: see `suspended_reason`), superseded (by a newer certificate) or withdrawn (by
    the operator). `audits` and `audit_passed` count the audits of completed hours only.
    """

    model_config = ConfigDict(json_schema_extra={"examples": [_CERTIFICATE]})

    id: int
    endpoint_id: int
    account_id: int
    grade: str | None
    method: str
    suite_version: str
    overall: Score
    scores: list[Score]
    ttft_p95_ms: int | None
    output_tps_median: float | None
    context_tokens: int | None
    features: list[str]
    items_used: int
    issued_ns: int
    expires_at_ns: int
    reason: str
    status: str = Field(description="valid, expired, suspended, superseded or withdrawn")
    suspended_reason: str | None
    audits: int
    audit_passed: int


class AuditHour(BaseModel):
    """The audits of one completed hour: how many items, how many passed."""

    hour: str = Field(examples=["2026-12-03T14:00:00Z"])
    hour_start_ns: int
    items: int
    passed: int


class CertificateDetail(Certificate):
    """A certificate with its audits by completed hour, oldest first (the last 31 days).

    Audits are shown by hour only, never one by one: a request's time would point it out
    in the seller's logs.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_CERTIFICATE,
                    "audit_history": [
                        {
                            "hour": "2026-12-03T14:00:00Z",
                            "hour_start_ns": 1_796_306_400_000_000_000,
                            "items": 6,
                            "passed": 5,
                        }
                    ],
                }
            ]
        }
    )

    audit_history: list[AuditHour]


class Seller(BaseModel):
    """An endpoint as the market sees it: its grade, certificate and how it delivers.

    Never its URL, model, credential or owner. `deliveries` counts every delivery it
    served; the shares and the time-to-first-token percentiles cover its latest
    `recent_deliveries` (at most 1,000), and are null before its first delivery. The
    percentiles are of the deliveries that did not fail, nearest rank. `usage_drift` says
    why the gateway flags the seller's own usage figures as straying from the reference count
    that buyers are charged by; it is kept in the gateway's memory and starts empty with it.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "endpoint_id": 3,
                    "grade": "B",
                    "certificate_id": 12,
                    "certificate_status": "valid",
                    "certificate_expires_at_ns": 1_796_908_200_000_000_000,
                    "deliveries": 4_210,
                    "recent_deliveries": 1_000,
                    "failed_share": 0.004,
                    "off_grade_share": 0.021,
                    "ttft_p50_ms": 412,
                    "ttft_p95_ms": 1_180,
                    "usage_drift": None,
                }
            ]
        }
    )

    endpoint_id: int
    grade: str | None = Field(description="the grade it may sell now; null for none")
    certificate_id: int | None
    certificate_status: str | None = Field(
        description="valid, expired, suspended or withdrawn; null without a certificate"
    )
    certificate_expires_at_ns: int | None
    deliveries: int
    recent_deliveries: int
    failed_share: float | None
    off_grade_share: float | None
    ttft_p50_ms: int | None
    ttft_p95_ms: int | None
    usage_drift: str | None = Field(
        description=(
            "why the seller's reported usage is flagged as straying from the reference count "
            "(by default over 10% across its last 200 requests); null when it is not"
        )
    )
