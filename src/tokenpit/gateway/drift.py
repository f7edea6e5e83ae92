"""Flag sellers whose reported token usage drifts from the exchange's reference count.

Buyers pay by the reference count, so a seller's own usage figures never move money; a
seller whose figures stray far from it is still worth an operator's look: it may run another
model than it was certified with, or report usage carelessly. The tracker keeps, per
endpoint, the last `window_requests` requests' reported and reference counts and compares
their sums, input and output separately.

An endpoint is flagged for a direction once its window holds at least `min_requests` requests
with reported usage and `min_reference_tokens` reference tokens in that direction, and the
reported sum differs from the reference sum by more than `tolerance_pct` of it. The default
10% is wider than the gap between cl100k_base and the other large-vocabulary tokenizers of
current models on ordinary chat text (a few percent), plus the framing tokens chat templates
add, yet narrower than what a changed model family or inflated reports produce. A requests
minimum of 20 and a tokens minimum of 2,000 keep a handful of short, framing-heavy prompts
from deciding. Requests without reported usage raise a separate flag when they are more than
`tolerance_pct` of the window: a stream cut short may lose its usage, a seller that never
reports it is different.

Memory is bounded: `window_requests` samples per endpoint, `endpoints_max` endpoints (the
least recently recorded is forgotten first).
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Final

WINDOW_REQUESTS: Final = 200
MIN_REQUESTS: Final = 20
MIN_REFERENCE_TOKENS: Final = 2_000
TOLERANCE_PCT: Final = 10
ENDPOINTS_MAX: Final = 10_000

_PERCENT: Final = 100


@dataclass(frozen=True, slots=True)
class UsageSample:
    """Hold one request's token counts: reported by the seller, and reference.

    A seller's count is None when it did not report it; one missing count makes the request
    one without usage.
    """

    reported_in: int | None
    reported_out: int | None
    reference_in: int
    reference_out: int


@dataclass(frozen=True, slots=True)
class DriftReport:
    """Describe an endpoint's window: its sums, and why it is flagged (no reasons: it is not).

    Reported and reference sums cover the requests with reported usage only.
    """

    endpoint_id: int
    requests: int
    requests_without_usage: int
    reported_in: int
    reference_in: int
    reported_out: int
    reference_out: int
    reasons: tuple[str, ...]

    @property
    def input_ratio(self) -> float | None:
        """Return reported over reference input tokens, or None without reference tokens."""
        return self.reported_in / self.reference_in if self.reference_in else None

    @property
    def output_ratio(self) -> float | None:
        """Return reported over reference output tokens, or None without reference tokens."""
        return self.reported_out / self.reference_out if self.reference_out else None


class _Window:
    """Keep an endpoint's last samples and their running sums."""

    def __init__(self, size: int) -> None:
        self.samples: deque[UsageSample] = deque(maxlen=size)
        self.without_usage = 0
        self.reported_requests = 0
        # Sums over requests with reported usage only, so that both sides count the same ones.
        self.reported_in = self.reference_in = 0
        self.reported_out = self.reference_out = 0

    def add(self, sample: UsageSample) -> None:
        if len(self.samples) == self.samples.maxlen:
            self._count(self.samples[0], -1)
        self.samples.append(sample)
        self._count(sample, 1)

    def _count(self, sample: UsageSample, sign: int) -> None:
        if sample.reported_in is None or sample.reported_out is None:
            self.without_usage += sign
            return
        self.reported_requests += sign
        self.reported_in += sign * sample.reported_in
        self.reference_in += sign * sample.reference_in
        self.reported_out += sign * sample.reported_out
        self.reference_out += sign * sample.reference_out


class DriftTracker:
    """Track, per endpoint, how far sellers' reported usage strays from the reference count."""

    def __init__(
        self,
        *,
        window_requests: int = WINDOW_REQUESTS,
        min_requests: int = MIN_REQUESTS,
        min_reference_tokens: int = MIN_REFERENCE_TOKENS,
        tolerance_pct: int = TOLERANCE_PCT,
        endpoints_max: int = ENDPOINTS_MAX,
    ) -> None:
        if not 1 <= min_requests <= window_requests:
            raise ValueError(
                f"min_requests {min_requests} must be 1 to window_requests {window_requests}"
            )
        if min_reference_tokens < 1 or tolerance_pct < 0 or endpoints_max < 1:
            raise ValueError(
                f"min_reference_tokens {min_reference_tokens} and endpoints_max "
                f"{endpoints_max} must be >= 1, tolerance_pct {tolerance_pct} >= 0"
            )
        self.window_requests = window_requests
        self.min_requests = min_requests
        self.min_reference_tokens = min_reference_tokens
        self.tolerance_pct = tolerance_pct
        self.endpoints_max = endpoints_max
        self._windows: OrderedDict[int, _Window] = OrderedDict()

    def record(
        self,
        endpoint_id: int,
        reported_in: int | None,
        reported_out: int | None,
        reference_in: int,
        reference_out: int,
    ) -> None:
        """Add one request's counts; None for a seller's count it did not report.

        Raises `ValueError` on a negative count.
        """
        for name, count in (
            ("reported_in", reported_in),
            ("reported_out", reported_out),
            ("reference_in", reference_in),
            ("reference_out", reference_out),
        ):
            if count is not None and count < 0:
                raise ValueError(f"{name} {count} must be >= 0")

        window = self._windows.pop(endpoint_id, None) or _Window(self.window_requests)
        self._windows[endpoint_id] = window
        if len(self._windows) > self.endpoints_max:
            self._windows.popitem(last=False)
        window.add(UsageSample(reported_in, reported_out, reference_in, reference_out))

    def drifting(self, endpoint_id: int) -> DriftReport | None:
        """Return why `endpoint_id` is flagged, or None when it is not (or is unknown)."""
        report = self.report(endpoint_id)
        return report if report is not None and report.reasons else None

    def report(self, endpoint_id: int) -> DriftReport | None:
        """Return the sums over `endpoint_id`'s window and any flags; None when unknown."""
        window = self._windows.get(endpoint_id)
        if window is None:
            return None

        reasons = [
            reason
            for reason in (
                self._direction_reason("input", window.reported_in, window.reference_in, window),
                self._direction_reason("output", window.reported_out, window.reference_out, window),
                self._missing_reason(window),
            )
            if reason is not None
        ]
        return DriftReport(
            endpoint_id=endpoint_id,
            requests=len(window.samples),
            requests_without_usage=window.without_usage,
            reported_in=window.reported_in,
            reference_in=window.reference_in,
            reported_out=window.reported_out,
            reference_out=window.reference_out,
            reasons=tuple(reasons),
        )

    def forget(self, endpoint_id: int) -> None:
        """Drop an endpoint's samples, as when it is re-certified or removed."""
        self._windows.pop(endpoint_id, None)

    def _direction_reason(
        self, direction: str, reported: int, reference: int, window: _Window
    ) -> str | None:
        if window.reported_requests < self.min_requests or reference < self.min_reference_tokens:
            return None
        if abs(reported - reference) * _PERCENT <= self.tolerance_pct * reference:
            return None
        return (
            f"{direction} usage reported {reported} tokens against a reference {reference} "
            f"over {window.reported_requests} requests: off by more than {self.tolerance_pct}%"
        )

    def _missing_reason(self, window: _Window) -> str | None:
        requests = len(window.samples)
        if requests < self.min_requests:
            return None
        if window.without_usage * _PERCENT <= self.tolerance_pct * requests:
            return None
        return (
            f"usage missing from {window.without_usage} of {requests} requests: "
            f"more than {self.tolerance_pct}%"
        )
