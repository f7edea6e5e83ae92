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


@dataclass(slots=True)
class StreamCount:
    """How many WebSocket stream connections are open."""

    open: int = 0


@dataclass(frozen=True, slots=True)
class AppState:
    """Everything the routes and middleware of one application share."""

    core: Core
    config: ApiConfig
    metrics: Metrics
    limiter: RateLimiter
    streams: StreamCount


def app_state(connection: HTTPConnection) -> AppState:
    """Return the application's state (a FastAPI dependency)."""
    return cast(AppState, connection.app.state.tokenpit)


State = Annotated[AppState, Depends(app_state)]
