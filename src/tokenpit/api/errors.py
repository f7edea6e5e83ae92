"""The API's one error shape, and the exceptions that carry an error to it.

Every error answers `{"error": {"message", "type", "param", "code"}}`: `type` says what
the caller should do (fix the request, authenticate, top up funds, retry later, report
our bug), `code` is a stable name for the exact problem, `param` the field at fault, and
`message` names the field, the value and the rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from tokenpit.core.outcome import (
    CONFLICT,
    FORBIDDEN,
    INSUFFICIENT_FUNDS,
    INVALID,
    NOT_FOUND,
    Failure,
)

INVALID_REQUEST: Final = "invalid_request_error"
AUTHENTICATION: Final = "authentication_error"
PERMISSION: Final = "permission_error"
FUNDS: Final = "insufficient_funds"
RATE_LIMIT: Final = "rate_limit_error"
UNAVAILABLE: Final = "service_unavailable"
INTERNAL: Final = "internal_error"

_TYPE_BY_STATUS: Final = {
    401: AUTHENTICATION,
    402: FUNDS,
    403: PERMISSION,
    429: RATE_LIMIT,
    500: INTERNAL,
    503: UNAVAILABLE,
}

# A refused command's kind says what the caller should do; each maps to one status.
STATUS_BY_KIND: Final = {
    INVALID: 400,
    NOT_FOUND: 404,
    CONFLICT: 409,
    INSUFFICIENT_FUNDS: 402,
    FORBIDDEN: 403,
}


def error_type(status_code: int) -> str:
    """Return the error `type` of an HTTP status: every other 4xx is the request's fault."""
    return _TYPE_BY_STATUS.get(status_code, INVALID_REQUEST)


class ApiError(HTTPException):
    """An error answer: its status, message, stable code, and the field at fault.

    It is a Starlette `HTTPException` so that FastAPI lets it through unchanged even
    from inside body reading (where the body size limit raises it).
    """

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        code: str,
        param: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status_code, detail=message, headers=headers)
        self.message = message
        self.code = code
        self.param = param


def failure_error(failure: Failure) -> ApiError:
    """Return the error answer for a command the exchange refused."""
    return ApiError(
        STATUS_BY_KIND.get(failure.kind, 400),
        failure.message,
        code=failure.code,
        param=failure.param,
    )


def error_body(
    message: str, *, error_type: str, code: str, param: str | None = None
) -> dict[str, dict[str, str | None]]:
    """Return the JSON body of an error."""
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


class ErrorResponse(JSONResponse):
    """A JSON response in ASCII: a message may quote any text a client sent."""

    def render(self, content: Any) -> bytes:
        """Return `content` as compact ASCII JSON."""
        return json.dumps(content, separators=(",", ":")).encode("ascii")


def error_response(error: ApiError) -> ErrorResponse:
    """Return the HTTP response of an error answer."""
    body = error_body(
        error.message, error_type=error_type(error.status_code), code=error.code, param=error.param
    )
    return ErrorResponse(body, status_code=error.status_code, headers=error.headers)
