"""Prometheus metrics of one application, in a registry of its own (never the global one)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from tokenpit.core.sequencer import Core

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class _CoreCollector(Collector):
    """Read the core's figures when scraped."""

    def __init__(self, core: Core) -> None:
        self._core = core

    def collect(self) -> Iterator[Metric]:
        """Yield the commands sequenced so far and whether the core has failed."""
        yield CounterMetricFamily(
            "tokenpit_core_commands",
            "Commands the core has sequenced (its sequence number).",
            value=self._core.seq,
        )
        yield GaugeMetricFamily(
            "tokenpit_core_failed",
            "1 when the core has stopped on a journal failure.",
            value=int(self._core.failed is not None),
        )


class Metrics:
    """The application's metrics: requests, latency, commands, streams, and the core's."""

    def __init__(self, core: Core) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tokenpit_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "tokenpit_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template and method.",
            ["route", "method"],
            buckets=_LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self.commands = Counter(
            "tokenpit_api_commands",
            "Commands the API submitted to the core, by command and outcome.",
            ["command", "outcome"],
            registry=self.registry,
        )
        self.commands_waiting = Gauge(
            "tokenpit_api_commands_waiting",
            "Commands the API has submitted that the core has not yet acknowledged.",
            registry=self.registry,
        )
        self.stream_connections = Gauge(
            "tokenpit_stream_connections",
            "Open WebSocket stream connections.",
            registry=self.registry,
        )
        self.registry.register(_CoreCollector(core))
        # Labelled children by their labels: `labels()` takes a lock and builds a key on every
        # call, several times per request. The label values are few (route templates, methods,
        # statuses, command names and outcomes), so the caches stay small.
        self._request_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        self._command_children: dict[tuple[str, str], Counter] = {}

    def observe_request(self, route: str, method: str, status: int, duration_s: float) -> None:
        """Count one answered request and its latency."""
        key = (route, method, status)
        children = self._request_children.get(key)
        if children is None:
            children = (
                self.requests.labels(route, method, str(status)),
                self.latency.labels(route, method),
            )
            self._request_children[key] = children
        children[0].inc()
        children[1].observe(duration_s)

    def count_command(self, command: str, outcome: str) -> None:
        """Count one command the API submitted, by its outcome (ok, a failure kind, …)."""
        key = (command, outcome)
        child = self._command_children.get(key)
        if child is None:
            child = self._command_children[key] = self.commands.labels(command, outcome)
        child.inc()

    def render(self) -> bytes:
        """Return every metric in Prometheus' text format."""
        return generate_latest(self.registry)
