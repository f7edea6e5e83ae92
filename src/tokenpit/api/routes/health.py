"""Operations: liveness with the core's sequence number, and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import JSONResponse, Response

from tokenpit.api.errors import ApiError, error_response
from tokenpit.api.metrics import CONTENT_TYPE
from tokenpit.api.responses import ErrorResponse, Health
from tokenpit.api.state import State


async def healthz(state: State) -> Response:
    """Answer 200 with the last sequence number, or 503 once the core has failed."""
    if state.core.failed is not None:
        return error_response(
            ApiError(503, "the exchange core has failed; see its log", code="core_failed")
        )
    return JSONResponse({"status": "ok", "seq": state.core.seq})


async def metrics(state: State) -> Response:
    """Return the metrics in Prometheus' text format."""
    return Response(state.metrics.render(), media_type=CONTENT_TYPE)


def routes() -> APIRouter:
    """Build the operations router."""
    router = APIRouter(tags=["operations"])
    router.add_api_route(
        "/healthz",
        healthz,
        methods=["GET"],
        response_model=Health,
        responses={503: {"model": ErrorResponse, "description": "The core has failed."}},
        summary="Liveness",
    )
    router.add_api_route(
        "/metrics",
        metrics,
        methods=["GET"],
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Prometheus metrics"}},
        summary="Prometheus metrics",
    )
    return router
