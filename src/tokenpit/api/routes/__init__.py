"""The API's routes, one module per resource; each module's `routes()` builds its router."""

from __future__ import annotations

from typing import Any

from tokenpit.api.responses import ErrorResponse


def error_responses() -> dict[int | str, dict[str, Any]]:
    """Return the error answers every API route documents (a fresh copy for each router)."""
    return {
        "4XX": {
            "model": ErrorResponse,
            "description": "Refused: the error's `type` says what to do, `code` names the problem "
            "and `param` the field (400 bad input, 401 no or unknown key, 402 insufficient "
            "funds, 403 role missing, 404 not found, 409 market state, 413 body too large, "
            "429 rate limited: see Retry-After).",
        },
        503: {
            "model": ErrorResponse,
            "description": "The exchange is overloaded or not running; retry later.",
        },
    }
