"""Errors the gateway answers, in the OpenAI API's shape."""

from __future__ import annotations

from typing import Any

import msgspec


class GatewayError(Exception):
    """A request the gateway answers with an error status and OpenAI's error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.param = param
        self.code = code

    def body(self) -> bytes:
        """Return the JSON error body."""
        return error_body(self.message, self.type, self.param, self.code)


def error_body(message: str, type_: str, param: str | None, code: str | None) -> bytes:
    """Return `{"error": {"message", "type", "param", "code"}}` as JSON bytes."""
    error: dict[str, Any] = {"message": message, "type": type_, "param": param, "code": code}
    return msgspec.json.encode({"error": error})


def bad_request(message: str, param: str | None, code: str = "invalid_value") -> GatewayError:
    """Return a 400 naming the field at fault."""
    return GatewayError(400, message, param=param, code=code)


class SellerError(Exception):
    """A seller failed a request: refused, timed out, answered an error or malformed data."""

    def __init__(self, reason: str, *, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
