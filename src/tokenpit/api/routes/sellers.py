"""Sellers, public: each endpoint's certificate and how its deliveries went.

What anyone may see of a seller is what it delivers, never where or how: no URL, model,
credential or owner. Audits are not deliveries, so nothing here moves when one lands.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from starlette.requests import Request

from tokenpit.api.certificate_models import Seller
from tokenpit.api.reading import in_thread
from tokenpit.api.responses import Listing
from tokenpit.api.routes import error_responses
from tokenpit.api.state import State
from tokenpit.core.state import shown_status
from tokenpit.gateway import Gateway
from tokenpit.storage import Row

RECENT_DELIVERIES: Final = 1_000
SHARE_DIGITS: Final = 4


async def list_sellers(state: State, request: Request) -> dict[str, Any]:
    """List every endpoint with its certificate and its delivery record, oldest first."""
    rows = await in_thread(state.core.store.endpoint_deliveries, RECENT_DELIVERIES)
    now_ns = state.core.clock.now_ns()
    gateway: Gateway = request.app.state.gateway
    return {"data": [_seller(row, now_ns, gateway) for row in rows]}


def _seller(row: Row, now_ns: int, gateway: Gateway) -> dict[str, Any]:
    drift = gateway.usage_drift(row["endpoint_id"])
    status = row["certificate_status"]
    if status is not None:
        status = shown_status(status, row["certificate_expires_at_ns"], now_ns)
    return {
        "endpoint_id": row["endpoint_id"],
        "grade": row["grade"],
        "certificate_id": row["certificate_id"],
        "certificate_status": status,
        "certificate_expires_at_ns": row["certificate_expires_at_ns"],
        "deliveries": row["deliveries"],
        **delivery_stats(row["recent"]),
        "usage_drift": None if drift is None else "; ".join(drift.reasons),
    }


def delivery_stats(recent: list[tuple[str, int]]) -> dict[str, Any]:
    """Return the shares of failed and off-grade deliveries and the ttft percentiles.

    `recent` holds (outcome, ttft_ms) pairs; the percentiles are of those not failed.
    """
    count = len(recent)
    failed = sum(1 for outcome, _ in recent if outcome == "failed")
    off_grade = sum(1 for outcome, _ in recent if outcome == "off_grade")
    ttfts_ms = sorted(ttft_ms for outcome, ttft_ms in recent if outcome != "failed")
    return {
        "recent_deliveries": count,
        "failed_share": round(failed / count, SHARE_DIGITS) if count else None,
        "off_grade_share": round(off_grade / count, SHARE_DIGITS) if count else None,
        "ttft_p50_ms": percentile(ttfts_ms, 50),
        "ttft_p95_ms": percentile(ttfts_ms, 95),
    }


def percentile(ordered: list[int], percent: int) -> int | None:
    """Return the nearest-rank `percent`th percentile of ascending values (None if empty)."""
    if not ordered:
        return None
    rank = -(-percent * len(ordered) // 100)  # ceil, in integers
    return ordered[max(rank, 1) - 1]


def routes() -> APIRouter:
    """Build the sellers router (public: no key needed)."""
    router = APIRouter(tags=["certificates"], responses=error_responses())
    router.add_api_route(
        "/api/sellers",
        list_sellers,
        methods=["GET"],
        response_model=Listing[Seller],
        summary="Every endpoint's certificate and delivery record (public)",
    )
    return router
