"""Watch sellers' usage figures as deliveries are served: flag drift once, log it, count it.

Each completed delivery adds its seller-reported and reference counts to a `DriftTracker`.
When an endpoint's flag turns on, one `usage_drift_flagged` line is logged and the
`tokenpit_gateway_usage_drift_flagged` gauge goes to 1; when it turns off again, one
`usage_drift_cleared` line and 0. Buyers are charged the reference count either way.

The samples live in this gateway process: they start empty when it starts, and with several
gateway processes each judges the deliveries it served.
"""

from __future__ import annotations

from typing import Final

import structlog

from tokenpit.gateway.drift import DriftReport, DriftTracker
from tokenpit.gateway.metrics import GatewayMetrics

log = structlog.get_logger(__name__)

RATIO_DIGITS: Final = 3


class UsageDriftWatch:
    """Feed deliveries to a `DriftTracker` and report each change of an endpoint's flag."""

    def __init__(self, tracker: DriftTracker, metrics: GatewayMetrics) -> None:
        self._tracker = tracker
        self._metrics = metrics
        self._flagged: set[int] = set()

    def observe(
        self,
        endpoint_id: int,
        reported: tuple[int | None, int | None],
        reference: tuple[int, int],
    ) -> None:
        """Add one delivery's (input, output) counts: the seller's (None: not sent), the reference.

        Raises `ValueError` on a negative count (`proxying.reported_usage` never gives one).
        """
        self._tracker.record(endpoint_id, *reported, *reference)

        report = self._tracker.drifting(endpoint_id)
        if report is not None and endpoint_id not in self._flagged:
            self._flagged.add(endpoint_id)
            self._metrics.observe_usage_drift(endpoint_id, flagged=True)
            log.warning("usage_drift_flagged", **_fields(report))
        elif report is None and endpoint_id in self._flagged:
            self._flagged.discard(endpoint_id)
            self._metrics.observe_usage_drift(endpoint_id, flagged=False)
            log.info("usage_drift_cleared", endpoint_id=endpoint_id)

    def drifting(self, endpoint_id: int) -> DriftReport | None:
        """Return why `endpoint_id`'s usage figures are flagged, or None when they are not."""
        return self._tracker.drifting(endpoint_id)


def _fields(report: DriftReport) -> dict[str, object]:
    return {
        "endpoint_id": report.endpoint_id,
        "requests": report.requests,
        "reported_in": report.reported_in,
        "reference_in": report.reference_in,
        "input_ratio": _ratio(report.input_ratio),
        "reported_out": report.reported_out,
        "reference_out": report.reference_out,
        "output_ratio": _ratio(report.output_ratio),
        "reason": "; ".join(report.reasons),
    }


def _ratio(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio, RATIO_DIGITS)
