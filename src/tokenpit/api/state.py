"""The objects one application holds, hung on `app.state` by `create_app`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends
from starlette.requests import HTTPConnection

from tokenpit.api.config import ApiConfig
from tokenpit.api.metrics import Metrics
from tokenpit.api.ratelimit import RateLimiter
from tokenpit.core.sequencer import Core
from tokenpit.endpoints import AddressPolicy, CredentialBox


@dataclass(slots=True)
class StreamCount:
    """How many WebSocket stream connections are open."""

    open: int = 0


@dataclass(frozen=True, slots=True)
class AppState:
    """Everything the routes and middleware of one application share.

    The gateway takes `address_policy` for its connector (`tokenpit.endpoints.resolver`)
    and `credentials` to open sellers' sealed keys; `credentials` is None when no key is set.
    """

    core: Core
    config: ApiConfig
    metrics: Metrics
    limiter: RateLimiter
    streams: StreamCount
    address_policy: AddressPolicy
    credentials: CredentialBox | None


def app_state(connection: HTTPConnection) -> AppState:
    """Return the application's state (a FastAPI dependency)."""
    return cast(AppState, connection.app.state.tokenpit)


State = Annotated[AppState, Depends(app_state)]
