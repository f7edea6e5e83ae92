"""The fast path for order entry: POST /api/orders without the framework's per-request machinery.

Order entry is the exchange's hottest route. FastAPI's routing, dependency
solving and response handling cost several times what the order itself costs,
so a well-formed order with a valid key is served here, inside the same
logging, rate-limit and body-limit middleware as every other request, with
the same request model, the same command and the same error rendering as the
regular route. Anything this path does not accept as it stands (no or unknown
key, a body the model refuses, another method or path) goes on, untouched, to
the regular route, which answers it exactly as documented.
"""

from __future__ import annotations

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tokenpit.api.errors import ApiError, error_response
from tokenpit.api.keys import account_for_key, bearer_key
from tokenpit.api.requests import PlaceOrderRequest
from tokenpit.api.routes.orders import place_order_command, submit_order
from tokenpit.api.state import AppState
from tokenpit.core.state import AccountRecord

PATH = "/api/orders"


class OrderEntryFastPath:
    """Serve well-formed POST /api/orders requests directly; pass everything else on."""

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app = app
        self._state = state
        # Logs and metrics name a request by its route's template: the same as the regular route.
        self._route = Route(PATH, _served_by_the_fast_path, methods=["POST"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle the request, or hand it to the application."""
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        account = self._account(scope)
        command = None
        if account is not None:
            try:
                request = PlaceOrderRequest.model_validate_json(body)
                command = place_order_command(request, account.account_id)
            except (ValidationError, ApiError):
                command = None
        if account is None or command is None:
            await self.app(scope, _replay(body, receive), send)
            return

        scope["route"] = self._route
        scope.setdefault("state", {})["account_id"] = account.account_id
        try:
            response = await submit_order(self._state, command)
        except ApiError as error:
            response = error_response(error)
        await response(scope, receive, send)

    def _account(self, scope: Scope) -> AccountRecord | None:
        for name, value in scope["headers"]:
            if name == b"authorization":
                key = bearer_key(value.decode("latin-1"))
                return account_for_key(self._state.core, key) if key else None
        return None


async def _served_by_the_fast_path(request: Request) -> Response:
    raise NotImplementedError("the fast path answers before any route")  # pragma: no cover


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Return a receive that gives the body already read, then the client's own messages."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
