"""The caller's own records: lots (delivery obligations), deliveries and ledger entries."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from tokenpit.api.auth import Caller
from tokenpit.api.reading import in_thread, next_before_id
from tokenpit.api.requests import MAX_ID
from tokenpit.api.responses import Delivery, LedgerEntry, Lot, Page
from tokenpit.api.routes import error_responses
from tokenpit.api.state import State
from tokenpit.storage import MAX_PAGE_ROWS

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_ROWS, description="rows per page")]
BeforeId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="page cursor")]


async def list_lots(
    caller: Caller,
    state: State,
    instrument: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    status: Annotated[Literal["open", "settled", "defaulted"] | None, Query()] = None,
    limit: Limit = 100,
    before_id: BeforeId = None,
) -> dict[str, Any]:
    """List the lots you bought or sold, newest first."""
    rows = await in_thread(
        state.core.store.lots,
        caller.account_id,
        instrument=instrument,
        status=status,
        limit=limit,
        before_id=before_id,
    )
    return {"data": rows, "next_before_id": next_before_id(rows, "lot_id", limit)}


async def list_deliveries(
    caller: Caller,
    state: State,
    endpoint_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Limit = 100,
    before_id: BeforeId = None,
) -> dict[str, Any]:
    """List the gateway requests you bought or served, newest first (failures included)."""
    rows = await in_thread(
        state.core.store.deliveries,
        caller.account_id,
        endpoint_id=endpoint_id,
        limit=limit,
        before_id=before_id,
    )
    return {"data": rows, "next_before_id": next_before_id(rows, "delivery_id", limit)}


async def list_ledger(
    caller: Caller, state: State, limit: Limit = 100, before_id: BeforeId = None
) -> dict[str, Any]:
    """List your ledger entries (signed µUSD per book), newest first."""
    rows = await in_thread(
        state.core.store.ledger, caller.account_id, limit=limit, before_id=before_id
    )
    return {"data": rows, "next_before_id": next_before_id(rows, "entry_id", limit)}


def routes() -> APIRouter:
    """Build the records router."""
    router = APIRouter(tags=["records"], responses=error_responses())
    router.add_api_route(
        "/api/lots", list_lots, methods=["GET"], response_model=Page[Lot], summary="Your lots"
    )
    router.add_api_route(
        "/api/deliveries",
        list_deliveries,
        methods=["GET"],
        response_model=Page[Delivery],
        summary="Your deliveries (bought or served)",
    )
    router.add_api_route(
        "/api/ledger",
        list_ledger,
        methods=["GET"],
        response_model=Page[LedgerEntry],
        summary="Your ledger entries",
    )
    return router
