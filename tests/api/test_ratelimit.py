"""Token buckets: a burst, then a steady rate, per client."""

from __future__ import annotations

from tokenpit.api.ratelimit import RateLimiter, retry_after_s


class FakeMonotonic:
    def __init__(self) -> None:
        self.now_s = 50.0

    def __call__(self) -> float:
        return self.now_s


def test_a_client_may_burst_then_waits_for_tokens() -> None:
    clock = FakeMonotonic()
    limiter = RateLimiter(per_s=2, burst=3, clients_max=10, clock_s=clock)

    waits = [limiter.take("a") for _ in range(4)]
    clock.now_s += 0.5
    after_refill = limiter.take("a")

    assert waits == [0.0, 0.0, 0.0, 0.5]
    assert after_refill == 0.0


def test_clients_have_buckets_of_their_own() -> None:
    limiter = RateLimiter(per_s=1, burst=1, clients_max=10, clock_s=FakeMonotonic())

    assert limiter.take("a") == 0.0
    assert limiter.take("a") > 0
    assert limiter.take("b") == 0.0


def test_the_least_recent_client_is_forgotten_beyond_the_limit() -> None:
    limiter = RateLimiter(per_s=1, burst=1, clients_max=2, clock_s=FakeMonotonic())
    limiter.take("a")
    limiter.take("b")

    limiter.take("c")  # forgets a

    assert limiter.take("a") == 0.0
    assert limiter.take("c") > 0


def test_retry_after_is_whole_seconds_at_least_one() -> None:
    assert retry_after_s(0.01) == 1
    assert retry_after_s(2.2) == 3
