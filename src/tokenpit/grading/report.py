"""What a certification found: the grade, the scores with bounds, latency, features."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tokenpit.grading.stats import Interval


@dataclass(frozen=True, slots=True)
class Score:
    """Items passed of those sent, with one-sided confidence bounds of the pass rate."""

    category: str  # a category name, or "overall"
    passed: int
    items: int
    lower: float
    upper: float

    @classmethod
    def of(cls, category: str, bound: Interval) -> Score:
        """Return the score of one interval."""
        return cls(category, bound.passed, bound.items, bound.lower, bound.upper)

    @property
    def rate(self) -> float:
        """Return the share passed (0 for no items)."""
        return self.passed / self.items if self.items else 0.0


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of one certification run.

    `quality_grade` is what the items alone showed; `grade` is what the endpoint earned
    once features, the context check, latency and throughput are also met (None: no
    grade). Latency figures come from the streamed grading requests themselves.
    """

    grade: str | None
    quality_grade: str | None
    reason: str
    suite_version: str
    overall: Score
    categories: tuple[Score, ...]
    items_used: int
    failed_requests: int
    features: tuple[str, ...]  # the features the probes verified
    feature_problems: dict[str, str]  # feature -> why its probe failed
    context_tokens: int | None  # the largest context check passed
    ttft_p95_ms: int | None
    output_tps_median: float | None
    duration_s: float
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready values."""
        data = asdict(self)
        data["features"] = list(self.features)
        data["categories"] = [asdict(score) for score in self.categories]
        return data
