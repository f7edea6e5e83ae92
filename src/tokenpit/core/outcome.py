"""What applying a command returns: a result or a failure, and the events it caused."""

from __future__ import annotations

from typing import Any, Final

import msgspec

from tokenpit.core.events import AnyEvent

# Failure kinds: what the caller should do. The API maps each to one HTTP status.
INVALID: Final = "invalid"  # fix the input (400)
NOT_FOUND: Final = "not_found"  # no such thing for this account (404)
CONFLICT: Final = (
    "conflict"  # valid input the market state refuses, e.g. post-only would cross (409)
)
INSUFFICIENT_FUNDS: Final = "insufficient_funds"  # top up funds (402)
FORBIDDEN: Final = "forbidden"  # the account's roles do not allow it (403)
FAILURE_KINDS: Final = (INVALID, NOT_FOUND, CONFLICT, INSUFFICIENT_FUNDS, FORBIDDEN)


class Failure(msgspec.Struct, frozen=True, kw_only=True):
    """A refused command: nothing changed. `code` is stable; `message` names value and rule."""

    kind: str
    code: str
    message: str
    param: str | None = None


class Outcome(msgspec.Struct, kw_only=True):
    """The result of one sequenced command."""

    seq: int
    ts_ns: int
    result: dict[str, Any] | None = None  # the response body when the command succeeded
    failure: Failure | None = None
    events: list[AnyEvent] = msgspec.field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether the command succeeded."""
        return self.failure is None
