"""Build the API application around a running core."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Final

from fastapi import FastAPI

from tokenpit import __version__, web
from tokenpit.api.bodylimit import BodyLimitMiddleware
from tokenpit.api.config import ApiConfig
from tokenpit.api.fastpath import OrderEntryFastPath
from tokenpit.api.handlers import install_error_handlers
from tokenpit.api.metrics import Metrics
from tokenpit.api.ratelimit import RateLimiter, RateLimitMiddleware
from tokenpit.api.requestlog import RequestLogMiddleware
from tokenpit.api.routes import (
    accounts,
    certificates,
    certifications,
    endpoints,
    health,
    market,
    orders,
    prices,
    records,
    sellers,
    tickers,
)
from tokenpit.api.state import AppState, StreamCount
from tokenpit.api.stream import route as stream_route
from tokenpit.core.sequencer import Core
from tokenpit.endpoints import CredentialBox
from tokenpit.gateway import build_gateway
from tokenpit.gateway.asgi import GatewayRoutes
from tokenpit.gateway.grader import Grader

DESCRIPTION: Final = """\
An exchange where AI inference trades as a graded commodity.

**Keys.** Send `Authorization: Bearer <key>`. The operator opens accounts
(`POST /api/accounts`); an account's key is shown once, in that answer. A key sees
and changes only its own account. Market data (spec, instruments, tickers, books,
trades, candles, index, curve) and certificates and sellers need no key. The dashboard
is at `/`.

**Money.** Integer micro-USD (µUSD) in every `*_micros` field; prices are µUSD per
million units; orders are in whole lots (`lot_units` in `GET /api/specs`).

**Errors.** One shape: `{"error": {"message", "type", "param", "code"}}`. `type` is
invalid_request_error (400, 404, 409, 413), authentication_error (401),
insufficient_funds (402), permission_error (403), rate_limit_error (429, with
Retry-After), service_unavailable (503) or internal_error (500, with a request id).

**Stream.** `WS /api/stream` (key in the Authorization header or `?key=`). Send
`{"op": "subscribe", "channels": [...]}` or `"unsubscribe"`. Channels: `trades`,
`trades:<instrument>`, `book:<instrument>` (at most one message per instrument per
100 ms), `candles:<instrument>:<interval_s>`, and with a key `orders` and `account`.
Messages read `{"channel": ..., "data": {...}}`; a client that falls behind is closed
with code 1013.
"""

TAGS: Final = (
    {"name": "accounts", "description": "Open accounts, move money, read your balances."},
    {"name": "orders", "description": "Place, list, cancel and replace your orders."},
    {"name": "market data", "description": "Public: spec, instruments, books, trades, prices."},
    {"name": "endpoints", "description": "Sellers' OpenAI-compatible endpoints and grades."},
    {
        "name": "certificates",
        "description": "Public: what endpoints measured, their audits by hour, how they deliver.",
    },
    {"name": "records", "description": "Your lots and ledger entries."},
    {"name": "operations", "description": "Health and metrics."},
)


def create_app(core: Core, config: ApiConfig) -> FastAPI:
    """Return the API application for `core`, which the caller starts and stops.

    Raises `CredentialKeyError` if `config.credential_keys` holds a malformed key.
    """

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        audits = asyncio.create_task(grader.run_audits())
        try:
            yield
        finally:
            audits.cancel()
            await asyncio.gather(audits, return_exceptions=True)
            await grader.close()
            await gateway.close()

    app = FastAPI(
        title="tokenpit",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=[dict(tag) for tag in TAGS],
        lifespan=lifespan,
        # FastAPI's own OpenTelemetry hooks cost tens of µs a request even with no provider
        # configured; tokenpit has its own Prometheus metrics and request log.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    metrics = Metrics(core)
    limiter = RateLimiter(
        config.rate_limit_per_s, config.rate_limit_burst, config.rate_limit_clients_max
    )
    credentials = CredentialBox(config.credential_keys) if config.credential_keys else None
    app.state.tokenpit = AppState(
        core, config, metrics, limiter, StreamCount(), config.address_policy, credentials
    )

    gateway = build_gateway(
        core, config.gateway, metrics.registry, config.address_policy, credentials
    )
    app.state.gateway = gateway
    grader = Grader(core, gateway, config.grader)
    app.state.grader = grader

    install_error_handlers(app)
    modules = (accounts, orders, market, tickers, prices, endpoints, certifications)
    for module in (*modules, certificates, sellers, records, health, stream_route, web):
        app.include_router(module.routes())

    # Added last runs first: log and tag every request, then rate-limit, then the gateway
    # answers /v1/... (under its own, larger body limit), then cap the body, then serve
    # well-formed order entry on the fast path.
    app.add_middleware(OrderEntryFastPath, state=app.state.tokenpit)
    app.add_middleware(BodyLimitMiddleware, max_bytes=config.max_body_bytes)
    app.add_middleware(GatewayRoutes, gateway=gateway)  # bodies up to its own, larger limit
    app.add_middleware(RateLimitMiddleware, limiter=limiter, core=core)
    app.add_middleware(RequestLogMiddleware, metrics=metrics)
    return app
