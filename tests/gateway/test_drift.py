"""Flagging sellers whose reported usage strays from the reference count."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenpit.gateway.drift import DriftTracker

ENDPOINT = 7


def record_many(
    tracker: DriftTracker,
    requests: int,
    reported: tuple[int | None, int | None],
    reference: tuple[int, int] = (100, 100),
    endpoint_id: int = ENDPOINT,
) -> None:
    for _ in range(requests):
        tracker.record(endpoint_id, *reported, *reference)


def test_an_honest_seller_is_not_flagged() -> None:
    tracker = DriftTracker()

    record_many(tracker, 50, (104, 97))

    assert tracker.drifting(ENDPOINT) is None


def test_inflated_input_usage_is_flagged_with_its_sums() -> None:
    tracker = DriftTracker()

    record_many(tracker, 20, (120, 100))

    report = tracker.drifting(ENDPOINT)
    assert report is not None
    assert report.reasons == (
        (
            "input usage reported 2400 tokens against a reference 2000 over 20 requests: "
            "off by more than 10%"
        ),
    )
    assert (report.input_ratio, report.output_ratio) == (1.2, 1.0)
    assert (report.requests, report.requests_without_usage) == (20, 0)


def test_under_reported_output_is_flagged_too() -> None:
    tracker = DriftTracker()

    record_many(tracker, 20, (100, 80))

    report = tracker.drifting(ENDPOINT)
    assert report is not None
    assert [reason.split()[0] for reason in report.reasons] == ["output"]


def test_too_few_requests_are_not_judged() -> None:
    tracker = DriftTracker()

    record_many(tracker, 19, (500, 500), reference=(1_000, 1_000))

    assert tracker.drifting(ENDPOINT) is None


def test_too_few_reference_tokens_are_not_judged() -> None:
    tracker = DriftTracker()

    # 20 requests of 99 reference tokens: 1,980, under the 2,000 needed.
    record_many(tracker, 20, (200, 200), reference=(99, 99))

    assert tracker.drifting(ENDPOINT) is None


def test_a_gap_of_exactly_the_tolerance_is_not_flagged() -> None:
    at_tolerance, over_tolerance = DriftTracker(), DriftTracker()

    record_many(at_tolerance, 20, (110, 90))
    record_many(over_tolerance, 19, (110, 90))
    over_tolerance.record(ENDPOINT, 111, 90, 100, 100)

    assert at_tolerance.drifting(ENDPOINT) is None
    assert over_tolerance.drifting(ENDPOINT) is not None


def test_missing_usage_is_a_separate_flag() -> None:
    within, over = DriftTracker(), DriftTracker()

    for tracker, missing in ((within, 2), (over, 3)):
        record_many(tracker, 20 - missing, (100, 100))
        record_many(tracker, missing, (None, None))

    report = over.drifting(ENDPOINT)
    assert within.drifting(ENDPOINT) is None
    assert report is not None
    assert report.reasons == ("usage missing from 3 of 20 requests: more than 10%",)


def test_one_missing_count_makes_a_request_without_usage() -> None:
    tracker = DriftTracker()

    record_many(tracker, 20, (100, None))

    report = tracker.report(ENDPOINT)
    assert report is not None
    assert (report.requests_without_usage, report.reported_in, report.reference_in) == (20, 0, 0)


def test_requests_without_usage_do_not_count_towards_the_ratio() -> None:
    tracker = DriftTracker()

    record_many(tracker, 25, (100, 100))
    record_many(tracker, 2, (None, None), reference=(5_000, 5_000))

    assert tracker.drifting(ENDPOINT) is None


def test_old_requests_leave_the_window() -> None:
    tracker = DriftTracker(window_requests=30)
    record_many(tracker, 30, (150, 150))
    assert tracker.drifting(ENDPOINT) is not None

    record_many(tracker, 30, (100, 100))

    assert tracker.drifting(ENDPOINT) is None


def test_endpoints_are_tracked_apart() -> None:
    tracker = DriftTracker()

    record_many(tracker, 20, (150, 150), endpoint_id=1)
    record_many(tracker, 20, (100, 100), endpoint_id=2)

    assert tracker.drifting(1) is not None
    assert tracker.drifting(2) is None
    assert tracker.report(3) is None


def test_the_least_recently_recorded_endpoint_is_forgotten_first() -> None:
    tracker = DriftTracker(endpoints_max=2)

    for endpoint_id in (1, 2, 1, 3):
        tracker.record(endpoint_id, 10, 10, 10, 10)

    assert [tracker.report(endpoint_id) is None for endpoint_id in (1, 2, 3)] == [
        False,
        True,
        False,
    ]


def test_a_forgotten_endpoint_starts_afresh() -> None:
    tracker = DriftTracker()
    record_many(tracker, 20, (150, 150))

    tracker.forget(ENDPOINT)

    assert tracker.report(ENDPOINT) is None


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="reference_out -1 must be >= 0"):
        DriftTracker().record(ENDPOINT, 1, 1, 1, -1)


@pytest.mark.parametrize(
    "settings",
    [
        {"window_requests": 10, "min_requests": 11},
        {"min_requests": 0},
        {"tolerance_pct": -1},
        {"min_reference_tokens": 0},
        {"endpoints_max": 0},
    ],
)
def test_impossible_settings_are_refused(settings: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must be"):
        DriftTracker(**settings)


counts = st.one_of(st.none(), st.integers(min_value=0, max_value=10_000))
samples = st.lists(
    st.tuples(counts, counts, st.integers(0, 10_000), st.integers(0, 10_000)), max_size=60
)


@given(samples, st.integers(min_value=1, max_value=25))
def test_window_sums_equal_the_sums_of_the_last_requests(
    recorded: list[tuple[int | None, int | None, int, int]], window_requests: int
) -> None:
    tracker = DriftTracker(window_requests=window_requests, min_requests=1)
    for sample in recorded:
        tracker.record(ENDPOINT, *sample)

    report = tracker.report(ENDPOINT)

    window = recorded[-window_requests:]
    if not window:
        assert report is None
        return
    assert report is not None
    with_usage = [s for s in window if s[0] is not None and s[1] is not None]
    assert report.requests == len(window)
    assert report.requests_without_usage == len(window) - len(with_usage)
    assert report.reported_in == sum(s[0] or 0 for s in with_usage)
    assert report.reported_out == sum(s[1] or 0 for s in with_usage)
    assert report.reference_in == sum(s[2] for s in with_usage)
    assert report.reference_out == sum(s[3] for s in with_usage)
