"""Orders: place, list, read, cancel and replace the caller's own."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response

from tokenpit.api.auth import Caller
from tokenpit.api.dispatch import submit_json
from tokenpit.api.errors import ApiError
from tokenpit.api.reading import in_thread, next_before_id
from tokenpit.api.requests import MAX_ID, PlaceOrderRequest, ReplaceOrderRequest
from tokenpit.api.responses import Order, OrderResult, Page
from tokenpit.api.routes import error_responses
from tokenpit.api.state import AppState, State
from tokenpit.api.texts import parse_time_ns
from tokenpit.core.commands import CancelOrder, PlaceOrder, ReplaceOrder
from tokenpit.storage import MAX_PAGE_ROWS, Row

OrderId = Annotated[int, Path(ge=1, le=MAX_ID, description="the order's id")]
Status = Literal["open", "partially_filled", "filled", "cancelled", "expired"]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_ROWS, description="rows per page")]
BeforeId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="page cursor")]
Instrument = Annotated[str | None, Query(min_length=1, max_length=64)]

# The core names the order's expiry in ns; the API takes it as an ISO time.
_PARAM_NAMES = {"expire_at_ns": "expire_at"}


def place_order_command(body: PlaceOrderRequest, account_id: int) -> PlaceOrder:
    """Turn a validated order request into the core's command; 400 for a limit without price."""
    if body.type == "limit" and body.price_micros is None:
        raise ApiError(
            400, "price_micros: required for a limit order", code="missing", param="price_micros"
        )
    default_tif = "ioc" if body.type == "market" else "gtc"
    return PlaceOrder(
        account_id=account_id,
        instrument=body.instrument,
        side=body.side,
        type=body.type,
        price_micros=body.price_micros or 0,
        lots=body.lots,
        time_in_force=body.time_in_force or default_tif,
        expire_at_ns=parse_time_ns(body.expire_at) if body.expire_at else 0,
        post_only=body.post_only,
        client_order_id=body.client_order_id,
        endpoint_id=body.endpoint_id,
    )


async def submit_order(state: AppState, command: PlaceOrder) -> Response:
    """Submit a placed order; its answer, or its error with the API's parameter names."""
    try:
        return await submit_json(state, command, status_code=201)
    except ApiError as error:
        error.param = _PARAM_NAMES.get(error.param or "", error.param)
        raise


async def place_order(body: PlaceOrderRequest, caller: Caller, state: State) -> Response:
    """Place an order; the answer holds its status and the trades it made at once.

    The fast path (tokenpit.api.fastpath) serves well-formed requests before this
    route; it answers the rest, with the same model and the same command.
    """
    return await submit_order(state, place_order_command(body, caller.account_id))


async def list_orders(
    caller: Caller,
    state: State,
    status: Annotated[Status | None, Query()] = None,
    instrument: Instrument = None,
    limit: Limit = 100,
    before_id: BeforeId = None,
) -> dict[str, Any]:
    """List your orders, newest first, optionally of one status or instrument."""
    rows = await in_thread(
        state.core.store.orders,
        caller.account_id,
        status=status,
        instrument=instrument,
        limit=limit,
        before_id=before_id,
    )
    return {
        "data": [_order(row) for row in rows],
        "next_before_id": next_before_id(rows, "order_id", limit),
    }


async def get_order(order_id: OrderId, caller: Caller, state: State) -> dict[str, Any]:
    """Return one of your orders."""
    rows = await in_thread(
        state.core.store.orders, caller.account_id, limit=1, before_id=order_id + 1
    )
    if not rows or rows[0]["order_id"] != order_id:
        raise ApiError(
            404,
            f"order {order_id} is not an order of this account",
            code="unknown_order",
            param="order_id",
        )
    return _order(rows[0])


async def cancel_order(order_id: OrderId, caller: Caller, state: State) -> Response:
    """Cancel one of your resting orders."""
    return await submit_json(state, CancelOrder(account_id=caller.account_id, order_id=order_id))


async def replace_order(
    order_id: OrderId, body: ReplaceOrderRequest, caller: Caller, state: State
) -> Response:
    """Change the price and open lots of one of your resting orders (it may trade at once)."""
    command = ReplaceOrder(
        account_id=caller.account_id,
        order_id=order_id,
        price_micros=body.price_micros,
        lots=body.lots,
    )
    return await submit_json(state, command)


def _order(row: Row) -> dict[str, Any]:
    return {**row, "id": row["order_id"]}


def routes() -> APIRouter:
    """Build the orders router."""
    router = APIRouter(tags=["orders"], responses=error_responses())
    router.add_api_route(
        "/api/orders",
        place_order,
        methods=["POST"],
        status_code=201,
        response_model=OrderResult,
        summary="Place an order",
    )
    router.add_api_route(
        "/api/orders",
        list_orders,
        methods=["GET"],
        response_model=Page[Order],
        summary="List your orders",
    )
    router.add_api_route(
        "/api/orders/{order_id}",
        get_order,
        methods=["GET"],
        response_model=Order,
        summary="Read one of your orders",
    )
    router.add_api_route(
        "/api/orders/{order_id}",
        cancel_order,
        methods=["DELETE"],
        response_model=OrderResult,
        summary="Cancel one of your orders",
    )
    router.add_api_route(
        "/api/orders/{order_id}",
        replace_order,
        methods=["PATCH"],
        response_model=OrderResult,
        summary="Replace one of your orders: new price and lots",
    )
    return router
