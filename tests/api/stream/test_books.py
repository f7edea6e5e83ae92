"""Book updates are coalesced: one message per instrument per interval, the latest state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tokenpit.api.stream.books import BookThrottle


class FakeTimers:
    """An event loop's clock and timers, moved by hand."""

    def __init__(self) -> None:
        self.now_s = 100.0
        self.due: list[tuple[float, Callable[..., Any], tuple[Any, ...], FakeHandle]] = []

    def time(self) -> float:
        return self.now_s

    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any) -> FakeHandle:
        handle = FakeHandle()
        self.due.append((self.now_s + delay, callback, args, handle))
        return handle

    def advance(self, seconds: float) -> None:
        self.now_s += seconds
        ready = [entry for entry in self.due if entry[0] <= self.now_s]
        self.due = [entry for entry in self.due if entry[0] > self.now_s]
        for _, callback, args, handle in ready:
            if not handle.cancelled:
                callback(*args)


class FakeHandle:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


def test_the_first_change_is_sent_at_once_and_later_ones_coalesce() -> None:
    timers = FakeTimers()
    sent: list[str] = []
    throttle = BookThrottle(timers, 0.1, sent.append)

    throttle.changed("A")
    throttle.changed("A")
    throttle.changed("A")
    throttle.changed("B")
    assert sent == ["A", "B"]

    timers.advance(0.05)
    assert sent == ["A", "B"]
    timers.advance(0.05)
    assert sent == ["A", "B", "A"]


def test_a_change_after_a_quiet_interval_is_sent_at_once() -> None:
    timers = FakeTimers()
    sent: list[str] = []
    throttle = BookThrottle(timers, 0.1, sent.append)

    throttle.changed("A")
    timers.advance(0.5)
    throttle.changed("A")

    assert sent == ["A", "A"]


def test_forgetting_an_instrument_drops_its_pending_message() -> None:
    timers = FakeTimers()
    sent: list[str] = []
    throttle = BookThrottle(timers, 0.1, sent.append)
    throttle.changed("A")
    throttle.changed("A")

    throttle.forget("A")
    timers.advance(1)

    assert sent == ["A"]
