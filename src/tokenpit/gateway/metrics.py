"""The gateway's Prometheus metrics, in the application's registry."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from tokenpit.core.commands import RecordDelivery
from tokenpit.gateway.measure import DeliveryMeasurement

_TTFT_BUCKETS_S = (0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.5, 5.0, 10.0, 30.0)
_DURATION_BUCKETS_S = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


class GatewayMetrics:
    """Deliveries by grade and outcome, their units, time to first token and duration.

    And, per endpoint, whether its own usage figures drift from the reference count.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self.deliveries = Counter(
            "tokenpit_gateway_deliveries",
            "Requests served against lots, by grade and outcome (on_grade, off_grade, failed).",
            ["grade", "outcome"],
            registry=registry,
        )
        self.tokens = Counter(
            "tokenpit_gateway_tokens",
            "Reference tokens delivered, by grade and direction (input, output).",
            ["grade", "direction"],
            registry=registry,
        )
        self.ttft = Histogram(
            "tokenpit_gateway_ttft_seconds",
            "Time to first token of delivered requests, by grade.",
            ["grade"],
            buckets=_TTFT_BUCKETS_S,
            registry=registry,
        )
        self.duration = Histogram(
            "tokenpit_gateway_delivery_duration_seconds",
            "Time to deliver a whole answer, by grade.",
            ["grade"],
            buckets=_DURATION_BUCKETS_S,
            registry=registry,
        )
        self.usage_drift_flagged = Gauge(
            "tokenpit_gateway_usage_drift_flagged",
            "1 while an endpoint's reported usage strays from the reference count, else 0.",
            ["endpoint"],
            registry=registry,
        )
        self.usage_drift_flags = Counter(
            "tokenpit_gateway_usage_drift_flags",
            "Times an endpoint's reported usage was flagged as straying from the reference count.",
            ["endpoint"],
            registry=registry,
        )

    def observe_delivery(
        self, grade: str, command: RecordDelivery, measurement: DeliveryMeasurement
    ) -> None:
        """Count one delivery that reached the buyer."""
        self.deliveries.labels(grade, command.outcome).inc()
        self.tokens.labels(grade, "input").inc(command.input_tokens)
        self.tokens.labels(grade, "output").inc(command.output_tokens)
        self.ttft.labels(grade).observe(measurement.ttft_ms / 1_000)
        self.duration.labels(grade).observe(measurement.duration_ms / 1_000)

    def observe_failure(self, grade: str) -> None:
        """Count one attempt a seller failed."""
        self.deliveries.labels(grade, "failed").inc()

    def observe_usage_drift(self, endpoint_id: int, *, flagged: bool) -> None:
        """Record that an endpoint's usage drift was flagged (or cleared)."""
        self.usage_drift_flagged.labels(str(endpoint_id)).set(1 if flagged else 0)
        if flagged:
            self.usage_drift_flags.labels(str(endpoint_id)).inc()
