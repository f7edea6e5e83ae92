"""Sellers' endpoints: register one (seller), list them, set one's grade (operator)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from tokenpit.api.auth import OPERATOR, Caller, Operator
from tokenpit.api.dispatch import submit
from tokenpit.api.reading import in_thread
from tokenpit.api.requests import MAX_ID, RegisterEndpointRequest, SetGradeRequest
from tokenpit.api.responses import Endpoint, Listing
from tokenpit.api.routes import error_responses
from tokenpit.api.state import State
from tokenpit.core.commands import RegisterEndpoint, SetEndpointGrade

EndpointId = Annotated[int, Path(ge=1, le=MAX_ID, description="the endpoint's id")]


async def register_endpoint(
    body: RegisterEndpointRequest, caller: Caller, state: State
) -> dict[str, Any]:
    """Register an OpenAI-compatible endpoint of yours (seller role); it has no grade yet."""
    command = RegisterEndpoint(
        account_id=caller.account_id,
        url=body.url,
        model=body.model,
        capacity_units=body.capacity_units,
    )
    return await submit(state, command)


async def list_endpoints(caller: Caller, state: State) -> dict[str, Any]:
    """List your endpoints; an operator sees every account's."""
    account_id = None if OPERATOR in caller.roles else caller.account_id
    rows = await in_thread(state.core.store.endpoints, account_id)
    return {"data": [{**row, "id": row["endpoint_id"]} for row in rows]}


async def set_grade(
    endpoint_id: EndpointId, body: SetGradeRequest, operator: Operator, state: State
) -> dict[str, Any]:
    """Set the grade an endpoint may sell, or null to withdraw it (operator)."""
    return await submit(state, SetEndpointGrade(endpoint_id=endpoint_id, grade=body.grade))


def routes() -> APIRouter:
    """Build the endpoints router."""
    router = APIRouter(tags=["endpoints"], responses=error_responses())
    router.add_api_route(
        "/api/endpoints",
        register_endpoint,
        methods=["POST"],
        status_code=201,
        response_model=Endpoint,
        summary="Register an endpoint (seller)",
    )
    router.add_api_route(
        "/api/endpoints",
        list_endpoints,
        methods=["GET"],
        response_model=Listing[Endpoint],
        summary="List your endpoints (an operator: all)",
    )
    router.add_api_route(
        "/api/endpoints/{endpoint_id}/grade",
        set_grade,
        methods=["PUT"],
        response_model=Endpoint,
        summary="Set an endpoint's grade (operator)",
    )
    return router
