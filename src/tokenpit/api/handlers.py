"""Turn FastAPI's and Starlette's exceptions into the API's one error shape.

Validation errors become 400s whose message names the field (a dotted path inside the
body, or the query or path parameter), the rule broken and the value sent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from tokenpit.api.errors import ApiError, error_response

_SOURCES = frozenset({"body", "query", "path", "header", "cookie"})
_VALUE_CHARS_MAX = 80
_ERRORS_SHOWN_MAX = 3
_CODE_BY_STATUS = {
    404: "unknown_route",
    405: "method_not_allowed",
    413: "body_too_large",
}


def install_error_handlers(app: FastAPI) -> None:
    """Make every HTTP and validation error answer in the API's error shape."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if isinstance(exc, ApiError):
        return error_response(exc)
    code = _CODE_BY_STATUS.get(exc.status_code, f"http_{exc.status_code}")
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404:
        message = f"no route {request.method} {request.url.path}; see /docs for the API"
    return error_response(ApiError(exc.status_code, message, code=code, headers=exc.headers))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(validation_error(exc.errors()))


def validation_error(errors: Sequence[Any]) -> ApiError:
    """Return the 400 answer for pydantic validation errors (FastAPI's `errors()` list)."""
    described = [_describe(error) for error in errors]
    if not described:
        return ApiError(400, "the request is not valid", code="invalid_request")
    message = "; ".join(text for text, _, _ in described[:_ERRORS_SHOWN_MAX])
    if len(described) > _ERRORS_SHOWN_MAX:
        message += f"; and {len(described) - _ERRORS_SHOWN_MAX} more"
    _, param, code = described[0]
    return ApiError(400, message, code=code, param=param)


def _describe(error: dict[str, Any]) -> tuple[str, str | None, str]:
    """Return one error's message, the dotted field it concerns, and its code."""
    loc = tuple(error.get("loc", ()))
    source = str(loc[0]) if loc and loc[0] in _SOURCES else None
    path = loc[1:] if source else loc
    param = ".".join(str(part) for part in path) or None
    where = param or source or "request"
    code = str(error.get("type", "invalid_value"))

    if code == "json_invalid":
        reason = error.get("ctx", {}).get("error", "not valid JSON")
        return f"body: not valid JSON at character {param}: {reason}", None, code
    if code == "missing":
        return f"{where}: field required", param, code
    if code == "extra_forbidden":
        return f"{where}: unknown field, not accepted here", param, code

    rule = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    rule = rule[:1].lower() + rule[1:]
    return f"{where}: {rule}, got {_show(error.get('input'))}", param, code


def _show(value: object) -> str:
    """Render a rejected value as JSON, shortened."""
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > _VALUE_CHARS_MAX:
        text = text[: _VALUE_CHARS_MAX - 1] + "…"
    return text
