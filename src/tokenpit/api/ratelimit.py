"""Per-client token buckets: each API key (or client address) gets a burst, then a rate."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from tokenpit.api.errors import ApiError, error_response
from tokenpit.api.keys import account_for_key, bearer_key
from tokenpit.core.sequencer import Core


class _Bucket:
    __slots__ = ("tokens", "updated_s")

    def __init__(self, tokens: float, updated_s: float) -> None:
        self.tokens = tokens
        self.updated_s = updated_s


class RateLimiter:
    """Let each client make `burst` requests at once and `per_s` a second after that.

    Buckets of at most `clients_max` clients are kept; the least recently seen go first
    (a forgotten client starts again with a full bucket).
    """

    def __init__(
        self,
        per_s: float,
        burst: int,
        clients_max: int,
        clock_s: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_s = per_s
        self._burst = float(burst)
        self._clients_max = clients_max
        self._clock_s = clock_s
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, client: str) -> float:
        """Spend one of `client`'s tokens; return 0, or the seconds until one is available."""
        now_s = self._clock_s()
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = _Bucket(self._burst, now_s)
            self._buckets[client] = bucket
            if len(self._buckets) > self._clients_max:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(client)
            elapsed_s = max(0.0, now_s - bucket.updated_s)
            bucket.tokens = min(self._burst, bucket.tokens + elapsed_s * self._per_s)
            bucket.updated_s = now_s

        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self._per_s


def retry_after_s(wait_s: float) -> int:
    """Return a Retry-After value in whole seconds, at least 1."""
    return max(1, math.ceil(wait_s))


class RateLimitMiddleware:
    """Answer 429 with Retry-After to a client that has spent its tokens.

    The client is the account of a valid API key; without one, the client address, so
    that made-up keys share their sender's bucket.
    """

    def __init__(self, app: ASGIApp, limiter: RateLimiter, core: Core) -> None:
        self.app = app
        self._limiter = limiter
        self._core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the request through, or answer 429."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        client = self._client(scope)
        wait_s = self._limiter.take(client)
        if wait_s > 0:
            retry_s = retry_after_s(wait_s)
            error = ApiError(
                429,
                f"rate limit exceeded; retry in {retry_s} s",
                code="rate_limited",
                headers={"Retry-After": str(retry_s)},
            )
            await error_response(error)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _client(self, scope: Scope) -> str:
        key = bearer_key(Headers(scope=scope).get("authorization"))
        account = account_for_key(self._core, key) if key else None
        if account is not None:
            return f"account:{account.account_id}"
        address = scope.get("client")
        return f"address:{address[0] if address else 'unknown'}"
