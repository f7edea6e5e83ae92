"""Sellers' endpoints: register one (seller), list them, override one's grade (operator).

Registration checks where the URL leads before the core sees it (`tokenpit.endpoints`):
a host that does not resolve, or resolves to an address the exchange's policy refuses,
is a 400 naming the host, the address and the rule. A credential is sealed here, so the
journal holds only its token; no answer ever holds either, only `has_credential`.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Path

from tokenpit.api.auth import OPERATOR, Caller, Operator
from tokenpit.api.dispatch import submit
from tokenpit.api.errors import ApiError
from tokenpit.api.reading import in_thread
from tokenpit.api.requests import (
    MAX_ID,
    RegisterEndpointRequest,
    SetGradeRequest,
    credential_problem,
)
from tokenpit.api.responses import Endpoint, Listing
from tokenpit.api.routes import error_responses
from tokenpit.api.state import AppState, State
from tokenpit.api.texts import parse_time_ns
from tokenpit.core.commands import RegisterEndpoint, SetEndpointGrade
from tokenpit.core.state import shown_status
from tokenpit.endpoints import CredentialBox, EndpointAddressError, EndpointUrlError, check_host
from tokenpit.settings import Secret
from tokenpit.storage import Row

EndpointId = Annotated[int, Path(ge=1, le=MAX_ID, description="the endpoint's id")]
SELLER: Final = "seller"


async def register_endpoint(
    body: RegisterEndpointRequest, caller: Caller, state: State
) -> dict[str, Any]:
    """Register an OpenAI-compatible endpoint of yours (seller role); it has no grade yet.

    The URL's host must resolve, and to public addresses only unless the operator allows
    private ones. A credential needs the operator's TOKENPIT_CREDENTIAL_KEY.
    """
    # Refused before any lookup, so that no key without the role can probe names.
    if SELLER not in caller.roles:
        raise ApiError(403, "registering an endpoint needs the seller role", code="role_required")
    token = None if body.credential is None else _sealed(body.credential, state.credentials)
    try:
        await check_host(body.url, state.address_policy)
    except (EndpointAddressError, EndpointUrlError) as error:
        raise ApiError(400, f"url: {error}", code="endpoint_address_refused", param="url") from None

    command = RegisterEndpoint(
        account_id=caller.account_id,
        url=body.url,
        model=body.model,
        capacity_units=body.capacity_units,
        credential_token=token,
    )
    return _shown(state, await submit(state, command))


def _sealed(credential: Secret, credentials: CredentialBox | None) -> str:
    problem = credential_problem(credential)
    if problem is not None:
        raise ApiError(400, f"credential: {problem}", code="invalid_credential", param="credential")
    if credentials is None:
        raise ApiError(
            400,
            "credential: this exchange cannot store credentials, as its operator has not set "
            "TOKENPIT_CREDENTIAL_KEY; register without one, or ask the operator to set it",
            code="credential_key_missing",
            param="credential",
        )
    return credentials.seal(credential)


async def list_endpoints(caller: Caller, state: State) -> dict[str, Any]:
    """List your endpoints; an operator sees every account's."""
    account_id = None if OPERATOR in caller.roles else caller.account_id
    rows = await in_thread(state.core.store.endpoints, account_id)
    now_ns = state.core.clock.now_ns()
    return {"data": [_shown(state, _with_certificate(row, now_ns)) for row in rows]}


def _with_certificate(row: Row, now_ns: int) -> dict[str, Any]:
    """Return an endpoint row with its id and its certificate's status as shown now."""
    status = row["certificate_status"]
    if status is not None:
        status = shown_status(status, row["certificate_expires_at_ns"], now_ns)
    return {**row, "id": row["endpoint_id"], "certificate_status": status}


async def set_grade(
    endpoint_id: EndpointId, body: SetGradeRequest, operator: Operator, state: State
) -> dict[str, Any]:
    """Override an endpoint's grade (operator): issue a certificate of method operator.

    It has no scores and lasts until `expires_at` (default: 7 days); null withdraws the
    endpoint's current certificate.
    """
    expires_at_ns = None if body.expires_at is None else parse_time_ns(body.expires_at)
    command = SetEndpointGrade(
        endpoint_id=endpoint_id, grade=body.grade, expires_at_ns=expires_at_ns
    )
    try:
        return _shown(state, await submit(state, command))
    except ApiError as error:
        if error.param == "expires_at_ns":  # the core names it in ns; the API takes a time
            error.param = "expires_at"
        raise


def _shown(state: AppState, endpoint: dict[str, Any]) -> dict[str, Any]:
    """Return an endpoint's answer with `has_credential` (read models do not know it)."""
    record = state.core.exchange.state.endpoints.get(endpoint["id"])
    has_credential = record is not None and record.credential_token is not None
    return {**endpoint, "has_credential": has_credential}


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
        summary="Override an endpoint's grade: an operator certificate (operator)",
    )
    return router
