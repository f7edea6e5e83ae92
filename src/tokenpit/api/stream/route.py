"""`WS /api/stream`: authenticate, admit within the connection limit, serve a session."""

from __future__ import annotations

import json
import time
from typing import Final

import structlog
from fastapi import APIRouter
from starlette.websockets import WebSocket

from tokenpit.api.errors import AUTHENTICATION, error_body
from tokenpit.api.keys import account_for_key, bearer_key
from tokenpit.api.state import app_state
from tokenpit.api.stream.session import TRY_AGAIN_LATER, StreamSession

log = structlog.get_logger(__name__)

POLICY_VIOLATION: Final = 1008


async def stream(websocket: WebSocket) -> None:
    """Serve a stream connection; a key (header or `?key=`) opens the private channels."""
    state = app_state(websocket)
    await websocket.accept()
    key = bearer_key(websocket.headers.get("authorization")) or websocket.query_params.get("key")
    account = account_for_key(state.core, key) if key else None
    if key and account is None:
        body = error_body("unknown API key", error_type=AUTHENTICATION, code="unknown_api_key")
        await websocket.send_text(json.dumps(body))
        await websocket.close(POLICY_VIOLATION, "unknown API key")
        return
    if state.streams.open >= state.config.stream_connections_max:
        await websocket.close(TRY_AGAIN_LATER, "too many stream connections; retry later")
        return

    account_id = account.account_id if account else None
    started_s = time.perf_counter()
    state.streams.open += 1
    state.metrics.stream_connections.inc()
    try:
        await StreamSession(websocket, state, account).run()
    finally:
        state.streams.open -= 1
        state.metrics.stream_connections.dec()
        duration_ms = round((time.perf_counter() - started_s) * 1_000, 3)
        log.info("stream_closed", account_id=account_id, duration_ms=duration_ms)


def routes() -> APIRouter:
    """Build the stream router."""
    router = APIRouter()
    router.add_api_websocket_route("/api/stream", stream)
    return router
