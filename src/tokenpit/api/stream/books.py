"""Coalesce book updates: at most one message per instrument per interval, always the latest."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol


class Cancellable(Protocol):
    """A scheduled call that may be called off."""

    def cancel(self) -> None:
        """Call it off."""


class Timers(Protocol):
    """The clock and timer of an event loop (`asyncio.AbstractEventLoop` is one)."""

    def time(self) -> float:
        """Return the loop's monotonic time in seconds."""

    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any) -> Cancellable:
        """Call `callback(*args)` after `delay` seconds."""


class BookThrottle:
    """Call `send(instrument)` after a book changes, at most once per `interval_s` each.

    A change within the interval of the last message schedules one message for the end
    of that interval; further changes until then ride along with it, since `send` reads
    the book as it is when it runs.
    """

    def __init__(self, loop: Timers, interval_s: float, send: Callable[[str], None]) -> None:
        self._loop = loop
        self._interval_s = interval_s
        self._send = send
        self._sent_s: dict[str, float] = {}
        self._pending: dict[str, Cancellable] = {}

    def changed(self, instrument: str) -> None:
        """Note that `instrument`'s book changed."""
        if instrument in self._pending:
            return
        wait_s = self._sent_s.get(instrument, -math.inf) + self._interval_s - self._loop.time()
        if wait_s <= 0:
            self._flush(instrument)
        else:
            self._pending[instrument] = self._loop.call_later(wait_s, self._flush, instrument)

    def forget(self, instrument: str) -> None:
        """Drop a pending message of `instrument` (its channel was unsubscribed)."""
        handle = self._pending.pop(instrument, None)
        if handle is not None:
            handle.cancel()

    def close(self) -> None:
        """Drop every pending message."""
        for handle in self._pending.values():
            handle.cancel()
        self._pending.clear()

    def _flush(self, instrument: str) -> None:
        self._pending.pop(instrument, None)
        self._sent_s[instrument] = self._loop.time()
        self._send(instrument)
