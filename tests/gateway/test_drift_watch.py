"""Usage drift seen from the gateway: flagged once per change, logged and counted."""

from __future__ import annotations

import structlog
from prometheus_client import CollectorRegistry

from tokenpit.gateway.drift import DriftTracker
from tokenpit.gateway.drift_watch import UsageDriftWatch
from tokenpit.gateway.metrics import GatewayMetrics

ENDPOINT = 4
REFERENCE = (100, 100)


def watch_of(registry: CollectorRegistry, window_requests: int = 10) -> UsageDriftWatch:
    tracker = DriftTracker(window_requests=window_requests, min_requests=3, min_reference_tokens=1)
    return UsageDriftWatch(tracker, GatewayMetrics(registry))


def flag_metrics(registry: CollectorRegistry) -> tuple[float | None, float | None]:
    labels = {"endpoint": str(ENDPOINT)}
    return (
        registry.get_sample_value("tokenpit_gateway_usage_drift_flagged", labels),
        registry.get_sample_value("tokenpit_gateway_usage_drift_flags_total", labels),
    )


def test_an_over_reporting_endpoint_is_flagged_once_with_its_figures() -> None:
    registry = CollectorRegistry()
    watch = watch_of(registry)

    with structlog.testing.capture_logs() as logs:
        for _ in range(6):
            watch.observe(ENDPOINT, (100, 200), REFERENCE)

    [flagged] = [entry for entry in logs if entry["event"] == "usage_drift_flagged"]
    assert flagged["log_level"] == "warning"
    assert {key: flagged[key] for key in ("endpoint_id", "requests", "output_ratio")} == {
        "endpoint_id": ENDPOINT,
        "requests": 3,
        "output_ratio": 2.0,
    }
    assert (flagged["reported_out"], flagged["reference_out"]) == (600, 300)
    assert flagged["reason"].startswith("output usage reported 600 tokens")
    assert flag_metrics(registry) == (1.0, 1.0)
    assert watch.drifting(ENDPOINT) is not None


def test_an_endpoint_whose_figures_come_right_again_is_cleared() -> None:
    registry = CollectorRegistry()
    watch = watch_of(registry, window_requests=3)
    for _ in range(3):
        watch.observe(ENDPOINT, (100, 200), REFERENCE)

    with structlog.testing.capture_logs() as logs:
        for _ in range(3):
            watch.observe(ENDPOINT, (100, 100), REFERENCE)

    assert [entry["event"] for entry in logs] == ["usage_drift_cleared"]
    assert flag_metrics(registry) == (0.0, 1.0)
    assert watch.drifting(ENDPOINT) is None


def test_an_honest_endpoint_is_never_flagged() -> None:
    registry = CollectorRegistry()
    watch = watch_of(registry)

    with structlog.testing.capture_logs() as logs:
        for _ in range(6):
            watch.observe(ENDPOINT, (104, 97), REFERENCE)

    assert logs == []
    assert flag_metrics(registry) == (None, None)
    assert watch.drifting(ENDPOINT) is None
