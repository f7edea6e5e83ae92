"""The gateway's settings: one frozen value, built by whoever builds the app."""

from __future__ import annotations

from dataclasses import dataclass

from tokenpit.gateway import drift


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """Limits and timeouts of the OpenAI-compatible gateway.

    A seller gets `first_byte_timeout_s` to start its answer (headers and first event);
    until then a failure is invisible to the buyer and the next lot is tried. After
    `default_after_failures` failed requests in a row in one period, an endpoint's
    remaining lots of that period default. The `drift_*` fields set when a seller's own
    usage figures are flagged as straying from the reference count (`tokenpit.gateway.drift`).
    """

    max_body_bytes: int = 8 * 1024 * 1024  # a 128k-token prompt is about 0.5 MB of text
    connect_timeout_s: float = 5.0
    first_byte_timeout_s: float = 30.0
    idle_timeout_s: float = 30.0  # the longest pause between two chunks of a stream
    total_timeout_s: float = 600.0
    max_attempts: int = 3  # sellers tried for one request before it fails
    default_after_failures: int = 5
    output_estimate_tokens: int = 1_024  # held per request in flight when max_tokens is absent
    upstream_connections_max: int = 1_000
    drift_window_requests: int = drift.WINDOW_REQUESTS
    drift_min_requests: int = drift.MIN_REQUESTS
    drift_min_reference_tokens: int = drift.MIN_REFERENCE_TOKENS
    drift_tolerance_pct: int = drift.TOLERANCE_PCT

    def __post_init__(self) -> None:
        for name in (
            "max_body_bytes",
            "max_attempts",
            "default_after_failures",
            "output_estimate_tokens",
            "upstream_connections_max",
            "drift_window_requests",
            "drift_min_requests",
            "drift_min_reference_tokens",
        ):
            if getattr(self, name) < 1:
                raise ValueError(
                    f"GatewayConfig.{name} must be at least 1, got {getattr(self, name)}"
                )
        for name in (
            "connect_timeout_s",
            "first_byte_timeout_s",
            "idle_timeout_s",
            "total_timeout_s",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"GatewayConfig.{name} must be above 0, got {getattr(self, name)}")
        if self.drift_min_requests > self.drift_window_requests:
            raise ValueError(
                f"GatewayConfig.drift_min_requests {self.drift_min_requests} must be at most "
                f"drift_window_requests {self.drift_window_requests}"
            )
        if self.drift_tolerance_pct < 0:
            raise ValueError(
                f"GatewayConfig.drift_tolerance_pct must be at least 0, got "
                f"{self.drift_tolerance_pct}"
            )
