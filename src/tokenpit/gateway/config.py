"""The gateway's settings: one frozen value, built by whoever builds the app."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """Limits and timeouts of the OpenAI-compatible gateway.

    A seller gets `first_byte_timeout_s` to start its answer (headers and first event);
    until then a failure is invisible to the buyer and the next lot is tried. After
    `default_after_failures` failed requests in a row in one period, an endpoint's
    remaining lots of that period default.
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

    def __post_init__(self) -> None:
        for name in (
            "max_body_bytes",
            "max_attempts",
            "default_after_failures",
            "output_estimate_tokens",
            "upstream_connections_max",
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
