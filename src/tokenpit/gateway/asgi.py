"""The gateway's HTTP face: `POST /v1/chat/completions` and `GET /v1/models`, in OpenAI's shapes.

Served as plain ASGI in front of the exchange's API (inside its logging and rate
limits, outside its smaller body limit): a proxy's added latency is what this path
costs, so no framework routing, validation or response classes sit on it.
"""

from __future__ import annotations

import time
from typing import Any

import msgspec
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tokenpit.api.keys import account_for_key, bearer_key
from tokenpit.core.state import AccountRecord
from tokenpit.gateway.errors import GatewayError
from tokenpit.gateway.request import count_input, parse_body, read_request
from tokenpit.gateway.service import Gateway

PREFIX = "/v1/"
CHAT = "/v1/chat/completions"
MODELS = "/v1/models"


class GatewayRoutes:
    """Answer the gateway's paths; pass every other request on to the application."""

    def __init__(self, app: ASGIApp, gateway: Gateway) -> None:
        self.app = app
        self.gateway = gateway
        # Logs and metrics name a request by its route template.
        self._routes = {
            CHAT: Route(CHAT, _answered_here, methods=["POST"]),
            MODELS: Route(MODELS, _answered_here, methods=["GET"]),
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a gateway request, or hand the request to the application."""
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._serve(scope, receive, watched_send)
        except GatewayError as error:
            if started:
                raise
            await send_error(error, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = scope["path"].rstrip("/"), scope["method"]
        route = self._routes.get(path)
        if route is None:
            raise GatewayError(404, f"unknown path {path}", code="unknown_url")
        scope["route"] = route
        if method not in route.methods:  # type: ignore[operator]
            raise GatewayError(
                405, f"{path} takes {sorted(route.methods or ())}", code="method_not_allowed"
            )
        account = self._account(scope)
        scope.setdefault("state", {})["account_id"] = account.account_id

        if path == MODELS:
            await send_json(200, self._models(account), send)
            return
        body = await read_body(receive, self.gateway.config.max_body_bytes)
        request = read_request(
            self.gateway.core.spec, parse_body(body), self.gateway.config.output_estimate_tokens
        )
        request = await count_input(self.gateway.meter, request)
        await self.gateway.chat(account, request, send)

    def _account(self, scope: Scope) -> AccountRecord:
        key = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                key = bearer_key(value.decode("latin-1"))
        account = account_for_key(self.gateway.core, key) if key else None
        if account is None:
            raise GatewayError(
                401,
                "a valid API key is required: send Authorization: Bearer <your tokenpit key>",
                type_="invalid_request_error",
                code="invalid_api_key",
            )
        if "buyer" not in account.roles:
            raise GatewayError(
                403,
                "the gateway serves buyers: this key's account has no buyer role",
                type_="permission_error",
                code="role_required",
            )
        return account

    def _models(self, account: AccountRecord) -> dict[str, Any]:
        """List the grades this key can use now: those its lots (or better ones) serve.

        With an auto-buy limit every grade is listed: the gateway buys as it goes.
        """
        spec = self.gateway.core.spec
        exchange = self.gateway.core.exchange
        now_ns = exchange.state.now_ns or time.time_ns()
        data = []
        for grade in spec.grade_names:
            lots = self.gateway.router.candidates(exchange, account.account_id, grade, now_ns, 1)
            units = sum(lot.units_left for lot in lots)
            if units or account.auto_buy_max_price_micros is not None:
                data.append(
                    {
                        "id": f"{spec.symbol_family}-{grade}",
                        "object": "model",
                        "created": 0,
                        "owned_by": "tokenpit",
                        "units_left": units,
                    }
                )
        return {"object": "list", "data": data}


async def read_body(receive: Receive, max_bytes: int) -> bytes:
    """Read a request body, refusing one over `max_bytes` with 413."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise GatewayError(
                413,
                f"the request body exceeds the gateway's limit of {max_bytes:,} bytes",
                code="body_too_large",
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def send_json(status: int, value: Any, send: Send) -> None:
    """Send a whole JSON answer."""
    body = msgspec.json.encode(value)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def send_error(error: GatewayError, send: Send) -> None:
    """Send an error in OpenAI's shape."""
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": error.body(), "more_body": False})


async def _answered_here(request: StarletteRequest) -> Response:
    raise NotImplementedError("the gateway answers before any route")  # pragma: no cover
