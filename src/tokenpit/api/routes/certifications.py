"""Certification runs: start one for an endpoint (its seller or the operator), follow it.

A run measures the endpoint in the background (`tokenpit.gateway.grader`); its answer
comes at once with the run's id, and `GET` shows its phase and items so far, then the
certificate it produced. An endpoint has at most one run at a time.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Path
from starlette.requests import HTTPConnection

from tokenpit.api.auth import OPERATOR, Caller
from tokenpit.api.errors import ApiError
from tokenpit.api.requests import MAX_ID
from tokenpit.api.responses import CertificationRunBody, Listing
from tokenpit.api.routes import error_responses
from tokenpit.api.state import State
from tokenpit.core.state import EndpointRecord
from tokenpit.gateway.grader import Grader, RunInProgressError

EndpointId = Annotated[int, Path(ge=1, le=MAX_ID, description="the endpoint's id")]
RunId = Annotated[int, Path(ge=1, le=MAX_ID, description="the certification run's id")]


def grader(connection: HTTPConnection) -> Grader:
    """Return the application's grader (a FastAPI dependency)."""
    return cast(Grader, connection.app.state.grader)


GraderDep = Annotated[Grader, Depends(grader)]


async def start_certification(
    endpoint_id: EndpointId, caller: Caller, state: State, runs: GraderDep
) -> dict[str, Any]:
    """Start certifying your endpoint; the run goes on in the background.

    Items are generated fresh for the run; the endpoint is probed for streaming, tools
    and JSON-schema output, graded sequentially, checked at its grade's context size,
    and timed. The certificate replaces the endpoint's current one when the run ends.
    """
    endpoint = _endpoint(endpoint_id, caller, state)
    try:
        run = runs.start_certification(endpoint)
    except RunInProgressError as error:
        raise ApiError(409, str(error), code="certification_in_progress") from None
    return run.body()


async def list_certifications(
    endpoint_id: EndpointId, caller: Caller, state: State, runs: GraderDep
) -> dict[str, Any]:
    """List your endpoint's certification runs, newest first, with their progress."""
    _endpoint(endpoint_id, caller, state)
    return {"data": [run.body() for run in runs.runs(endpoint_id)]}


async def get_certification(
    endpoint_id: EndpointId, run_id: RunId, caller: Caller, state: State, runs: GraderDep
) -> dict[str, Any]:
    """Show one certification run of your endpoint."""
    _endpoint(endpoint_id, caller, state)
    run = runs.run(run_id)
    if run is None or run.endpoint_id != endpoint_id:
        raise ApiError(
            404, f"no certification run {run_id} of endpoint {endpoint_id}", code="not_found"
        )
    return run.body()


def _endpoint(endpoint_id: int, caller: Caller, state: State) -> EndpointRecord:
    """Return the endpoint if the caller owns it (or is the operator); 404 otherwise."""
    record = state.core.exchange.state.endpoints.get(endpoint_id)
    if record is None or (record.account_id != caller.account_id and OPERATOR not in caller.roles):
        raise ApiError(404, f"no endpoint {endpoint_id} of yours", code="not_found")
    return record


def routes() -> APIRouter:
    """Build the certification runs router."""
    router = APIRouter(tags=["endpoints"], responses=error_responses())
    router.add_api_route(
        "/api/endpoints/{endpoint_id}/certifications",
        start_certification,
        methods=["POST"],
        status_code=202,
        response_model=CertificationRunBody,
        summary="Start certifying an endpoint (its seller, or the operator)",
    )
    router.add_api_route(
        "/api/endpoints/{endpoint_id}/certifications",
        list_certifications,
        methods=["GET"],
        response_model=Listing[CertificationRunBody],
        summary="List an endpoint's certification runs",
    )
    router.add_api_route(
        "/api/endpoints/{endpoint_id}/certifications/{run_id}",
        get_certification,
        methods=["GET"],
        response_model=CertificationRunBody,
        summary="Show one certification run",
    )
    return router
