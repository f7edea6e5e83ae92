"""Refuse request bodies over a size limit with 413, declared or streamed."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tokenpit.api.errors import ApiError, error_response


class BodyTooLargeError(ApiError):
    """The request body exceeds the limit (raised while the body is read)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            413,
            f"the request body exceeds the limit of {max_bytes:,} bytes",
            code="body_too_large",
        )


class BodyLimitMiddleware:
    """Answer 413 to a body over `max_bytes`: at once when Content-Length says so,
    otherwise as soon as the bytes read pass the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with its body counted, or answer 413."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            await error_response(BodyTooLargeError(self._max_bytes))(scope, receive, send)
            return

        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self._max_bytes:
                    raise BodyTooLargeError(self._max_bytes)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLargeError as error:
            # FastAPI answers this itself; only a route that read the body its own way
            # lets it through to here.
            if started:
                raise
            await error_response(error)(scope, receive, send)
