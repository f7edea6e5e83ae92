"""One canonical log line and metrics per request, a request id, and the 500 of last resort.

Every request gets an `X-Request-Id` (the client's, if it sent a sane one) and, when
answered, one `request_completed` line: method, route template, status, duration and
account id. Neither the key nor any header is logged. An exception that escapes a route
is our bug: it is logged at ERROR with the request id and answered 500.
"""

from __future__ import annotations

import itertools
import re
import secrets
import time
from typing import Final

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tokenpit.api.errors import ApiError, error_response
from tokenpit.api.metrics import Metrics

log = structlog.get_logger(__name__)

REQUEST_ID_HEADER: Final = "X-Request-Id"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_UNMATCHED: Final = "unmatched"


class RequestLogMiddleware:
    """Tag, time, log and count every HTTP request; answer 500 for an escaped exception."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self._metrics = metrics
        # Request ids: a random prefix per process and a counter, unique without a system
        # call per request (uuid4 reads the OS's random source every time).
        self._id_prefix = secrets.token_hex(6)
        self._id_numbers = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request through the application and account for it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        offered = Headers(scope=scope).get(REQUEST_ID_HEADER)
        sane = offered is not None and _SANE_REQUEST_ID.fullmatch(offered)
        request_id = offered if sane and offered else self._new_request_id()
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started_s = time.perf_counter()
        status = 500
        responded = False

        async def tagged_send(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status = message["status"]
                responded = True
                message.setdefault("headers", [])
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, tagged_send)
        except Exception:
            log.exception(
                "request_failed", request_id=request_id, method=scope["method"], route=_route(scope)
            )
            if responded:
                raise
            error = ApiError(
                500,
                f"internal error; it is logged with request id {request_id}",
                code="internal_error",
            )
            await error_response(error)(scope, receive, tagged_send)
        finally:
            duration_s = time.perf_counter() - started_s
            route = _route(scope)
            self._metrics.observe_request(route, scope["method"], status, duration_s)
            log.info(
                "request_completed",
                method=scope["method"],
                route=route,
                status=status,
                duration_ms=round(duration_s * 1_000, 3),
                account_id=state.get("account_id"),
                request_id=request_id,
            )

    def _new_request_id(self) -> str:
        return f"{self._id_prefix}-{next(self._id_numbers):x}"


def _route(scope: Scope) -> str:
    """Return the template of the route that served the request (never its raw path)."""
    route = scope.get("route")
    if isinstance(route, BaseRoute):
        path = getattr(route, "path", None)
        if isinstance(path, str):
            return path
    return _UNMATCHED
