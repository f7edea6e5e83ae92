"""The API's settings: one frozen value, built by whoever builds the app."""

from __future__ import annotations

from dataclasses import dataclass, field

from tokenpit.endpoints import AddressPolicy
from tokenpit.gateway.config import GatewayConfig
from tokenpit.gateway.grader import GraderConfig
from tokenpit.settings import Secret


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """Limits and tunables of one API application.

    Rate limits are token buckets: each API key (or, without a valid key, each client
    address) may make `rate_limit_burst` requests at once and `rate_limit_per_s` a second
    after that. Stream limits bound what one WebSocket connection may cost the exchange.
    `address_policy` says where sellers' endpoints may be (public addresses only, unless it
    allows private ones); `credential_keys` are the Fernet keys that seal sellers'
    credentials, newest first (none: endpoints register without a credential only).
    """

    max_body_bytes: int = 65_536
    rate_limit_per_s: float = 1_000.0
    rate_limit_burst: int = 2_000
    rate_limit_clients_max: int = 100_000  # buckets remembered; the least recent go first
    stream_connections_max: int = 1_000
    stream_channels_max: int = 100  # per connection
    stream_queue_max: int = 1_000  # messages waiting for a slow client before it is closed
    stream_book_interval_s: float = 0.1  # at most one book message per instrument this often
    stream_book_levels: int = 20
    market_trades_max: int = 100_000  # trades one market-data request reads, newest first
    address_policy: AddressPolicy = field(default_factory=AddressPolicy)
    credential_keys: tuple[Secret, ...] = ()
    gateway: GatewayConfig = field(default_factory=GatewayConfig)
    grader: GraderConfig = field(default_factory=GraderConfig)

    def __post_init__(self) -> None:
        for name in (
            "max_body_bytes",
            "rate_limit_burst",
            "rate_limit_clients_max",
            "stream_connections_max",
            "stream_channels_max",
            "stream_queue_max",
            "stream_book_levels",
            "market_trades_max",
        ):
            value = getattr(self, name)
            if value < 1:
                raise ValueError(f"ApiConfig.{name} must be at least 1, got {value}")
        if self.rate_limit_per_s <= 0:
            raise ValueError(
                f"ApiConfig.rate_limit_per_s must be above 0, got {self.rate_limit_per_s}"
            )
        if self.stream_book_interval_s < 0:
            raise ValueError(
                "ApiConfig.stream_book_interval_s must be 0 or more, "
                f"got {self.stream_book_interval_s}"
            )
