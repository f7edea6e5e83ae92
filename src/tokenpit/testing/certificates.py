"""Build certificates and audits for tests: plausible measurements, any field replaced.

`certificate_command` gives the `IssueCertificate` a grading run could have produced for a
grade: pass counts a little above the grade's floors, with their Wilson bounds, latency and
throughput within its limits, its features. `audit_command` gives a `RecordAudit` of so
many passed and failed items of one category.
"""

from __future__ import annotations

from typing import Any

import msgspec

from tokenpit.core import commands as c
from tokenpit.grading.stats import interval
from tokenpit.specs import Spec, default_spec
from tokenpit.testing.core import MARKET_OPEN_NS, NS_PER_S

CATEGORIES = ("arithmetic", "logic", "instructions", "extraction", "tools", "retrieval")
ITEMS_PER_CATEGORY = 40
DAY_S = 86_400


def score(category: str, passed: int, items: int) -> c.Score:
    """Return a score of `passed` of `items` with its 95% Wilson bounds."""
    bounds = interval(passed, items)
    return c.Score(
        category=category, passed=passed, items=items, lower=bounds.lower, upper=bounds.upper
    )


def certificate_command(
    endpoint_id: int,
    grade: str | None = "B",
    *,
    issued_ns: int = MARKET_OPEN_NS,
    valid_s: int = 7 * DAY_S,
    spec: Spec | None = None,
    **changes: Any,
) -> c.IssueCertificate:
    """Return a measured certificate of `grade` (None: one that earned no grade)."""
    terms = (spec or default_spec()).grade(grade or "C")
    rate = 0.3 if grade is None else min(1.0, terms.quality_min + 0.12)
    passed = round(rate * ITEMS_PER_CATEGORY)
    scores = [score(category, passed, ITEMS_PER_CATEGORY) for category in CATEGORIES]
    items = ITEMS_PER_CATEGORY * len(CATEGORIES)
    command = c.IssueCertificate(
        endpoint_id=endpoint_id,
        grade=grade,
        suite_version="2026.12-test",
        overall=score("overall", passed * len(CATEGORIES), items),
        scores=scores,
        ttft_p95_ms=terms.ttft_p95_ms // 2,
        output_tps_median=float(terms.output_tps_min * 2),
        context_tokens=terms.context_tokens_min,
        features=sorted(str(feature) for feature in terms.features),
        items_used=items,
        expires_at_ns=issued_ns + valid_s * NS_PER_S,
        reason=f"measured grade {grade}" if grade else "below every grade's floors",
    )
    return msgspec.structs.replace(command, **changes)


def audit_command(
    endpoint_id: int, passed: int, failed: int = 0, category: str = "arithmetic"
) -> c.RecordAudit:
    """Return audits of one category: `passed` items passed, then `failed` failed."""
    results = [
        c.AuditResult(category=category, passed=True, ttft_ms=400, reason="correct")
    ] * passed + [
        c.AuditResult(category=category, passed=False, ttft_ms=400, reason="wrong answer")
    ] * failed
    return c.RecordAudit(endpoint_id=endpoint_id, results=results)
